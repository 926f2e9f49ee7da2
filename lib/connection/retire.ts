/**
 * Closing GLIDE clients. GLIDE keeps a closed client's connection open for
 * about 3 s, and reconnects it if the server drops it meanwhile (QUIT or
 * CLIENT KILL only make a fresh connection, measured), whereas ioredis's
 * socket is gone at once. So what the server would otherwise keep seeing is
 * undone first.
 */
import { closeGlide, GlideHandle } from "../glide";
import { sleepUnref } from "../timers";

const noop = (): void => undefined;

/** The GLIDE clients of one generation, as they are handed over to be closed. */
export interface RetiringClients {
  main: GlideHandle | null;
  blocking: GlideHandle | null;
  /** CLIENT ID of the blocking connection when a call is blocked on it */
  blockedId: string | undefined;
  subscriber: GlideHandle | null;
}

/**
 * The server is there: a blocked command ends (its connection is killed from
 * the main one: a blocked connection reads nothing else), the subscriber
 * leaves its channels, and the main connection drops its name; what lingers
 * is idle and nameless. Each step is bounded by `deadlineMs` (disconnectTimeout).
 */
export async function retireLive(clients: RetiringClients, deadlineMs: number): Promise<void> {
  const { main, blocking, blockedId, subscriber } = clients;
  const bounded = (p: Promise<unknown>) => Promise.race([p.catch(noop), sleepUnref(deadlineMs)]);
  const steps: Promise<unknown>[] = [];
  if (blocking) closeGlide(blocking);
  if (main && blocking && blockedId) steps.push(bounded(main.customCommand(["CLIENT", "KILL", "ID", blockedId])));
  if (subscriber) steps.push(bounded(leaveChannels(subscriber)).then(() => closeGlide(subscriber)));
  // The name may come from the options or from a CLIENT SETNAME the application sent: clear it either way.
  if (main) steps.push(bounded(main.customCommand(["CLIENT", "SETNAME", ""])));
  await Promise.all(steps);
  if (main) closeGlide(main);
}

/**
 * The connection is gone: close at once, the main client once `mainUntil`
 * settles when given (calls still out on it settle there), the blocking
 * client once `blockingUntil` does. A subscriber is
 * first told to want no channels (local to GLIDE, no round trip), or it
 * would resubscribe if GLIDE reconnects it during its linger.
 */
export function retireLost(clients: RetiringClients, mainUntil?: Promise<void>, blockingUntil?: Promise<void>): void {
  const { main, blocking } = clients;
  if (main && mainUntil) void mainUntil.then(() => closeGlide(main));
  else if (main) closeGlide(main);
  if (blocking && blockingUntil) void blockingUntil.then(() => closeGlide(blocking));
  else if (blocking) closeGlide(blocking);
  if (clients.subscriber) void forgetChannels(clients.subscriber);
}

function forgetChannels(client: GlideHandle): Promise<void> {
  const sub = client as GlideHandle & {
    unsubscribeLazy(c: null): Promise<void>;
    punsubscribeLazy(p: null): Promise<void>;
    sunsubscribeLazy?(c: null): Promise<void>;
  };
  const forget = Promise.all([
    sub.unsubscribeLazy(null),
    sub.punsubscribeLazy(null),
    sub.sunsubscribeLazy?.(null),
  ]).catch(noop);
  return Promise.race([forget, sleepUnref(200)]).then(() => closeGlide(client));
}

function leaveChannels(client: GlideHandle): Promise<unknown> {
  const sub = client as GlideHandle & {
    unsubscribe(c: null, t: number): Promise<void>;
    punsubscribe(p: null, t: number): Promise<void>;
    sunsubscribe?(c: null, t: number): Promise<void>;
  };
  return Promise.all([sub.unsubscribe(null, 1000), sub.punsubscribe(null, 1000), sub.sunsubscribe?.(null, 1000)]);
}
