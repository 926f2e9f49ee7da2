/**
 * What goes out together on the ordered lane: how many requests at once, how
 * big a batch, and which calls travel alone (ordered-lane.ts explains why).
 *
 * Calls queued while requests are out (or issued in the same tick) go
 * together as one non-atomic Batch (raiseOnError=false): per-call replies
 * and errors, one GLIDE round trip. With several requests out, JavaScript
 * builds and decodes one batch while GLIDE and the server work on others.
 * This also makes GLIDE's inflight limit irrelevant: the rest wait in the
 * lane, in O(1).
 */
import type { Call } from "../chain/call";
import type { Fifo } from "./fifo";

/** Largest auto-pipelined batch; bigger bursts go out as several (larger ones raised peak RSS on 100k-call bursts, no faster). */
export const MAX_BATCH = 250;
/**
 * Requests outstanding at once on one lane (GLIDE keeps order below 50). A
 * call that finds the window full waits for a slot, about a round trip
 * divided by the window: 4 rather than 2 took Bull and BullMQ at concurrency
 * 10 from 0.72/0.75x to 0.79/0.90x ioredis through a 0.1 ms relay, and
 * 0.63/0.58x to 0.80/0.73x on a local server, GET/SET and batches unchanged
 * within noise (bench/README.md).
 */
export const WINDOW = 4;
/** Smallest batch worth a request of its own when spreading calls over free slots. */
export const MIN_SHARE = 4;

/**
 * A call that travels alone in its own request: a barrier, a MULTI/EXEC
 * transaction, a routed call, a call a cluster redirected (GLIDE follows a
 * single command's MOVED with its own retries and slot refresh; inside a
 * batch it gave up within milliseconds of a failover).
 */
export function travelsAlone(call: Call): boolean {
  return call.spec.barrier || call.transaction !== undefined || call.route !== undefined || call.redirects > 0;
}

/**
 * The next request from the front of `queue`: a call that travels alone, else
 * up to `limit` calls with the same decoder, none issued after `sendUpTo`.
 */
export function takeRequest(queue: Fifo<Call>, limit: number, sendUpTo: number): Call[] {
  const first = queue.shift()!;
  const calls = [first];
  if (travelsAlone(first)) return calls;
  const bytes = first.decodeAsBytes;
  for (let next = queue.peek(); next && calls.length < limit; next = queue.peek()) {
    if (next.decodeAsBytes !== bytes || travelsAlone(next) || next.seq > sendUpTo) break;
    calls.push(queue.shift()!);
  }
  return calls;
}

const bySeq = (a: Call, b: Call): number => a.seq - b.seq;

/**
 * Put calls back among the queued ones in issue order: resent calls must
 * not overtake each other or earlier calls (two writes to one key would
 * land reversed), whichever request they came back from first.
 */
export function putBack(queue: Fifo<Call>, calls: Call[]): void {
  const back = calls.filter((c) => !c.settled).sort(bySeq);
  if (back.length === 0) return;
  const last = back[back.length - 1].seq;
  const earlier: Call[] = [];
  while (queue.length > 0 && queue.peek()!.seq < last) earlier.push(queue.shift()!);
  queue.unshiftAll(earlier.length > 0 ? earlier.concat(back).sort(bySeq) : back);
}
