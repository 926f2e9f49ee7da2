/**
 * The middleware contract, shared by the built-in stages and `client.use()`.
 *
 * A middleware receives the call and `next`, and returns (a promise of) the
 * reply. It may rewrite the call before `next`, answer without calling `next`
 * (a cache, a mock), look at or replace the reply or the error after it, or
 * call `next` again (retry). `next()` without an argument continues with the
 * same call, as in koa.
 */
import type { Call } from "./call";
import type { CommandSpec } from "../commands/spec";

export type Next = (call?: Call) => Promise<unknown>;
export type Middleware = (call: Call, next: Next) => Promise<unknown> | unknown;

/** A built-in stage: a middleware plus which commands it applies to. */
export interface Stage {
  /** stages that do not apply to a command are left out of its chain */
  appliesTo(command: string, spec: CommandSpec): boolean;
  readonly handle: (call: Call, next: (call: Call) => Promise<unknown>) => Promise<unknown>;
}

/**
 * Compose stages around a terminal into one function. Done once per command
 * name (and again when `use()` changes the list), never per call.
 */
export function compose(
  stages: readonly Stage[],
  terminal: (call: Call) => Promise<unknown>,
): (call: Call) => Promise<unknown> {
  let next = terminal;
  for (let i = stages.length - 1; i >= 0; i--) {
    const handle = stages[i].handle;
    const inner = next;
    next = (call) => handle(call, inner);
  }
  return next;
}

/** In development a middleware that forgets to return next()'s promise is told so (production takes the promise). */
const development = () => process.env.NODE_ENV !== "production";

/**
 * User middleware as a stage: `next()` defaults to the current call, a plain
 * return value becomes a promise and a throw a rejection. A middleware that
 * calls next() but returns something else synchronously (it forgot `return`)
 * would answer the caller before the command did: in development that is an
 * error saying so, in production the reply of next() is used.
 */
export function userStage(middleware: Middleware): Stage {
  return {
    appliesTo: () => true,
    handle: (call, next) => {
      let pending: Promise<unknown> | undefined;
      let answered = false;
      const proceed: Next = (c) => {
        pending = next(c ?? call);
        pending.then(
          () => (answered = true),
          () => (answered = true),
        );
        return pending;
      };
      let result: unknown;
      try {
        result = middleware(call, proceed);
      } catch (err) {
        return Promise.reject(err);
      }
      const forgot = () => {
        pending!.catch(() => undefined);
        const name = middleware.name || "a middleware";
        return Promise.reject(
          new Error(`ioglide: ${name} called next() but did not return its promise (return next(call), or await it)`),
        );
      };
      if (!isThenable(result)) {
        if (pending === undefined) return Promise.resolve(result);
        return development() ? forgot() : pending;
      }
      if (!development()) return Promise.resolve(result);
      // An async middleware that called next() without awaiting it resolves before the command is answered.
      return Promise.resolve(result).then((value) => (pending !== undefined && !answered ? forgot() : value));
    },
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
