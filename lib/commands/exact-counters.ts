/**
 * Exact counters under `stringNumbers`. GLIDE hands integer replies over as
 * JavaScript numbers (napi int64 -> number), which lose digits beyond 2^53,
 * while ioredis with `stringNumbers: true` gives the server's text. For the
 * counters, whose result is the value they store, ioglide sends one EVAL that
 * runs the command and reads the stored value back as a string, atomically
 * (errors are the command's own: the script returns them as they are).
 * Other integer replies beyond 2^53 stay JavaScript numbers
 * (docs/COMPATIBILITY.md).
 */
export interface ExactCounter {
  /** the arguments after the command name (other counts go as they are, for the server's own error) */
  readonly arity: number;
  /** how the stored value is read back */
  readonly read: "GET" | "HGET";
}

export const EXACT_COUNTERS: Record<string, ExactCounter> = {
  incr: { arity: 1, read: "GET" },
  decr: { arity: 1, read: "GET" },
  incrby: { arity: 2, read: "GET" },
  decrby: { arity: 2, read: "GET" },
  hincrby: { arity: 3, read: "HGET" },
};

const SCRIPT = [
  "local r = redis.pcall(ARGV[1], KEYS[1], unpack(ARGV, 3))",
  "if type(r) == 'table' and r.err then return r end",
  "if ARGV[2] == 'HGET' then return redis.call('HGET', KEYS[1], ARGV[3]) end",
  "return redis.call('GET', KEYS[1])",
].join("\n");

/** EVAL <script> 1 <key> <command> <read> <rest...>: what is sent instead of `[command, key, ...rest]`. */
export function exactCounterArgv(
  command: string | Buffer,
  args: readonly (string | Buffer)[],
  counter: ExactCounter,
): (string | Buffer)[] {
  return ["EVAL", SCRIPT, "1", args[0], command, counter.read, ...args.slice(1)];
}
