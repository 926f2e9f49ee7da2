/**
 * CLIENT LIST sees the names this process set before it asked.
 *
 * With ioredis, `b.client("SETNAME", n)` is on b's socket the moment it is
 * called, so a CLIENT LIST another client sends later (once some other reply
 * came back) finds the name: Bull's getWorkers() right after process() relies
 * on it. Through GLIDE each client's request makes its own way to the server,
 * and a SETNAME was measured answered up to 7 ms after a CLIENT LIST issued
 * after it on a neighbour client (Bull's test_worker "should get all workers"
 * failed 4 runs in 60). This process-wide table holds the naming requests
 * out on GLIDE; a CLIENT LIST waits for those out when it was issued.
 *
 * Only requests already sent are waited for (one still in a disconnected
 * client's offline queue could wait forever), and at most MAX_WAIT_MS.
 */
import { realClearTimeout, realSetTimeout } from "../timers";

const MAX_WAIT_MS = 1000;
const out = new Set<Promise<void>>();
const noop = (): void => undefined;

/** A request that names its connection (CLIENT SETNAME, SETINFO) was handed to GLIDE. */
export function namingSent(request: Promise<unknown>): void {
  const done = request.then(noop, noop);
  out.add(done);
  done.then(() => out.delete(done));
}

/** What a connection listing issued now waits for: the naming requests out now (none: undefined). */
export function namingsOut(): Promise<void> | undefined {
  if (out.size === 0) return undefined;
  return new Promise<void>((resolve) => {
    const cap = realSetTimeout(resolve, MAX_WAIT_MS);
    cap.unref();
    Promise.all(out).then(() => {
      realClearTimeout(cap);
      resolve();
    });
  });
}
