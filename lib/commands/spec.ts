/**
 * What ioglide knows about one command, built once per name from the
 * `@ioredis/commands` table (the list ioredis itself is generated from) and
 * the tables under lib/commands/ (facts.ts, arguments.ts, replies.ts,
 * blocking.ts, decoding.ts). Every per-command fact is a field here: the
 * rest of ioglide reads the spec and keeps no name lists of its own, and the
 * hot path never parses flags.
 *
 * Subcommands with facts of their own (CONFIG GET, FUNCTION STATS, PUBSUB
 * NUMSUB, SCRIPT FLUSH) have a spec of their own, in `subcommands`; the
 * argument normalizer puts it on the call once it sees the subcommand.
 */
import { exists, getKeyIndexes, hasFlag, list } from "@ioredis/commands";
import { ARGUMENT_TRANSFORMS, ArgumentTransform } from "./arguments";
import { REPLY_SHAPERS, ReplyShaper } from "./replies";
import { NATIVE_REPLY_SHAPERS } from "./native-replies";
import { BLOCKING_TIMEOUT_POSITION, BlockingTimeoutPosition } from "./blocking";
import { DECODE_AS_BYTES, REPEATABLE } from "./decoding";
import { EXACT_COUNTERS, ExactCounter } from "./exact-counters";
import { REDACTIONS, Redaction } from "./redaction";
import {
  ALLOWED_IN_SUBSCRIBER_MODE,
  BARRIERS,
  CONNECTION_NAMES,
  FLUSHES_SCRIPTS,
  MAY_WRITE,
  NOT_AUTO_PIPELINED,
  KEY_COUNT_AT,
  NOT_FOR_RECONNECT_ON_ERROR,
  NUDGE_SLOT_ON_ROUTE_ERROR,
  ONE_NODE_ON_CLUSTER,
  SELECTS_DATABASE,
  SUBCOMMANDS,
  SUBSCRIPTIONS,
  TRANSACTION_CONTROL,
  UNBLOCKS_CLIENT,
} from "./facts";

export type SubscriptionKind = "channel" | "pattern" | "shard";

/** Every command name ioredis offers as a method, lowercase. */
export const COMMAND_NAMES: readonly string[] = Object.freeze([
  ...list.filter((name) => name !== "monitor"),
  "sentinel",
]);
const COMMAND_SET = new Set(COMMAND_NAMES);

export interface CommandSpec {
  /** lowercase name ("config", or "config get" for a subcommand's spec), the key of every table */
  readonly name: string;
  /** the command as sent: its first word (a subcommand's spec keeps its command's) */
  readonly command: string;
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
  /** its shaper under `replyMapping: "resp3"` (native-replies.ts) */
  readonly shapeNativeReply: ReplyShaper | undefined;
  /** sent alone on its connection (facts.ts BARRIERS) */
  readonly barrier: boolean;
  /**
   * May change data (or the database a later call reads): a blocking call
   * issued after it waits for its reply, so the blocking call sees it.
   */
  readonly mayWrite: boolean;
  /** a keyless command ioredis's Cluster sends to one node (GLIDE would ask them all) */
  readonly oneNodeOnCluster: boolean;
  /** (un)subscribes: answered by the pub/sub router */
  readonly subscription: { readonly kind: SubscriptionKind; readonly subscribe: boolean } | undefined;
  /** still accepted by a RESP2 connection in subscriber mode */
  readonly allowedInSubscriberMode: boolean;
  /** MULTI, EXEC or DISCARD: what multi({ pipeline: false }) takes over */
  readonly transactionControl: "multi" | "exec" | "discard" | undefined;
  /** its errors go through ioredis's reconnectOnError */
  readonly reconnectOnError: boolean;
  /** SELECT: the connection's database changes */
  readonly selectsDatabase: boolean;
  /** SCRIPT FLUSH: defined scripts go with their source again */
  readonly flushesScripts: boolean;
  /** the argument that says how many keys follow (EVAL's numkeys), if any */
  readonly keyCountAt: number | undefined;
  /** ioredis never auto-pipelines it (not counted in autoPipelineQueueSize) */
  readonly autoPipelined: boolean;
  /** a counter sent as an EVAL so its reply is the server's text (exact-counters.ts) */
  readonly exactCounter: ExactCounter | undefined;
  /** CLIENT UNBLOCK: the id it names may be an ioglide client's, whose blocking connection is another */
  readonly unblocksClient: boolean;
  /** CLIENT SETNAME/SETINFO name the connection, CLIENT LIST waits for those out (connection-names.ts) */
  readonly connectionNames: "names" | "lists" | undefined;
  /** SPUBLISH: after a failover, a keyed read on its slot lets GLIDE learn the new primary */
  readonly nudgeSlotOnRouteError: boolean;
  /** what an error's `command.args` shows of its arguments: credentials redacted (redaction.ts) */
  readonly redactArgs: Redaction | undefined;
  /** subcommands with facts of their own, by lowercase subcommand name */
  readonly subcommands: ReadonlyMap<string, CommandSpec> | undefined;
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

/** The spec for `args` (a subcommand's, when it has one of its own). */
export function specForArguments(spec: CommandSpec, args: readonly (string | Buffer)[]): CommandSpec {
  const sub = spec.subcommands;
  if (sub === undefined || args.length === 0) return spec;
  return sub.get(String(args[0]).toLowerCase()) ?? spec;
}

const never = (): boolean => false;
const always = (): boolean => true;

function buildSpec(name: string): CommandSpec {
  const known = exists(name);
  const subcommands = new Map<string, CommandSpec>();
  for (const full of SUBCOMMANDS) {
    const [command, sub] = full.split(" ");
    if (command === name) subcommands.set(sub, facts(full, name, known));
  }
  return { ...facts(name, name, known), subcommands: subcommands.size > 0 ? subcommands : undefined };
}

/** The facts of `key` ("name" or "name subcommand"), for the command `command`. */
function facts(key: string, command: string, known: boolean): CommandSpec {
  const readonly = known && hasFlag(command, "readonly");
  const bytes = DECODE_AS_BYTES[command];
  return {
    name: key,
    command,
    known,
    readonly,
    blocking: known && hasFlag(command, "blocking"),
    timeoutAt: BLOCKING_TIMEOUT_POSITION[command],
    // Unknown commands (modules, newer servers) may return anything: decode safely.
    decodeAsBytes: bytes === undefined ? (known ? never : always) : bytes === true ? always : bytes,
    repeatable: readonly || REPEATABLE.has(command),
    transformArgs: ARGUMENT_TRANSFORMS[command],
    shapeReply: REPLY_SHAPERS[key],
    shapeNativeReply: NATIVE_REPLY_SHAPERS[key],
    barrier: BARRIERS.has(command),
    mayWrite: !known || hasFlag(command, "write") || MAY_WRITE.has(command),
    oneNodeOnCluster: ONE_NODE_ON_CLUSTER.has(command),
    subscription: SUBSCRIPTIONS[command],
    allowedInSubscriberMode: ALLOWED_IN_SUBSCRIBER_MODE.has(command),
    transactionControl: TRANSACTION_CONTROL[command],
    reconnectOnError: !NOT_FOR_RECONNECT_ON_ERROR.has(command),
    selectsDatabase: SELECTS_DATABASE.has(command),
    flushesScripts: FLUSHES_SCRIPTS.has(key),
    nudgeSlotOnRouteError: NUDGE_SLOT_ON_ROUTE_ERROR.has(command),
    unblocksClient: UNBLOCKS_CLIENT.has(key),
    connectionNames: CONNECTION_NAMES[key],
    redactArgs: REDACTIONS[command],
    exactCounter: EXACT_COUNTERS[key],
    autoPipelined: !NOT_AUTO_PIPELINED.has(command),
    keyCountAt: KEY_COUNT_AT[command],
    subcommands: undefined,
    wireName: known ? Buffer.from(command) : undefined,
  };
}

/** Argument positions holding keys, per ioredis's own rules (for keyPrefix). */
export function keyPositions(spec: CommandSpec, args: (string | Buffer)[]): number[] {
  if (!spec.known) return [];
  if (spec.keyCountAt !== undefined) {
    // Infinity or 1e9 keys: none taken here, the server refuses the count
    // ("Number of keys can't be greater than number of args"); ioredis loops until it crashes.
    const count = Number(String(args[spec.keyCountAt]));
    if (!(count <= args.length)) return [];
  }
  return getKeyIndexes(spec.command, args);
}
