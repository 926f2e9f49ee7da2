/**
 * Cluster: a request out longer than STALL_MS no longer holds its place in a
 * lane's window. GLIDE holds a call for a dead master ~1.3 s before failing
 * it; ioredis's per-node connections let other nodes' calls pass meanwhile,
 * and so do we.
 */
import { realNow, realSetTimeout } from "../timers";
export const STALL_MS = 100;
/** Most requests outstanding even when some are stalled (kept below GLIDE's 50). */
export const STALL_CAP = 16;

export interface SentRequest {
  readonly sentAt: number;
}

export class StallWatch {
  private timer: NodeJS.Timeout | null = null;

  /** `wake`: called when an active request turns stalled while calls wait. */
  constructor(private readonly wake: () => void) {}

  /** How many of `outstanding` count against a window of `window`. */
  active(outstanding: readonly SentRequest[], window: number, callsWaiting: boolean): number {
    if (outstanding.length >= STALL_CAP) return Infinity;
    const now = realNow();
    let active = 0;
    for (const r of outstanding) if (now - r.sentAt < STALL_MS) active++;
    // Look again when the oldest active request would count as stalled.
    if (active >= window && !this.timer && callsWaiting) {
      const oldest = outstanding.find((r) => now - r.sentAt < STALL_MS)!;
      this.timer = realSetTimeout(
        () => {
          this.timer = null;
          this.wake();
        },
        STALL_MS - (now - oldest.sentAt) + 1,
      );
      this.timer.unref();
    }
    return active;
  }
}
