/**
 * Calls still out on the GLIDE client a standalone connection drop left
 * (OrderedLane.settleInFlight). They settle there only while that client can
 * send them again to the same server: if the next connection goes elsewhere
 * (Sentinel named another master), or they are still out PATIENCE_MS after
 * it is ready (GLIDE retries its connection at least every 2 s), they go
 * again on it, so a client may wait for them but never hangs on them.
 */
import { realSetTimeout } from "../timers";

const PATIENCE_MS = 5000;

export class DroppedCalls {
  private last: { from: string; settled: boolean } | null = null;

  /** `abandon`: what is still out on the old client goes again on the next connection */
  constructor(private readonly abandon: () => void) {}

  /** a drop left calls out on the client talking to `from`; `settled` resolves once none is left */
  left(from: string, settled: Promise<void>): void {
    const dropped = { from, settled: false };
    void settled.then(() => (dropped.settled = true));
    this.last = dropped;
  }

  /** a new connection, to `to`, is about to be ready */
  connected(to: string): void {
    const dropped = this.last;
    this.last = null;
    if (!dropped || dropped.settled) return;
    if (dropped.from !== to) return this.abandon();
    realSetTimeout(() => {
      if (!dropped.settled) this.abandon();
    }, PATIENCE_MS).unref();
  }
}
