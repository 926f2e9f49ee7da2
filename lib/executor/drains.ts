/**
 * "Wait until everything submitted up to call N has its answer" on a lane
 * (a graceful close, a blocking call waiting for the writes before it): the
 * lane's completed mark and who waits on it.
 */
export class Drains {
  /** every call up to this sequence number has its answer (or failed for good) */
  private completed = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];

  /** Resolves once every call up to `seq` is answered; null when it is already. */
  drained(seq: number): Promise<void> | null {
    if (this.completed >= seq) return null;
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Every call up to `upTo` is answered now. */
  advance(upTo: number): void {
    if (upTo > this.completed) this.completed = upTo;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.seq <= this.completed) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}
