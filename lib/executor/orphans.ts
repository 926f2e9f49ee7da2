/**
 * Requests left out on a GLIDE client the connection dropped
 * (OrderedLane.settleInFlight): how many are still due there, and who waits
 * for none to be left (the connection, to close that client; the lane, to
 * send again).
 */
export class Orphans {
  private left = 0;
  private waiters: (() => void)[] = [];

  /** `released`: none is left (the lane sends what waited) */
  constructor(private readonly released: () => void) {}

  /** requests still due on the dropped client */
  get count(): number {
    return this.left;
  }

  /** `n` requests are out on the dropped client: resolves once each has settled, or on release(); at once for 0 */
  adopt(n: number): Promise<void> {
    this.left = n;
    if (n === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** one of them settled */
  settled(): void {
    if (this.left > 0 && --this.left === 0) this.release();
  }

  /** none is left to wait for (they settled, failed, or were taken back) */
  release(): void {
    this.left = 0;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
    this.released();
  }
}
