/**
 * Promises that wait for the connection's status: connect()'s (settled by
 * the next ready, close or end) and whenReady()'s (by the next ready or end).
 */
import { CONNECTION_CLOSED_ERROR_MSG, NO_STARTUP_NODES_MSG } from "../errors";
import { realNextTick } from "../timers";

type Until = "ready-or-close" | "ready-or-end";

export class StatusWaiters {
  #waiters: { until: Until; resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(private readonly isCluster: boolean) {}

  wait(until: Until): Promise<void> {
    return new Promise((resolve, reject) => this.#waiters.push({ until, resolve, reject }));
  }

  /** The status changed to `status`: settle who waited for it (`cause`: why the client ended, for connect()). */
  statusChanged(status: string, cause?: Error): void {
    if (this.#waiters.length === 0 || (status !== "ready" && status !== "close" && status !== "end")) return;
    const settle = this.#waiters.filter((w) => status === "ready" || status === "end" || w.until === "ready-or-close");
    this.#waiters = this.#waiters.filter((w) => !settle.includes(w));
    // connect() of a cluster fails as ioredis's Cluster's does; whenReady() with the closed error.
    const error = cause ?? new Error(this.isCluster ? NO_STARTUP_NODES_MSG : CONNECTION_CLOSED_ERROR_MSG);
    const closedError = new Error(CONNECTION_CLOSED_ERROR_MSG);
    // Settled after the event is emitted (the client emits on the next tick), as ioredis's once('ready') handlers run.
    realNextTick(() => {
      for (const w of settle) {
        if (status === "ready") w.resolve();
        else w.reject(w.until === "ready-or-close" ? error : closedError);
      }
    });
  }
}
