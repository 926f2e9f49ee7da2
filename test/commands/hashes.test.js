"use strict";
const { family } = require("./differential");

const h = (o) => o.hset("h", { f1: "v1", f2: "v2", n: "10", fl: "1.5" });

family("hashes", 3, [
  ["HSET field value pairs", (c) => Promise.all([c.hset("h", "a", "1", "b", "2"), c.hset("h", "a", "3")])],
  ["HSET with an object", (c) => Promise.all([c.hset("h", { a: 1, b: "two" }), c.hgetall("h")])],
  [
    "HSET with a Map",
    (c) =>
      Promise.all([
        c.hset(
          "h",
          new Map([
            ["a", "1"],
            ["b", 2],
          ]),
        ),
        c.hgetall("h"),
      ]),
  ],
  ["HSET odd argument count", (c) => c.hset("h", "a")],
  ["HMSET with an object", (c) => Promise.all([c.hmset("h", { a: "1" }), c.hmset("h", "b", "2"), c.hgetall("h")])],
  [
    "HGET and HMGET",
    (c) =>
      Promise.all([
        c.hget("h", "f1"),
        c.hget("h", "nope"),
        c.hmget("h", "f1", "nope", "f2"),
        c.hmget("h", ["f1", "f2"]),
      ]),
    { setup: h },
  ],
  ["HGETALL", (c) => c.hgetall("h"), { setup: h }],
  ["HGETALL missing key", (c) => c.hgetall("nope")],
  [
    "HGETALL with __proto__ and constructor fields",
    (c) =>
      c
        .hgetall("h")
        .then((o) => [
          Object.keys(o).sort(),
          o.__proto__,
          o.constructor,
          Object.getPrototypeOf(o) === Object.prototype,
        ]),
    { setup: (o) => o.hset("h", "__proto__", "p", "constructor", "c", "x", "1") },
  ],
  ["HGETALL wrong type", (c) => c.hgetall("s"), { setup: (o) => o.set("s", "x") }],
  ["hgetallBuffer", (c) => c.hgetallBuffer("h"), { setup: h }],
  [
    "HDEL HEXISTS HLEN",
    (c) => Promise.all([c.hdel("h", "f1", "nope"), c.hexists("h", "f1"), c.hexists("h", "f2"), c.hlen("h")]),
    { setup: h },
  ],
  ["HKEYS HVALS", (c) => Promise.all([c.hkeys("h"), c.hvals("h")]), { setup: h }],
  ["HINCRBY", (c) => Promise.all([c.hincrby("h", "n", 5), c.hincrby("h", "new", -2)]), { setup: h }],
  ["HINCRBY on non-integer", (c) => c.hincrby("h", "f1", 1), { setup: h }],
  [
    "HINCRBYFLOAT",
    (c) =>
      Promise.all([c.hincrbyfloat("h", "fl", 0.1), c.hincrbyfloat("h", "n", 2.5), c.hincrbyfloat("h", "z", "1e3")]),
    { setup: h },
  ],
  ["HSETNX", (c) => Promise.all([c.hsetnx("h", "f1", "x"), c.hsetnx("h", "new", "x")]), { setup: h }],
  ["HSTRLEN", (c) => Promise.all([c.hstrlen("h", "f1"), c.hstrlen("h", "nope")]), { setup: h }],
  ["HSCAN", (c) => c.hscan("h", 0, "COUNT", 100), { setup: h }],
  ["HSCAN MATCH", (c) => c.hscan("h", "0", "MATCH", "f*"), { setup: h }],
  [
    "HRANDFIELD",
    (c) => Promise.all([c.hrandfield("h", 10).then((r) => r.sort()), c.hrandfield("nope"), c.hrandfield("one")]),
    {
      setup: async (o) => {
        await h(o);
        await o.hset("one", "only", "x");
      },
    },
  ],
  ["HRANDFIELD WITHVALUES", (c) => c.hrandfield("one", 1, "WITHVALUES"), { setup: (o) => o.hset("one", "only", "x") }],
  [
    "HRANDFIELD negative count WITHVALUES",
    (c) => c.hrandfield("one", -2, "WITHVALUES"),
    { setup: (o) => o.hset("one", "only", "x") },
  ],
  [
    "binary field names and values",
    (c) =>
      Promise.all([
        c.hset("h", Buffer.from([0xff]), Buffer.from([0xfe])),
        c.hgetBuffer("h", Buffer.from([0xff])),
        c.hgetallBuffer("h"),
      ]),
  ],
  [
    "large hash HGETALL (1000 fields)",
    (c) => c.hgetall("big").then((o) => [Object.keys(o).length, o.f999]),
    { setup: (o) => o.hset("big", Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, `v${i}`]))) },
  ],
  [
    "HEXPIRE and HTTL",
    (c) => Promise.all([c.hexpire("h", 100, "FIELDS", 1, "f1"), c.httl("h", "FIELDS", 2, "f1", "nope")]),
    { setup: h, min: "7.4" },
  ],
  ["HGETDEL", (c) => c.hgetdel("h", "FIELDS", 1, "f1"), { setup: h, min: "8.0" }],
  [
    "HGETEX and HSETEX",
    (c) => Promise.all([c.hsetex("h", "EX", 100, "FIELDS", 1, "a", "1"), c.hgetex("h", "PERSIST", "FIELDS", 1, "a")]),
    { min: "8.0" },
  ],
]);
