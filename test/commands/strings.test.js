"use strict";
const { family } = require("./differential");

const bin = Buffer.from([0xff, 0x00, 0xfe, 0x41]);

family("strings", 1, [
  ["SET and GET", (c) => Promise.all([c.set("k", "v"), c.get("k")])],
  ["GET missing", (c) => c.get("nope")],
  ["SET with EX", (c) => Promise.all([c.set("k", "v", "EX", 100), c.ttl("k")])],
  ["SET with PX NX", (c) => Promise.all([c.set("k", "v", "PX", 100000, "NX"), c.set("k", "w", "NX")])],
  ["SET XX on missing key", (c) => c.set("k", "v", "XX")],
  ["SET GET option", (c) => Promise.all([c.set("k", "old"), c.set("k", "new", "GET")])],
  ["SET KEEPTTL", (c) => Promise.all([c.set("k", "a", "EX", 100), c.set("k", "b", "KEEPTTL"), c.ttl("k")])],
  [
    "SET number and boolean values",
    (c) => Promise.all([c.set("n", 42), c.set("b", true), c.set("f", 1.5), c.mget("n", "b", "f")]),
  ],
  ["SET null value sends empty string", (c) => Promise.all([c.set("k", null), c.get("k")])],
  ["SET syntax error", (c) => c.set("k", "v", "BOGUS")],
  ["SETNX", (c) => Promise.all([c.setnx("k", "1"), c.setnx("k", "2")])],
  ["SETEX and PSETEX", (c) => Promise.all([c.setex("a", 100, "v"), c.psetex("b", 100000, "v"), c.ttl("a")])],
  ["SETEX invalid expire", (c) => c.setex("a", 0, "v")],
  ["GETSET", (c) => Promise.all([c.set("k", "1"), c.getset("k", "2"), c.get("k")])],
  ["GETDEL", (c) => Promise.all([c.set("k", "1"), c.getdel("k"), c.exists("k")])],
  [
    "GETEX",
    (c) => Promise.all([c.set("k", "1"), c.getex("k", "EX", 50), c.ttl("k"), c.getex("k", "PERSIST"), c.ttl("k")]),
  ],
  [
    "GETRANGE and SUBSTR",
    (c) =>
      Promise.all([c.set("k", "Hello World"), c.getrange("k", 0, 4), c.getrange("k", -5, -1), c.substr("k", 6, 10)]),
  ],
  ["SETRANGE", (c) => Promise.all([c.set("k", "Hello World"), c.setrange("k", 6, "Redis"), c.get("k")])],
  ["APPEND and STRLEN", (c) => Promise.all([c.append("k", "Hello"), c.append("k", " World"), c.strlen("k")])],
  ["INCR DECR INCRBY DECRBY", (c) => Promise.all([c.incr("k"), c.incrby("k", 10), c.decr("k"), c.decrby("k", 3)])],
  ["INCR on non-integer", (c) => Promise.all([c.set("k", "x"), c.incr("k")])],
  ["INCR overflow", (c) => Promise.all([c.set("k", "9223372036854775807"), c.incr("k")])],
  ["INCRBY large values", (c) => Promise.all([c.incrby("k", "9007199254740993"), c.get("k")])],
  ["INCRBYFLOAT", (c) => Promise.all([c.incrbyfloat("k", 0.1), c.incrbyfloat("k", 2.5), c.incrbyfloat("k", -1)])],
  ["INCRBYFLOAT exponent input", (c) => Promise.all([c.set("k", "5.0e3"), c.incrbyfloat("k", "2.0e2")])],
  ["INCRBYFLOAT large result", (c) => c.incrbyfloat("k", "1e20")],
  ["INCRBYFLOAT on text", (c) => Promise.all([c.set("k", "x"), c.incrbyfloat("k", 1)])],
  [
    // The server computes in long double: its text is not a JavaScript double's (found by the fuzzer).
    "INCRBYFLOAT and HINCRBYFLOAT give the server's own digits",
    async (c) => [
      await c.set("k", "999.6"),
      await c.incrbyfloat("k", 0.5),
      await c.incrbyfloatBuffer("k", "0.1"),
      await c.hset("h", "f", "999.6"),
      await c.hincrbyfloat("h", "f", 0.5),
      await c.pipeline().incrbyfloat("k", 0.5).exec(),
      await c.multi().hincrbyfloat("h", "f", 0.5).exec(),
    ],
  ],
  ["MSET and MGET", (c) => Promise.all([c.mset("a", "1", "b", "2"), c.mget("a", "b", "missing")])],
  ["MSET with an object", (c) => Promise.all([c.mset({ a: 1, b: "two" }), c.mget(["a", "b"])])],
  [
    "MSET with a Map",
    (c) =>
      Promise.all([
        c.mset(
          new Map([
            ["a", "1"],
            ["b", "2"],
          ]),
        ),
        c.mget("a", "b"),
      ]),
  ],
  ["MSETNX", (c) => Promise.all([c.msetnx("a", "1", "b", "2"), c.msetnx({ b: "3", c: "4" }), c.mget("a", "b", "c")])],
  ["MGET nested arrays flatten one level", (c) => Promise.all([c.set("a", "1"), c.mget(["a", "b"], "a")])],
  ["LCS", (c) => Promise.all([c.mset("a", "ohmytext", "b", "mynewtext"), c.lcs("a", "b"), c.lcs("a", "b", "LEN")])],
  [
    "LCS IDX WITHMATCHLEN",
    (c) =>
      Promise.all([
        c.mset("a", "ohmytext", "b", "mynewtext"),
        c.lcs("a", "b", "IDX", "MINMATCHLEN", 2, "WITHMATCHLEN"),
      ]),
  ],
  ["binary value round trip (Buffer variant)", (c) => Promise.all([c.set("k", bin), c.getBuffer("k"), c.strlen("k")])],
  ["binary value through a string method", (c) => Promise.all([c.set("k", bin), c.get("k")])],
  ["binary key", (c) => Promise.all([c.set(bin, "v"), c.get(bin), c.exists(bin)])],
  [
    "getBuffer, mgetBuffer, getrangeBuffer",
    (c) => Promise.all([c.set("k", "abc"), c.getBuffer("k"), c.mgetBuffer("k", "none"), c.getrangeBuffer("k", 0, 1)]),
  ],
  ["setBuffer reply", (c) => c.setBuffer("k", "v")],
  ["incrBuffer reply (integers stay numbers)", (c) => c.incrBuffer("k")],
  ["GETEX wrong type", (c) => Promise.all([c.rpush("l", "a"), c.getex("l")])],
  ["unicode values", (c) => Promise.all([c.set("k", "héllo wörld ✓ 日本"), c.get("k"), c.strlen("k")])],
  ["empty string value", (c) => Promise.all([c.set("k", ""), c.get("k"), c.strlen("k")])],
  [
    "large value (1 MB)",
    (c) => Promise.all([c.set("k", "x".repeat(1 << 20)), c.strlen("k"), c.get("k").then((v) => v.length)]),
  ],
]);
