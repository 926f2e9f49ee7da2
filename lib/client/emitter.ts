/**
 * The EventEmitter a client is, as ioredis's: eventemitter3 (faster than
 * Node's), plus the parts of Node's API that eventemitter3 lacks and
 * libraries call (BullMQ: get/setMaxListeners), and ioredis's silentEmit for
 * errors.
 */
import { EventEmitter } from "eventemitter3";
import { redact } from "../errors";

export class ClientEmitter extends EventEmitter {
  #maxListeners = 10;

  getMaxListeners(): number {
    return this.#maxListeners;
  }

  setMaxListeners(n: number): this {
    this.#maxListeners = n;
    return this;
  }
}

/** ioredis's silentEmit: errors without listeners are printed (passwords masked), never thrown. */
export function silentEmit(emitter: EventEmitter, error: Error, password: string | null | undefined): void {
  if (emitter.listenerCount("error") > 0) emitter.emit("error", error);
  else console.error("[ioglide] Unhandled error event:", redact(error.stack ?? String(error), password));
}
