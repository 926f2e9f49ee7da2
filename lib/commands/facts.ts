/**
 * Facts about commands that @ioredis/commands' flags do not carry, one table
 * per fact (spec.ts folds them into each command's spec; nothing else reads
 * these tables). Keys are lowercase command names, or "command subcommand".
 */
import type { SubscriptionKind } from "./spec";

/**
 * Sent alone, with nothing else outstanding on the connection: GLIDE
 * write-locks its client after SELECT and CLIENT SETNAME (later requests can
 * then overtake each other), and the raw transaction commands change what
 * the connection does with everything after them. (CLIENT need not wait for
 * what is already out: see the ordered lane.)
 */
export const BARRIERS = new Set([
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
export const MAY_WRITE = new Set([
  "eval",
  "evalsha",
  "fcall",
  "exec",
  "multi",
  "select",
  "swapdb",
  "function",
  "script",
]);

/**
 * On a cluster, GLIDE sends these keyless commands to every node and answers
 * per node; ioredis's Cluster sends them to one node and gets its reply.
 */
export const ONE_NODE_ON_CLUSTER = new Set(["info", "memory", "latency", "debug"]);

/** The (un)subscribe family, answered by the pub/sub router. */
export const SUBSCRIPTIONS: Record<string, { kind: SubscriptionKind; subscribe: boolean }> = {
  subscribe: { kind: "channel", subscribe: true },
  psubscribe: { kind: "pattern", subscribe: true },
  ssubscribe: { kind: "shard", subscribe: true },
  unsubscribe: { kind: "channel", subscribe: false },
  punsubscribe: { kind: "pattern", subscribe: false },
  sunsubscribe: { kind: "shard", subscribe: false },
};

/** ioredis's VALID_IN_SUBSCRIBER_MODE: what a RESP2 subscriber connection still accepts. */
export const ALLOWED_IN_SUBSCRIBER_MODE = new Set([
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "ping",
  "quit",
  "reset",
]);

/** The raw transaction commands, which multi({ pipeline: false }) takes over. */
export const TRANSACTION_CONTROL: Record<string, "multi" | "exec" | "discard"> = {
  multi: "multi",
  exec: "exec",
  discard: "discard",
};

/** ioredis's reconnectOnError looks at every error but these commands'. */
export const NOT_FOR_RECONNECT_ON_ERROR = new Set(["client"]);

/** Changes the connection's database: new connections follow, the client emits 'select'. */
export const SELECTS_DATABASE = new Set(["select"]);

/** Empties the server's script cache: defined scripts go with their source again. */
export const FLUSHES_SCRIPTS = new Set(["script flush"]);

/**
 * After a failover GLIDE fails SPUBLISH with "ConnectionNotFoundForRoute"
 * until a command it routes by key reaches that slot: a keyed read on the
 * channel's slot first (redirects.ts).
 */
export const NUDGE_SLOT_ON_ROUTE_ERROR = new Set(["spublish"]);

/**
 * Naming a connection, and listing connections: a CLIENT LIST waits for the
 * names this process set before it (executor/connection-names.ts).
 */
export const CONNECTION_NAMES: Record<string, "names" | "lists"> = {
  "client setname": "names",
  "client setinfo": "names",
  "client list": "lists",
};

/** CLIENT UNBLOCK: its id is aimed at the blocking connection of the ioglide client it names (unblock-targets.ts). */
export const UNBLOCKS_CLIENT = new Set(["client unblock"]);

/**
 * Where the command names how many keys follow (EVAL's numkeys, ...): the
 * commands @ioredis/commands reads a key count from. A count the arguments
 * cannot hold (Infinity, 1e9) must not reach it: it would loop on it.
 */
export const KEY_COUNT_AT: Record<string, number> = {
  eval: 1,
  evalsha: 1,
  eval_ro: 1,
  evalsha_ro: 1,
  fcall: 1,
  fcall_ro: 1,
  blmpop: 1,
  bzmpop: 1,
  zunionstore: 1,
  zinterstore: 1,
  zdiffstore: 1,
  sdiffcard: 0,
  sintercard: 0,
  sunioncard: 0,
  lmpop: 0,
  zunion: 0,
  zinter: 0,
  zmpop: 0,
  zintercard: 0,
  zdiff: 0,
  msetex: 0,
};

/** Subcommands with facts of their own (a reply shaper, an effect): they get a spec of their own. */
export const SUBCOMMANDS = [
  "client list",
  "client setinfo",
  "client setname",
  "client unblock",
  "config get",
  "function stats",
  "pubsub numsub",
  "pubsub shardnumsub",
  "script exists",
  "script flush",
  "xgroup createconsumer",
  "xgroup destroy",
];

/**
 * Never auto-pipelined by ioredis (its notAllowedAutoPipelineCommands): left
 * out of `autoPipelineQueueSize`. ("unpsubscribe" is ioredis's spelling.)
 */
export const NOT_AUTO_PIPELINED = new Set([
  "auth",
  "info",
  "script",
  "quit",
  "cluster",
  "pipeline",
  "multi",
  "subscribe",
  "psubscribe",
  "unsubscribe",
  "unpsubscribe",
  "select",
  "client",
  "hello",
  "readonly",
  "himport",
]);
