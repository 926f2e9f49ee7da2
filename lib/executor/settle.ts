/**
 * Settling a call exactly once: a call may time out (commandTimeout) or be
 * flushed (maxRetriesPerRequest) while its request is still with GLIDE; the
 * late reply is then dropped.
 */
import type { Call } from "../chain/call";
import { exactCounterArgv } from "../commands/exact-counters";
import { realNextTick } from "../timers";

export interface Outcome {
  error: Error | null;
  value: unknown;
}

/** The reply as the caller gets it: shaped when the reply shaper asked for it (middleware/shape.ts). */
export function shaped(call: Call, value: unknown): Outcome {
  if (!call.shape) return { error: null, value };
  try {
    return { error: null, value: call.shape(value, call) };
  } catch (err) {
    return { error: err as Error, value: undefined };
  }
}

/** Settle with an outcome (once). */
export function settle(call: Call, error: Error | null, value: unknown): void {
  if (call.settled) return;
  call.settled = true;
  if (call.timer) clearTimeout(call.timer);
  deliver(call, error, value);
}

/**
 * Fail now (nothing else settles it from here on), told to the caller on the
 * next tick: after the status event the connection has just queued
 * ('reconnecting' at maxRetriesPerRequest, 'end'), as ioredis's callers see it.
 */
export function failAfterTick(call: Call, error: Error): void {
  if (call.settled) return;
  call.settled = true;
  if (call.timer) clearTimeout(call.timer);
  realNextTick(() => deliver(call, error, undefined));
}

function deliver(call: Call, error: Error | null, value: unknown): void {
  if (call.observe !== undefined) call.observe(error, value);
  if (call.onDone) call.onDone(error, value);
  else if (error) call.reject!(error);
  else call.resolve!(value);
}

/** Resolve with the reply, shaped (no Outcome object on this path: it runs once per call). */
export function succeed(call: Call, value: unknown): void {
  if (call.settled) return;
  const shape = call.shape;
  if (!shape) return settle(call, null, value);
  let reply: unknown;
  try {
    reply = shape(value, call);
  } catch (err) {
    return settle(call, err as Error, undefined);
  }
  settle(call, null, reply);
}

export function fail(call: Call, error: Error): void {
  settle(call, error, undefined);
}

/**
 * A promise for the call's outcome (none when the call reports through
 * `onDone`); arms `commandTimeout` as ioredis does (from submission).
 */
export function pending(call: Call, commandTimeout: number | undefined): Promise<unknown> {
  call.settled = false;
  let promise: Promise<unknown> | undefined;
  if (!call.onDone) {
    promise = new Promise<unknown>((resolve, reject) => {
      call.resolve = resolve;
      call.reject = reject;
    });
  }
  if (commandTimeout !== undefined && commandTimeout >= 0) {
    call.timer = setTimeout(() => fail(call, new Error("Command timed out")), commandTimeout);
  }
  return promise as Promise<unknown>;
}

/** [name, ...args]: what GLIDE's customCommand takes. */
export function argv(call: Call): (string | Buffer)[] {
  const args = call.args;
  const counter = call.spec.exactCounter;
  if (counter !== undefined && args.length === counter.arity && (counter.always || call.env.stringNumbers)) {
    return exactCounterArgv(call.spec.wireName ?? call.command, args, counter);
  }
  const out = new Array<string | Buffer>(args.length + 1);
  out[0] = call.spec.wireName ?? call.command;
  for (let i = 0; i < args.length; i++) out[i + 1] = args[i];
  return out;
}
