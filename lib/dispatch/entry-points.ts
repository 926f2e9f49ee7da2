/**
 * ioredis's generic entry points, the same on every client class: call(),
 * callBuffer(), send_command(), sendCommand() and the builtin-command
 * helpers. Installed on a prototype (non-enumerable, as class methods are).
 */
import { COMMAND_NAMES } from "../commands/spec";
import { callAny, CommandObject, CommandRunner, commandMethod, sendCommandObject } from "./commands";

type Method = (...args: unknown[]) => Promise<unknown>;

export interface GenericEntryPoints {
  /** ioredis's old alias of call(), still used by libraries (Socket.IO's redis adapter). */
  send_command(command: string | unknown[], ...args: unknown[]): Promise<unknown>;
  /** ioredis's `sendCommand(new Command(name, args))`: runs the command and settles it. */
  sendCommand(command: CommandObject): Promise<unknown>;
  getBuiltinCommands(): string[];
  createBuiltinCommand(commandName: string): { string: Method; buffer: Method };
  addBuiltinCommand(commandName: string): void;
}

const ENTRY_POINTS = {
  /** `call(command, ...args)`: any command, known to the table or not. */
  call(this: CommandRunner, command: string | unknown[], ...args: unknown[]): Promise<unknown> {
    return callAny(this, false, command, args);
  },
  callBuffer(this: CommandRunner, command: string | unknown[], ...args: unknown[]): Promise<unknown> {
    return callAny(this, true, command, args);
  },
  send_command(this: CommandRunner, command: string | unknown[], ...args: unknown[]): Promise<unknown> {
    return callAny(this, false, command, args);
  },
  sendCommand(this: CommandRunner, command: CommandObject): Promise<unknown> {
    return sendCommandObject(this, command);
  },
  getBuiltinCommands(): string[] {
    return COMMAND_NAMES.slice();
  },
  createBuiltinCommand(commandName: string): { string: Method; buffer: Method } {
    return { string: commandMethod(commandName, false), buffer: commandMethod(commandName, true) };
  },
  addBuiltinCommand(this: Record<string, unknown>, commandName: string): void {
    this[commandName] = commandMethod(commandName, false);
    this[commandName + "Buffer"] = commandMethod(commandName, true);
  },
};

export function installEntryPoints(proto: object): void {
  for (const [name, value] of Object.entries(ENTRY_POINTS)) {
    Object.defineProperty(proto, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
