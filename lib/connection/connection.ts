/**
 * The connection of one ioglide client: the GLIDE clients underneath (main,
 * blocking, subscriber), the status in ioredis's order, and the reconnect
 * loop (each attempt: attempt.ts, paced by ioredis's `retryStrategy`). It
 * reports to one listener (ConnectionEvents, events.ts) and knows nothing of
 * the calls above it. GLIDE has no event API and reconnects on its own, so
 * a loss is observed: a request failing with a connection error (the
 * executor reports it), the server closing our connections (liveness.ts),
 * the heartbeat (heartbeat.ts) finding the server gone quiet or a connection
 * GLIDE re-established behind our back.
 */
import { Batch, GlideHandle } from "../glide";
import { CONNECTION_CLOSED_ERROR_MSG } from "../errors";
import type { ConnectionEvents, Status } from "./events";
import type { ResolvedOptions } from "../options";
import { shapeEnv, ShapeEnv } from "../commands/reply-values";
import { UnblockEntry } from "./unblock-targets";
import { Topology } from "./topology";
import { Heartbeat } from "./heartbeat";
import { GlideClients } from "./glide-clients";
import { ServerInfo } from "./server-info";
import { ServerWatch } from "./liveness";
import { afterClose, ReconnectTimer } from "./retry-policy";
import { StatusWaiters } from "./status-waiters";
import { FailoverFollower } from "./failover-follower";
import type { CloseHow } from "./glide-clients";
import { DroppedCalls } from "./dropped-calls";
import { ConnectAttempts } from "./attempt";
import { subscriptionsBack } from "./resubscribed";

export type { ConnectionEvents, Status } from "./events";

const noop = (): void => undefined;

/** Sentinel: how long an attempt that found the master moving waits for the sentinels' news before the next. */
const MASTER_MOVED_RETRY_MS = 250;
/** Sentinel: how long attempts may find the master moving before they count as failed ones. */
const MASTER_MOVED_PATIENCE_MS = 15000;

export class Connection {
  status: Status = "wait";
  readonly env: ShapeEnv;
  serverInfo: ServerInfo | null = null;
  /** bytes that are not UTF-8 went out or came back: every reply is decoded as Buffers from then on */
  binary = false;
  /** the database selected now (SELECT changes it; new connections use it) */
  db: number;

  private readonly glide: GlideClients;
  private readonly heartbeat: Heartbeat;
  /** the server's closing of connections, watched while ready (liveness.ts) */
  private readonly watch: ServerWatch;
  /** reconnect attempts since the last ready (ioredis's retryAttempts) */
  retryAttempts = 0;
  private manuallyClosing = false;
  private readonly reconnectTimer = new ReconnectTimer();
  /** calls still out on the client the last drop left (dropped-calls.ts) */
  private readonly droppedCalls: DroppedCalls;
  /** CLIENT UNBLOCK of this client's main connection id reaches its blocking connection (unblock-targets.ts) */
  private readonly unblockEntry: UnblockEntry;
  /** connect attempts (attempt.ts) */
  private readonly attempts: ConnectAttempts;
  /** connect() promises and whenReady() waiters */
  private readonly waiters: StatusWaiters;
  /** Sentinel: failovers of the master, followed while the client lives */
  private readonly failovers: FailoverFollower;
  /** Sentinel: when attempts began to find the master moving (reset at 'ready') */
  private movingSince: number | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly topology: Topology,
    private readonly events: ConnectionEvents,
  ) {
    this.db = options.db;
    this.waiters = new StatusWaiters(topology.kind === "cluster");
    this.droppedCalls = new DroppedCalls(() => this.events.abandonDropped());
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.failovers = new FailoverFollower(topology.failovers, {
      get ready() {
        return self.status === "ready";
      },
      get server() {
        return self.serverAddress;
      },
      relocate: () => this.relocated(),
      resume: () => this.events.ready(),
    });
    this.env = shapeEnv(options);
    this.glide = new GlideClients(options, topology, {
      get db() {
        return self.db;
      },
      message: (msg) => this.events.message(msg),
      subscriberOpened: async (client, id) => {
        await this.events.subscriberOpened(client);
        const known = await id;
        if (known !== undefined) this.heartbeat.subscriberId = known;
      },
    });
    this.watch = new ServerWatch(topology.standalone, () =>
      this.status === "ready" ? this.heartbeat.checkNow() : Promise.resolve(false),
    );
    this.heartbeat = new Heartbeat({
      main: () => (this.status === "ready" ? this.glide.main : null),
      subscriber: () => this.glide.peekSubscriber(),
      tracksIdentity: topology.tracksIdentity,
      probe: () => topology.probe(options.connectTimeout, noop),
      lost: () => this.lost(),
    });
    this.unblockEntry = new UnblockEntry(
      () => this.addressKey() || undefined,
      () => this.glide.blockingConnectionId,
    );
    this.attempts = new ConnectAttempts({
      options,
      topology,
      glide: this.glide,
      get db() {
        return self.db;
      },
      get stillConnecting() {
        return self.status === "connect";
      },
      setStatus: (status) => this.setStatus(status),
      error: (e) => this.emitError(e),
      sentinelError: (e) => this.events.sentinelError(e),
      refused: (e) => this.events.flush(e),
      opened: (mainId) => (this.heartbeat.mainId = mainId),
      learned: (info, mainId) => {
        if (info) {
          this.serverInfo = info;
          this.env.formatDouble = info.formatDouble;
        }
        this.heartbeat.mainId = mainId;
        this.unblockEntry.register(mainId);
      },
      blockingClient: () => this.blockingClient(),
      beforeReady: (main) => this.events.beforeReady(main),
      settled: () => this.waiters.wait("ready-or-close"),
    });
  }

  // ---- what the executor sends through ----

  glideClient(): GlideHandle | null {
    return this.glide.main;
  }

  /** The blocking GLIDE client, opened on first use; `blockingIfOpen`: it if already open, else null. */
  blockingClient(): Promise<GlideHandle> {
    return this.glide.blockingClient();
  }

  get blockingIfOpen(): GlideHandle | null {
    return this.glide.blockingIfOpen;
  }

  /** The subscriber GLIDE client, opened on first use and restored to the client's subscriptions. */
  subscriberClient(): Promise<GlideHandle> {
    return this.glide.subscriberClient();
  }

  /** Before 'ready': the subscriber holds `expected` again (resubscribed.ts; standalone only). */
  subscriberResubscribed(client: GlideHandle, expected: { channels: number; patterns: number }): Promise<void> {
    const withinMs = Number(this.options.connectTimeout ?? 10000);
    return this.topology.tracksIdentity ? subscriptionsBack(client, expected, withinMs) : Promise.resolve();
  }

  /** CLIENT ID of the blocking connection (whether a call is blocked on it, the executor says). */
  get blockingConnectionId(): string | undefined {
    return this.glide.blockingConnectionId;
  }

  newBatch(atomic: boolean): Batch {
    return this.topology.newBatch(atomic);
  }

  /** The server a standalone client talks to (with Sentinel, the master found last); undefined on a cluster. */
  get serverAddress(): { host: string; port: number } | undefined {
    const server = this.topology.standalone;
    return server ? { host: server.host, port: server.port } : undefined;
  }

  canSend(): boolean {
    return this.status === "ready" && this.glide.main !== null && !this.failovers.held;
  }

  /**
   * Sentinel: the master moved. Like a lost connection, but the subscriber
   * moves too (a lost standalone connection keeps it: GLIDE brings it back
   * to the same server), resubscribed on the new master once ready.
   */
  private relocated(): void {
    const blockingUntil = this.events.relocating();
    this.closeGlide({ live: false, blockedId: undefined, keepSubscriber: false, blockingUntil });
    this.onClose();
  }

  get isCluster(): boolean {
    return this.topology.kind === "cluster";
  }

  /** ms before resending a call a cluster node redirected or refused; undefined: not such an error */
  redirectDelay(error: Error): number | undefined {
    return this.topology.redirectDelay(error);
  }

  get maxRedirections(): number {
    return this.topology.kind === "cluster" ? Number(this.options.maxRedirections ?? 16) : 0;
  }

  /** Bytes that are not UTF-8 went out or came back: decode every reply as Buffers from now on. */
  sawBinaryReply(): void {
    this.binary = true;
  }

  /** A request failed with a connection error. */
  connectionLost(error: Error): void {
    if (this.status !== "ready") return;
    // A cluster node failing is not the cluster lost (ioredis stays ready):
    // GLIDE reconnects to it or learns its promoted replica. Only when no
    // startup or known node accepts a connection does the cluster close.
    if (this.topology.kind === "cluster") this.heartbeat.confirmUnreachable(error);
    else this.lost();
  }

  /**
   * ioredis's socketTimeout fired (requests out, nothing back for that long):
   * the connection counts as broken, as ioredis destroys its socket: 'error',
   * then the reconnect.
   */
  socketTimedOut(error: Error): void {
    if (this.status !== "ready") return;
    this.emitError(error);
    this.lost();
  }

  /** The connection a CLIENT UNBLOCK of `id` should reach (this client's blocking one for its main id). */
  unblockTarget(id: string): string {
    return this.unblockEntry.target(id);
  }

  /** ioredis's `stream.destroy()`: the connection is lost now (socket-view.ts). */
  drop(): void {
    this.lost();
  }

  /** SELECT changed the database: the blocking connection follows. `blockingIdle`: nothing blocked on it. */
  selected(db: number, blockingIdle: boolean): void {
    if (db === this.db) return;
    this.db = db;
    this.glide.select(db, blockingIdle);
  }

  /** Resolves on the next 'ready' (at once when ready), rejects when the client ends. */
  whenReady(): Promise<void> {
    if (this.status === "ready") return Promise.resolve();
    return this.waiters.wait("ready-or-end");
  }

  // ---- status ----

  private setStatus(status: Status, arg?: unknown, cause?: Error): void {
    this.status = status;
    this.events.status(status, arg);
    this.waiters.statusChanged(status, cause);
  }

  /** ioredis's silentEmit: connection errors while closing on purpose are not news. */
  private emitError(error: Error): void {
    if (this.status === "end") return;
    const syscall = (error as NodeJS.ErrnoException).syscall;
    const closing = error.message === CONNECTION_CLOSED_ERROR_MSG || syscall === "connect" || syscall === "read";
    if (this.manuallyClosing && closing) return;
    this.events.error(error);
  }

  // ---- connect ----

  /** lazyConnect: status 'wait' (and its event) until connect() or the first command. */
  waitForConnect(): void {
    this.setStatus("wait");
  }

  connect(): Promise<void> {
    const status = this.status;
    if (status === "connecting" || status === "connect" || status === "ready") {
      return Promise.reject(new Error("Redis is already connecting/connected"));
    }
    const connected = this.waiters.wait("ready-or-close");
    void this.attempt();
    return connected;
  }

  private async attempt(): Promise<void> {
    this.failovers.start();
    const end = await this.attempts.run();
    switch (end.kind) {
      case "superseded":
        return;
      case "failed":
        return this.onClose();
      case "moved": {
        // What the attempt opened goes (the subscriber too: it is on the old master). Not a failed
        // attempt (retryStrategy is not asked): again on the sentinels' next news, or in a while;
        // but a master moving for longer than MASTER_MOVED_PATIENCE_MS counts as failed attempts
        // (retryStrategy and maxRetriesPerRequest apply), so that no call waits for ever.
        void this.closeGlide({ live: false, blockedId: undefined, keepSubscriber: false });
        const now = Date.now();
        this.movingSince ??= now;
        const patient = now - this.movingSince < MASTER_MOVED_PATIENCE_MS;
        return this.onClose(patient ? this.topology.masterCheck?.retryWhen(MASTER_MOVED_RETRY_MS) : undefined);
      }
      case "gave-up":
        // As ioredis's connector failing: the client ends with it.
        this.emitError(end.error);
        return this.end(undefined, end.error);
      case "ready":
        this.movingSince = undefined;
        this.droppedCalls.connected(this.addressKey());
        this.events.opened();
        this.setStatus("ready");
        this.retryAttempts = 0;
        this.heartbeat.start();
        this.failovers.ready();
        this.watch.arm();
        this.events.ready();
    }
  }

  // ---- loss and reconnect ----

  /**
   * The connection is gone (the server closed it, or GLIDE replaced it):
   * ioredis's close handler. A standalone client drops its GLIDE clients so
   * each reconnect attempt makes fresh ones, paced by retryStrategy rather
   * than by GLIDE's own backoff; what was in flight is sent again.
   */
  private lost(): void {
    if (this.status !== "ready") return;
    // The subscriber stays: GLIDE resubscribes it when the server is back (a closed one that
    // reconnects during its linger resubscribes anyway: a second one is counted twice by PUBLISH).
    if (this.topology.standalone) {
      // The main client stays open until what it holds has settled (OrderedLane.settleInFlight).
      const settled = this.events.dropped();
      this.droppedCalls.left(this.addressKey(), settled);
      const blockingUntil = this.events.releaseBlocked();
      this.closeGlide({ live: false, blockedId: undefined, keepSubscriber: true, mainUntil: settled, blockingUntil });
    }
    this.onClose();
  }

  /** The server a standalone connection goes to, as a key ("host:port"). */
  private addressKey(): string {
    const server = this.topology.standalone;
    return server ? `${server.host}:${server.port}` : "";
  }

  /**
   * ioredis's close handler: 'close', then 'reconnecting' per retryStrategy,
   * or 'end'. `moved`: Sentinel: the attempt found the master moving; the
   * next one goes when this settles (at most MASTER_MOVED_RETRY_MS), not
   * counted as a retry.
   */
  private onClose(moved?: Promise<void>): void {
    // Ended stays ended: a late close (a graceful close still retiring) must not reconnect.
    if (this.status === "end") return;
    this.reconnectTimer.cancel();
    this.heartbeat.stop();
    this.watch.disarm();
    this.setStatus("close");
    if (this.manuallyClosing) {
      this.manuallyClosing = false;
      return this.end();
    }
    if (moved) {
      this.setStatus("reconnecting", MASTER_MOVED_RETRY_MS);
      this.reconnectTimer.schedule(MASTER_MOVED_RETRY_MS, () => this.connect().catch(noop), moved);
      return;
    }
    const next = afterClose(this.options, ++this.retryAttempts, this.isCluster);
    if (next.end !== undefined) return this.end(next.end);
    this.setStatus("reconnecting", next.delay);
    this.reconnectTimer.schedule(next.delay, () => this.connect().catch(noop));
    if (next.flush) this.events.flush(next.flush, true);
  }

  private end(message = CONNECTION_CLOSED_ERROR_MSG, cause?: Error): void {
    this.reconnectTimer.cancel();
    this.unblockEntry.unregister();
    this.failovers.stop();
    this.setStatus("end", undefined, cause);
    this.events.flush(cause ?? new Error(message), true);
    this.closeGlide({ live: false, blockedId: undefined, keepSubscriber: false });
  }

  /**
   * Close the GLIDE clients (bumping the generation, so whatever they report
   * later is ignored). `live`: the server is there, so what it would keep
   * seeing is undone first (retire.ts); `blockedId`: a call is blocked on
   * that connection.
   */
  private closeGlide(how: CloseHow): Promise<void> {
    this.heartbeat.stop();
    this.watch.disarm();
    this.heartbeat.forget();
    return this.glide.close(how);
  }

  // ---- closing ----

  /**
   * ioredis's disconnect(reconnect) for a client that is not ready (a ready
   * one closes gracefully: the executor lets its calls finish, then retire()).
   */
  disconnect(reconnect = false): void {
    if (!reconnect) this.manuallyClosing = true;
    if (!reconnect) this.reconnectTimer.cancel();
    const status = this.status;
    if (status === "end") {
      this.manuallyClosing = false;
      return;
    }
    if (status === "wait") return this.onClose();
    if (status === "close" || status === "reconnecting") {
      if (reconnect) return;
      this.manuallyClosing = false;
      return this.end();
    }
    if (status === "ready") {
      void this.retire(reconnect, undefined);
      return;
    }
    // connecting / connect: the attempt is abandoned.
    if (reconnect) this.events.interrupted();
    this.closeGlide({ live: false, blockedId: undefined, keepSubscriber: false });
    // Before a socket exists ioredis's connect fails ("Connection is closed.") and it ends without 'close'.
    if (status === "connecting" && !reconnect && !this.attempts.socketOpened) {
      this.manuallyClosing = false;
      return this.end();
    }
    this.onClose();
  }

  /** quit() of a client that never connected, or before its socket: it ends ('end' only, as ioredis). */
  endBeforeConnecting(): void {
    this.manuallyClosing = false;
    this.end();
  }

  /** The attempt in progress has not opened its socket yet (ioredis would end it without 'close'). */
  get beforeSocket(): boolean {
    return this.status === "wait" || (this.status === "connecting" && !this.attempts.socketOpened);
  }

  /** Mark the close as the user's: the next close ends the client instead of reconnecting. */
  closingOnPurpose(): void {
    this.manuallyClosing = true;
  }

  /**
   * The end of a graceful close (the executor drained what was sent): the
   * GLIDE clients leave as retire.ts describes, then 'close' and 'end' (or
   * 'reconnecting').
   */
  async retire(reconnect: boolean, blockedId: string | undefined): Promise<void> {
    if (!reconnect) this.manuallyClosing = true;
    if (reconnect) this.events.interrupted();
    await this.closeGlide({ live: true, blockedId, keepSubscriber: false });
    this.onClose();
  }
}
