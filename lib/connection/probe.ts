/**
 * A plain TCP connect to the server. GLIDE's own connect retries until its
 * timeout even when the port refuses; this answers at once, with Node's own
 * error (ECONNREFUSED, ETIMEDOUT, ...) exactly as ioredis reports it.
 */
import * as net from "net";
import { realClearTimeout, realSetTimeout } from "../timers";

export function probeTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = realSetTimeout(() => {
      socket.destroy();
      const err = new Error("connect ETIMEDOUT") as NodeJS.ErrnoException;
      err.errno = "ETIMEDOUT" as unknown as number;
      err.code = "ETIMEDOUT";
      err.syscall = "connect";
      reject(err);
    }, timeoutMs);
    socket.once("connect", () => {
      realClearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once("error", (err) => {
      realClearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}
