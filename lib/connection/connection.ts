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
import {
  ClusterAllFailedError,
  connectFailure,
  CONNECTION_CLOSED_ERROR_MSG,
  MaxRetriesPerRequestError,
  NO_STARTUP_NODES_MSG,
  OFFLINE_QUEUE_OFF_MSG,
  ReplyError,
  redact,
  serverErrorText,
  SimpleError,
} from "../errors";
import type { ResolvedOptions } from "../options";
import type { ShapeEnv } from "../commands/reply-values";
import { formatDoubleG17 } from "../commands/reply-values";
import { OrderedLane, LaneHost } from "../executor/ordered-lane";
import { BlockingLane, BlockingLaneHost } from "../executor/blocking-lane";
import { Topology } from "./topology";
import { Heartbeat } from "./heartbeat";
import { SecondaryClient } from "./secondary-client";
import { parseInfo, ServerInfo } from "./server-info";
import { watchServer } from "./liveness";
import { realClearTimeout, realNextTick, realSetTimeout, sleepUnref } from "../timers";

export type Status = "wait" | "connecting" | "connect" | "ready" | "close" | "reconnecting" | "end";

/** The client as the connection sees it: where status lives and events go. */
export interface ConnectionOwner {
  status: string;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
}

const noop = (): void => undefined;

/**
 * Closing GLIDE clients while the server is there. GLIDE keeps a closed
 * client's connection for about 3 s, and reconnects it if the server drops
 * it meanwhile (QUIT or CLIENT KILL only make a fresh connection, measured),
 * whereas ioredis's socket is gone at once. What the server would otherwise
 * keep seeing is undone before closing: a blocked command ends (its
 * connection is killed from the main one: a blocked connection reads nothing
 * else), the subscriber leaves its channels, and the main connection drops
 * its name; what lingers is idle and nameless. Each step is bounded by
 * `deadlineMs` (disconnectTimeout).
 */
async function retireLive(
  parts: {
    main: GlideHandle | null;
    blocking: GlideHandle | null;
    blockedId: string | undefined;
    subscriber: GlideHandle | null;
  },
  deadlineMs: number,
): Promise<void> {
  const { main, blocking, blockedId, subscriber } = parts;
  const bounded = (p: Promise<unknown>) => Promise.race([p.catch(noop), sleepUnref(deadlineMs)]);
  const steps: Promise<unknown>[] = [];
  blocking?.close();
  if (main && blocking && blockedId) steps.push(bounded(main.customCommand(["CLIENT", "KILL", "ID", blockedId])));
  if (subscriber) steps.push(bounded(leaveChannels(subscriber)).then(() => subscriber.close()));
  // The name may come from the options or from a CLIENT SETNAME the application sent: clear it either way.
  if (main) steps.push(bounded(main.customCommand(["CLIENT", "SETNAME", ""])));
  await Promise.all(steps);
  main?.close();
}

/**
 * A subscriber closed while its connection is down: GLIDE would resubscribe
 * the channels it still wants if it reconnects during its linger, so it is
 * told to want none (local to GLIDE, no server round trip) before closing.
 */
function forgetChannels(client: GlideHandle): Promise<void> {
  const sub = client as GlideHandle & {
    unsubscribeLazy(c: null): Promise<void>;
    punsubscribeLazy(p: null): Promise<void>;
    sunsubscribeLazy?(c: null): Promise<void>;
  };
  const forget = Promise.all([
    sub.unsubscribeLazy(null),
    sub.punsubscribeLazy(null),
    sub.sunsubscribeLazy?.(null),
  ]).catch(noop);
  return Promise.race([forget, sleepUnref(200)]).then(() => client.close());
}

function leaveChannels(client: GlideHandle): Promise<unknown> {
  const sub = client as GlideHandle & {
    unsubscribe(c: null, t: number): Promise<void>;
    punsubscribe(p: null, t: number): Promise<void>;
    sunsubscribe?(c: null, t: number): Promise<void>;
  };
  return Promise.all([sub.unsubscribe(null, 1000), sub.punsubscribe(null, 1000), sub.sunsubscribe?.(null, 1000)]);
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
  /** CLIENT ID of the blocking connection (standalone), to end a blocked call when the client closes */
  private blockingId: string | undefined;
  /** a graceful close (disconnect/quit of a ready client) in progress */
  private closing: Promise<void> | null = null;
  /** stops watching the server for closed connections (liveness.ts) */
  private unwatch: (() => void) | null = null;
  /** set by the client: where subscriber messages go, and how a new subscriber gets the subscriptions */
  pubsub: { deliver(msg: unknown): void; restore(client: GlideHandle): Promise<void> } | undefined;
  /** bumped whenever GLIDE clients are closed; async steps of an older generation stop */
  private generation = 0;
  private retryAttempts = 0;
  private manuallyClosing = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private binarySeen = false;
  /** bumped when the subscriber client is closed: its late messages are not delivered */
  private subscriberEpoch = 0;
  /** the current attempt got past its first tick (ioredis's socket exists from then on) */
  private socketOpened = false;

  constructor(
    private readonly owner: ConnectionOwner,
    private readonly options: ResolvedOptions,
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
        if (topology.tracksIdentity)
          this.blockingId = String(await client.customCommand(["CLIENT", "ID"]).catch(() => ""));
      },
    );
    this.subscriberGlide = new SecondaryClient(
      () => {
        // A closed subscriber's messages are no longer this client's events.
        const epoch = this.subscriberEpoch;
        return topology.createSubscriber((msg) => {
          if (epoch === this.subscriberEpoch) this.pubsub!.deliver(msg);
        });
      },
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
      lost: () => this.lost(),
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

  /** A graceful close sends nothing new on the blocking connection (it is being killed). */
  canBlock(): boolean {
    return this.closing === null && this.canSend();
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
    else this.lost();
  }

  /** ioredis's `stream.destroy()`: the connection is lost now (socket-view.ts). */
  drop(): void {
    this.lost();
  }

  /**
   * The connection is gone (the server closed it, or GLIDE replaced it):
   * ioredis's close handler. A standalone client drops its GLIDE clients so
   * each reconnect attempt makes fresh ones, paced by retryStrategy rather
   * than by GLIDE's own backoff; what was in flight is sent again.
   */
  private lost(): void {
    if (this.owner.status !== "ready") return;
    // The subscriber stays: GLIDE resubscribes it by itself when the server is back. (A closed
    // GLIDE subscriber that reconnects during its linger resubscribes anyway: measured, a second
    // one would be counted twice by PUBLISH.)
    if (this.topology.standalone) this.closeGlide(true, false, true);
    this.onClose();
  }

  blockingClient(): Promise<GlideHandle> {
    const generation = this.generation;
    return this.blockingGlide.get(() => generation === this.generation);
  }

  /**
   * The subscriber GLIDE client, opened on first use and restored to the
   * current subscriptions. (Un)subscribing follows the offline rules of any
   * command: it waits for the connection, and a closed client refuses it.
   */
  subscriberClient(): Promise<GlideHandle> {
    const status = this.owner.status;
    if (status === "end" || this.closing) return Promise.reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
    if (status !== "ready" && status !== "connect") {
      if (this.options.enableOfflineQueue === false) return Promise.reject(new Error(OFFLINE_QUEUE_OFF_MSG));
      if (status === "wait") this.connect().catch(noop);
      return this.whenReady().then(() => this.subscriberClient());
    }
    const generation = this.generation;
    return this.subscriberGlide.get(() => generation === this.generation);
  }

  /** Resolves on the next 'ready', rejects on 'end'. */
  private whenReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const owner = this.owner as unknown as {
        once(e: string, f: () => void): void;
        removeListener(e: string, f: () => void): void;
      };
      const onReady = () => (owner.removeListener("end", onEnd), resolve());
      const onEnd = () => (owner.removeListener("ready", onReady), reject(new Error(CONNECTION_CLOSED_ERROR_MSG)));
      owner.once("ready", onReady);
      owner.once("end", onEnd);
    });
  }

  // ---- status and events --------------------------------------------------

  private setStatus(status: Status, arg?: unknown): void {
    this.owner.status = status;
    realNextTick(() => this.owner.emit(status, arg));
  }

  /** ioredis's silentEmit: errors without listeners are printed, never thrown. */
  emitError(error: Error): void {
    if (this.owner.status === "end") return;
    // As ioredis: connection errors while closing on purpose are not news.
    const syscall = (error as NodeJS.ErrnoException).syscall;
    if (
      this.manuallyClosing &&
      (error.message === CONNECTION_CLOSED_ERROR_MSG || syscall === "connect" || syscall === "read")
    )
      return;
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
    // ioredis opens its socket on the next tick: a disconnect() before then ends without 'close'.
    this.socketOpened = false;
    realNextTick(() => {
      if (!stale()) this.socketOpened = true;
    });
    try {
      await this.topology.probe(this.options.connectTimeout);
      if (stale()) return;
      if (this.main && !this.topology.standalone) {
        await this.verify(this.main, this.options.connectTimeout);
      } else {
        const old = this.main;
        this.main = null;
        old?.close();
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
      // An error listener may have closed the client (disconnect, quit): then it stays closed.
      if (stale()) return;
      return this.onClose();
    }
    if (stale()) return;
    this.setStatus("connect");
    // `maxRetriesPerRequest: null` marks a blocking connection (Bull's bclient, BullMQ's workers and
    // QueueEvents require it): its blocking connection opens alongside, before 'ready', so the first
    // BZPOPMIN or XREAD BLOCK reaches the server as fast as on ioredis's single connection (an XREAD
    // from "$" that lands late misses the events written meanwhile).
    const blockingReady = this.options.maxRetriesPerRequest === null ? this.blockingClient().catch(noop) : undefined;
    try {
      await this.handshake(generation);
    } catch (err) {
      if (stale()) return;
      this.emitError(new Error("Ready check failed: " + (err as Error).message));
      if (stale()) return;
      return this.onClose();
    }
    if (blockingReady) await blockingReady;
    if (stale() || this.owner.status !== "connect") return;
    this.onNewConnection();
    this.setStatus("ready");
    this.retryAttempts = 0;
    this.heartbeat.start();
    this.watchServer();
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
    // The connection's id is learned alongside the ready check (one round trip for both).
    const verified = this.verify(client, this.options.connectTimeout).catch(noop); // CLIENT may be denied by ACL: the heartbeat then only measures time
    for (;;) {
      let info: ServerInfo;
      try {
        info = parseInfo(
          String(
            await client.customCommand(
              this.options.enableReadyCheck ? ["INFO"] : ["INFO", "SERVER"],
              this.topology.infoRoute,
            ),
          ),
        );
      } catch (err) {
        if (/NOPERM/.test((err as Error).message)) break;
        throw err;
      }
      this.serverInfo = info;
      this.env.formatDouble = info.formatDouble;
      if (!this.options.enableReadyCheck || !info.loading) break;
      const max = Number(this.options.maxLoadingRetryTime) || 10000;
      await new Promise((r) => realSetTimeout(r, Math.min(max, info.loadingEtaMs)));
      if (generation !== this.generation) return;
    }
    await verified;
    if (this.options.readOnly) await client.customCommand(["READONLY"]).catch(noop);
  }

  // ---- loss and reconnect -------------------------------------------------

  /** ioredis's close handler: 'close', then 'reconnecting' per retryStrategy, or 'end'. */
  private onClose(): void {
    this.heartbeat.stop();
    this.unwatchServer();
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
    this.reconnectTimer = realSetTimeout(() => {
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
    this.closeGlide(false, false);
  }

  private flush(error: Error): void {
    this.ordered.rejectAll(error);
    this.blocking.rejectAll(error);
  }

  /**
   * Close the GLIDE clients (bumping the generation, so whatever they report
   * later is ignored). `requeue`: their calls in flight are sent again on
   * the next connection. `quit`: they leave with QUIT (retire()), for a
   * server that is still there.
   */
  private closeGlide(requeue: boolean, live: boolean, keepSubscriber = false): Promise<void> {
    this.generation++;
    this.heartbeat.stop();
    this.unwatchServer();
    const blockedId = this.blocking.idle ? undefined : this.blockingId;
    if (requeue) {
      this.ordered.requeueInFlight();
      this.blocking.requeueCurrent();
    }
    const main = this.main;
    const blocking = this.blockingGlide.take();
    const subscriber = keepSubscriber ? null : this.subscriberGlide.take();
    if (subscriber) this.subscriberEpoch++;
    this.main = null;
    this.heartbeat.forget();
    const settled = (c: Promise<GlideHandle> | null) => (c ? c.catch(() => null) : Promise.resolve(null));
    if (!live) {
      main?.close();
      void settled(blocking).then((c) => c?.close());
      void settled(subscriber).then((c) => c && forgetChannels(c));
      return Promise.resolve();
    }
    const deadline = Number(this.options.disconnectTimeout ?? 2000);
    return Promise.all([settled(blocking), settled(subscriber)]).then(([b, s]) =>
      retireLive({ main, blocking: b, blockedId, subscriber: s }, deadline),
    );
  }

  /** Watch the server for closed connections while ready (liveness.ts). */
  private watchServer(): void {
    const target = this.topology.standalone;
    if (!target) return;
    this.unwatchServer();
    const generation = this.generation;
    this.unwatch = watchServer(target, () => {
      this.unwatch = null;
      if (generation !== this.generation || this.owner.status !== "ready") return;
      this.heartbeat.checkNow().then((alive) => {
        // Still fine (the watch itself was closed, say by the server's idle timeout): watch again, at most once a second.
        if (alive)
          realSetTimeout(
            () =>
              generation === this.generation && this.owner.status === "ready" && !this.unwatch && this.watchServer(),
            1000,
          ).unref();
      });
    });
  }

  private unwatchServer(): void {
    this.unwatch?.();
    this.unwatch = null;
  }

  // ---- closing ------------------------------------------------------------

  /** ioredis's disconnect(reconnect). */
  disconnect(reconnect = false): void {
    if (!reconnect) this.manuallyClosing = true;
    if (this.reconnectTimer && !reconnect) {
      realClearTimeout(this.reconnectTimer);
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
    if (status === "ready") {
      this.closeGracefully(reconnect);
      return;
    }
    // connecting / connect: the attempt is abandoned.
    this.closeGlide(reconnect, false);
    // Before a socket exists ioredis's connect fails ("Connection is closed.") and it ends without 'close'.
    if (status === "connecting" && !reconnect && !this.socketOpened) {
      this.manuallyClosing = false;
      return this.end();
    }
    this.onClose();
  }

  /**
   * ioredis ends its socket and lets the server answer what was already
   * written, then the socket closes: calls made before disconnect()/quit()
   * get their replies, calls made after wait and are flushed when the client
   * ends (or sent after a reconnect), a blocked call ends with the
   * connection ("Connection is closed."). Status stays until then, as in
   * ioredis; disconnectTimeout bounds the wait.
   */
  private closeGracefully(reconnect: boolean): Promise<void> {
    if (this.closing) return this.closing;
    const generation = this.generation;
    const main = this.main;
    const upTo = this.ordered.lastSubmitted;
    this.ordered.holdAfter(upTo);
    const blockedId = this.blocking.idle ? undefined : this.blockingId;
    if (reconnect) this.blocking.requeueCurrent();
    else this.blocking.rejectAll(new Error(CONNECTION_CLOSED_ERROR_MSG));
    // The server ends a blocked command only when its connection goes: close it from the main one.
    if (blockedId && main) {
      this.blockingGlide.take()?.then((c) => c.close(), noop);
      main.customCommand(["CLIENT", "KILL", "ID", blockedId]).catch(noop);
    }
    const deadline = Number(this.options.disconnectTimeout ?? 2000);
    const closing = (async () => {
      const drained = this.ordered.drained(upTo);
      if (drained) await Promise.race([drained, sleepUnref(deadline)]);
      if (generation !== this.generation) return; // lost meanwhile: already closed
      await this.closeGlide(reconnect, true);
      this.onClose();
    })();
    this.closing = closing;
    closing.finally(() => {
      if (this.closing === closing) this.closing = null;
      this.ordered.holdAfter(Infinity);
    });
    return closing;
  }

  /** True while a graceful close lets calls already sent finish (new ones wait). */
  get isClosing(): boolean {
    return this.closing !== null;
  }

  /** ioredis's quit: answered calls first, then the connection closes ('close', 'end'). */
  async quit(): Promise<"OK"> {
    const status = this.owner.status;
    if (status === "end") throw new Error(CONNECTION_CLOSED_ERROR_MSG);
    // Already closing (a disconnect() before): ioredis answers at once, its stream is no longer writable.
    if (this.closing) {
      this.manuallyClosing = true;
      return "OK";
    }
    this.manuallyClosing = true;
    if (status !== "ready") {
      if (this.ordered.queued === 0) {
        // ioredis connects first (a lazy client too), then ends before any socket: 'end' only.
        if (status === "wait" || (status === "connecting" && !this.socketOpened)) {
          this.manuallyClosing = false;
          this.end();
        } else this.disconnect();
        return "OK";
      }
      // Queued calls go first, once connected.
      const ready = await this.whenReady().then(
        () => true,
        () => false,
      );
      if (!ready) return "OK";
    }
    await this.closeGracefully(false);
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
