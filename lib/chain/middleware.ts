/**
 * The middleware contract, shared by the built-in stages and `client.use()`.
 *
 * A middleware receives the call and `next`, and returns (a promise of) the
 * reply. It may rewrite the call before `next`, answer without calling `next`
 * (a cache, a mock), look at or replace the reply or the error after it, or
 * call `next` again (retry).
 */
import type { Call } from "./call";
import type { CommandSpec } from "../commands/spec";

export type Next = (call: Call) => Promise<unknown>;
export type Middleware = (call: Call, next: Next) => Promise<unknown> | unknown;

/** A built-in stage: a middleware plus which commands it applies to. */
export interface Stage {
  readonly name: string;
  /** stages that do not apply to a command are left out of its chain */
  appliesTo(command: string, spec: CommandSpec): boolean;
  readonly handle: (call: Call, next: Next) => Promise<unknown>;
}

/**
 * Compose stages around a terminal into one function. Done once per command
 * name (and again when `use()` changes the list), never per call.
 */
export function compose(stages: readonly Stage[], terminal: Next): Next {
  let next = terminal;
  for (let i = stages.length - 1; i >= 0; i--) {
    const handle = stages[i].handle;
    const inner = next;
    next = (call) => handle(call, inner);
  }
  return next;
}

/** Wrap user middleware: any return value becomes a promise, a throw a rejection. */
export function userStage(middleware: Middleware, index: number): Stage {
  return {
    name: middleware.name || `use#${index}`,
    appliesTo: () => true,
    handle: (call, next) => {
      try {
        return Promise.resolve(middleware(call, next));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}
