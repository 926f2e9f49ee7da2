/**
 * One connect attempt, in ioredis's order: 'connecting'; the server (or the
 * sentinels, or a cluster's seeds) probed with Node's own TCP connect; the
 * main GLIDE client opened (a blocking connection's blocking client beside
 * it); 'connect'; the ready check (handshake.ts); what the client learns
 * before 'ready' (a cluster's nodes). The connection owns the status and
 * what follows: the attempt says how it ended.
 */
import type { GlideHandle } from "../glide";
import { ClusterAllFailedError, connectFailure, ReplyError } from "../errors";
import type { ResolvedOptions } from "../options";
import { traceConnect } from "../tracing";
import { realNextTick } from "../timers";
import type { GlideClients } from "./glide-clients";
import { handshake } from "./handshake";
import type { ServerInfo } from "./server-info";
import type { Topology } from "./topology";

/**
 * - superseded: a close or a newer attempt took over; nothing more to do
 * - failed: the error was emitted; the connection closes (and may reconnect)
 * - gave-up: the sentinels gave up (sentinelRetryStrategy); the client ends with `error`
 * - moved: Sentinel: the master moved while the attempt connected to it; the connection closes (no
 *   error, as ioredis's role check) and connects again
 * - ready: the connection may become ready
 */
export type AttemptEnd = { kind: "superseded" | "failed" | "moved" | "ready" } | { kind: "gave-up"; error: Error };

/** What an attempt reads and reports; the status and the events stay the connection's. */
export interface AttemptHost {
  readonly options: ResolvedOptions;
  readonly topology: Topology;
  readonly glide: GlideClients;
  /** the database new connections select */
  readonly db: number;
  /** 'connecting' and 'connect' */
  setStatus(status: "connecting" | "connect"): void;
  /** still 'connect' (an error listener or a disconnect() may have moved on meanwhile) */
  readonly stillConnecting: boolean;
  /** an error for the 'error' event (silenced while closing on purpose) */
  error(error: Error): void;
  sentinelError(error: Error): void;
  /** the server refused the credentials: the calls waiting fail with its error */
  refused(error: ReplyError): void;
  /** the main connection's INFO and CLIENT ID, once the ready check passed */
  learned(info: ServerInfo | null, mainId: unknown): void;
  /** the main connection's CLIENT ID, as soon as it is open (the heartbeat's) */
  opened(mainId: unknown): void;
  /** the blocking GLIDE client, opened on first use */
  blockingClient(): Promise<GlideHandle>;
  /** what to learn through the new connection before 'ready' (ConnectionEvents.beforeReady) */
  beforeReady(main: GlideHandle): Promise<void>;
  /** settles as connect() does: when the client is ready or the attempt fails (for its trace) */
  settled(): Promise<void>;
}

const noop = (): void => undefined;

export class ConnectAttempts {
  /** connection attempts so far (ioredis's connectionEpoch, in its connect traces) */
  private epoch = 0;
  /** the current attempt got past its first tick (ioredis's socket exists from then on) */
  socketOpened = false;

  constructor(private readonly host: AttemptHost) {}

  async run(): Promise<AttemptEnd> {
    const { host } = this;
    const { glide, options, topology } = host;
    const generation = glide.generation;
    const stale = () => generation !== glide.generation;
    this.trace();
    host.setStatus("connecting");
    // ioredis opens its socket on the next tick: a disconnect() before then ends without 'close'.
    this.socketOpened = false;
    realNextTick(() => {
      if (!stale()) this.socketOpened = true;
    });
    // `maxRetriesPerRequest: null` marks a blocking connection (Bull's bclient, BullMQ's workers and
    // QueueEvents require it): its blocking client opens with the main one and is ready before 'ready',
    // so the first BZPOPMIN or XREAD BLOCK reaches the server as fast as on ioredis's single connection
    // (an XREAD from "$" that lands late misses the events written meanwhile). (GLIDE's connect waits
    // for the probe: a GLIDE client being created holds the process until it gives up.)
    let blockingReady: Promise<unknown> | undefined;
    try {
      await topology.probe(options.connectTimeout, (e, kind) =>
        kind === "sentinelError" ? host.sentinelError(e) : host.error(e),
      );
      if (stale()) return SUPERSEDED;
      if (options.maxRetriesPerRequest === null) blockingReady = host.blockingClient().catch(noop);
      host.opened(await glide.openMain(stale));
    } catch (err) {
      if (stale()) return SUPERSEDED;
      if ((err as { endsClient?: boolean }).endsClient) return { kind: "gave-up", error: err as Error };
      const error = connectFailure(err, options.password, topology.kind === "cluster");
      // ioredis's recoverFromFatalError: a refused AUTH fails the queued calls with the server's error.
      const nodeError = error instanceof ClusterAllFailedError ? error.lastNodeError : error;
      if (nodeError instanceof ReplyError) host.refused(nodeError);
      host.error(error);
      // An error listener may have closed the client (disconnect, quit): then it stays closed.
      return stale() ? SUPERSEDED : FAILED;
    }
    if (stale()) return SUPERSEDED;
    host.setStatus("connect");
    try {
      const context = { options, topology, db: host.db, error: (e: Error) => host.error(e), current: () => !stale() };
      const { info, id } = await handshake(glide.main!, context);
      host.learned(info, id);
    } catch (err) {
      if (stale()) return SUPERSEDED;
      host.error(new Error("Ready check failed: " + (err as Error).message));
      return stale() ? SUPERSEDED : FAILED;
    }
    // Sentinel: the master found before connecting may have stalled (or died), been failed over and
    // come back as a master the sentinels are about to demote while GLIDE waited on it.
    const master = topology.masterCheck;
    if (master && !(await master.confirmed())) return stale() ? SUPERSEDED : MOVED;
    if (blockingReady) await blockingReady;
    if (stale() || !host.stillConnecting) return SUPERSEDED;
    await host.beforeReady(glide.main!).catch(noop);
    if (stale() || !host.stillConnecting) return SUPERSEDED;
    if (master && !master.unchanged()) return MOVED;
    return READY;
  }

  /** ioredis's `ioredis:connect` trace of this attempt: settled as connect() is ("Connection is closed." on failure). */
  private trace(): void {
    const epoch = this.epoch++;
    traceConnect(
      () => this.host.settled(),
      () => ({ ...this.host.topology.traceTarget, connectionEpoch: epoch }),
    );
  }
}

const SUPERSEDED: AttemptEnd = { kind: "superseded" };
const FAILED: AttemptEnd = { kind: "failed" };
const MOVED: AttemptEnd = { kind: "moved" };
const READY: AttemptEnd = { kind: "ready" };
