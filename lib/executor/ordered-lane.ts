/**
 * The ordered lane: how ordinary commands reach GLIDE.
 *
 * - Order. GLIDE hands each request to its own task and pushes it into the
 *   connection's pipeline channel, which holds 50 messages; once that is full
 *   a waiting request can be overtaken by a later one (measured: with 64 or
 *   more requests outstanding, the server saw them out of order). ioredis
 *   guarantees order on a connection, so a lane keeps at most WINDOW requests
 *   outstanding, far below that capacity. Commands after which GLIDE briefly
 *   locks its client (SELECT, CLIENT, AUTH, HELLO, RESET; also the raw
 *   transaction commands) are "barriers": sent alone, with nothing else out.
 * - Speed. Calls queued while requests are out, or issued in one tick, go
 *   as one request (batching.ts); the GLIDE request: glide-request.ts.
 * - Offline queue. While the connection is not ready, calls wait (ioredis's
 *   offline queue) until it is, or until flushed.
 */
import type { GlideHandle } from "../glide";
import { sendCalls } from "./glide-request";
import type { Call } from "../chain/call";
import { classifyGlideError, ErrorClass, toIoredisError } from "../errors";
import { HeldCalls } from "./redirects";
import { aborted, fateOf, isDecodingError, undecodable } from "./failures";
import type { LaneHost } from "./lane-ports";
import { StallWatch } from "./stall-watch";
import { Fifo } from "./fifo";
import { Orphans } from "./orphans";
import { Drains } from "./drains";
import { SocketTimeout } from "./socket-timeout";
import { MAX_BATCH, MIN_SHARE, putBack, takeRequest, WINDOW } from "./batching";
import { fail, pending, succeed } from "./settle";
import { realNextTick, realNow } from "../timers";
import { namingSent, namingsOut } from "./connection-names";

export { MAX_BATCH, MIN_SHARE, WINDOW } from "./batching";
export type { LaneHost } from "./lane-ports";

/** One GLIDE request: a single command or a non-atomic batch. */
interface Request {
  readonly calls: Call[];
  done: boolean;
  readonly sentAt: number;
  /** sent on a client the connection has since left (settleInFlight): it settles there */
  orphan: boolean;
}

export class OrderedLane {
  private readonly queue = new Fifo<Call>();
  /** outstanding requests, oldest first */
  private outstanding: Request[] = [];
  private barrierOut = false;
  /** calls to send again, in front of the queue, once their request is complete (a stage recovered them) */
  private retry: Call[] = [];
  /** calls a lost connection interrupted: in front of the queue, for the next connection */
  private reconnected: Call[] = [];
  private scheduled = false;
  /** sequence numbers, for "wait until everything sent before X is done" */
  private submitted = 0;
  private lastWriteSeq = 0;
  /** who waits for the calls up to a sequence number to be answered (drains.ts) */
  private readonly drains = new Drains();
  /** calls after this sequence number stay queued (a graceful close is draining what came before) */
  private sendUpTo = Infinity;
  private readonly flushBound = () => this.flush();
  private readonly stalls = new StallWatch(() => this.kick());
  /** cluster calls waiting out a redirect delay, by delay */
  private readonly held = new HeldCalls((calls) => this.requeue(calls));
  private readonly socketTimeout: SocketTimeout;
  /** requests out on a client the connection has left; nothing new is sent before they settle */
  private readonly orphans = new Orphans(() => this.kick());

  constructor(private readonly host: LaneHost) {
    // Orphans wait for their old client's reconnect: no news about the connection in use now.
    this.socketTimeout = new SocketTimeout(host.socketTimeout, (error) => {
      if (this.outstanding.length > this.orphans.count) host.socketTimedOut(error);
    });
  }

  get queued(): number {
    return this.queue.length;
  }

  get idle(): boolean {
    return this.outstanding.length === 0 && this.queue.length === 0;
  }

  submit(call: Call): Promise<unknown> {
    const promise = pending(call, this.host.commandTimeout);
    call.seq = ++this.submitted;
    if (call.spec.connectionNames === "lists") this.gate(call);
    if (call.spec.mayWrite || call.transaction) this.lastWriteSeq = call.seq;
    this.queue.push(call);
    // Nothing out and nothing waiting: send now (one call in flight gains a tick of latency);
    // calls that follow in this tick queue behind it and go together. Not a pipeline's first
    // command: a pipeline goes out as one request, as ioredis writes it at once (its first
    // command failing alone would be resent after the rest had run: reconnectOnError's 2).
    if (
      this.outstanding.length === 0 &&
      this.queue.length === 1 &&
      !this.scheduled &&
      call.pipeline === undefined &&
      this.host.canSend()
    )
      this.flush();
    else this.kick();
    return promise;
  }

  /** Hold it (and what follows) until the names set before it are on the server. */
  private gate(call: Call): void {
    const names = namingsOut();
    if (names === undefined) return;
    call.gate = names;
    names.then(() => {
      call.gate = undefined;
      this.kick();
    });
  }

  /** Sequence number of the latest call submitted (for drain barriers). */
  get lastSubmitted(): number {
    return this.submitted;
  }

  /** Sequence number of the latest call that may change data (a blocking call waits for it). */
  get lastWrite(): number {
    return this.lastWriteSeq;
  }

  /** Resolves once every call up to `seq` has its reply (or failed for good). */
  drained(seq: number): Promise<void> | null {
    return this.drains.drained(seq);
  }

  /**
   * A graceful close: calls submitted from now on wait in the queue (to be
   * flushed when the client ends, or sent after a reconnect) while those
   * submitted before are sent and answered. `Infinity` lifts the hold.
   */
  holdAfter(seq: number): void {
    this.sendUpTo = seq;
    if (seq === Infinity) this.kick();
  }

  /** Send what is queued, on the next tick (so one tick's calls go together). */
  kick(): void {
    if (this.scheduled || this.queue.length === 0 || !this.roomToSend()) return;
    if (!this.host.canSend()) return;
    this.scheduled = true;
    realNextTick(this.flushBound);
  }

  private roomToSend(): boolean {
    const first = this.queue.peek()!;
    if (this.barrierOut || this.orphans.count > 0 || first.seq > this.sendUpTo || first.gate) return false;
    if (this.outstanding.length >= WINDOW && this.activeRequests() >= WINDOW) return false;
    const next = first.spec;
    // A barrier goes alone; CLIENT (SETNAME, ...) need not wait for what is already out, only hold back what follows.
    return (
      !next.barrier || this.outstanding.length === 0 || (next.command === "client" && this.outstanding.length < WINDOW)
    );
  }

  /** Requests counted against the window: all of them, except on a cluster the stalled ones (stall-watch.ts). */
  private activeRequests(): number {
    if (!this.host.isCluster) return this.outstanding.length;
    return this.stalls.active(this.outstanding, WINDOW, this.queue.length > 0);
  }

  private flush(): void {
    this.scheduled = false;
    // Spread what is queued over the free slots, so replies come back in
    // several waves and callers do not all wait for one big batch.
    const free = WINDOW - Math.min(WINDOW, this.activeRequests());
    const share = Math.max(MIN_SHARE, Math.ceil(this.queue.length / Math.max(1, free)));
    while (this.queue.length > 0 && this.roomToSend() && this.host.canSend()) {
      const glide = this.host.glideClient();
      if (!glide) return;
      this.send(glide, takeRequest(this.queue, Math.min(share, MAX_BATCH), this.sendUpTo));
    }
  }

  private send(glide: GlideHandle, calls: Call[]): void {
    const request: Request = { calls, done: false, sentAt: this.host.isCluster ? realNow() : 0, orphan: false };
    if (this.host.tracer.active) for (let i = 0; i < calls.length; i++) this.host.tracer.sent(calls[i]);
    this.outstanding.push(request);
    this.socketTimeout.sent();
    if (calls[0].spec.barrier) this.barrierOut = true;
    const onError = (err: unknown) => this.onRequestError(request, err);
    try {
      // A transaction travels alone: its EXEC reply is one value.
      const sent = sendCalls(glide, this.host, calls);
      // A barrier (CLIENT SETNAME is one) travels alone: its request is its own.
      if (calls[0].spec.connectionNames === "names") namingSent(sent);
      sent.then(
        calls.length === 1
          ? (value) => this.onReply(request, value)
          : (values) => this.onReplies(request, (values as unknown[] | null) ?? []),
        onError,
      );
    } catch (err) {
      onError(err);
    }
  }

  private onReply(request: Request, value: unknown): void {
    if (request.done) return; // abandoned: its calls were requeued
    if (value instanceof Error) this.failed(request.calls[0], value, true);
    else succeed(request.calls[0], value);
    this.complete(request);
  }

  private onReplies(request: Request, values: unknown[]): void {
    if (request.done) return; // abandoned: its calls were requeued
    const calls = request.calls;
    for (let i = 0; i < calls.length; i++) {
      const value = values[i];
      if (value instanceof Error) this.failed(calls[i], value, false);
      else succeed(calls[i], value);
    }
    this.complete(request);
  }

  /** A call's own error, or its request's: what becomes of it is failures.ts's decision. */
  private failed(call: Call, error: Error, sentAlone: boolean, kind?: ErrorClass): void {
    if (call.settled) return;
    const fate = fateOf(this.host, call, error, sentAlone, kind);
    switch (fate.kind) {
      case "retry-now":
        this.retry.push(call);
        return;
      case "retry-later":
        if (fate.nudge)
          this.host
            .glideClient()
            ?.customCommand(fate.nudge)
            .catch(() => undefined);
        this.held.hold(call, fate.afterMs);
        return;
      case "retry-reconnected":
        this.reconnected.push(call);
        return;
      case "fail":
        fail(call, fate.error);
    }
  }

  private requeue(calls: Call[]): void {
    putBack(this.queue, calls);
    this.kick();
  }

  private onRequestError(request: Request, err: unknown): void {
    if (request.done) return; // abandoned: its calls were requeued
    if (isDecodingError(err)) return this.onUndecodable(request);
    const kind = classifyGlideError(err);
    const error = err as Error;
    if (kind === "connection" || (request.orphan && kind === "closed")) {
      // The connection (on a cluster, one node's) failed: each call's fate, then the connection is told
      // (after this request is done: a reconnect requeues what is still out). An orphan's client was
      // left already: its failure, or its closing, is not news about the connection in use now.
      for (const call of request.calls) this.failed(call, error, request.calls.length === 1, "connection");
      this.complete(request);
      if (!request.orphan) this.host.connectionLost(error);
      return;
    } else if (kind === "reply" && request.calls.length === 1 && !request.calls[0].transaction) {
      // A single command's own error (GLIDE rejects the request instead of returning it).
      this.failed(request.calls[0], error, true, kind);
    } else {
      // The request as a whole failed (closed, timeout, a transaction refused).
      const final = toIoredisError(err);
      for (const call of request.calls) fail(call, final);
    }
    this.complete(request);
  }

  /** A reply was not valid UTF-8: GLIDE dropped the request's replies (failures.ts says what goes again). */
  private onUndecodable(request: Request): void {
    this.host.sawBinaryReply();
    putBack(this.queue, undecodable(request.calls));
    this.remove(request);
    this.advanceCompleted();
    this.kick();
  }

  private complete(request: Request): void {
    request.done = true;
    // Calls that go again (recovered by a stage, or interrupted by a lost connection), in issue order
    // with those already put back (another request's may be waiting for the next flush).
    if (this.retry.length > 0 || this.reconnected.length > 0) {
      putBack(this.queue, this.retry.concat(this.reconnected));
      this.retry = [];
      this.reconnected = [];
    }
    this.remove(request);
    this.advanceCompleted();
    this.kick();
  }

  private remove(request: Request): void {
    request.done = true;
    const i = this.outstanding.indexOf(request);
    if (i >= 0) this.outstanding.splice(i, 1);
    if (request.calls[0].spec.barrier) this.barrierOut = false;
    if (request.orphan) this.orphans.settled();
    // Data came back: as ioredis, the clock restarts while more is expected.
    this.socketTimeout.replied(this.outstanding.length > 0);
  }

  /**
   * Everything submitted before the oldest call still queued or outstanding
   * has its answer: wake the drain waiters up to there.
   */
  private advanceCompleted(): void {
    const oldestOut = this.outstanding.length > 0 ? this.outstanding[0].calls[0].seq : Infinity;
    const oldestQueued = this.queue.length > 0 ? this.queue.peek()!.seq : Infinity;
    const upTo = Math.min(this.submitted, oldestOut - 1, oldestQueued - 1, this.held.oldestSeq() - 1);
    this.drains.advance(upTo);
  }

  /** Reject every call not yet answered (maxRetriesPerRequest, end of connection). */
  rejectAll(error: Error, failCall: typeof fail = fail): void {
    for (const call of this.queue.drain()) failCall(call, error);
    for (const request of this.outstanding) for (const call of request.calls) failCall(call, error);
    this.orphans.release();
    this.held.failAll(error, failCall);
    this.drains.advance(this.submitted);
  }

  /**
   * The connection dropped, but GLIDE still holds what was sent: it sends a
   * request again on its own reconnect (a CLIENT KILL under load: every call
   * exactly once on raw GLIDE), so sending it here as well ran it twice
   * (measured: each of the 50 calls in flight, on every kill). So the
   * requests out stay out and settle on the client they went to: a reply,
   * or an error whose fate failures.ts decides (a connection error resends
   * the call on the next connection). Nothing new is sent before they have,
   * so nothing overtakes them. Resolves once none is left (the old client
   * may then be closed); at once when nothing was out.
   */
  settleInFlight(): Promise<void> {
    for (const request of this.outstanding) request.orphan = true;
    return this.orphans.adopt(this.outstanding.length);
  }

  /**
   * The requests still out on the old client go again on the next connection
   * (it goes to another server, or they waited too long): their calls go
   * back in front, in issue order, and whatever the old client reports later
   * is ignored.
   */
  abandonOrphans(): void {
    if (this.orphans.count === 0) return;
    const back: Call[] = [];
    for (const request of this.outstanding) {
      if (!request.orphan) continue;
      request.done = true;
      for (const call of request.calls) if (!call.settled) back.push(call);
    }
    this.outstanding = this.outstanding.filter((r) => !r.orphan);
    this.barrierOut = this.outstanding.some((r) => r.calls[0].spec.barrier);
    putBack(this.queue, back);
    this.advanceCompleted();
    this.orphans.release();
  }

  /**
   * The GLIDE client is about to be closed for a reconnect: put the
   * outstanding calls back in front of the queue, to be sent again once the
   * new connection is ready, and ignore whatever the old requests report.
   * With autoResendUnfulfilledCommands: false they fail instead, with ioredis
   * 6.1's AbortError ("Command aborted due to connection close").
   */
  requeueInFlight(): void {
    const unsettled: Call[] = [];
    for (const request of this.outstanding) {
      request.done = true;
      for (const call of request.calls) if (!call.settled) unsettled.push(call);
    }
    this.outstanding = [];
    this.barrierOut = false;
    this.orphans.release();
    if (this.host.resendOnReconnect) this.queue.unshiftAll(unsettled);
    else for (const call of unsettled) fail(call, aborted(call));
  }
}
