/**
 * The methods the Proxy synthesizes: `name(...args, callback?)` and its
 * `nameBuffer` twin for every command in the table. Each builds a Call and
 * runs the client's chain for that command.
 */
import asCallback from "standard-as-callback";
import { isCommandName } from "../commands/spec";

/**
 * The entry point a synthesized method calls on its object. A symbol, so no
 * public method name is taken (BullMQ changes behaviour when a client has a
 * `runCommand` method).
 */
export const RUN = Symbol("ioglide.run");

export interface CommandRunner {
  /** `named`: a command method (`get`, `getBuffer`, a defined script) or call(), not sendCommand() */
  [RUN](command: string, args: unknown[], buffer: boolean, named?: boolean): Promise<unknown>;
}

type Callback = (err: Error | null, value?: unknown) => void;

export function commandMethod(command: string, buffer: boolean) {
  return function (this: CommandRunner, ...args: unknown[]): Promise<unknown> {
    let callback: Callback | undefined;
    if (typeof args[args.length - 1] === "function") callback = args.pop() as Callback;
    const promise = this[RUN](command, args, buffer, true);
    return callback ? asCallback(promise, callback) : promise;
  };
}

/** Synthesizer for the command table: `get`, `getBuffer`, ... */
export function synthesizeCommand(name: string): ReturnType<typeof commandMethod> | undefined {
  if (isCommandName(name)) return commandMethod(name, false);
  if (name.endsWith("Buffer")) {
    const base = name.slice(0, -6);
    if (isCommandName(base)) return commandMethod(base, true);
  }
  return undefined;
}

/**
 * ioredis's `call(name, ...args, callback?)` / `call([name, ...args])`: any
 * command, known to the table or not.
 */
export function callAny(runner: CommandRunner, buffer: boolean, command: string | unknown[], args: unknown[]) {
  let callback: Callback | undefined;
  if (typeof args[args.length - 1] === "function") callback = args.pop() as Callback;
  let name: unknown = command;
  if (Array.isArray(command)) [name, ...args] = [...command, ...args];
  const promise = runner[RUN](name as string, args, buffer, true);
  return callback ? asCallback(promise, callback) : promise;
}

/** What ioredis's sendCommand takes: a Command (lib/command.ts) or a look-alike. */
export interface CommandObject {
  name: string;
  args?: unknown[];
  replyEncoding?: string | null;
  resolve(v: unknown): void;
  reject(e: Error): void;
  promise: Promise<unknown>;
}

/** ioredis's `sendCommand(new Command(name, args))`: runs the command and settles the object. */
export function sendCommandObject(runner: CommandRunner, command: CommandObject): Promise<unknown> {
  runner[RUN](command.name, (command.args ?? []).slice(), command.replyEncoding === null).then(
    (v) => command.resolve(v),
    (e) => command.reject(e),
  );
  return command.promise;
}
