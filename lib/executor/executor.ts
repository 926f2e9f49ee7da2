/**
 * The executor: the last stage of every chain, and the owner of the lanes.
 * It applies ioredis's rules for where a call may go now (the offline queue,
 * enableOfflineQueue, a closed client, an open multi({pipeline: false})),
 * then hands the call to a lane (ordered or blocking) or to the transaction
 * collecting it. It also closes gracefully: what was sent is answered before
 * the connection goes (disconnect, quit), as with ioredis's socket end().
 */
import { Call } from "../chain/call";
import { specFor } from "../commands/spec";
import type { Connection } from "../connection/connection";
import type { GlideHandle } from "../glide";
import type { SocketViewHost } from "../connection/socket-view";
import {
  classifyGlideError,
  CONNECTION_CLOSED_ERROR_MSG,
  OFFLINE_QUEUE_OFF_MSG,
  ReplyError,
  SimpleError,
} from "../errors";
import type { ResolvedOptions } from "../options";
import { sleepUnref } from "../timers";
import { BlockingLane } from "./blocking-lane";
import { OrderedLane } from "./ordered-lane";
import { fail, failAfterTick, pending } from "./settle";
import { execAbortError, ManualTransaction } from "./transactions";
import type { CallTracer } from "../tracing";

/** How long a blocked call may take to settle on the blocking client of a master Sentinel moved away from. */
const RELEASE_BLOCKED_MS = 1000;

/** Also what client.stream acts on (SocketViewHost). */
export class Executor implements SocketViewHost {
  readonly ordered: OrderedLane;
  readonly blocking: BlockingLane;
  #manualTransaction: ManualTransaction | undefined;
  /** a graceful close (disconnect/quit of a ready client) in progress */
  #closing: Promise<void> | null = null;
  /** (un)subscriptions issued and not answered yet: a graceful close lets them finish */
  readonly #subscriberCalls = new Set<Promise<unknown>>();

  constructor(
    private readonly connection: Connection,
    private readonly options: ResolvedOptions,
    tracer: CallTracer,
  ) {
    const commandTimeout = typeof options.commandTimeout === "number" ? options.commandTimeout : undefined;
    const resendOnReconnect = options.autoResendUnfulfilledCommands !== false;
    const socketTimeout =
      typeof options.socketTimeout === "number" && options.socketTimeout > 0 ? options.socketTimeout : undefined;
    // What the lanes need from below: the connection's GLIDE clients and state, and three options.
    const port = {
      commandTimeout,
      socketTimeout,
      resendOnReconnect,
      tracer,
      isCluster: connection.isCluster,
      maxRedirections: connection.maxRedirections,
      glideClient: () => connection.glideClient(),
      blockingClient: () => connection.blockingClient(),
      blockingClientIfOpen: () => connection.blockingIfOpen,
      newBatch: (atomic: boolean) => connection.newBatch(atomic),
      canSend: () => connection.canSend(),
      // A graceful close sends nothing new on the blocking connection (it is being killed).
      canBlock: () => this.#closing === null && connection.canSend(),
      connectionLost: (error: Error) => connection.connectionLost(error),
      sawBinaryReply: () => connection.sawBinaryReply(),
      socketTimedOut: (error: Error) => connection.socketTimedOut(error),
      redirectDelay: (error: Error) => connection.redirectDelay(error),
    };
    this.ordered = new OrderedLane(port);
    this.blocking = new BlockingLane(port, this.ordered);
  }

  /** ioredis's rules for a call made while the connection is not ready; an error to reject with, if any. */
  #offlineRefusal(): Error | undefined {
    const status = this.connection.status;
    // A graceful close is under way: like ioredis's ended stream, not writable.
    if (status === "ready" && this.#closing === null) return undefined;
    if (status === "end") return new Error(CONNECTION_CLOSED_ERROR_MSG);
    if (status === "wait") this.connection.connect().catch(() => undefined);
    if (this.options.enableOfflineQueue === false) return new Error(OFFLINE_QUEUE_OFF_MSG);
    return undefined;
  }

  execute(call: Call): Promise<unknown> {
    if (call.spec.unblocksClient && call.args.length > 1)
      call.args[1] = this.connection.unblockTarget(String(call.args[1]));
    const refused = this.#offlineRefusal();
    if (refused) return Promise.reject(refused);
    if (call.pipeline?.collect) {
      const reply = pending(call, this.options.commandTimeout as number | undefined);
      call.pipeline.collect(call);
      return reply;
    }
    if (this.#manualTransaction) return this.#manualTransaction.take(call);
    if (call.spec.transactionControl === "multi") return this.startManualTransaction();
    if (this.options.reconnectOnError && call.spec.reconnectOnError) return this.#submitWithReconnectOnError(call);
    return call.blocking ? this.blocking.submit(call) : this.ordered.submit(call);
  }

  /** A MULTI/EXEC request for the ordered lane (lib/executor/transactions.ts). */
  submitTransaction(transaction: Call): Promise<unknown> {
    const refused = this.#offlineRefusal();
    if (refused) return Promise.reject(refused);
    const sent = this.ordered.submit(transaction);
    if (!this.options.reconnectOnError) return sent;
    // A ReplyError here refused a queued command (GLIDE reports the first): reconnectOnError
    // is asked with it, then with the EXECABORT, as ioredis reads them off its socket.
    return sent.catch((err: Error) => {
      if (err instanceof ReplyError && !err.message.startsWith("EXECABORT")) {
        this.#askReconnectOnError(err);
        this.#askReconnectOnError(execAbortError([err]));
      }
      throw err;
    });
  }

  /** A transaction was refused before it went out: UNWATCH, as the server's EXECABORT would have. */
  dropWatches(): void {
    const unwatch = new Call("unwatch", [], false, specFor("unwatch"), this.connection.env);
    this.execute(unwatch).catch(() => undefined);
  }

  /** multi({ pipeline: false }): calls answer "QUEUED" until exec() (lib/executor/transactions.ts). */
  startManualTransaction(): Promise<"OK"> {
    if (this.#manualTransaction) return Promise.reject(new SimpleError("ERR MULTI calls can not be nested"));
    this.#manualTransaction = new ManualTransaction(
      (tx) => this.submitTransaction(tx),
      () => (this.#manualTransaction = undefined),
      () => this.dropWatches(),
    );
    return Promise.resolve("OK");
  }

  /**
   * The subscriber GLIDE client, under the offline rules of any command: it
   * waits for the connection, and a closed client refuses.
   */
  subscriberClient(): Promise<GlideHandle> {
    const refused = this.#subscriberRefusal();
    if (refused) return Promise.reject(refused);
    const status = this.connection.status;
    if (status !== "ready" && status !== "connect")
      return this.connection.whenReady().then(() => this.subscriberClient());
    return this.connection.subscriberClient();
  }

  /**
   * A (un)subscription issued now, run once `after` settles (the router keeps
   * them in call order). The offline rules apply as of now, as for a command
   * ioredis writes at once: one issued before disconnect() or quit() is
   * answered (the graceful close waits for it before the subscriber goes),
   * one issued after is refused. `op` gets the subscriber client on demand
   * (an UNSUBSCRIBE of nothing opens none).
   */
  subscriberCall<T>(after: Promise<unknown>, op: (client: () => Promise<GlideHandle>) => Promise<T>): Promise<T> {
    const refused = this.#subscriberRefusal();
    if (refused) return Promise.reject(refused);
    const status = this.connection.status;
    const ready =
      status === "ready" || status === "connect" ? after : Promise.all([after, this.connection.whenReady()]);
    const attempt = () => op(() => this.connection.subscriberClient());
    // A subscriber closed under the call (a reconnect replaced it: Sentinel moved the master) is not
    // the call failing: it goes again on the next connection's subscriber, as ioredis resends it.
    const closed = (err: unknown) =>
      classifyGlideError(err) === "closed" ? new Error(CONNECTION_CLOSED_ERROR_MSG) : err;
    const done = ready.then(attempt).catch(async (err: unknown) => {
      if (classifyGlideError(err) !== "closed") throw err;
      if (this.connection.status === "end" || this.#closing) throw closed(err);
      await this.connection.whenReady();
      return attempt().catch((again: unknown) => Promise.reject(closed(again)));
    });
    const calls = this.#subscriberCalls;
    calls.add(done);
    const settled = () => calls.delete(done);
    done.then(settled, settled);
    return done;
  }

  #subscriberRefusal(): Error | undefined {
    const status = this.connection.status;
    if (status === "end" || this.#closing) return new Error(CONNECTION_CLOSED_ERROR_MSG);
    if (status === "wait") this.connection.connect().catch(() => undefined);
    if (status !== "ready" && status !== "connect" && this.options.enableOfflineQueue === false)
      return new Error(OFFLINE_QUEUE_OFF_MSG);
    return undefined;
  }

  /** SELECT ran: new connections (and the blocking one) use that database. */
  selected(db: number): void {
    this.connection.selected(db, this.blocking.idle);
  }

  /**
   * ioredis's reconnectOnError, asked with each error reply: true/1
   * reconnect, 2 reconnect and send the call again (in the database the
   * client has selected: new connections select it). Calls of a pipeline
   * report through `onDone`, so the resend happens there too.
   */
  #submitWithReconnectOnError(call: Call): Promise<unknown> {
    const lane = call.blocking ? this.blocking : this.ordered;
    const done = call.onDone;
    if (done === undefined) {
      return lane
        .submit(call)
        .catch((err: Error) => (this.#resendAfter(err) ? this.execute(call) : Promise.reject(err)));
    }
    call.onDone = (error, value) => {
      call.onDone = done;
      if (error && this.#resendAfter(error)) this.execute(call);
      else done(error, value);
    };
    return lane.submit(call);
  }

  /** reconnectOnError's decision on a failed call: reconnects when asked; true when the call goes again. */
  #resendAfter(err: Error): boolean {
    return this.#askReconnectOnError(err) === 2;
  }

  /**
   * Asks reconnectOnError about an error reply and reconnects when it says
   * so. A transaction's errors are asked about too, but never resent: 2
   * reconnects only (the commands went as one MULTI/EXEC).
   */
  #askReconnectOnError(err: Error): boolean | 1 | 2 {
    if (!(err instanceof ReplyError)) return false;
    const decision = this.options.reconnectOnError!(err);
    const reconnect = decision === 2 || decision === true || decision === 1;
    if (reconnect && this.connection.status !== "reconnecting") this.disconnect(true);
    return decision;
  }

  // ---- what the connection reports (through the client) ------------------------

  /** Ready: what waited goes. */
  resume(): void {
    this.ordered.kick();
    this.blocking.kick();
  }

  /**
   * The connection dropped: what is out on the ordered lane settles on the
   * client it went to (OrderedLane.settleInFlight); a blocked call goes again
   * on the next connection. Resolves once nothing is out on the old client.
   */
  settleInFlight(): Promise<void> {
    if (this.options.autoResendUnfulfilledCommands === false) {
      // They fail now ("Connection is closed."), as requeueInFlight says.
      this.requeueInFlight();
      return Promise.resolve();
    }
    // The blocked call settles on its old client first (releaseBlocked(), which the connection asks for).
    return this.ordered.settleInFlight();
  }

  /**
   * The blocking client is being replaced (a drop, or Sentinel moved the
   * master): a blocked call first settles on it (BlockingLane.release: a
   * reply on its way carries what the server popped). Resolves when that
   * client may close.
   */
  releaseBlocked(): Promise<void> {
    if (this.options.autoResendUnfulfilledCommands === false) return Promise.resolve();
    return this.blocking.release(RELEASE_BLOCKED_MS);
  }

  /** What settleInFlight left out goes again on the next connection after all. */
  abandonDropped(): void {
    this.ordered.abandonOrphans();
  }

  /** Sentinel moved the master: calls in flight go again on the next connection, a blocked one once released. */
  relocating(): Promise<void> {
    this.ordered.requeueInFlight();
    return this.releaseBlocked();
  }

  /** The connection was lost: calls in flight go again on the next one. */
  requeueInFlight(): void {
    this.ordered.requeueInFlight();
    this.blocking.requeueCurrent();
  }

  /** Reject every call not answered yet (maxRetriesPerRequest, a refused AUTH, the end). */
  rejectAll(error: Error, afterStatus = false): void {
    const failCall = afterStatus ? failAfterTick : fail;
    this.ordered.rejectAll(error, failCall);
    this.blocking.rejectAll(error, failCall);
  }

  // ---- lifecycle --------------------------------------------------------------

  connect(): Promise<void> {
    return this.connection.connect();
  }

  /** True while a graceful close lets calls already sent finish (new ones wait). */
  get isClosing(): boolean {
    return this.#closing !== null;
  }

  /** Like a socket destroy(): the connection is lost now and reconnects (what client.stream.destroy() does). */
  drop(): void {
    this.connection.drop();
  }

  /** The main GLIDE client once connected (for what only GLIDE's own API offers, like cluster scan). */
  async readyGlideClient(): Promise<GlideHandle> {
    const connection = this.connection;
    if (connection.status === "end") throw new Error(CONNECTION_CLOSED_ERROR_MSG);
    if (connection.status === "wait") connection.connect().catch(() => undefined);
    await connection.whenReady();
    const client = connection.glideClient();
    if (!client) throw new Error(CONNECTION_CLOSED_ERROR_MSG);
    return client;
  }

  /** ioredis's disconnect(reconnect). */
  disconnect(reconnect = false): void {
    if (this.connection.status === "ready") void this.#closeGracefully(reconnect);
    else this.connection.disconnect(reconnect);
  }

  /** ioredis's quit: answered calls first, then the connection closes ('close', 'end'). */
  async quit(): Promise<"OK"> {
    const status = this.connection.status;
    if (status === "end") throw new Error(CONNECTION_CLOSED_ERROR_MSG);
    // Already closing (a disconnect() before): ioredis answers at once, its stream is no longer writable.
    if (this.#closing) {
      this.connection.closingOnPurpose();
      return "OK";
    }
    if (status !== "ready") {
      if (this.ordered.queued === 0 && this.#subscriberCalls.size === 0) {
        // ioredis connects first (a lazy client too), then ends before any socket: 'end' only.
        if (this.connection.beforeSocket) this.connection.endBeforeConnecting();
        else this.connection.disconnect();
        return "OK";
      }
      // Queued calls go first, once connected.
      this.connection.closingOnPurpose();
      const ready = await this.connection.whenReady().then(
        () => true,
        () => false,
      );
      if (!ready) return "OK";
    }
    await this.#closeGracefully(false);
    return "OK";
  }

  /**
   * ioredis ends its socket and lets the server answer what was already
   * written, then the socket closes: calls made before disconnect()/quit()
   * get their replies, calls made after wait and are flushed when the client
   * ends (or sent after a reconnect), a blocked call ends with the
   * connection ("Connection is closed."). Status stays until then, as in
   * ioredis; disconnectTimeout bounds the wait.
   */
  #closeGracefully(reconnect: boolean): Promise<void> {
    if (this.#closing) return this.#closing;
    if (!reconnect) this.connection.closingOnPurpose();
    const upTo = this.ordered.lastSubmitted;
    this.ordered.holdAfter(upTo);
    const blockedId = this.blocking.idle ? undefined : this.connection.blockingConnectionId;
    if (reconnect) this.blocking.requeueCurrent();
    else this.blocking.rejectAll(new Error(CONNECTION_CLOSED_ERROR_MSG));
    const deadline = Number(this.options.disconnectTimeout ?? 2000);
    const closing = (async () => {
      const drained = this.ordered.drained(upTo);
      const subscriptions = this.#subscriberCalls.size ? Promise.allSettled([...this.#subscriberCalls]) : undefined;
      if (drained || subscriptions) await Promise.race([Promise.all([drained, subscriptions]), sleepUnref(deadline)]);
      // Lost meanwhile: it closed already.
      if (this.connection.status !== "ready") return;
      await this.connection.retire(reconnect, blockedId);
    })();
    this.#closing = closing;
    void closing.finally(() => {
      if (this.#closing === closing) this.#closing = null;
      this.ordered.holdAfter(Infinity);
    });
    return closing;
  }
}
