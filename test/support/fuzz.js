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

/** A cyclic object: neither side may loop on it. */
const CYCLE = { name: "cycle" };
CYCLE.self = CYCLE;

/** One 3 MB string shared by every program (a new one per step exhausted the heap on long runs). */
const HUGE = "x".repeat(3 << 20);

/** Arguments no command accepts, or accepts only as ioredis converts them (bad-input mode). */
const BAD = [
  () => undefined,
  () => null,
  () => Symbol("s"),
  () =>
    function f() {
      return 1;
    },
  () => CYCLE,
  () => ({ a: 1 }),
  () => HUGE,
  () => NaN,
  () => Infinity,
  () => -0,
  () => 2n ** 70n,
  () => true,
  () => [1, [2, [3]]],
  () => [],
  () => new Date(0),
  () => Buffer.alloc(0),
  () => "",
  () => new Map([["f", Symbol("v")]]),
];

function generator(seed, { bad = false } = {}) {
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
      // defined commands (SCRIPTS below), a fixed and a per-call key count
      () => ["fzSwap", key(), value()],
      () => ["fzCount", 2, key(), key(), pick(["a", "b", "c"])],
      // streams (ids given, increasing per program)
      () => ["xadd", key(), `${++streamId}-0`, "f", value()],
      () => ["xrange", key(), "-", "+"],
      () => ["xlen", key()],
      () => ["xread", "COUNT", 2, "STREAMS", key(), "0"],
    ])();

  const withBuffers = (c) => (buffer() && !c[0].endsWith("Buffer") ? [`${c[0]}Buffer`, ...c.slice(1)] : c);
  /** Bad-input mode: one argument replaced by (or, one time in four, followed by) a bad value. */
  const spoil = (c) => {
    const badValue = pick(BAD)();
    if (c.length === 1 || rand() < 0.25) return [...c, badValue];
    const at = 1 + int(c.length - 1);
    return [...c.slice(0, at), badValue, ...c.slice(at + 1)];
  };
  const one = () => (bad && rand() < 0.5 ? spoil(withBuffers(call())) : withBuffers(call()));
  /** One step of a program. */
  /** A scan stream of every kind, with MATCH/COUNT/TYPE options. */
  const scan = () => {
    const options = { match: pick([undefined, "k*", "*", "k1*", "*:h"]), count: pick([undefined, 1, 10, 100]) };
    const method = pick(["scanStream", "scanStream", "hscanStream", "sscanStream", "zscanStream"]);
    if (method === "scanStream" && rand() < 0.3) options.type = pick(["string", "hash", "zset"]);
    if (method !== "scanStream") options.match = pick([undefined, "*", "a*"]);
    return { kind: "scan", method, key: method === "scanStream" ? undefined : key(), options };
  };
  /** A subscribe (channel or pattern), payloads published to it, the deliveries, an unsubscribe. */
  const pubsub = () => ({
    kind: "pubsub",
    channel: pick(["news", "news.eu", "ü"]),
    pattern: pick([null, "news*", "n?ws.*"]),
    payloads: Array.from({ length: 1 + int(3) }, value),
  });
  const step = () => {
    const r = rand();
    if (r < 0.55) return { kind: "call", call: one(), callback: rand() < 0.2 };
    if (r < 0.9) {
      const calls = Array.from({ length: 2 + int(4) }, one);
      return { kind: r < 0.78 ? "pipeline" : "multi", calls };
    }
    if (r < 0.95) return scan();
    if (r < 0.97) return pubsub();
    // WATCH a key, maybe change it from another connection, then a transaction
    return { kind: "watch", key: key(), interfere: rand() < 0.5, calls: Array.from({ length: 1 + int(3) }, one) };
  };
  return { step, options: OPTIONS[seed % OPTIONS.length] };
}

/** A program of `ops` steps and the client options for it, from `seed` (`bad`: bad-input mode). */
function program(seed, ops, { bad = false } = {}) {
  const g = generator(seed, { bad });
  return { seed, bad, options: g.options, steps: Array.from({ length: ops }, () => g.step()) };
}

/** Set-valued replies come in the server's hash order: compared sorted. */
const UNORDERED = new Set(["smembers", "hkeys", "hvals"]);

/** Everything a scan stream finds, in a comparable order (pairs kept together for HSCAN/ZSCAN). */
async function scanAll(client, { method, key, options }) {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const stream = key === undefined ? client[method](given) : client[method](key, given);
  const found = [];
  for await (const batch of stream) found.push(...batch);
  const items = method === "hscanStream" || method === "zscanStream" ? pairs(found) : found;
  return items.map((x) => JSON.stringify(comparable(x))).sort();
}

const pairs = (flat) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);

/** Each client's subscriber connection (made on its first pub/sub step, closed after the program). */
const subscribers = new Map();
/** Each client's second connection, which changes WATCHed keys (closed after the program). */
const helpers = new Map();
function helperOf(client) {
  if (!helpers.has(client)) helpers.set(client, client.duplicate());
  return helpers.get(client);
}

/** Scripts every program's clients define (defineCommand), called from the generator. */
const SCRIPTS = {
  fzSwap: {
    numberOfKeys: 1,
    lua: "local old = redis.call('GET', KEYS[1]); redis.call('SET', KEYS[1], ARGV[1]); return old",
  },
  fzCount: { lua: "local n = 0 for _, k in ipairs(KEYS) do n = n + redis.call('EXISTS', k) end return {n, ARGV[1]}" },
};

/**
 * Subscribe, publish, collect the deliveries, unsubscribe. Pub/sub is not per
 * database: each side's channels carry its database number, taken out again
 * before comparing.
 */
async function pubsubRound(client, step) {
  const side = `fz${client.options.db}:`;
  const untag = (name) => String(name).split(side).join("");
  let sub = subscribers.get(client);
  if (!sub) subscribers.set(client, (sub = client.duplicate()));
  const got = [];
  const onMessage = (channel, message) => got.push(["message", untag(channel), message.toString("hex")]);
  const onPmessage = (pattern, channel, message) =>
    got.push(["pmessage", untag(pattern), untag(channel), message.toString("hex")]);
  sub.on("messageBuffer", onMessage);
  sub.on("pmessageBuffer", onPmessage);
  try {
    const topic = side + (step.pattern || step.channel);
    const subscribed = step.pattern ? await sub.psubscribe(topic) : await sub.subscribe(topic);
    const receivers = [];
    for (const payload of step.payloads) receivers.push(await client.publish(side + step.channel, payload));
    const expected = receivers.reduce((a, b) => a + Number(b), 0); // strings under stringNumbers
    for (const end = Date.now() + 2000; got.length < expected && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 2));
    const unsubscribed = step.pattern ? await sub.punsubscribe(topic) : await sub.unsubscribe(topic);
    return comparable({ subscribed, receivers, got, unsubscribed });
  } finally {
    sub.off("messageBuffer", onMessage);
    sub.off("pmessageBuffer", onPmessage);
  }
}

/** How long a step may take before it counts as a hang. */
const STEP_LIMIT_MS = 10000;

/**
 * One step's outcome ({ ok } or { err }, comparable) and how it ended:
 * `thrown` if the call threw synchronously, `hang` if it did not settle.
 */
async function runStep(client, step) {
  const how = { thrown: false, hang: false };
  const invoke = ([method, ...args], chain = client) => {
    try {
      return chain[method](...args);
    } catch (err) {
      how.thrown = true;
      throw err;
    }
  };
  const run = async () => {
    try {
      if (step.kind === "scan") return { ok: await scanAll(client, step) };
      if (step.kind === "pubsub") return { ok: await pubsubRound(client, step) };
      if (step.kind === "watch") {
        await client.watch(step.key);
        if (step.interfere) await helperOf(client).set(step.key, "changed"); // EXEC then gives null
        let chain = client.multi();
        for (const c of step.calls) chain = invoke(c, chain);
        return { ok: comparable(await chain.exec()) };
      }
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
      // EXECABORT's previousErrors say which call discarded the transaction. Only the first is
      // compared: GLIDE reports the server's first refusal, ioredis has one per refused command
      // (docs/COMPATIBILITY.md).
      return err.previousErrors
        ? { err: comparable(err), previous: comparable(err.previousErrors.slice(0, 1)) }
        : { err: comparable(err) };
    }
  };
  let timer;
  const limit = new Promise((resolve) => {
    timer = setTimeout(() => ((how.hang = true), resolve({ hang: true })), STEP_LIMIT_MS);
  });
  const outcome = await Promise.race([run(), limit]);
  clearTimeout(timer);
  return { outcome, how };
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
  try {
    return await compareSteps(prog, mine, theirs);
  } finally {
    for (const client of [mine, theirs]) {
      for (const side of [subscribers, helpers]) {
        const extra = side.get(client);
        side.delete(client);
        if (extra) extra.disconnect();
      }
    }
  }
}

async function compareSteps(prog, mine, theirs) {
  for (const client of [mine, theirs]) {
    for (const [name, definition] of Object.entries(SCRIPTS)) if (!client[name]) client.defineCommand(name, definition);
  }
  await mine.flushdb();
  await theirs.flushdb();
  for (let i = 0; i < prog.steps.length; i++) {
    const step = prog.steps[i];
    const mineRan = await runStep(mine, step);
    const a = sortIfUnordered(step, mineRan.outcome);
    const unsafe = unsafeOutcome(mineRan);
    if (unsafe) return { index: i, step, ioglide: a, problem: unsafe };
    if (crashesIoredis(prog.options, step)) {
      // only ioglide's safety is checked; both start again from empty
      await mine.flushdb();
      await theirs.flushdb();
      continue;
    }
    const b = sortIfUnordered(step, (await runStep(theirs, step)).outcome);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (!prog.bad || !onlyDeliberate(a, b)) return { index: i, step, ioglide: a, ioredis: b };
    // a deliberate difference (ioglide refused what ioredis sent as text): both start again from empty
    await mine.flushdb();
    await theirs.flushdb();
  }
  return null;
}

/**
 * With a keyPrefix, ioredis loops over EVAL's key count until the process
 * dies when the count is Infinity or huge (ioglide lets the server refuse it):
 * such a step is not run on ioredis.
 */
function crashesIoredis(options, step) {
  if (!options.keyPrefix) return false;
  const calls = step.kind === "call" ? [step.call] : step.calls || [];
  return calls.some(([method, ...args]) => {
    const name = method.replace(/Buffer$/, "");
    const at = name === "eval" ? 1 : name === "fzCount" ? 0 : -1; // where the key count is
    if (at < 0) return false;
    try {
      return Number(String(args[at])) > 1e6;
    } catch {
      return false;
    }
  });
}

/** What ioglide must never do, whatever the input: throw, hang, reject without a message. */
function unsafeOutcome({ outcome, how }) {
  if (how.thrown) return "ioglide threw synchronously";
  if (how.hang) return `ioglide did not settle within ${STEP_LIMIT_MS} ms`;
  if (outcome.err && !outcome.err.message) return "ioglide rejected without a message";
  return null;
}

/**
 * ioglide's refusals that COMPATIBILITY.md lists as deliberate: where ioredis
 * sends a Symbol, an object or a function as its text, uses '' for a
 * null/undefined key, or with a keyPrefix the prefix and "undefined" for a
 * missing key, ioglide rejects the call.
 */
const DELIBERATE =
  /^ioglide: argument \d+ of '[^']+' is (a Symbol|an object|a function|a key and (cannot be null or undefined|is missing))/;

function onlyDeliberate(a, b) {
  const refused = (x) => x && typeof x === "object" && typeof x.message === "string" && DELIBERATE.test(x.message);
  if (a.previous && a.previous.some(refused)) return true; // a transaction discarded for a refused call
  if (a.err) return refused(a.err);
  if (!Array.isArray(a.ok) || !b.ok || !Array.isArray(b.ok) || a.ok.length !== b.ok.length) return false;
  // a pipeline: entries agree up to the first refused one; after it, ioredis's wrote what ioglide
  // refused, so the rest of the pipeline saw different data
  for (let i = 0; i < a.ok.length; i++) {
    if (refused(a.ok[i][0])) return true;
    if (JSON.stringify(a.ok[i]) !== JSON.stringify(b.ok[i])) return false;
  }
  return false;
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

/** A step's calls as text: bad arguments shown as code (Symbols, functions, cycles, BigInt, ...). */
function printable(value, seen = new Set()) {
  if (value === undefined) return "undefined";
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "function") return "function";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string")
    return value.length > 300 ? `"${value.slice(0, 8)}...(${value.length} chars)"` : JSON.stringify(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (seen.has(value)) return "<cycle>";
  seen.add(value);
  let text;
  if (Buffer.isBuffer(value)) text = `Buffer<${value.toString("hex")}>`;
  else if (value instanceof Date) text = `new Date(${value.getTime()})`;
  else if (value instanceof Map)
    text = `new Map([${[...value].map(([k, v]) => `[${printable(k, seen)}, ${printable(v, seen)}]`).join(", ")}])`;
  else if (Array.isArray(value)) text = `[${value.map((v) => printable(v, seen)).join(", ")}]`;
  else
    text = `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${printable(v, seen)}`)
      .join(", ")} }`;
  seen.delete(value);
  return text;
}

module.exports = { program, compare, shrink, printable, runStep, prng };
