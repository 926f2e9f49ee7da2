"use strict";
/**
 * The pure modules, no server: retry policy, status waiters, double printing,
 * error translation, the command spec, the argument normalizer, middleware
 * composition and the per-command chain cache.
 */
const { test } = require("uvu");
const assert = require("node:assert");
const { afterClose } = require("../../built/connection/retry-policy");
const { StatusWaiters } = require("../../built/connection/status-waiters");
const { formatDoubleG17, formatDoubleShortest } = require("../../built/commands/reply-values");
const errors = require("../../built/errors");
const { specFor, specForArguments, keyPositions, isCommandName } = require("../../built/commands/spec");
const { normalizeArgs } = require("../../built/middleware/normalize");
const { compose, userStage } = require("../../built/chain/middleware");
const { CommandChains } = require("../../built/chain/chains");
const { Call } = require("../../built/chain/call");
const { parseMonitorLine } = require("../../built/monitor/monitor-client");
const { sanitizeArgs } = require("../../built/tracing");

const env = { stringNumbers: false, formatDouble: formatDoubleShortest };
const newCall = (name, args, buffer = false) => new Call(name, args, buffer, specFor(name), env);
const tick = () => new Promise((r) => setImmediate(r));

// --- retry policy (ioredis's close handler) ---

test("retry policy: no retryStrategy ends the client", () => {
  assert.deepStrictEqual(afterClose({ retryStrategy: null }, 1, false), { end: "Connection is closed." });
});

test("retry policy: a non-number from retryStrategy ends it, with the cluster's own message on a cluster", () => {
  assert.deepStrictEqual(afterClose({ retryStrategy: () => null }, 3, false), { end: "Connection is closed." });
  assert.deepStrictEqual(afterClose({ retryStrategy: () => undefined }, 3, true), {
    end: "None of startup nodes is available",
  });
});

test("retry policy: the delay is retryStrategy's, given the attempt number", () => {
  const seen = [];
  const r = afterClose({ retryStrategy: (n) => (seen.push(n), n * 10), maxRetriesPerRequest: 20 }, 4, false);
  assert.deepStrictEqual(seen, [4]);
  assert.strictEqual(r.delay, 40);
  assert.strictEqual(r.flush, undefined);
});

test("retry policy: queued calls fail every maxRetriesPerRequest + 1 attempts (standalone only)", () => {
  const opts = { retryStrategy: () => 5, maxRetriesPerRequest: 2 };
  const flushed = [1, 2, 3, 4, 5, 6].map((n) => afterClose(opts, n, false).flush);
  assert.deepStrictEqual(
    flushed.map((e) => e !== undefined),
    [false, false, true, false, false, true],
  );
  assert.ok(flushed[2] instanceof errors.MaxRetriesPerRequestError);
  assert.match(flushed[2].message, /max retries per request limit \(which is 2\)/);
  assert.ok(afterClose({ ...opts, maxRetriesPerRequest: 0 }, 1, false).flush, "0: every attempt flushes");
  assert.strictEqual(afterClose({ ...opts, maxRetriesPerRequest: null }, 99, false).flush, undefined, "null: never");
  assert.strictEqual(afterClose(opts, 3, true).flush, undefined, "a Cluster's queue waits");
});

// --- status waiters (connect() and whenReady()) ---

test("status waiters: ready settles both kinds, close only connect()'s", async () => {
  const w = new StatusWaiters(false);
  const log = [];
  const track = (p, name) =>
    p.then(
      () => log.push(`${name} ok`),
      (e) => log.push(`${name} ${e.message}`),
    );
  const a = track(w.wait("ready-or-close"), "connect");
  const b = track(w.wait("ready-or-end"), "whenReady");
  w.statusChanged("connecting");
  w.statusChanged("close");
  await tick();
  assert.deepStrictEqual(log, ["connect Connection is closed."]);
  w.statusChanged("ready");
  await Promise.all([a, b]);
  assert.deepStrictEqual(log, ["connect Connection is closed.", "whenReady ok"]);
});

test("status waiters: end rejects whenReady with the closed error, a cluster's connect() with its own", async () => {
  const w = new StatusWaiters(true);
  const results = await Promise.allSettled([
    w.wait("ready-or-close"),
    w.wait("ready-or-end"),
    (w.statusChanged("end"), 0),
  ]);
  assert.strictEqual(results[0].reason.message, "None of startup nodes is available");
  assert.strictEqual(results[1].reason.message, "Connection is closed.");
});

test("status waiters: settled on the next tick, after the event is emitted", async () => {
  const w = new StatusWaiters(false);
  let settled = false;
  w.wait("ready-or-end").then(() => (settled = true));
  w.statusChanged("ready");
  await Promise.resolve();
  assert.strictEqual(settled, false);
  await tick();
  assert.strictEqual(settled, true);
});

// --- how doubles are printed back ---

test("doubles: %.17g as Redis < 7.2 prints them", () => {
  const cases = [
    [1.5, "1.5"],
    [0.1, "0.10000000000000001"],
    [3, "3"],
    [-0, "-0"],
    [1e21, "1e+21"],
    [1.5e-5, "1.5e-05"],
    [3.14159e-7, "3.1415899999999997e-07"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
  ];
  for (const [n, s] of cases) assert.strictEqual(formatDoubleG17(n), s, String(n));
});

test("doubles: shortest round trip as Redis >= 7.2 and Valkey print them", () => {
  const cases = [
    [1.5, "1.5"],
    [0.1, "0.1"],
    [3, "3"],
    [10000000, "10000000"],
    [100000000, "1e+8"],
    [1e17, "1e+17"],
    [0.000015, "0.000015"],
    [0.0000015, "1.5e-6"],
    [1.5e-7, "1.5e-7"],
    [-2.25, "-2.25"],
    [-Infinity, "-inf"],
  ];
  for (const [n, s] of cases) assert.strictEqual(formatDoubleShortest(n), s, String(n));
});

// --- errors ---

test("errors: GLIDE's rendering of a server error turns back into the server's line", () => {
  const cases = [
    [
      "An error was signalled by the server: - ResponseError: value is not an integer or out of range",
      "ERR value is not an integer or out of range",
    ],
    [
      "WRONGTYPE: Operation against a key holding the wrong kind of value",
      "WRONGTYPE Operation against a key holding the wrong kind of value",
    ],
    [
      "An error was signalled by the server: - NoScriptError: No matching script. Please use EVAL.",
      "NOSCRIPT No matching script. Please use EVAL.",
    ],
    ["MYERR: boom", "MYERR boom"],
    ["An error was signalled by the server: - PermissionDenied: no", "NOPERM no"],
    ["plain text without a code", "plain text without a code"],
  ];
  for (const [glide, server] of cases) assert.strictEqual(errors.serverErrorText(glide), server);
});

test("errors: cluster refusals are recognised in both spellings", () => {
  assert.strictEqual(errors.clusterRefusal(new Error("MOVED 3999 127.0.0.1:7001")), "MOVED");
  assert.strictEqual(
    errors.clusterRefusal(new Error("An error was signalled by the server: - TryAgain: x")),
    "TRYAGAIN",
  );
  assert.strictEqual(errors.clusterRefusal(new Error("ERR other")), undefined);
  assert.strictEqual(errors.retriedByGlide(new Error("CLUSTERDOWN Hash slot not served")), true);
  assert.strictEqual(errors.retriedByGlide(new Error("ASK 1 h:1")), false);
});

test("errors: a refused AUTH reads as ioredis's ReplyError; the password never shows", () => {
  const wrongpass = errors.connectFailure(new Error("WRONGPASS: invalid username-password pair"), "s3cret", false);
  assert.ok(wrongpass instanceof errors.ReplyError);
  assert.strictEqual(wrongpass.message, "WRONGPASS invalid username-password pair");
  const resp2 = errors.connectFailure(new Error("AuthenticationFailed"), "x", false);
  assert.match(resp2.message, /^WRONGPASS /);
  const other = errors.connectFailure(new Error("could not use s3cret here"), "s3cret", false);
  assert.strictEqual(other.message, "could not use *** here");
  const cluster = errors.connectFailure(new Error("boom"), null, true);
  assert.ok(cluster instanceof errors.ClusterAllFailedError);
  const refused = Object.assign(new Error("connect ECONNREFUSED"), { syscall: "connect" });
  assert.strictEqual(errors.connectFailure(refused, null, false), refused, "Node's own errors pass through");
});

test("errors: redactOptions masks passwords (also nested) and leaves functions out", () => {
  const shown = errors.redactOptions({
    host: "h",
    password: "p",
    retryStrategy: () => 1,
    redisOptions: { password: "q" },
  });
  assert.deepStrictEqual(shown, { host: "h", password: "***", redisOptions: { password: "***" } });
});

// --- the command spec ---

test("spec: every blocking command of @ioredis/commands knows where its timeout is", () => {
  const commands = require("@ioredis/commands");
  const blocking = commands.list.filter((name) => commands.hasFlag(name, "blocking"));
  assert.ok(blocking.includes("bzmove") && blocking.includes("blpop"), blocking.join(" "));
  const unplaced = blocking.filter((name) => specFor(name).timeoutAt === undefined);
  // WAIT/WAITAOF block on replication, not on data: they stay on the connection's lane.
  assert.deepStrictEqual(
    unplaced.filter((n) => n !== "wait" && n !== "waitaof"),
    [],
  );
});

test("spec: one spec per name whatever the case; facts from the command table", () => {
  assert.strictEqual(specFor("GET"), specFor("get"));
  assert.strictEqual(specFor("get").readonly, true);
  assert.strictEqual(specFor("set").mayWrite, true);
  assert.strictEqual(specFor("blpop").blocking, true);
  assert.strictEqual(specFor("blpop").timeoutAt, "last");
  assert.strictEqual(specFor("bzmpop").timeoutAt, "first");
  assert.strictEqual(specFor("xread").timeoutAt, "block-option");
  assert.strictEqual(specFor("blmovem").blocking, true, "ioredis 6's new blocking command");
  assert.strictEqual(specFor("blmovem").timeoutAt, "fifth");
  assert.strictEqual(specFor("bzmove").blocking, true, "ioredis 6.1's new blocking command");
  assert.strictEqual(specFor("bzmove").timeoutAt, "fourth");
  assert.strictEqual(specFor("zmove").blocking, false);
  assert.strictEqual(specFor("wait").timeoutAt, undefined, "WAIT stays on its connection's lane");
  assert.strictEqual(specFor("subscribe").subscription.kind, "channel");
  assert.strictEqual(specFor("ssubscribe").subscription.kind, "shard");
  assert.strictEqual(specFor("punsubscribe").subscription.subscribe, false);
  assert.strictEqual(specFor("ping").allowedInSubscriberMode, true);
  assert.strictEqual(specFor("get").allowedInSubscriberMode, false);
  assert.strictEqual(specFor("multi").transactionControl, "multi");
  assert.strictEqual(specFor("select").selectsDatabase, true);
  assert.ok(isCommandName("hset") && !isCommandName("monitor") && isCommandName("sentinel"));
});

test("spec: unknown commands are neither readonly nor repeatable and decode as bytes", () => {
  const spec = specFor("module.frobnicate");
  assert.strictEqual(spec.known, false);
  assert.strictEqual(spec.repeatable, false);
  assert.strictEqual(spec.mayWrite, true);
  assert.strictEqual(spec.decodeAsBytes([]), true);
  assert.deepStrictEqual(keyPositions(spec, ["a"]), []);
});

test("spec: subcommands with facts of their own have their own spec", () => {
  const config = specFor("config");
  const get = specForArguments(config, ["GET", "maxmemory"]);
  assert.strictEqual(get.name, "config get");
  assert.strictEqual(get.command, "config");
  assert.strictEqual(specForArguments(config, ["RESETSTAT"]), config);
  assert.strictEqual(specForArguments(specFor("script"), ["flush"]).flushesScripts, true);
  assert.ok(specForArguments(specFor("function"), ["STATS"]).shapeReply, "FUNCTION STATS is shaped");
});

test("spec: key positions follow ioredis's rules", () => {
  assert.deepStrictEqual(keyPositions(specFor("mset"), ["a", "1", "b", "2"]), [0, 2]);
  assert.deepStrictEqual(keyPositions(specFor("eval"), ["return 1", "2", "k1", "k2", "arg"]), [2, 3]);
  assert.deepStrictEqual(keyPositions(specFor("get"), ["k"]), [0]);
});

// --- the argument normalizer ---

test("normalizer: flattens one level, stringifies numbers, prefixes keys", () => {
  const call = newCall("del", [["a", "b"], 3]);
  normalizeArgs(call, "p:");
  assert.deepStrictEqual(call.args, ["p:a", "p:b", "p:3"]);
  const hset = newCall("hset", ["h", { f: 1, g: true }]);
  normalizeArgs(hset, "");
  assert.deepStrictEqual(hset.args, ["h", "f", "1", "g", "true"]);
  const mset = newCall("mset", [new Map([["a", 1n]])]);
  normalizeArgs(mset, "x");
  assert.deepStrictEqual(mset.args, ["xa", "1"]);
});

test("normalizer: reports a non-UTF-8 Buffer argument and keeps Buffers as they are", () => {
  const bin = Buffer.from([0xff, 0x00]);
  const call = newCall("set", ["k", bin]);
  assert.strictEqual(normalizeArgs(call, ""), true);
  assert.strictEqual(call.args[1], bin);
  assert.strictEqual(normalizeArgs(newCall("set", ["k", Buffer.from("ok")]), ""), false);
});

test("normalizer: what ioredis would send as garbage is refused with a clear error", () => {
  for (const bad of [Symbol("s"), () => 1, { a: 1 }]) {
    assert.throws(() => normalizeArgs(newCall("set", ["k", bad]), ""), errors.ArgumentError);
  }
});

// --- middleware composition and the chain cache ---

const stage = (name, log, applies = () => true) => ({
  appliesTo: applies,
  handle: (call, next) => (log.push(name), next(call)),
});

test("compose: stages run outermost first around the terminal", async () => {
  const log = [];
  const chain = compose([stage("a", log), stage("b", log)], async (call) => (log.push("end"), call.command));
  assert.strictEqual(await chain(newCall("get", ["k"])), "get");
  assert.deepStrictEqual(log, ["a", "b", "end"]);
});

test("userStage: next() continues with the same call; a plain value or a throw becomes a promise", async () => {
  const terminal = async (call) => `reply to ${call.args[0]}`;
  const viaDefault = compose([userStage((call, next) => next())], terminal);
  assert.strictEqual(await viaDefault(newCall("get", ["k"])), "reply to k");
  const answering = compose([userStage(() => "cached")], terminal);
  assert.strictEqual(await answering(newCall("get", ["k"])), "cached");
  const throwing = compose(
    [
      userStage(() => {
        throw new Error("no");
      }),
    ],
    terminal,
  );
  await assert.rejects(throwing(newCall("get", ["k"])), /no/);
  const twice = compose([userStage(async (call, next) => (await next().catch(() => 0), next()))], terminal);
  assert.strictEqual(await twice(newCall("get", ["k"])), "reply to k", "calling next() again (a retry) is allowed");
});

test("userStage: a middleware that forgets to return next()'s promise is told so in development", async () => {
  const terminal = () => new Promise((r) => setTimeout(() => r("late"), 5));
  const forgot = compose(
    [
      userStage(function forgetful(call, next) {
        next(call);
      }),
    ],
    terminal,
  );
  await assert.rejects(forgot(newCall("get", ["k"])), /forgetful called next\(\) but did not return its promise/);
  const asyncForgot = compose(
    [
      userStage(async (call, next) => {
        next(call);
      }),
    ],
    terminal,
  );
  await assert.rejects(asyncForgot(newCall("get", ["k"])), /did not return its promise/);
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    assert.strictEqual(await forgot(newCall("get", ["k"])), "late", "production takes next()'s reply");
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
});

test("CommandChains: one chain per command, kept until use/unuse/invalidate", async () => {
  const log = [];
  let built = 0;
  const onlyGet = stage("get-only", log, (name) => name === "get");
  const counting = { appliesTo: () => (built++, true), handle: (call, next) => next(call) };
  const chains = new CommandChains([onlyGet, counting], stage("shape", log), async () => "ok");
  const get = chains.for("get", specFor("get"));
  assert.strictEqual(chains.for("get", specFor("get")), get, "cached");
  assert.strictEqual(built, 1);
  await get(newCall("get", ["k"]));
  await chains.for("set", specFor("set"))(newCall("set", ["k", "v"]));
  assert.deepStrictEqual(log, ["get-only", "shape", "shape"], "stages that do not apply are left out");
  const mw = (call, next) => (log.push("user"), next());
  chains.use(mw);
  assert.notStrictEqual(chains.for("get", specFor("get")), get, "use() rebuilds");
  log.length = 0;
  await chains.for("get", specFor("get"))(newCall("get", ["k"]));
  assert.deepStrictEqual(log, ["get-only", "user", "shape"], "user middleware between built-ins and the shaper");
  chains.unuse(mw);
  assert.deepStrictEqual(chains.middleware, []);
  assert.throws(() => chains.use("nope"), TypeError);
});

// --- MONITOR lines and trace redaction, as ioredis reads and redacts them ---

test('a MONITOR line: time, args (only \\" unescaped), source, database', () => {
  const line = '1795942366.615433 [2 127.0.0.1:36302] "set" "k" "a \\"q\\" \\\\x" "\\xffa"';
  assert.deepStrictEqual(parseMonitorLine(line), [
    "1795942366.615433",
    ["set", "k", 'a "q" \\\\x', "\\xffa"],
    "127.0.0.1:36302",
    "2",
  ]);
});

test("trace arguments: the safe leading ones shown, the rest '?', unknown commands fully hidden", () => {
  assert.deepStrictEqual(sanitizeArgs("set", ["k", "secret", "EX", "10"]), ["k", "?", "?", "?"]);
  assert.deepStrictEqual(sanitizeArgs("HSET", ["h", "f", "v"]), ["h", "f", "?"]);
  assert.deepStrictEqual(sanitizeArgs("get", [Buffer.from("k")]), ["k"]);
  assert.deepStrictEqual(sanitizeArgs("auth", ["user", "pw"]), ["?", "?"]);
  assert.deepStrictEqual(sanitizeArgs("echo", ["hi"]), ["?"]);
  assert.deepStrictEqual(sanitizeArgs("module.cmd", ["a"]), ["?"]);
});

test.run();
