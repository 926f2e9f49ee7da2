"use strict";
// pipeline() and multi(), differentially against ioredis.
const { family } = require("./differential");

const errs = (results) => results && results.map(([e, v]) => (e ? ["err", e.constructor.name, e.message] : ["ok", v]));
const cb = (invoke) =>
  new Promise((resolve) =>
    invoke((err, value) =>
      resolve(
        err ? ["err", err.message, err.previousErrors && err.previousErrors.map((e) => e.message)] : ["ok", value],
      ),
    ),
  );

family("pipelines-and-transactions", 15, [
  ["chained pipeline", (c) => c.pipeline().set("a", "1").get("a").incr("a").hset("h", { f: "v" }).hgetall("h").exec()],
  [
    "array form",
    (c) =>
      c
        .pipeline([
          ["set", "a", "1"],
          ["get", "a"],
          ["mget", ["a", "b"]],
        ])
        .exec(),
  ],
  ["empty pipeline gives []", (c) => c.pipeline().exec()],
  [
    "length",
    async (c) => {
      const p = c.pipeline().set("a", 1).get("a");
      const length = p.length;
      return [length, await p.exec(), p.length];
    },
  ],
  ["errors in place", (c) => c.pipeline().set("s", "x").incr("s").get("s").hget("s", "f").exec().then(errs)],
  ["Buffer variants in a pipeline", (c) => c.pipeline().set("a", "v").getBuffer("a").get("a").exec()],
  [
    "reply shaping in a pipeline (scores, streams, hgetall)",
    (c) =>
      c
        .pipeline()
        .zadd("z", 0.1, "m")
        .zscore("z", "m")
        .zrange("z", 0, -1, "WITHSCORES")
        .xadd("x", "1-1", "f", "v")
        .xrange("x", "-", "+")
        .hgetall("nope")
        .exec(),
  ],
  ["exec with a callback", (c) => cb((f) => c.pipeline().set("a", 1).get("a").exec(f))],
  [
    "per-command callbacks in a pipeline",
    async (c) => {
      const seen = [];
      await c
        .pipeline()
        .set("a", "1", (e, v) => seen.push(["set", e, v]))
        .get("a", (e, v) => seen.push(["get", e, v]))
        .incr("nope:x", (e, v) => seen.push(["incr", e, v]))
        .exec();
      return seen;
    },
  ],
  [
    "exec twice returns the same results",
    async (c) => {
      const p = c.pipeline().incr("n");
      const a = await p.exec();
      const b = await p.exec();
      return [a, b, await c.get("n")];
    },
  ],
  [
    "blocking command in a pipeline keeps its place",
    (c) => c.pipeline().rpush("l", "a").blpop("l", 1).blpop("l", 0.1).rpush("l", "b").lrange("l", 0, -1).exec(),
  ],
  [
    "10,000-command pipeline",
    async (c) => {
      const p = c.pipeline();
      for (let i = 0; i < 10000; i++) p.incr("n");
      const r = await p.exec();
      return [r.length, r[0], r[9999], await c.get("n")];
    },
  ],
  ["multi: results", (c) => c.multi().set("a", "1").incr("a").get("a").hset("h", "f", "v").hgetall("h").exec()],
  [
    "multi: array form",
    (c) =>
      c
        .multi([
          ["set", "a", "1"],
          ["get", "a"],
        ])
        .exec(),
  ],
  ["multi: empty", (c) => c.multi().exec()],
  ["multi: runtime error in place", (c) => c.multi().set("s", "x").incr("s").get("s").exec().then(errs)],
  [
    "multi: unknown command gives EXECABORT",
    (c) =>
      c
        .multi()
        .set("a", "1")
        .call("nosuchcmd", "x")
        .get("a")
        .exec()
        .then(errs, (e) => ["rejected", e.constructor.name, e.message, e.previousErrors.map((x) => x.message)]),
  ],
  [
    "multi: wrong arity gives EXECABORT",
    (c) =>
      c
        .multi()
        .set("a", "1")
        .get()
        .exec()
        .then(errs, (e) => ["rejected", e.message, e.previousErrors.map((x) => x.message)])
        .then(async (r) => [r, await c.get("a")]),
  ],
  [
    "multi: per-command callbacks get QUEUED",
    async (c) => {
      const seen = [];
      await c
        .multi()
        .set("a", "1", (e, v) => seen.push([e, v]))
        .get("a", (e, v) => seen.push([e, v]))
        .exec();
      return seen;
    },
  ],
  [
    "multi: a Buffer command's QUEUED is a Buffer (callbacks, and entries of a pipeline's inner MULTI)",
    async (c) => {
      const seen = [];
      await c
        .multi()
        .getBuffer("a", (e, v) => seen.push([e, v]))
        .get("a", (e, v) => seen.push([e, v]))
        .exec();
      const inner = await c.pipeline().multi().getBuffer("a").hgetallBuffer("h").exec().exec();
      return [seen, inner];
    },
  ],
  ["multi: callback of an aborted transaction", (c) => cb((f) => c.multi().set("a", "1").call("nosuchcmd").exec(f))],
  [
    "multi: reply shaping (doubles, Buffers, objects)",
    (c) =>
      c
        .multi()
        .zadd("z", 0.1, "m")
        .zscore("z", "m")
        .zincrby("z", 1, "m")
        .set("b", Buffer.from([0xff, 0x00]))
        .getBuffer("b")
        .get("b")
        .hgetall("nope")
        .exec(),
  ],
  [
    "multi: WATCH untouched key commits",
    async (c) => {
      await c.watch("w");
      return c.multi().set("w", "mine").exec();
    },
  ],
  [
    "multi: WATCH conflict from another client returns null",
    async (c) => {
      await c.watch("w");
      const other = c.duplicate();
      await other.set("w", "theirs");
      other.disconnect();
      return [await c.multi().set("w", "mine").exec(), await c.get("w")];
    },
  ],
  [
    "multi: UNWATCH then commit",
    async (c) => {
      await c.watch("w");
      await c.unwatch();
      const other = c.duplicate();
      await other.set("w", "theirs");
      other.disconnect();
      return [await c.multi().set("w", "mine").exec(), await c.get("w")];
    },
  ],
  ["multi: blocking command does not block (as in EXEC)", (c) => c.multi().blpop("nope", 1).rpush("l", "x").exec()],
  [
    "multi({pipeline: false}): QUEUED replies, exec results",
    async (c) => [
      await c.multi({ pipeline: false }),
      await c.set("a", "1"),
      await c.incr("a"),
      await c.exec(),
      await c.get("a"),
    ],
  ],
  [
    // exec()'s results are left out: ioredis gives EXEC's raw replies there (see COMPATIBILITY.md)
    "multi({pipeline: false}): a Buffer command's QUEUED is a Buffer",
    async (c) => {
      const queued = [await c.multi({ pipeline: false }), await c.getBuffer("a"), await c.get("a")];
      await c.exec();
      return queued;
    },
  ],
  [
    "multi({pipeline: false}): discard",
    async (c) => [await c.multi({ pipeline: false }), await c.set("a", "1"), await c.discard(), await c.get("a")],
  ],
  ["EXEC without MULTI", (c) => c.exec()],
  ["DISCARD without MULTI", (c) => c.discard()],
  [
    "multi with keyPrefix-free commands on several keys",
    (c) => c.multi().mset("a", 1, "b", 2).mget("a", "b").del("a", "b").exec(),
  ],
  [
    "MULTI inside a pipeline: OK, QUEUED, EXEC's replies, then the plain part; length counts MULTI and EXEC",
    async (c) => {
      const p = c.pipeline().set("a", 1).multi().incr("a").get("a").exec().get("a");
      const length = p.length;
      return [length, await p.exec()];
    },
  ],
  [
    "MULTI inside a pipeline: reply shaping and errors inside EXEC's array",
    (c) =>
      c
        .pipeline()
        .multi()
        .incr("a")
        .hset("h", "f", "v")
        .hgetall("h")
        .zadd("z", 0.5, "m")
        .zscore("z", "m")
        .hget("a", "f")
        .exec()
        .exec()
        .then(errs)
        .then((r) => r.map((e) => (e[0] === "ok" && Array.isArray(e[1]) ? [e[0], e[1].map(String)] : e))),
  ],
  [
    "MULTI inside a pipeline: a command refused while queueing aborts the transaction only",
    (c) => c.pipeline().multi().incr("a").set("a").get("a").exec().get("a").exec().then(errs),
    { setup: (o) => o.set("a", "1") },
  ],
  [
    "MULTI inside a pipeline: callbacks of MULTI, the commands and EXEC",
    async (c) => {
      const seen = [];
      const note = (what) => (err, value) => seen.push([what, err && err.message, value]);
      const result = await c.pipeline().multi(note("multi")).incr("a", note("incr")).exec(note("exec")).exec();
      return [result, seen];
    },
  ],
  [
    "two transactions in one pipeline, and addBatch with multi/exec",
    (c) =>
      Promise.all([
        c.pipeline().multi().incr("a").exec().multi().incr("a").exec().exec(),
        c.pipeline([["multi"], ["incr", "b"], ["exec"], ["get", "b"]]).exec(),
      ]),
  ],
  [
    "MULTI inside a pipeline with a defined command in the transaction",
    (c) => {
      c.defineCommand("bumpBy", { numberOfKeys: 1, lua: "return redis.call('INCRBY', KEYS[1], ARGV[1])" });
      return c.pipeline().set("n", 1).multi().bumpBy("n", 5).get("n").exec().exec();
    },
  ],
]);
