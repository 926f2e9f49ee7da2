"use strict";
/**
 * The differential fuzzer's core: random ioredis programs, valid by
 * construction (plus calls the server refuses: wrong types, bad numbers),
 * run through ioglide and through ioredis on two databases of the same
 * server, every outcome compared (reply, or error class and message).
 *
 * A program is a list of steps: a single call (promise or callback form), a
 * pipeline or a multi of a few calls. Keys come from a small pool so types
 * collide; values mix text, numbers, unicode and non-UTF-8 Buffers. Each run
 * picks client options (keyPrefix, stringNumbers, protocol 2, resp3 mapping)
 * from its seed. `scripts/fuzz.js` runs long programs; test/fuzz runs a short
 * fixed-seed one in `npm test`.
 *
 * A mismatch reports the seed and the step, and `shrink` finds a shorter
 * program that still differs (steps removed one at a time, then in halves).
 */
const { comparable } = require("../commands/differential");

/** mulberry32: small, seedable, good enough for choosing. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scripts returning each kind of reply through Lua's conversions. */
const LUA = [
  "return redis.call('GET', KEYS[1])",
  "return {1, 2.5, 'x', false, true, {ARGV[1]}}",
  "return redis.call('INCR', KEYS[1])",
  "return redis.status_reply('FINE')",
  "return redis.error_reply('MY custom')",
  "return redis.pcall('HGETALL', KEYS[1])",
  "redis.call('SET', KEYS[1], ARGV[1]); return ARGV[1]",
];

/** The client options of a run, by seed. */
const OPTIONS = [{}, { keyPrefix: "fz:" }, { stringNumbers: true }, { protocol: 2 }, { replyMapping: "resp3" }];

function generator(seed) {
  const rand = prng(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];
  const key = () => `k${int(6)}`;
  const member = () => pick(["a", "b", "c", "d", "ü", "1", "2"]);
  const value = () =>
    pick([
      () => pick(["v", "", "hello world", "ünïcødé ✓", "12", "-7", "3.5", "1e3"]),
      () => String(int(2000) - 1000),
      () => int(100),
      () => Buffer.from([0xff, 0xfe, int(256), 0x41]),
      () => Buffer.from("buf"),
    ])();
  const score = () => pick([() => int(10), () => (int(2000) - 1000) / 8, () => pick(["-inf", "+inf", "1.5", "x"])])();
  const buffer = () => rand() < 0.2;
  let streamId = 0;

  /** [method, ...args]: one call, chosen from the families below. */
  const call = () =>
    pick([
      // strings
      () => ["set", key(), value()],
      () => ["get", key()],
      () => ["getBuffer", key()],
      () => ["incr", key()],
      () => ["incrby", key(), int(100) - 50],
      () => ["incrbyfloat", key(), pick(["0.1", "1.5", "-2", "x"])],
      () => ["append", key(), value()],
      () => ["strlen", key()],
      () => ["getrange", key(), 0, int(5)],
      () => ["mget", key(), key()],
      () => ["mset", { [key()]: value(), [key()]: value() }],
      () => ["setnx", key(), value()],
      () => ["getdel", key()],
      () => ["del", key(), key()],
      () => ["exists", key(), key()],
      () => ["type", key()],
      // hashes
      () => ["hset", key(), { [member()]: value(), [member()]: value() }],
      () => ["hset", key(), new Map([[member(), value()]])],
      () => ["hget", key(), member()],
      () => ["hgetall", key()],
      () => ["hgetallBuffer", key()],
      () => ["hdel", key(), member()],
      () => ["hincrby", key(), member(), int(10)],
      () => ["hincrbyfloat", key(), member(), "0.5"],
      () => ["hlen", key()],
      () => ["hexists", key(), member()],
      () => ["hmget", key(), member(), member()],
      // lists
      () => ["lpush", key(), value(), value()],
      () => ["rpush", key(), value()],
      () => ["lpop", key()],
      () => ["rpop", key(), 1 + int(3)],
      () => ["lrange", key(), 0, -1],
      () => ["lrangeBuffer", key(), 0, -1],
      () => ["llen", key()],
      () => ["lindex", key(), int(3)],
      () => ["lrem", key(), 0, value()],
      // sets
      () => ["sadd", key(), member(), member()],
      () => ["srem", key(), member()],
      () => ["scard", key()],
      () => ["sismember", key(), member()],
      () => ["smismember", key(), member(), member()],
      // sorted sets
      () => ["zadd", key(), score(), member()],
      () => ["zadd", key(), pick(["NX", "XX", "GT", "CH"]), score(), member()],
      () => ["zadd", key(), "INCR", score(), member()],
      () => ["zscore", key(), member()],
      () => ["zincrby", key(), score(), member()],
      () => ["zrange", key(), 0, -1, "WITHSCORES"],
      () => ["zrange", key(), 0, -1],
      () => ["zrangebyscore", key(), "-inf", "+inf", "WITHSCORES", "LIMIT", 0, 2],
      () => ["zrevrange", key(), 0, 1, "WITHSCORES"],
      () => ["zrank", key(), member()],
      () => ["zcard", key()],
      () => ["zrem", key(), member()],
      () => ["zpopmin", key()],
      () => ["zmscore", key(), member(), member()],
      // scripts (Lua's own conversions of every reply type)
      () => ["eval", pick(LUA), 1, key(), value()],
      // streams (ids given, increasing per program)
      () => ["xadd", key(), `${++streamId}-0`, "f", value()],
      () => ["xrange", key(), "-", "+"],
      () => ["xlen", key()],
      () => ["xread", "COUNT", 2, "STREAMS", key(), "0"],
    ])();

  const withBuffers = (c) => (buffer() && !c[0].endsWith("Buffer") ? [`${c[0]}Buffer`, ...c.slice(1)] : c);
  /** One step of a program. */
  const step = () => {
    const r = rand();
    if (r < 0.6) return { kind: "call", call: withBuffers(call()), callback: rand() < 0.2 };
    const calls = Array.from({ length: 2 + int(4) }, () => withBuffers(call()));
    return { kind: r < 0.85 ? "pipeline" : "multi", calls };
  };
  return { step, options: OPTIONS[seed % OPTIONS.length] };
}

/** A program of `ops` steps and the client options for it, from `seed`. */
function program(seed, ops) {
  const g = generator(seed);
  return { seed, options: g.options, steps: Array.from({ length: ops }, () => g.step()) };
}

/** Set-valued replies come in the server's hash order: compared sorted. */
const UNORDERED = new Set(["smembers", "hkeys", "hvals"]);

async function runStep(client, step) {
  const invoke = ([method, ...args], chain = client) => chain[method](...args);
  try {
    if (step.kind === "call") {
      if (!step.callback) return { ok: comparable(await invoke(step.call)) };
      return await new Promise((resolve) =>
        invoke([...step.call, (err, v) => resolve(err ? { err: comparable(err) } : { ok: comparable(v) })]),
      );
    }
    let chain = step.kind === "pipeline" ? client.pipeline() : client.multi();
    for (const c of step.calls) chain = invoke(c, chain);
    const replies = await chain.exec();
    return { ok: comparable(replies) };
  } catch (err) {
    return { err: comparable(err) };
  }
}

const sortIfUnordered = (step, outcome) =>
  step.kind === "call" && UNORDERED.has(step.call[0]) && Array.isArray(outcome.ok)
    ? { ok: [...outcome.ok].sort() }
    : outcome;

/**
 * Runs `prog` on `mine` and `theirs` (clients already made with prog.options
 * on two databases), step by step. Returns the first mismatch or null.
 */
async function compare(prog, mine, theirs) {
  await mine.flushdb();
  await theirs.flushdb();
  for (let i = 0; i < prog.steps.length; i++) {
    const step = prog.steps[i];
    const a = sortIfUnordered(step, await runStep(mine, step));
    const b = sortIfUnordered(step, await runStep(theirs, step));
    if (JSON.stringify(a) !== JSON.stringify(b)) return { index: i, step, ioglide: a, ioredis: b };
  }
  return null;
}

/** A shorter program (steps up to the mismatch, then fewer) that still differs. */
async function shrink(prog, mismatch, mine, theirs) {
  let steps = prog.steps.slice(0, mismatch.index + 1);
  let found = mismatch;
  for (let chunk = Math.ceil(steps.length / 2); chunk >= 1; chunk = Math.floor(chunk / 2)) {
    for (let start = 0; start + chunk < steps.length;) {
      const candidate = [...steps.slice(0, start), ...steps.slice(start + chunk)];
      const m = await compare({ ...prog, steps: candidate }, mine, theirs);
      if (m) {
        steps = candidate.slice(0, m.index + 1);
        found = m;
      } else start += chunk;
    }
    if (chunk === 1) break;
  }
  return { steps, mismatch: found };
}

module.exports = { program, compare, shrink };
