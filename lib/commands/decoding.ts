/**
 * How replies are decoded. GLIDE decodes a whole request (one command or one
 * auto-pipelined batch) either as UTF-8 strings or as Buffers, and a reply
 * that is not valid UTF-8 fails the *whole* request under the string decoder,
 * after the server executed it. Buffers cost about 3x on many-element replies,
 * so strings stay the default and these tables keep the failure harmless:
 *
 * - commands that change data *and* return stored bytes are always decoded as
 *   Buffers (then turned into strings the way ioredis does: lossy UTF-8), so a
 *   binary value can never lose their effect's reply;
 * - a client that sends a Buffer that is not UTF-8 stores binary data: from
 *   then on all its replies are decoded as Buffers (one request per batch
 *   again, about 30% slower on small GETs, and exact);
 * - otherwise, if a batch fails to decode, its read-only calls are sent again
 *   with the Buffer decoder and the client switches as above. Its other calls
 *   cannot be repeated: they ran, but their replies are lost and they reject
 *   with an error saying so (docs/COMPATIBILITY.md).
 */

type ArgsTest = (args: readonly unknown[]) => boolean;

const hasWord =
  (word: string): ArgsTest =>
  (args) => {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if ((typeof a === "string" || Buffer.isBuffer(a)) && a.length === word.length && String(a).toUpperCase() === word)
        return true;
    }
    return false;
  };

/** `true`: always Buffers; a function: Buffers when it says so for these arguments. */
export const DECODE_AS_BYTES: Record<string, true | ArgsTest> = {
  // write commands returning stored values
  getset: true,
  getdel: true,
  getex: true,
  set: hasWord("GET"),
  lpop: true,
  rpop: true,
  spop: true,
  lmove: true,
  blmove: true,
  rpoplpush: true,
  brpoplpush: true,
  lmpop: true,
  blmpop: true,
  blpop: true,
  brpop: true,
  zpopmin: true,
  zpopmax: true,
  bzpopmin: true,
  bzpopmax: true,
  zmpop: true,
  bzmpop: true,
  hgetdel: true,
  hgetex: true,
  xreadgroup: true,
  xclaim: true,
  xautoclaim: true,
  sort: true,
  georadius: true,
  georadiusbymember: true,
  // scripts and functions can return anything and must never run twice
  eval: true,
  evalsha: true,
  fcall: true,
  function: true,
  // serialized values are binary by nature
  dump: true,
};

/** Not flagged read-only in the command table, but without side effects. */
export const REPEATABLE = new Set<string>([
  "echo",
  "ping",
  "info",
  "time",
  "role",
  "lastsave",
  "command",
  "object",
  "xinfo",
  "memory",
  "latency",
  "slowlog",
  "pubsub",
]);
