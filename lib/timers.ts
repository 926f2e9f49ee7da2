/**
 * The timers and clock as they were when ioglide loaded. Tests (Bull's,
 * BullMQ's, an application's) install fake timers (sinon) after creating
 * clients and jump the clock by hours; the connection's own machinery
 * (heartbeat, probes, reconnect pacing, close deadlines) must keep real
 * time, as ioredis's socket events do. Only `commandTimeout`, a timer
 * ioredis itself arms with the global setTimeout, follows the fakes.
 */
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout;
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout;
export const realSetInterval: typeof setInterval = globalThis.setInterval;
export const realClearInterval: typeof clearInterval = globalThis.clearInterval;
export const realNow: () => number = Date.now.bind(Date);

/** Resolves after `ms` of real time, without keeping the process alive. */
export function sleepUnref(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms).unref());
}
