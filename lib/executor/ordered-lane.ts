/**
 * The ordered lane: how ordinary commands reach GLIDE.
 *
 * - Order. GLIDE reorders concurrent requests on one client once more than
 *   about 50 are in flight (measured; docs/ARCHITECTURE.md). ioredis
 *   guarantees order on a connection, so a lane keeps exactly one request
 *   outstanding and sends everything else queued behind it.
 * - Speed. Calls issued while a request is out (or in the same tick) go
 *   together as one non-atomic Batch (raiseOnError=false): per-call replies
 *   and errors, one GLIDE round trip. This is also what makes the inflight
 *   limit irrelevant: the lane holds one GLIDE slot, the rest wait here.
 * - Offline queue. While the connection is not ready nothing is sent; calls
 *   wait (ioredis's offline queue) until it is, or until flushed.
 */
import { Batch, Decoder, GlideHandle } from "../glide";
import type { Call } from "../chain/call";
import { classifyGlideError, toIoredisError } from "../errors";
import { Fifo } from "./fifo";
import { argv, fail, pending, succeed } from "./settle";

/** Largest auto-pipelined batch; bigger bursts go out as several in a row. */
export const MAX_BATCH = 1000;

export interface LaneHost {
  /** the GLIDE client to send on; null while there is none */
  glideClient(): GlideHandle | null;
  /** true when calls may be sent (status ready) */
  canSend(): boolean;
  /** a request failed because the connection dropped; its calls were requeued */
  connectionLost(error: Error): void;
  /** a string reply was not valid UTF-8: readers switch to Buffer decoding */
  sawBinaryReply(): void;
  readonly commandTimeout: number | undefined;
  /** resend calls interrupted by a connection loss (autoResendUnfulfilledCommands) */
  readonly resendOnReconnect: boolean;
}

function isDecodingError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith("Decoding error");
}

export class OrderedLane {
  private readonly queue = new Fifo<Call>();
  private inFlight: Call[] | null = null;
  private scheduled = false;
  /** sequence numbers, for "wait until everything sent before X is done" */
  private submitted = 0;
  private completed = 0;
  private drainWaiters: { seq: number; resolve: () => void }[] = [];
  private readonly flushBound = () => this.flush();

  constructor(private readonly host: LaneHost) {}

  get queued(): number {
    return this.queue.length;
  }

  get idle(): boolean {
    return this.inFlight === null && this.queue.length === 0;
  }

  submit(call: Call): Promise<unknown> {
    const promise = pending(call, this.host.commandTimeout);
    call.seq = ++this.submitted;
    this.queue.push(call);
    this.kick();
    return promise;
  }

  /** Sequence number of the latest call submitted (for drain barriers). */
  get lastSubmitted(): number {
    return this.submitted;
  }

  /** Resolves once every call up to `seq` has its reply (or failed for good). */
  drained(seq: number): Promise<void> | null {
    if (this.completed >= seq) return null;
    return new Promise((resolve) => this.drainWaiters.push({ seq, resolve }));
  }

  /** Send what is queued, on the next tick (so one tick's calls go together). */
  kick(): void {
    if (this.scheduled || this.inFlight !== null || this.queue.length === 0) return;
    if (!this.host.canSend()) return;
    this.scheduled = true;
    process.nextTick(this.flushBound);
  }

  private flush(): void {
    this.scheduled = false;
    if (this.inFlight !== null || this.queue.length === 0 || !this.host.canSend()) return;
    const glide = this.host.glideClient();
    if (!glide) return;
    const first = this.queue.shift()!;
    const bytes = first.decodeAsBytes;
    const batch = [first];
    while (batch.length < MAX_BATCH && this.queue.length > 0 && this.queue.peek()!.decodeAsBytes === bytes) {
      batch.push(this.queue.shift()!);
    }
    this.inFlight = batch;
    const decoder = bytes ? Decoder.Bytes : Decoder.String;
    if (batch.length === 1) {
      let request: Promise<unknown>;
      try {
        request = glide.customCommand(argv(first), { decoder });
      } catch (err) {
        request = Promise.reject(err);
      }
      request.then(
        (value) => this.onReplies(batch, [value]),
        (err) => this.onRequestError(batch, err),
      );
      return;
    }
    const request = new Batch(false);
    for (let i = 0; i < batch.length; i++) request.customCommand(argv(batch[i]));
    let sent: Promise<unknown[] | null>;
    try {
      sent = glide.exec(request, false, { decoder });
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      (values) => this.onReplies(batch, values ?? []),
      (err) => this.onRequestError(batch, err),
    );
  }

  private onReplies(batch: Call[], values: unknown[]): void {
    if (this.inFlight !== batch) return; // abandoned: its calls were requeued
    for (let i = 0; i < batch.length; i++) {
      const value = values[i];
      if (value instanceof Error) fail(batch[i], toIoredisError(value));
      else succeed(batch[i], value);
    }
    this.finish(batch);
  }

  private onRequestError(batch: Call[], err: unknown): void {
    if (this.inFlight !== batch) return; // abandoned: its calls were requeued
    if (isDecodingError(err)) return this.onUndecodable(batch);
    const kind = classifyGlideError(err);
    if (kind === "connection") {
      this.inFlight = null;
      const resend = this.host.resendOnReconnect ? batch.filter((c) => !c.settled) : [];
      for (const call of batch) if (!resend.includes(call)) fail(call, toIoredisError(err));
      this.queue.unshiftAll(resend);
      this.host.connectionLost(err as Error);
      return;
    }
    // A single command's own error, or the whole request failed (closed, timeout).
    const error = toIoredisError(err);
    for (const call of batch) fail(call, error);
    this.finish(batch);
  }

  /**
   * A reply was not valid UTF-8, so GLIDE dropped the whole request's replies
   * (the server did execute it). Read-only calls are sent again with Buffer
   * decoding; the others cannot be repeated and get an error that says so.
   */
  private onUndecodable(batch: Call[]): void {
    this.host.sawBinaryReply();
    this.inFlight = null;
    const again: Call[] = [];
    for (const call of batch) {
      if (call.settled) continue;
      if (call.spec.repeatable && !call.decodeAsBytes) {
        call.decodeAsBytes = true;
        again.push(call);
      } else {
        fail(
          call,
          new Error(
            `ioglide: the server ran '${call.command}' but its reply was lost: another reply in the same ` +
              `auto-pipelined request was not valid UTF-8. Use the Buffer variant (e.g. getBuffer) to read binary values.`,
          ),
        );
      }
    }
    this.queue.unshiftAll(again);
    this.kick();
    this.noteCompleted(batch, again);
  }

  private finish(batch: Call[]): void {
    this.inFlight = null;
    this.noteCompleted(batch, []);
    this.kick();
  }

  private noteCompleted(batch: Call[], resent: Call[]): void {
    const last = resent.length > 0 ? resent[0].seq - 1 : batch[batch.length - 1].seq;
    if (last > this.completed) this.completed = last;
    if (this.drainWaiters.length === 0) return;
    const still: typeof this.drainWaiters = [];
    for (const w of this.drainWaiters) (w.seq <= this.completed ? w.resolve() : still.push(w));
    this.drainWaiters = still;
  }

  /** Reject every call not yet answered (maxRetriesPerRequest, end of connection). */
  rejectAll(error: Error): void {
    for (const call of this.queue.drain()) fail(call, error);
    if (this.inFlight) for (const call of this.inFlight) fail(call, error);
    this.completed = this.submitted;
    for (const w of this.drainWaiters) w.resolve();
    this.drainWaiters = [];
  }

  /**
   * The GLIDE client is about to be closed for a reconnect: put the
   * outstanding calls back in front of the queue, to be sent again once the
   * new connection is ready, and ignore whatever the old request reports.
   */
  requeueInFlight(): void {
    if (!this.inFlight) return;
    const unsettled = this.inFlight.filter((c) => !c.settled);
    this.inFlight = null;
    this.queue.unshiftAll(unsettled);
  }
}
