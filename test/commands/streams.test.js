"use strict";
const { family } = require("./differential");

const x = async (o) => {
  await o.xadd("x", "1-1", "f", "v", "g", "w");
  await o.xadd("x", "2-1", "f", "v2");
  await o.xadd("x", "3-1", "n", "1");
};
const withGroup = async (o) => {
  await x(o);
  await o.xgroup("CREATE", "x", "g", "0");
};
const stripTimes = (r) => JSON.parse(JSON.stringify(r, (k, v) => v));

family("streams", 7, [
  [
    "XADD explicit and auto ids",
    (c) => Promise.all([c.xadd("x", "1-1", "a", "1"), c.xadd("x", "*", "b", "2").then((id) => /^\d+-\d+$/.test(id))]),
  ],
  [
    "XADD MAXLEN ~ and NOMKSTREAM",
    (c) => Promise.all([c.xadd("x", "MAXLEN", "~", 10, "5-1", "f", "v"), c.xadd("nope", "NOMKSTREAM", "*", "f", "v")]),
    { setup: x },
  ],
  ["XADD id too small", (c) => c.xadd("x", "1-1", "f", "v"), { setup: x }],
  ["XLEN", (c) => c.xlen("x"), { setup: x }],
  [
    "XRANGE XREVRANGE COUNT",
    (c) =>
      Promise.all([
        c.xrange("x", "-", "+"),
        c.xrevrange("x", "+", "-", "COUNT", 2),
        c.xrange("x", "2-0", "+", "COUNT", 1),
      ]),
    { setup: x },
  ],
  ["XRANGE empty", (c) => c.xrange("nope", "-", "+")],
  [
    "XREAD",
    (c) =>
      Promise.all([
        c.xread("STREAMS", "x", "0"),
        c.xread("COUNT", 1, "STREAMS", "x", "y", "0", "0"),
        c.xread("STREAMS", "x", "$"),
      ]),
    {
      setup: async (o) => {
        await x(o);
        await o.xadd("y", "1-1", "k", "v");
      },
    },
  ],
  ["XREAD BLOCK with data", (c) => c.xread("BLOCK", 100, "STREAMS", "x", "2-1"), { setup: x }],
  ["XREAD BLOCK times out", (c) => c.xread("BLOCK", 100, "STREAMS", "x", "$"), { setup: x }],
  [
    "XGROUP CREATE MKSTREAM, SETID, DESTROY",
    (c) =>
      Promise.all([
        c.xgroup("CREATE", "s", "g", "$", "MKSTREAM"),
        c.xgroup("SETID", "s", "g", "0"),
        c.xgroup("DESTROY", "s", "g"),
      ]),
  ],
  ["XGROUP CREATE BUSYGROUP", (c) => c.xgroup("CREATE", "x", "g", "0"), { setup: withGroup }],
  [
    "XGROUP CREATECONSUMER DELCONSUMER",
    (c) => Promise.all([c.xgroup("CREATECONSUMER", "x", "g", "c1"), c.xgroup("DELCONSUMER", "x", "g", "c1")]),
    { setup: withGroup },
  ],
  [
    "XREADGROUP and XACK",
    (c) =>
      Promise.all([c.xreadgroup("GROUP", "g", "c1", "COUNT", 2, "STREAMS", "x", ">"), c.xack("x", "g", "1-1", "9-9")]),
    { setup: withGroup },
  ],
  [
    "XREADGROUP nothing new",
    (c) => c.xreadgroup("GROUP", "g", "c1", "STREAMS", "x", ">"),
    {
      setup: async (o) => {
        await withGroup(o);
        await o.xreadgroup("GROUP", "g", "c0", "STREAMS", "x", ">");
      },
    },
  ],
  [
    "XREADGROUP BLOCK timeout",
    (c) => c.xreadgroup("GROUP", "g", "c1", "BLOCK", 100, "STREAMS", "x", ">"),
    {
      setup: async (o) => {
        await withGroup(o);
        await o.xreadgroup("GROUP", "g", "c0", "STREAMS", "x", ">");
      },
    },
  ],
  ["XREADGROUP NOGROUP", (c) => c.xreadgroup("GROUP", "nog", "c1", "STREAMS", "x", ">"), { setup: x }],
  [
    "XPENDING summary and extended",
    (c) =>
      Promise.all([
        c.xpending("x", "g"),
        c.xpending("x", "g", "-", "+", 10).then((r) => r.map(([id, consumer, , n]) => [id, consumer, n])),
      ]),
    {
      setup: async (o) => {
        await withGroup(o);
        await o.xreadgroup("GROUP", "g", "c0", "STREAMS", "x", ">");
      },
    },
  ],
  [
    "XCLAIM and JUSTID",
    (c) => Promise.all([c.xclaim("x", "g", "c2", 0, "1-1"), c.xclaim("x", "g", "c3", 0, "2-1", "JUSTID")]),
    {
      setup: async (o) => {
        await withGroup(o);
        await o.xreadgroup("GROUP", "g", "c0", "STREAMS", "x", ">");
      },
    },
  ],
  [
    "XAUTOCLAIM and JUSTID",
    (c) =>
      Promise.all([
        c.xautoclaim("x", "g", "c2", 0, "0-0", "COUNT", 1),
        c.xautoclaim("x", "g", "c3", 0, "0-0", "JUSTID"),
      ]),
    {
      setup: async (o) => {
        await withGroup(o);
        await o.xreadgroup("GROUP", "g", "c0", "STREAMS", "x", ">");
      },
    },
  ],
  ["XDEL XTRIM", (c) => Promise.all([c.xdel("x", "1-1", "9-9"), c.xtrim("x", "MAXLEN", 1), c.xlen("x")]), { setup: x }],
  ["XTRIM MINID ~", (c) => c.xtrim("x", "MINID", "~", "2-0"), { setup: x }],
  ["XINFO STREAM", (c) => c.xinfo("STREAM", "x"), { setup: withGroup }],
  [
    "XINFO STREAM FULL",
    (c) => c.xinfo("STREAM", "x", "FULL").then(stripTimes),
    {
      setup: withGroup,
      norm: (r) =>
        JSON.parse(
          JSON.stringify(r)
            .replace(/"seen-time",\d+/g, '"seen-time",0')
            .replace(/"active-time",\d+/g, '"active-time",0'),
        ),
    },
  ],
  ["XINFO GROUPS", (c) => c.xinfo("GROUPS", "x"), { setup: withGroup }],
  [
    "XINFO CONSUMERS",
    (c) =>
      c
        .xinfo("CONSUMERS", "x", "g")
        .then((r) =>
          r.map((e) =>
            e.filter((v, i) => !["idle", "inactive"].includes(e[i - 1]) && !["idle", "inactive"].includes(v)),
          ),
        ),
    {
      setup: async (o) => {
        await withGroup(o);
        await o.xreadgroup("GROUP", "g", "c0", "STREAMS", "x", ">");
      },
    },
  ],
  ["XSETID", (c) => Promise.all([c.xsetid("x", "10-1"), c.xadd("x", "5-1", "f", "v")]), { setup: x }],
  [
    "xrangeBuffer and binary fields",
    (c) =>
      Promise.all([
        c.xadd("b", "1-1", Buffer.from([0xff]), Buffer.from([0xfe])),
        c.xrangeBuffer("b", "-", "+"),
        c.xreadBuffer("STREAMS", "b", "0"),
      ]),
  ],
  ["XRANGE on wrong type", (c) => c.xrange("s", "-", "+"), { setup: (o) => o.set("s", "x") }],
]);
