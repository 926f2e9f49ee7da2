/**
 * The connection lifecycle of one ioglide client: status, ioredis's events in
 * ioredis's order, the GLIDE clients underneath, and the reconnect loop.
 *
 * GLIDE has no event API and reconnects on its own, so the state is observed:
 * - a request failing with a connection error means the connection dropped;
 * - a heartbeat (heartbeat.ts) notices a server that went away while idle
 *   and a connection GLIDE re-established behind our back;
 * - each reconnect attempt is a TCP connect (Node's own ECONNREFUSED, at once)
 *   then a request through GLIDE, paced by ioredis's `retryStrategy`.
 * Calls wait in the lanes while the connection is not ready (ioredis's
 * offline queue), interrupted ones are sent again, and `maxRetriesPerRequest`
 * flushes them as ioredis does.
 */
import { Batch, GlideHandle } from "../glide";
import { ClusterAllFailedError, connectFailure, CONNECTION_CLOSED_ERROR_MSG, MaxRetriesPerRequestError, NO_STARTUP_NODES_MSG, ReplyError, redact, serverErrorText, SimpleError } from "../errors";
import type { RedisOptions } from "../options";
import type { ShapeEnv } from "../commands/reply-values";
import { formatDoubleG17 } from "../commands/reply-values";
import { OrderedLane, LaneHost } from "../executor/ordered-lane";
import { BlockingLane, BlockingLaneHost } from "../executor/blocking-lane";
import { Topology } from "./topology";
import { Heartbeat } from "./heartbeat";
import { SecondaryClient } from "./secondary-client";
import { parseInfo, ServerInfo } from "./server-info";

export type Status = "wait" | "connecting" | "connect" | "ready" | "close" | "reconnecting" | "end";

/** The client as the connection sees it: where status lives and events go. */
export interface ConnectionOwner {
  status: string;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}


const noop = (): void => undefined;

/**
 * GLIDE keeps a closed subscriber's connection (and its subscriptions) for
 * about 3 s; leaving the channels first makes the close immediate, as a
 * quit is with ioredis.
 */
async function closeSubscriber(client: GlideHandle): Promise<void> {
  const sub = client as GlideHandle & {
    unsubscribe(c: null, t: number): Promise<void>;
    punsubscribe(p: null, t: number): Promise<void>;
    sunsubscribe?(c: null, t: number): Promise<void>;
  };
  const leave = Promise.all([sub.unsubscribe(null, 1000), sub.punsubscribe(null, 1000), sub.sunsubscribe?.(null, 1000)]);
  await Promise.race([leave.catch(noop), new Promise((r) => setTimeout(r, 1000).unref())]);
  client.close();
}

export class Connection implements LaneHost, BlockingLaneHost {
  readonly ordered: OrderedLane;
  readonly blocking: BlockingLane;
  readonly env: ShapeEnv;
  serverInfo: ServerInfo | null = null;
  /** the database selected now (SELECT changes it; new connections use it) */
  db: number;

  private main: GlideHandle | null = null;
  private readonly blockingGlide: SecondaryClient;
  private readonly subscriberGlide: SecondaryClient;
  private readonly heartbeat: Heartbeat;
  /** settles when a closed subscriber connection has really left its channels */
  private closingSubscriber: Promise<void> = Promise.resolve();
  /** set by the client: where subscriber messages go, and how a new subscriber gets the subscriptions */
  pubsub: { deliver(msg: unknown): void; restore(client: GlideHandle): Promise<void> } | undefined;
  /** bumped whenever GLIDE clients are closed; async steps of an older generation stop */
  private generation = 0;
  private retryAttempts = 0;
  private manuallyClosing = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private binarySeen = false;

  constructor(
    private readonly owner: ConnectionOwner,
    private readonly options: RedisOptions,
    private readonly topology: Topology,
    /** told when a new server connection is about to be used (scripts it held are gone) */
    private readonly onNewConnection: () => void = () => undefined,
  ) {
    this.db = options.db;
    this.env = { stringNumbers: !!options.stringNumbers, formatDouble: formatDoubleG17 };
    this.ordered = new OrderedLane(this);
    this.blocking = new BlockingLane(this, this.ordered);
    this.blockingGlide = new SecondaryClient(
      () => topology.createBlocking(),
      async (client) => {
        if (this.db && topology.supportsSelect) await client.customCommand(["SELECT", String(this.db)]).catch(noop);
      },
    );
    this.subscriberGlide = new SecondaryClient(
      () => topology.createSubscriber((msg) => this.pubsub!.deliver(msg)),
      async (client) => {
        await this.pubsub!.restore(client);
        if (!topology.tracksIdentity) return;
        const id = await client.customCommand(["CLIENT", "ID"]).catch(() => undefined);
        if (id !== undefined) this.heartbeat.subscriberId = String(id);
      },
    );
    this.heartbeat = new Heartbeat({
      main: () => (this.owner.status === "ready" ? this.main : null),
      subscriber: () => this.subscriberGlide.peek(),
      tracksIdentity: topology.tracksIdentity,
      probe: () => topology.probe(options.connectTimeout),
      lost: () => {
        if (this.owner.status === "ready") this.onClose();
      },
    });
  }

  // ---- LaneHost ---------------------------------------------------------

  get commandTimeout(): number | undefined {
    return typeof this.options.commandTimeout === "number" ? this.options.commandTimeout : undefined;
  }

  get resendOnReconnect(): boolean {
    return this.options.autoResendUnfulfilledCommands !== false;
  }

  get maxRedirections(): number {
    return this.topology.kind === "cluster" ? Number(this.options.maxRedirections ?? 16) : 0;
  }

  redirectDelay(error: Error): number | undefined {
    return this.topology.redirectDelay(error);
  }

  glideClient(): GlideHandle | null {
    return this.main;
  }

  newBatch(atomic: boolean): Batch {
    return this.topology.newBatch(atomic);
  }

  get isCluster(): boolean {
    return this.topology.kind === "cluster";
  }

  canSend(): boolean {
    return this.owner.status === "ready" && this.main !== null;
  }

  /** Bytes that are not UTF-8 went out or came back: decode every reply as Buffers from now on. */
  sawBinaryReply(): void {
    this.binarySeen = true;
  }

  get binary(): boolean {
    return this.binarySeen;
  }

  connectionLost(error: Error): void {
    if (this.owner.status !== "ready") return;
    // A cluster node failing is not the cluster lost (ioredis stays ready):
    // GLIDE reconnects to it or learns its promoted replica. Only when no
    // startup or known node accepts a connection does the cluster close.
    if (this.topology.kind === "cluster") this.heartbeat.confirmUnreachable(error);
    else this.onClose();
  }

  blockingClient(): Promise<GlideHandle> {
    const generation = this.generation;
    return this.blockingGlide.get(() => generation === this.generation);
  }

  /** The subscriber GLIDE client, opened on first use and restored to the current subscriptions. */
  subscriberClient(): Promise<GlideHandle> {
    const generation = this.generation;
    return this.subscriberGlide.get(() => generation === this.generation);
  }

  // ---- status and events --------------------------------------------------

  private setStatus(status: Status, arg?: unknown): void {
    this.owner.status = status;
    process.nextTick(() => this.owner.emit(status, arg));
  }

  /** ioredis's silentEmit: errors without listeners are printed, never thrown. */
  emitError(error: Error): void {
    if (this.owner.status === "end") return;
    if (this.owner.listenerCount("error") > 0) this.owner.emit("error", error);
    else console.error("[ioglide] Unhandled error event:", redact(error.stack ?? String(error), this.options.password));
  }

  // ---- connect ------------------------------------------------------------

  /** lazyConnect: status 'wait' (and its event) until connect() or the first command. */
  waitForConnect(): void {
    this.setStatus("wait");
  }

  connect(): Promise<void> {
    const status = this.owner.status;
    if (status === "connecting" || status === "connect" || status === "ready") {
      return Promise.reject(new Error("Redis is already connecting/connected"));
    }
    return new Promise((resolve, reject) => {
      const owner = this.owner as unknown as {
        once(e: string, f: () => void): void;
        removeListener(e: string, f: () => void): void;
      };
      const onReady = () => {
        owner.removeListener("close", onClose);
        resolve();
      };
      const onClose = () => {
        owner.removeListener("ready", onReady);
        reject(new Error(this.isCluster ? NO_STARTUP_NODES_MSG : CONNECTION_CLOSED_ERROR_MSG));
      };
      owner.once("ready", onReady);
      owner.once("close", onClose);
      this.attempt();
    });
  }

  private async attempt(): Promise<void> {
    const generation = this.generation;
    const stale = () => generation !== this.generation;
    this.setStatus("connecting");
    try {
      await this.topology.probe(this.options.connectTimeout);
      if (stale()) return;
      if (this.main) {
        await this.verify(this.main, this.options.connectTimeout);
      } else {
        const client = await this.topology.createMain();
        if (stale()) return client.close();
        this.main = client;
      }
    } catch (err) {
      if (stale()) return;
      const error = connectFailure(err, this.options.password, this.isCluster);
      // ioredis's recoverFromFatalError: a refused AUTH fails the queued calls with the server's error.
      const nodeError = error instanceof ClusterAllFailedError ? error.lastNodeError : error;
      if (nodeError instanceof ReplyError) this.flush(nodeError);
      this.emitError(error);
      return this.onClose();
    }
    if (stale()) return;
    this.setStatus("connect");
    try {
      await this.handshake(generation);
    } catch (err) {
      if (stale()) return;
      this.emitError(new Error("Ready check failed: " + (err as Error).message));
      return this.onClose();
    }
    if (stale() || this.owner.status !== "connect") return;
    this.onNewConnection();
    this.setStatus("ready");
    this.retryAttempts = 0;
    this.heartbeat.start();
    this.ordered.kick();
    this.blocking.kick();
  }

  /** One request through GLIDE with a deadline: proves the connection works (and learns its id). */
  private async verify(client: GlideHandle, timeoutMs: number): Promise<void> {
    const batch = this.topology.newBatch(false);
    batch.customCommand(this.topology.tracksIdentity ? ["CLIENT", "ID"] : ["PING"]);
    const [id] = (await client.exec(batch, false, { timeout: timeoutMs })) ?? [];
    if (!(id instanceof Error) && this.topology.tracksIdentity) this.heartbeat.mainId = id;
  }

  /** After connect: SELECT, ready check (INFO, waiting while the server loads), READONLY. */
  private async handshake(generation: number): Promise<void> {
    const client = this.main!;
    if (this.db && this.topology.supportsSelect) {
      // As ioredis: a refused SELECT is an 'error' event, and the client carries on in db 0.
      try {
        await client.customCommand(["SELECT", String(this.db)]);
      } catch (err) {
        this.emitError(new SimpleError(serverErrorText((err as Error).message)));
      }
    }
    for (;;) {
      let info: ServerInfo;
      try {
        info = parseInfo(String(await client.customCommand(this.options.enableReadyCheck ? ["INFO"] : ["INFO", "SERVER"], this.topology.infoRoute)));
      } catch (err) {
        if (/NOPERM/.test((err as Error).message)) break;
        throw err;
      }
      this.serverInfo = info;
      this.env.formatDouble = info.formatDouble;
      if (!this.options.enableReadyCheck || !info.loading) break;
      const max = Number(this.options.maxLoadingRetryTime) || 10000;
      await new Promise((r) => setTimeout(r, Math.min(max, info.loadingEtaMs)));
      if (generation !== this.generation) return;
    }
    try {
      await this.verify(client, this.options.connectTimeout);
    } catch {
      /* CLIENT may be denied by ACL: the heartbeat then only measures time */
    }
    if (this.options.readOnly) await client.customCommand(["READONLY"]).catch(noop);
  }

  // ---- loss and reconnect -------------------------------------------------

  /** ioredis's close handler: 'close', then 'reconnecting' per retryStrategy, or 'end'. */
  private onClose(): void {
    this.heartbeat.stop();
    this.setStatus("close");
    if (this.manuallyClosing) {
      this.manuallyClosing = false;
      return this.end();
    }
    const strategy = this.options.retryStrategy;
    if (typeof strategy !== "function") return this.end();
    const delay = strategy(++this.retryAttempts);
    // ioredis's Cluster gives up with its own message for what it queued.
    if (typeof delay !== "number") return this.end(this.isCluster ? NO_STARTUP_NODES_MSG : CONNECTION_CLOSED_ERROR_MSG);
    this.setStatus("reconnecting", delay);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch(noop);
    }, delay);
    // A Cluster's offline queue waits until it is ready or ends (ioredis applies
    // maxRetriesPerRequest per node connection, never to the cluster's queue).
    const max = this.isCluster ? null : this.options.maxRetriesPerRequest;
    if (typeof max === "number" && max >= 0 && this.retryAttempts % (max + 1) === 0) {
      this.flush(new MaxRetriesPerRequestError(max));
    }
  }

  private end(message = CONNECTION_CLOSED_ERROR_MSG): void {
    this.setStatus("end");
    this.flush(new Error(message));
    this.closeGlide(false);
  }

  private flush(error: Error): void {
    this.ordered.rejectAll(error);
    this.blocking.rejectAll(error);
  }

  private closeGlide(requeue: boolean): void {
    this.generation++;
    this.heartbeat.stop();
    if (requeue) {
      this.ordered.requeueInFlight();
      this.blocking.requeueCurrent();
    }
    const main = this.main;
    const blocking = this.blockingGlide.take();
    const subscriber = this.subscriberGlide.take();
    this.main = null;
    this.heartbeat.forget();
    main?.close();
    blocking?.then((c) => c.close(), noop);
    if (subscriber) this.closingSubscriber = subscriber.then(closeSubscriber, noop);
  }

  // ---- closing ------------------------------------------------------------

  /** ioredis's disconnect(reconnect). */
  disconnect(reconnect = false): void {
    if (!reconnect) this.manuallyClosing = true;
    if (this.reconnectTimer && !reconnect) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    const status = this.owner.status;
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
    this.closeGlide(reconnect);
    this.onClose();
  }

  /** ioredis's quit: answered calls first, then the connection closes ('close', 'end'). */
  async quit(): Promise<"OK"> {
    const status = this.owner.status;
    if (status === "end") throw new Error(CONNECTION_CLOSED_ERROR_MSG);
    if (status !== "ready" && this.ordered.queued === 0) {
      this.disconnect();
      return "OK";
    }
    this.manuallyClosing = true;
    const drained = this.ordered.drained(this.ordered.lastSubmitted);
    if (drained) await drained;
    if (this.owner.status !== "end") {
      this.manuallyClosing = true;
      this.closeGlide(false);
      this.onClose();
    }
    await this.closingSubscriber;
    return "OK";
  }

  /** SELECT changed the database: the blocking connection must follow. */
  selected(db: number): void {
    if (db === this.db) return;
    this.db = db;
    const blocking = this.blockingGlide.peek();
    if (blocking && this.blocking.idle) {
      this.blockingGlide.take();
      blocking.then((c) => c.close(), noop);
    } else if (blocking) {
      blocking.then((c) => c.customCommand(["SELECT", String(db)]), noop).catch(noop);
    }
  }
}
