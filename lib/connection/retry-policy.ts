/**
 * What follows a close that was not asked for (ioredis's close handler):
 * end, or reconnect after retryStrategy's delay, failing the queued calls
 * every maxRetriesPerRequest + 1 attempts.
 */
import { CONNECTION_CLOSED_ERROR_MSG, MaxRetriesPerRequestError, NO_STARTUP_NODES_MSG } from "../errors";
import { realClearTimeout, realSetTimeout } from "../timers";

/**
 * The one pending reconnect attempt: a new one replaces it, and the end
 * cancels it (a timer left behind brought an ended client back to life).
 */
export class ReconnectTimer {
  private timer: NodeJS.Timeout | null = null;

  /** `run` after `delayMs`, or as soon as `sooner` resolves (if this is still the pending attempt). */
  schedule(delayMs: number, run: () => void, sooner?: Promise<void>): void {
    this.cancel();
    const fire = (): void => {
      if (this.timer !== timer) return;
      realClearTimeout(timer);
      this.timer = null;
      run();
    };
    const timer = realSetTimeout(fire, delayMs);
    this.timer = timer;
    sooner?.then(fire, fire);
  }

  cancel(): void {
    if (this.timer) realClearTimeout(this.timer);
    this.timer = null;
  }
}

export type AfterClose =
  { readonly end: string } | { readonly end?: undefined; readonly delay: number; readonly flush: Error | undefined };

export interface RetryOptions {
  retryStrategy?: ((times: number) => number | void | null) | null;
  maxRetriesPerRequest?: number | null;
}

/** `attempt`: 1 for the first reconnect after a ready connection (or a first failed connect). */
export function afterClose(options: RetryOptions, attempt: number, isCluster: boolean): AfterClose {
  const strategy = options.retryStrategy;
  if (typeof strategy !== "function") return { end: CONNECTION_CLOSED_ERROR_MSG };
  const delay = strategy(attempt);
  // ioredis's Cluster gives up with its own message for what it queued.
  if (typeof delay !== "number") return { end: isCluster ? NO_STARTUP_NODES_MSG : CONNECTION_CLOSED_ERROR_MSG };
  // A Cluster's offline queue waits until it is ready or ends (ioredis applies
  // maxRetriesPerRequest per node connection, never to the cluster's queue).
  const max = isCluster ? null : options.maxRetriesPerRequest;
  const flush =
    typeof max === "number" && max >= 0 && attempt % (max + 1) === 0 ? new MaxRetriesPerRequestError(max) : undefined;
  return { delay, flush };
}
