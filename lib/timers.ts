/**
 * The timers and clock as they were when ioglide loaded. Tests (Bull's,
 * BullMQ's, an application's) install fake timers (sinon) after creating
 * clients and jump the clock by hours; the connection's own machinery
 * (heartbeat, probes, reconnect pacing, close deadlines) must keep real
 * time, as ioredis's socket events do (and sinon 19 fakes process.nextTick
 * as well). Only `commandTimeout`, a timer
 * ioredis itself arms with the global setTimeout, follows the fakes.
 */
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout;
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout;
export const realSetInterval: typeof setInterval = globalThis.setInterval;
export const realClearInterval: typeof clearInterval = globalThis.clearInterval;
export const realNow: () => number = Date.now.bind(Date);
/** sinon's fake timers (v12+) fake process.nextTick too: the lanes' flush and status events must not wait for a tick() */
export const realNextTick: typeof process.nextTick = process.nextTick.bind(process);

/** Resolves after `ms` of real time, without keeping the process alive. */
export function sleepUnref(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms).unref());
}
