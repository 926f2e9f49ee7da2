"use strict";
const { family } = require("./differential");

const sorted = (r) => (Array.isArray(r) ? [...r].sort() : r);
const s = async (o) => {
  await o.sadd("s1", "a", "b", "c", "d");
  await o.sadd("s2", "c", "d", "e");
};

family("sets", 5, [
  ["SADD SMEMBERS SCARD", (c) => Promise.all([c.sadd("s", "a", "b", "a"), c.smembers("s").then(sorted), c.scard("s")])],
  ["SADD an array", (c) => Promise.all([c.sadd("s", ["x", "y", 3]), c.smembers("s").then(sorted)])],
  [
    "SISMEMBER SMISMEMBER",
    (c) => Promise.all([c.sismember("s1", "a"), c.sismember("s1", "z"), c.smismember("s1", "a", "z", "b")]),
    { setup: s },
  ],
  ["SREM", (c) => Promise.all([c.srem("s1", "a", "z"), c.scard("s1")]), { setup: s }],
  [
    "SPOP single and count",
    (c) => Promise.all([c.spop("one"), c.spop("s1", 10).then(sorted), c.spop("nope")]),
    {
      setup: async (o) => {
        await s(o);
        await o.sadd("one", "x");
      },
    },
  ],
  [
    "SRANDMEMBER",
    (c) =>
      Promise.all([
        c.srandmember("one"),
        c.srandmember("s1", 10).then(sorted),
        c.srandmember("one", -3),
        c.srandmember("nope"),
      ]),
    {
      setup: async (o) => {
        await s(o);
        await o.sadd("one", "x");
      },
    },
  ],
  [
    "SMOVE",
    (c) => Promise.all([c.smove("s1", "s2", "a"), c.smove("s1", "s2", "zz"), c.smembers("s2").then(sorted)]),
    { setup: s },
  ],
  [
    "SINTER SUNION SDIFF",
    (c) =>
      Promise.all([
        c.sinter("s1", "s2").then(sorted),
        c.sunion("s1", "s2").then(sorted),
        c.sdiff("s1", "s2").then(sorted),
      ]),
    { setup: s },
  ],
  [
    "SINTERSTORE SUNIONSTORE SDIFFSTORE",
    (c) =>
      Promise.all([c.sinterstore("d1", "s1", "s2"), c.sunionstore("d2", ["s1", "s2"]), c.sdiffstore("d3", "s1", "s2")]),
    { setup: s },
  ],
  [
    "SINTERCARD",
    (c) => Promise.all([c.sintercard(2, "s1", "s2"), c.sintercard(2, "s1", "s2", "LIMIT", 1)]),
    { setup: s },
  ],
  ["SSCAN", (c) => c.sscan("s1", 0, "COUNT", 100).then(([cur, m]) => [cur, sorted(m)]), { setup: s }],
  ["SSCAN MATCH", (c) => c.sscan("s1", "0", "MATCH", "a*"), { setup: s }],
  ["SMEMBERS of missing key", (c) => c.smembers("nope")],
  ["SADD wrong type", (c) => c.sadd("str", "x"), { setup: (o) => o.set("str", "v") }],
  [
    "smembersBuffer and binary members",
    (c) =>
      Promise.all([
        c.sadd("b", Buffer.from([0xff, 0x01])),
        c.smembersBuffer("b"),
        c.sismember("b", Buffer.from([0xff, 0x01])),
      ]),
  ],
  [
    "large SMEMBERS (2000)",
    (c) => c.smembers("big").then((m) => [m.length, sorted(m)[0]]),
    {
      setup: (o) =>
        o.sadd(
          "big",
          Array.from({ length: 2000 }, (_, i) => `m${i}`),
        ),
    },
  ],
]);
