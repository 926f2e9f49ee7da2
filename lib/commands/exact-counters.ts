/**
 * Counters whose reply GLIDE would round, sent as one EVAL so the server's
 * own text comes back (GLIDE converts replies by command name, whatever the
 * case, but never an EVAL's):
 *
 * - INCRBYFLOAT / HINCRBYFLOAT, always: the server computes in long double
 *   and prints up to 17 digits ("1000.09999999999999998"), GLIDE parses that
 *   into a double (1000.1) whose text is not the server's;
 * - INCR, INCRBY, DECR, DECRBY, HINCRBY under `stringNumbers`: GLIDE hands
 *   integers over as JavaScript numbers (napi int64 -> number), which lose
 *   digits beyond 2^53, while ioredis gives the server's text; their result
 *   is the value they store, so the script reads it back as a string.
 *
 * The script runs the command with pcall, so its errors are the command's
 * own. Other integer replies beyond 2^53 stay JavaScript numbers
 * (docs/COMPATIBILITY.md).
 */
export interface ExactCounter {
  /** the arguments after the command name (other counts go as they are, for the server's own error) */
  readonly arity: number;
  /** how the stored value is read back ("" for the command's own reply) */
  readonly read: "GET" | "HGET" | "";
  /** sent this way whatever the options (else only with stringNumbers) */
  readonly always: boolean;
}

export const EXACT_COUNTERS: Record<string, ExactCounter> = {
  incr: { arity: 1, read: "GET", always: false },
  decr: { arity: 1, read: "GET", always: false },
  incrby: { arity: 2, read: "GET", always: false },
  decrby: { arity: 2, read: "GET", always: false },
  hincrby: { arity: 3, read: "HGET", always: false },
  incrbyfloat: { arity: 2, read: "", always: true },
  hincrbyfloat: { arity: 3, read: "", always: true },
};

const SCRIPT = [
  "local r = redis.pcall(ARGV[1], KEYS[1], unpack(ARGV, 3))",
  "if type(r) == 'table' and r.err then return r end",
  "if ARGV[2] == 'HGET' then return redis.call('HGET', KEYS[1], ARGV[3]) end",
  "if ARGV[2] == 'GET' then return redis.call('GET', KEYS[1]) end",
  "return r",
].join("\n");

/** EVAL <script> 1 <key> <command> <read> <rest...>: what is sent instead of `[command, key, ...rest]`. */
export function exactCounterArgv(
  command: string | Buffer,
  args: readonly (string | Buffer)[],
  counter: ExactCounter,
): (string | Buffer)[] {
  return ["EVAL", SCRIPT, "1", args[0], command, counter.read, ...args.slice(1)];
}
