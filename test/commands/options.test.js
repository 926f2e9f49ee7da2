"use strict";
// keyPrefix, stringNumbers and callbacks, differentially.
const { family } = require("./differential");
const { IORedis } = require("../support/clients");

const cb = (invoke) =>
  new Promise((resolve) =>
    invoke((err, value) =>
      resolve(err ? ["err", err.constructor.name, err.message] : ["ok", value === undefined ? "undefined" : value]),
    ),
  );
const sorted = (r) => (Array.isArray(r) ? [...r].sort() : r);
/** What the server holds, seen without a prefix. */
const raw = async (c) => {
  const plain = new IORedis({ host: c.options.host, port: c.options.port, db: c.options.db });
  const keys = (await plain.keys("*")).sort();
  plain.disconnect();
  return keys;
};

family(
  "keyPrefix",
  10,
  [
    ["SET GET prefixed", (c) => Promise.all([c.set("k", "v"), c.get("k")]).then(async (r) => [r, await raw(c)])],
    [
      "MSET object and MGET",
      (c) => Promise.all([c.mset({ a: "1", b: "2" }), c.mget("a", "b", "c")]).then(async (r) => [r, await raw(c)]),
    ],
    [
      "DEL EXISTS several keys",
      (c) => Promise.all([c.mset("a", 1, "b", 2), c.exists(["a", "b", "c"]), c.del("a", "b")]),
    ],
    ["RENAME both keys", (c) => Promise.all([c.set("a", 1), c.rename("a", "b")]).then(async (r) => [r, await raw(c)])],
    [
      "HSET object, HGETALL",
      (c) => Promise.all([c.hset("h", { f: "v" }), c.hgetall("h")]).then(async (r) => [r, await raw(c)]),
    ],
    [
      "LMOVE and BLMOVE",
      (c) =>
        Promise.all([
          c.rpush("l", "x", "y"),
          c.lmove("l", "m", "LEFT", "LEFT"),
          c.blmove("l", "m", "LEFT", "LEFT", 1),
        ]).then(async (r) => [r, await raw(c)]),
    ],
    ["BLPOP several keys", (c) => Promise.all([c.rpush("b", "x"), c.blpop("a", "b", 1)])],
    [
      "ZUNIONSTORE numkeys",
      (c) =>
        Promise.all([
          c.zadd("z1", 1, "a"),
          c.zadd("z2", 2, "b"),
          c.zunionstore("d", 2, "z1", "z2"),
          c.zrange("d", 0, -1),
        ]).then(async (r) => [r, await raw(c)]),
    ],
    [
      "EVAL KEYS are prefixed, ARGV are not",
      (c) =>
        c
          .eval("redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], ARGV[1]}", 1, "k", "v")
          .then(async (r) => [r, await raw(c)]),
    ],
    ["SORT BY and GET patterns are not prefixed", (c) => Promise.all([c.rpush("l", 2, 1), c.sort("l")])],
    ["XREAD stream keys", (c) => Promise.all([c.xadd("s", "1-1", "f", "v"), c.xread("STREAMS", "s", "0")])],
    [
      "SMOVE SINTERCARD",
      (c) =>
        Promise.all([c.sadd("s1", "a", "b"), c.smove("s1", "s2", "a"), c.sintercard(2, "s1", "s2")]).then(async (r) => [
          r,
          await raw(c),
        ]),
    ],
    [
      "BITOP destination and sources",
      (c) => Promise.all([c.set("a", "x"), c.bitop("NOT", "d", "a")]).then(async (r) => [r, await raw(c)]),
    ],
    [
      "GEOSEARCHSTORE",
      (c) =>
        Promise.all([
          c.geoadd("g", 13.36, 38.11, "P"),
          c.geosearchstore("d", "g", "FROMLONLAT", 13, 38, "BYRADIUS", 100, "km"),
        ]).then(async (r) => [r, await raw(c)]),
    ],
    ["KEYS pattern is not prefixed (replies carry the prefix)", (c) => Promise.all([c.set("k", 1), c.keys("*")])],
    ["SCAN MATCH is not prefixed", (c) => Promise.all([c.set("k", 1), c.scan(0, "MATCH", "*", "COUNT", 100)])],
    [
      "OBJECT and TYPE with prefixed keys",
      (c) => Promise.all([c.set("k", "v"), c.type("k"), c.object("ENCODING", "k")]),
    ],
    [
      "Buffer keys get the prefix",
      (c) => Promise.all([c.set(Buffer.from([0x6b]), "v"), c.get("k"), c.getBuffer(Buffer.from("k"))]),
    ],
    ["COPY and MOVE", (c) => Promise.all([c.set("a", 1), c.copy("a", "b")]).then(async (r) => [r, await raw(c)])],
    ["unknown command through call() is not prefixed", (c) => c.call("nosuchcommand", "k")],
    [
      "pipeline keys are prefixed",
      (c) =>
        c
          .pipeline()
          .set("a", 1)
          .mget("a", "b")
          .hset("h", { f: 1 })
          .exec()
          .then(async (r) => [r, await raw(c)]),
    ],
    [
      "multi keys are prefixed",
      (c) =>
        c
          .multi()
          .set("a", 1)
          .rpush("l", "x")
          .lmove("l", "m", "LEFT", "LEFT")
          .exec()
          .then(async (r) => [r, await raw(c)]),
    ],
  ],
  { keyPrefix: "pre:" },
);

family(
  "stringNumbers",
  11,
  [
    [
      "INCR DECRBY LLEN ZCARD as strings",
      (c) =>
        Promise.all([c.incr("k"), c.decrby("k", 5), c.rpush("l", "a"), c.llen("l"), c.zadd("z", 1, "a"), c.zcard("z")]),
    ],
    ["integer replies inside arrays", (c) => c.eval("return {1, 2, {3}}", 0)],
    ["large integers keep their digits", (c) => Promise.all([c.set("k", "9007199254740993"), c.incr("k")])],
    [
      "counters beyond 2^53 are exact (INCR, INCRBY, DECR, DECRBY, HINCRBY), alone, pipelined and in multi",
      async (c) => [
        await c.set("k", "9007199254740992"),
        await c.incr("k"),
        await c.incrby("k", 2),
        await c.decr("k"),
        await c.decrby("k", "9007199254740990"),
        await c.set("m", "-9223372036854775807"),
        await c.decr("m"),
        await c.hincrby("h", "f", "123456789012345678"),
        await c.hincrby("h", "f", 1),
        await c.pipeline().incrby("k", "9223372036854775000").get("k").exec(),
        await c.multi().incr("k").hincrby("h", "f", 2).exec(),
      ],
    ],
    [
      "integer replies GLIDE turns into booleans, Buffer variants of counters and RESP3 doubles (found by the fuzzer)",
      async (c) => [
        await c.sadd("s", "a"),
        await c.sismember("s", "a"),
        await c.smismember("s", "a", "b"),
        await c.incrBuffer("n"),
        await c.zadd("z", 77.25, "m"),
        await c.zscoreBuffer("z", "m"),
        await c.zpopminBuffer("z"),
      ],
    ],
    [
      "counter errors are the server's own (wrong type, overflow, not an integer, arity)",
      (c) =>
        Promise.all(
          [
            c.hset("hash", "f", "v").then(() => c.incr("hash")),
            c.set("max", "9223372036854775807").then(() => c.incr("max")),
            c.incrby("k", "x"),
            c.hincrby("hash", "f", 1),
            c.call("incrby", "k"),
          ].map((p) => p.catch((e) => [e.constructor.name, e.message])),
        ),
    ],
    [
      "non-integer replies are unchanged",
      (c) => Promise.all([c.set("k", "v"), c.get("k"), c.zadd("z", 1.5, "m"), c.zscore("z", "m")]),
    ],
  ],
  { stringNumbers: true },
);

family("callbacks", 12, [
  ["reply through a callback", (c) => c.set("k", "v").then(() => cb((f) => c.get("k", f)))],
  ["error through a callback", (c) => c.set("k", "v").then(() => cb((f) => c.incr("k", f)))],
  ["OK through a callback", (c) => cb((f) => c.set("k", "v", f))],
  ["nil through a callback", (c) => cb((f) => c.get("nope", f))],
  ["hgetall object through a callback", (c) => c.hset("h", "a", "1").then(() => cb((f) => c.hgetall("h", f)))],
  ["Buffer variant through a callback", (c) => c.set("k", "v").then(() => cb((f) => c.getBuffer("k", f)))],
  ["call() with a callback", (c) => cb((f) => c.call("echo", "hi", f))],
  ["callBuffer() with a callback", (c) => cb((f) => c.callBuffer("echo", "hi", f))],
  [
    "multi-key with an array and a callback",
    (c) => c.mset("a", 1, "b", 2).then(() => cb((f) => c.mget(["a", "b"], f))),
  ],
  ["blocking command with a callback", (c) => cb((f) => c.blpop("nope", 0.1, f))],
  ["wrong arity through a callback", (c) => cb((f) => c.get(f))],
  [
    "sorted replies with a callback",
    (c) => c.sadd("s", "b", "a").then(() => cb((f) => c.smembers("s", (e, v) => f(e, sorted(v))))),
  ],
]);

// Where ioredis sends garbage, ioglide rejects the call (docs/COMPATIBILITY.md).
const rejected = (pattern) => (ours, theirs) => {
  const assert = require("uvu/assert");
  assert.ok(ours.err, "ioglide rejects");
  assert.match(ours.err.message, pattern);
  assert.ok(theirs.ok !== undefined, "ioredis sent something and got a reply");
};
family("deliberate differences", 14, [
  [
    "a Symbol as a value",
    (c) => c.set("k", Symbol("s")),
    { differs: "ioredis sends the text 'Symbol(s)'; ioglide rejects the call", expect: rejected(/is a Symbol/) },
  ],
  [
    "a plain object as a value",
    (c) => c.set("k", { a: 1 }),
    { differs: "ioredis sends '[object Object]'; ioglide rejects the call", expect: rejected(/is an object/) },
  ],
  [
    "a function as a value (not last)",
    (c) => c.set("k", () => 1, "EX", 10),
    {
      differs: "ioredis sends the function's source text; ioglide rejects the call",
      expect: rejected(/is a function/),
    },
  ],
  [
    "undefined as a key",
    (c) => c.set(undefined, "v"),
    {
      differs: "ioredis uses the empty key ''; ioglide rejects the call",
      expect: rejected(/is a key and cannot be null or undefined/),
    },
  ],
  [
    "null as a key",
    (c) => c.get(null),
    {
      differs: "ioredis uses the empty key ''; ioglide rejects the call",
      expect: rejected(/is a key and cannot be null or undefined/),
    },
  ],
  [
    "a key missing from its position, with a keyPrefix",
    async (c) => {
      const prefixed = c.duplicate({ keyPrefix: "p:" });
      try {
        return await prefixed.hlen([]);
      } finally {
        prefixed.disconnect();
      }
    },
    {
      differs: "ioredis sends the key '<prefix>undefined'; ioglide rejects the call",
      expect: rejected(/argument 1 of 'hlen' is a key and is missing/),
    },
  ],
  [
    "a string read of non-UTF-8 data in one request with a write, on a client that never sent binary",
    async (c) => {
      const fresh = c.duplicate();
      await fresh.ping();
      // The first call of an idle client goes alone; the next two share one request.
      const outcomes = await Promise.allSettled([fresh.ping(), fresh.get("bin"), fresh.set("other", "v")]);
      const after = await Promise.all([fresh.get("bin"), fresh.set("other", "w")]); // the client now decodes safely
      fresh.disconnect();
      return [outcomes.map((x) => (x.status === "fulfilled" ? ["ok", x.value] : ["err", x.reason.message])), after];
    },
    {
      setup: (o) => o.set("bin", Buffer.from([0xc3, 0x28])),
      differs:
        "GLIDE drops every reply of a request when one is not UTF-8: the read is repeated with Buffers, but the write in the same request ran and its reply is lost, so it rejects saying so; from then on that client decodes all replies as Buffers (a client that sends binary data switches at once, before any loss)",
      expect: (ours, theirs) => {
        const assert = require("uvu/assert");
        const [first, after] = ours.ok;
        assert.equal(first[1], theirs.ok[0][1], "the read gets ioredis's (lossy) string");
        assert.equal(first[2][0], "err");
        assert.match(first[2][1], /ran 'set' but its reply was lost/);
        assert.equal(after, theirs.ok[1], "afterwards the same mix answers like ioredis");
      },
    },
  ],
  [
    "MONITOR: monitor() resolves a client in monitor mode",
    (c) =>
      c.monitor().then((m) => {
        const seen = [m.mode, m.status];
        m.on("error", () => undefined);
        m.disconnect();
        return seen;
      }),
  ],
]);
