/**
 * ioredis's Cluster redirect policy, shared by both lanes: a call a node
 * redirected or refused for now (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) or whose
 * node connection failed is sent again after ioredis's retryDelayOn* delay,
 * at most `maxRedirections` times, while GLIDE updates its slot map.
 */
import type { Call } from "../chain/call";
import { retriedByGlide, toIoredisError, tooManyRedirections } from "../errors";
import { fail } from "./settle";
import { realSetTimeout } from "../timers";

export interface RedirectHost {
  /** ms before resending; undefined: not such an error (or the user turned that retry off) */
  redirectDelay(error: Error): number | undefined;
  readonly maxRedirections: number;
}

/** Resend after `resendAfter` ms, or fail with `fail`; null: not a redirect, the lane decides. */
export type RedirectDecision = { resendAfter: number } | { fail: Error } | null;

/**
 * `sentAlone`: the call went as a single GLIDE request, so a TRYAGAIN or
 * CLUSTERDOWN comes back only after GLIDE's own retries: resending it would
 * multiply that wait. Counts the redirect on the call when it is resent.
 */
export function redirectDecision(host: RedirectHost, call: Call, error: Error, sentAlone: boolean): RedirectDecision {
  // A call bound to one node (cluster.nodes()) is not redirected, as on ioredis's node clients.
  if (call.route !== undefined) return null;
  const delay = host.redirectDelay(error);
  if (delay === undefined) return null;
  if (call.redirects >= host.maxRedirections || (sentAlone && retriedByGlide(error))) {
    // ioredis's pipelines keep the node's own error; single calls get its "Too many ..." error.
    const own = toIoredisError(error);
    return { fail: call.pipeline ? own : tooManyRedirections(own) };
  }
  call.redirects++;
  return { resendAfter: delay };
}

/**
 * After a failover GLIDE fails SPUBLISH with "ConnectionNotFoundForRoute"
 * (about 4 s per attempt, 13-16 s in all, raw GLIDE alike) until a command
 * it routes by key reaches that slot; a keyed read on the channel's slot
 * makes GLIDE learn the promoted primary. The read to send first, or null.
 */
export function slotNudge(call: Call, error: Error): (string | Buffer)[] | null {
  if (!call.spec.nudgeSlotOnRouteError || call.args.length === 0 || !/ConnectionNotFoundForRoute/.test(error.message))
    return null;
  return ["EXISTS", call.args[0]];
}

/**
 * Redirected calls waiting out their delay, held together per delay as
 * ioredis's delay queues are, then released together to be requeued.
 */
export class HeldCalls {
  private readonly byDelay = new Map<number, Call[]>();

  constructor(private readonly release: (calls: Call[]) => void) {}

  hold(call: Call, delay: number): void {
    let held = this.byDelay.get(delay);
    if (!held) {
      const calls: Call[] = (held = []);
      this.byDelay.set(delay, calls);
      realSetTimeout(() => {
        this.byDelay.delete(delay);
        this.release(calls);
      }, delay);
    }
    held.push(call);
  }

  /** The lowest sequence number still held (Infinity: none): what is held is not answered yet. */
  oldestSeq(): number {
    let oldest = Infinity;
    for (const calls of this.byDelay.values())
      for (const call of calls) if (!call.settled && call.seq < oldest) oldest = call.seq;
    return oldest;
  }

  failAll(error: Error, failCall: typeof fail = fail): void {
    for (const calls of this.byDelay.values()) for (const call of calls) failCall(call, error);
  }
}
