/**
 * The blocking lane: BLPOP, BRPOPLPUSH, BZPOPMIN, XREAD BLOCK, ... run on a
 * dedicated GLIDE connection, so they never stall the ordered lane.
 *
 * - One at a time, in order, as on ioredis's single connection (a second
 *   BLPOP waits for the first), which also keeps GLIDE's per-command blocking
 *   timeout (blocking timeout + 0.5 s, none for 0) from starting early.
 * - Each waits until every write its client issued before it has been
 *   answered on the ordered lane, so it observes those writes.
 * - The connection is opened on first use and closed with the client. Once
 *   it is open, a call with nothing to wait for is written in the caller's tick.
 * - Each goes as a one-call Batch. A single command with a blocking timeout
 *   gets GLIDE's own deadline (that timeout + 0.5 s), after which GLIDE
 *   rejects it and drops a late reply: a server stalled longer (DEBUG SLEEP,
 *   a restart) made `blpop(k, 0.1)` fail with "Command timed out" where
 *   ioredis waits, and a value popped late was lost. A Batch has no such
 *   deadline (ioglide's request timeout is none). A call a cluster
 *   redirected goes alone, so GLIDE follows the redirect itself.
 */
import { BYTES_DECODER, GlideHandle, NO_TIMEOUT_MS, STRING_DECODER } from "../glide";
import type { Call } from "../chain/call";
import { classifyGlideError } from "../errors";
import { fateOf } from "./failures";
import type { BlockingLaneHost } from "./lane-ports";
import { Fifo } from "./fifo";
import { argv, fail, pending, succeed } from "./settle";
import type { OrderedLane } from "./ordered-lane";
import { realSetTimeout } from "../timers";

export class BlockingLane {
  private readonly queue = new Fifo<{ call: Call; after: number }>();
  private current: Call | null = null;
  /** the call out on a blocking client being replaced (release()): its reply is still its caller's */
  private released: Call | null = null;
  /** the current call's request, settled when its reply or error came back */
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: BlockingLaneHost,
    private readonly ordered: OrderedLane,
  ) {}

  get idle(): boolean {
    return this.current === null && this.queue.length === 0;
  }

  submit(call: Call): Promise<unknown> {
    const promise = pending(call, this.host.commandTimeout);
    // Writes issued before it must have landed; reads and connection commands need not (ioredis
    // pipelines them on one socket, so a BZPOPMIN right after CLIENT SETNAME goes out at once).
    this.queue.push({ call, after: this.ordered.lastWrite });
    this.kick();
    return promise;
  }

  kick(): void {
    if (this.current !== null || this.queue.length === 0 || !this.host.canBlock()) return;
    const { call, after } = this.queue.shift()!;
    if (call.settled) return this.kick(); // timed out or flushed while waiting
    this.current = call;
    // With nothing to wait for, the call goes out now, in the caller's tick: a write issued right
    // after it on another connection then reaches the server after it, as with ioredis's socket
    // write (an XREAD BLOCK from "$" sees that write).
    const barrier = this.ordered.drained(after);
    const open = barrier ? null : this.host.blockingClientIfOpen();
    if (open) this.inFlight = this.send(call, after, open).catch(() => undefined);
    else this.run(call, after, barrier).catch(() => undefined);
  }

  private async run(call: Call, after: number, barrier: Promise<void> | null): Promise<void> {
    if (barrier) await barrier;
    let glide: GlideHandle;
    try {
      glide = await this.host.blockingClient();
    } catch (err) {
      return this.onError(call, after, err);
    }
    if (this.current !== call) return; // requeued meanwhile
    this.inFlight = this.send(call, after, glide);
    return this.inFlight;
  }

  /** Send it on the blocking client (synchronously, up to GLIDE's write) and settle it. */
  private async send(call: Call, after: number, glide: GlideHandle): Promise<void> {
    if (this.host.tracer.active) this.host.tracer.sent(call);
    try {
      const decoder = call.decodeAsBytes ? BYTES_DECODER : STRING_DECODER;
      let value: unknown;
      if (call.redirects > 0) {
        // A cluster moved its slot: alone, GLIDE follows MOVED and refreshes its slot map itself.
        value = await glide.customCommand(argv(call), { decoder });
      } else {
        const batch = this.host.newBatch(false);
        batch.customCommand(argv(call));
        value = (await glide.exec(batch, true, { decoder, timeout: NO_TIMEOUT_MS }))?.[0] ?? null;
      }
      if (this.current !== call) return;
      succeed(call, value);
      this.done();
    } catch (err) {
      this.onError(call, after, err);
    }
  }

  private onError(call: Call, after: number, err: unknown): void {
    if (this.current !== call) return;
    if (this.released === call) {
      // Its client is being replaced (the old master unblocks it, or it was closed): again on the next one.
      this.released = null;
      this.requeueCurrent();
      return this.kick();
    }
    const kind = classifyGlideError(err);
    const error = err as Error;
    const fate = fateOf(this.host, call, error, call.redirects > 0, kind);
    if (fate.kind === "fail") {
      fail(call, fate.error);
      if (kind === "connection") this.host.connectionLost(error);
      return this.done();
    }
    // Again: a script recovered from NOSCRIPT (at once), a cluster node redirected, refused
    // or lost it (after ioredis's delay), or the connection is lost (on the next one).
    this.current = null;
    this.queue.unshiftAll([{ call, after }]);
    if (fate.kind === "retry-later") realSetTimeout(() => this.kick(), fate.afterMs);
    if (kind === "connection") this.host.connectionLost(error);
    if (fate.kind === "retry-now") this.kick();
  }

  private done(): void {
    if (this.released === this.current) this.released = null;
    this.current = null;
    this.kick();
  }

  /** The blocking client is being replaced: send the current call again later. */
  /**
   * The blocking client is being replaced (a drop, or Sentinel moved the
   * master): the call out on it settles there for up to `withinMs` (one that
   * popped an item has its reply on the way, and sending the call again
   * would lose that item; a demoted master answers a blocked call with
   * UNBLOCKED at once), and only then goes again on the next connection.
   * Resolves when that client may close.
   */
  release(withinMs: number): Promise<void> {
    const call = this.current;
    if (!call || call.settled) return Promise.resolve();
    this.released = call;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = realSetTimeout(resolve, withinMs);
      timer.unref();
    });
    return Promise.race([this.inFlight, deadline]).then(() => {
      clearTimeout(timer);
      if (this.current === call && this.released === call) {
        this.released = null;
        this.requeueCurrent();
        this.kick();
      }
    });
  }

  requeueCurrent(): void {
    const call = this.current;
    if (!call) return;
    this.current = null;
    if (!call.settled) this.queue.unshiftAll([{ call, after: 0 }]);
  }

  rejectAll(error: Error, failCall: typeof fail = fail): void {
    for (const { call } of this.queue.drain()) failCall(call, error);
    if (this.current) failCall(this.current, error);
    this.current = null;
  }
}
