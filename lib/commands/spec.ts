/**
 * What ioglide knows about one command, derived once per name from the
 * `@ioredis/commands` table (the list ioredis itself is generated from) plus
 * the small tables under lib/commands/. Everything per-command is looked up
 * here, so the hot path never parses flags.
 */
import { exists, getKeyIndexes, hasFlag, list } from "@ioredis/commands";
import { ARGUMENT_TRANSFORMS, ArgumentTransform } from "./arguments";
import { REPLY_SHAPERS, ReplyShaper } from "./replies";
import { BLOCKING_TIMEOUT_POSITION, BlockingTimeoutPosition } from "./blocking";
import { DECODE_AS_BYTES, REPEATABLE } from "./decoding";

/**
 * Commands sent alone, with nothing else outstanding on the connection: GLIDE
 * write-locks its client after SELECT and CLIENT SETNAME (later requests can
 * then overtake each other), and the raw transaction commands change what
 * the connection does with everything after them.
 */
const BARRIERS = new Set([
  "select",
  "client",
  "auth",
  "hello",
  "reset",
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
]);

/** Not flagged "write" in the command table, but may change what a later call reads. */
const MAY_WRITE = new Set(["eval", "evalsha", "fcall", "exec", "multi", "select", "swapdb", "function", "script"]);

/** Every command name ioredis offers as a method, lowercase. */
export const COMMAND_NAMES: readonly string[] = Object.freeze([
  ...list.filter((name) => name !== "monitor"),
  "sentinel",
]);
const COMMAND_SET = new Set(COMMAND_NAMES);

export interface CommandSpec {
  /** lowercase name, the key of every table */
  readonly name: string;
  /** in the command table (unknown names still run through `call`) */
  readonly known: boolean;
  readonly readonly: boolean;
  /** may block the connection: runs on the blocking lane */
  readonly blocking: boolean;
  /** where the blocking timeout sits, for commands that have one */
  readonly timeoutAt: BlockingTimeoutPosition | undefined;
  /** ask GLIDE for Buffers even for string replies (conversion is ours) */
  readonly decodeAsBytes: (args: readonly unknown[]) => boolean;
  /** safe to send again when a reply could not be decoded as UTF-8 */
  readonly repeatable: boolean;
  readonly transformArgs: ArgumentTransform | undefined;
  readonly shapeReply: ReplyShaper | undefined;
  /** sent alone on its connection (see BARRIERS) */
  readonly barrier: boolean;
  /**
   * May change data (or the database a later call reads): a blocking call
   * issued after it waits for its reply, so the blocking call sees it.
   */
  readonly mayWrite: boolean;
  /**
   * The name as bytes, for known commands: GLIDE turns every string argument
   * into a Buffer per request, this one is made once. (The server names known
   * commands in lowercase in its errors whatever case they were sent in.)
   */
  readonly wireName: Buffer | undefined;
}

const specs = new Map<string, CommandSpec>();

export function isCommandName(name: string): boolean {
  return COMMAND_SET.has(name);
}

export function specFor(commandName: string): CommandSpec {
  let spec = specs.get(commandName);
  if (spec) return spec;
  const name = commandName.toLowerCase();
  spec = specs.get(name);
  if (!spec) {
    spec = buildSpec(name);
    specs.set(name, spec);
  }
  if (commandName !== name) specs.set(commandName, spec);
  return spec;
}

const never = (): boolean => false;
const always = (): boolean => true;

function buildSpec(name: string): CommandSpec {
  const known = exists(name);
  const readonly = known && hasFlag(name, "readonly");
  const bytes = DECODE_AS_BYTES[name];
  return {
    name,
    known,
    readonly,
    blocking: known && hasFlag(name, "blocking"),
    timeoutAt: BLOCKING_TIMEOUT_POSITION[name],
    // Unknown commands (modules, newer servers) may return anything: decode safely.
    decodeAsBytes: bytes === undefined ? (known ? never : always) : bytes === true ? always : bytes,
    repeatable: readonly || REPEATABLE.has(name),
    transformArgs: ARGUMENT_TRANSFORMS[name],
    shapeReply: REPLY_SHAPERS[name],
    barrier: BARRIERS.has(name),
    mayWrite: !known || hasFlag(name, "write") || MAY_WRITE.has(name),
    wireName: known ? Buffer.from(name) : undefined,
  };
}

/** Argument positions holding keys, per ioredis's own rules (for keyPrefix). */
export function keyPositions(spec: CommandSpec, args: (string | Buffer)[]): number[] {
  if (!spec.known) return [];
  return getKeyIndexes(spec.name, args);
}
