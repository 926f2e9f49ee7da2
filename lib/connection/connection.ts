/**
 * The connection lifecycle of one ioglide client: status, ioredis's events in
 * ioredis's order, the GLIDE clients underneath, and the reconnect loop.
 *
 * GLIDE has no event API and reconnects on its own, so the state is observed:
 * - a request failing with a connection error means the connection dropped;
 * - a heartbeat (CLIENT ID, once a second) notices a server that went away
 *   while idle (a slow heartbeat plus a refused TCP connect) and a connection
 *   GLIDE re-established behind our back (the id changed);
 * - each reconnect attempt is a TCP connect (Node's own ECONNREFUSED, at once)
 *   then a request through GLIDE, paced by ioredis's `retryStrategy`.
 * Calls wait in the lanes while the connection is not ready (ioredis's
 * offline queue), interrupted ones are sent again, and `maxRetriesPerRequest`
 * flushes them as ioredis does.
 */
import { Batch, ConnectionError, GlideHandle } from "../glide";
import { CONNECTION_CLOSED_ERROR_MSG, MaxRetriesPerRequestError, ReplyError, redact, serverErrorText } from "../errors";
import type { RedisOptions } from "../options";
import type { ShapeEnv } from "../commands/reply-values";
import { formatDoubleG17 } from "../commands/reply-values";
import { OrderedLane, LaneHost } from "../executor/ordered-lane";
import { BlockingLane, BlockingLaneHost } from "../executor/blocking-lane";
import { Topology } from "./topology";
import { parseInfo, ServerInfo } from "./server-info";

export type Status = "wait" | "connecting" | "connect" | "ready" | "close" | "reconnecting" | "end";

/** The client as the connection sees it: where status lives and events go. */
export interface ConnectionOwner {
  status: string;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}

const HEARTBEAT_MS = 1000;
/** a heartbeat this late makes us check whether the server still accepts connections */
const HEARTBEAT_SUSPECT_MS = 1000;

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
  private blockingGlide: Promise<GlideHandle> | null = null;
  private subscriberGlide: Promise<GlideHandle> | null = null;
  private subscriberId: unknown = undefined;
  /** settles when a closed subscriber connection has really left its channels */
  private closingSubscriber: Promise<void> = Promise.resolve();
  /** set by the client: where subscriber messages go, and how a new subscriber gets the subscriptions */
  pubsub: { deliver(msg: unknown): void; restore(client: GlideHandle): Promise<void> } | undefined;
  /** bumped whenever GLIDE clients are closed; async steps of an older generation stop */
  private generation = 0;
  private retryAttempts = 0;
  private manuallyClosing = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private heartbeatSentAt = 0;
  private heartbeatChecking = false;
  private clientId: unknown = undefined;
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
    if (this.topology.kind !== "cluster") return undefined;
    const kind = /^(?:An error was signalled by the server: - )?(MOVED|ASK|Moved|Ask|TRYAGAIN|TryAgain|CLUSTERDOWN|ClusterDown)\b/.exec(error.message)?.[1];
    if (!kind) return undefined;
    const o = this.options as Record<string, unknown>;
    if (/^(MOVED|Moved|ASK|Ask)$/.test(kind)) return Number(o.retryDelayOnMoved ?? 0);
    if (/^(TRYAGAIN|TryAgain)$/.test(kind)) return Number(o.retryDelayOnTryAgain ?? 100);
    return Number(o.retryDelayOnClusterDown ?? 100);
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

  connectionLost(_error: Error): void {
    if (this.owner.status !== "ready") return;
    this.onClose();
  }

  blockingClient(): Promise<GlideHandle> {
    if (!this.blockingGlide) {
      const generation = this.generation;
      const db = this.db;
      const created = this.topology
        .createBlocking()
        .then(async (client) => {
          if (db && this.topology.supportsSelect) await client.customCommand(["SELECT", String(db)]).catch(noop);
          return client;
        })
        .catch((err: Error) => {
          if (this.blockingGlide === created) this.blockingGlide = null;
          throw new ConnectionError(err.message);
        });
      this.blockingGlide = created;
      created.then((client) => {
        if (generation !== this.generation) client.close();
      }, noop);
    }
    return this.blockingGlide;
  }

  /** The subscriber GLIDE client, opened on first use and restored to the current subscriptions. */
  subscriberClient(): Promise<GlideHandle> {
    if (!this.subscriberGlide) {
      const generation = this.generation;
      const hooks = this.pubsub!;
      const created = this.topology
        .createSubscriber((msg) => hooks.deliver(msg))
        .then(async (client) => {
          await hooks.restore(client);
          if (this.topology.tracksIdentity) {
            const id = await client.customCommand(["CLIENT", "ID"]).catch(() => undefined);
            if (id !== undefined) this.subscriberId = String(id);
          }
          return client;
        })
        .catch((err: Error) => {
          if (this.subscriberGlide === created) this.subscriberGlide = null;
          throw new ConnectionError(err.message);
        });
      this.subscriberGlide = created;
      created.then((client) => {
        if (generation !== this.generation) client.close();
      }, noop);
    }
    return this.subscriberGlide;
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
        reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
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
      const error = this.connectError(err);
      // ioredis's recoverFromFatalError: a refused AUTH fails the queued calls with the server's error.
      if (error instanceof ReplyError) this.flush(error);
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
    this.startHeartbeat();
    this.ordered.kick();
    this.blocking.kick();
  }

  /** Turn a failed connect into what ioredis reports (Node errors pass through). */
  private connectError(err: unknown): Error {
    if (!(err instanceof Error)) return new Error(String(err));
    if ((err as NodeJS.ErrnoException).syscall) return err;
    const message = err.message;
    const server = /(WRONGPASS|NOAUTH|NOPERM)[: ]\s*([^'"\n)]*)/.exec(message);
    if (server) return new ReplyError(`${server[1]} ${server[2].trim()}`);
    // Over RESP2 GLIDE reports a refused AUTH only as "AuthenticationFailed".
    if (/AuthenticationFailed/.test(message)) return new ReplyError("WRONGPASS invalid username-password pair or user is disabled.");
    return new Error(redact(serverErrorText(message), this.options.password));
  }

  /** One request through GLIDE with a deadline: proves the connection works (and learns its id). */
  private async verify(client: GlideHandle, timeoutMs: number): Promise<void> {
    const batch = this.topology.newBatch(false);
    batch.customCommand(this.topology.tracksIdentity ? ["CLIENT", "ID"] : ["PING"]);
    const [id] = (await client.exec(batch, false, { timeout: timeoutMs })) ?? [];
    if (!(id instanceof Error) && this.topology.tracksIdentity) this.clientId = id;
  }

  /** After connect: SELECT, ready check (INFO, waiting while the server loads), READONLY. */
  private async handshake(generation: number): Promise<void> {
    const client = this.main!;
    if (this.db && this.topology.supportsSelect) {
      // As ioredis: a refused SELECT is an 'error' event, and the client carries on in db 0.
      try {
        await client.customCommand(["SELECT", String(this.db)]);
      } catch (err) {
        this.emitError(new ReplyError(serverErrorText((err as Error).message)));
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
    this.stopHeartbeat();
    this.setStatus("close");
    if (this.manuallyClosing) {
      this.manuallyClosing = false;
      return this.end();
    }
    const strategy = this.options.retryStrategy;
    if (typeof strategy !== "function") return this.end();
    const delay = strategy(++this.retryAttempts);
    if (typeof delay !== "number") return this.end();
    this.setStatus("reconnecting", delay);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch(noop);
    }, delay);
    const max = this.options.maxRetriesPerRequest;
    if (typeof max === "number" && max >= 0 && this.retryAttempts % (max + 1) === 0) {
      this.flush(new MaxRetriesPerRequestError(max));
    }
  }

  private end(): void {
    this.setStatus("end");
    this.flush(new Error(CONNECTION_CLOSED_ERROR_MSG));
    this.closeGlide(false);
  }

  private flush(error: Error): void {
    this.ordered.rejectAll(error);
    this.blocking.rejectAll(error);
  }

  private closeGlide(requeue: boolean): void {
    this.generation++;
    this.stopHeartbeat();
    if (requeue) {
      this.ordered.requeueInFlight();
      this.blocking.requeueCurrent();
    }
    const main = this.main;
    const blocking = this.blockingGlide;
    const subscriber = this.subscriberGlide;
    this.main = null;
    this.blockingGlide = null;
    this.subscriberGlide = null;
    this.clientId = undefined;
    this.subscriberId = undefined;
    main?.close();
    blocking?.then((c) => c.close(), noop);
    if (subscriber) this.closingSubscriber = subscriber.then(closeSubscriber, noop);
  }

  // ---- heartbeat ----------------------------------------------------------

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.heartbeatSentAt = 0;
  }

  private heartbeat(): void {
    const client = this.main;
    if (!client || this.owner.status !== "ready") return;
    if (this.heartbeatSentAt) {
      // The previous one is still out: is the server gone, or just busy?
      if (!this.heartbeatChecking && Date.now() - this.heartbeatSentAt > HEARTBEAT_SUSPECT_MS) {
        this.heartbeatChecking = true;
        const generation = this.generation;
        this.topology.probe(this.options.connectTimeout).then(
          () => (this.heartbeatChecking = false),
          () => {
            this.heartbeatChecking = false;
            if (generation === this.generation) this.connectionLost(new Error("server unreachable"));
          },
        );
      }
      return;
    }
    const generation = this.generation;
    this.checkSubscriber(generation);
    const sentAt = (this.heartbeatSentAt = Date.now());
    client.customCommand(this.topology.tracksIdentity ? ["CLIENT", "ID"] : ["PING"]).then(
      (id) => {
        if (generation !== this.generation || this.heartbeatSentAt !== sentAt) return;
        this.heartbeatSentAt = 0;
        // A different id: GLIDE reconnected on its own; report it the way ioredis would have.
        if (!this.topology.tracksIdentity) return;
        if (this.clientId !== undefined && id !== this.clientId) this.connectionLost(new Error("reconnected"));
        else this.clientId = id;
      },
      (err: Error) => {
        if (generation !== this.generation || this.heartbeatSentAt !== sentAt) return;
        this.heartbeatSentAt = 0;
        if (err instanceof ConnectionError) this.connectionLost(err);
      },
    );
  }

  /** The subscriber connection is its own: a new id there means it was re-established. */
  private checkSubscriber(generation: number): void {
    const subscriber = this.subscriberGlide;
    if (!subscriber || !this.topology.tracksIdentity) return;
    subscriber
      .then((c) => c.customCommand(["CLIENT", "ID"]))
      .then((reply) => {
        if (generation !== this.generation) return;
        const id = Buffer.isBuffer(reply) ? reply.toString() : String(reply);
        if (this.subscriberId !== undefined && id !== this.subscriberId) {
          this.subscriberId = id;
          this.connectionLost(new Error("subscriber reconnected"));
        } else this.subscriberId = id;
      })
      .catch(noop);
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
    const blocking = this.blockingGlide;
    if (blocking && this.blocking.idle) {
      this.blockingGlide = null;
      blocking.then((c) => c.close(), noop);
    } else if (blocking) {
      blocking.then((c) => c.customCommand(["SELECT", String(db)]), noop).catch(noop);
    }
  }
}
