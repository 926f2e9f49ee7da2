/**
 * One composed chain per command name: the built-in stages that apply to the
 * command, then the user's middleware, then the reply shaper, around the
 * executor. Built on a command's first call and kept until use(), unuse() or
 * defineCommand() changes what a chain holds.
 */
import type { Call } from "./call";
import { compose, Middleware, Stage, userStage } from "./middleware";
import { CommandSpec, specFor } from "../commands/spec";

export type Chain = (call: Call) => Promise<unknown>;

export class CommandChains {
  readonly #builtin: readonly Stage[];
  readonly #last: Stage;
  readonly #terminal: Chain;
  readonly #middleware: Middleware[] = [];
  #chains = new Map<string, Chain>();
  /** by the command's name as callers write it ("get", "GET", a script's name): its spec and chain */
  #byCallName = new Map<string, { spec: CommandSpec; chain: Chain }>();

  /** `builtin` run first, `last` (the reply shaper) innermost before `terminal` (the executor). */
  constructor(builtin: readonly Stage[], last: Stage, terminal: Chain) {
    this.#builtin = builtin;
    this.#last = last;
    this.#terminal = terminal;
  }

  get middleware(): readonly Middleware[] {
    return this.#middleware;
  }

  use(middleware: Middleware): void {
    if (typeof middleware !== "function") throw new TypeError("ioglide: use() takes a function (call, next) => reply");
    this.#middleware.push(middleware);
    this.invalidate();
  }

  unuse(middleware: Middleware): void {
    const i = this.#middleware.indexOf(middleware);
    if (i < 0) return;
    this.#middleware.splice(i, 1);
    this.invalidate();
  }

  /** What a chain holds changed (middleware, a defined script): rebuild on next use. */
  invalidate(): void {
    this.#chains = new Map();
    this.#byCallName = new Map();
  }

  /** The spec and chain of a command as the caller wrote its name: one lookup per call. */
  forCall(command: string): { spec: CommandSpec; chain: Chain } {
    let entry = this.#byCallName.get(command);
    if (entry === undefined) {
      const spec = specFor(command);
      // Known commands share a chain whatever their case; defined scripts are case-sensitive names.
      entry = { spec, chain: this.for(spec.known ? spec.name : command, spec) };
      this.#byCallName.set(command, entry);
    }
    return entry;
  }

  /** The chain for `name` (a known command's canonical name, or a defined script's own name). */
  for(name: string, spec: CommandSpec): Chain {
    const cached = this.#chains.get(name);
    if (cached) return cached;
    const stages = [...this.#builtin, ...this.#middleware.map(userStage), this.#last].filter((s) =>
      s.appliesTo(name, spec),
    );
    const chain = compose(stages, this.#terminal);
    this.#chains.set(name, chain);
    return chain;
  }
}
