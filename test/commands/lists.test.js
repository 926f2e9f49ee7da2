"use strict";
const { family } = require("./differential");

const l = (o) => o.rpush("l", "a", "b", "c", "b", "d");

family("lists", 4, [
  ["RPUSH LPUSH LRANGE", (c) => Promise.all([c.rpush("l", "a", "b"), c.lpush("l", "z"), c.lrange("l", 0, -1)])],
  ["RPUSH an array of values", (c) => Promise.all([c.rpush("l", ["a", 1, 2.5]), c.lrange("l", 0, -1)])],
  [
    "LPUSHX RPUSHX on missing and existing",
    (c) => Promise.all([c.lpushx("nope", "a"), c.rpushx("l", "x"), c.lrange("l", 0, -1)]),
    { setup: l },
  ],
  [
    "LLEN LINDEX",
    (c) => Promise.all([c.llen("l"), c.lindex("l", 0), c.lindex("l", -1), c.lindex("l", 99)]),
    { setup: l },
  ],
  ["LPOP RPOP", (c) => Promise.all([c.lpop("l"), c.rpop("l"), c.lpop("nope")]), { setup: l }],
  ["LPOP RPOP with count", (c) => Promise.all([c.lpop("l", 2), c.rpop("l", 2), c.lpop("nope", 2)]), { setup: l }],
  [
    "LSET and out-of-range",
    (c) => Promise.all([c.lset("l", 0, "A"), c.lrange("l", 0, 0), c.lset("l", 99, "x").catch((e) => e.message)]),
    { setup: l },
  ],
  [
    "LINSERT BEFORE AFTER",
    (c) =>
      Promise.all([c.linsert("l", "BEFORE", "c", "x"), c.linsert("l", "AFTER", "nope", "y"), c.lrange("l", 0, -1)]),
    { setup: l },
  ],
  ["LREM", (c) => Promise.all([c.lrem("l", 0, "b"), c.lrange("l", 0, -1)]), { setup: l }],
  ["LTRIM", (c) => Promise.all([c.ltrim("l", 1, 2), c.lrange("l", 0, -1)]), { setup: l }],
  [
    "LPOS",
    (c) =>
      Promise.all([c.lpos("l", "b"), c.lpos("l", "b", "RANK", 2), c.lpos("l", "b", "COUNT", 0), c.lpos("l", "zz")]),
    { setup: l },
  ],
  ["LPOS MAXLEN", (c) => c.lpos("l", "d", "MAXLEN", 2), { setup: l }],
  ["LMOVE", (c) => Promise.all([c.lmove("l", "m", "LEFT", "RIGHT"), c.lrange("m", 0, -1)]), { setup: l }],
  ["RPOPLPUSH", (c) => Promise.all([c.rpoplpush("l", "m"), c.rpoplpush("nope", "m")]), { setup: l }],
  [
    "LMPOP",
    (c) => Promise.all([c.lmpop(2, "nope", "l", "LEFT", "COUNT", 2), c.lmpop(1, "nope", "RIGHT")]),
    { setup: l },
  ],
  ["BLPOP immediate", (c) => c.blpop("nope", "l", 1), { setup: l }],
  ["BLPOP timeout null", (c) => c.blpop("nope", 0.1)],
  ["BRPOP immediate", (c) => c.brpop("l", 1), { setup: l }],
  ["BLMOVE immediate", (c) => c.blmove("l", "m", "RIGHT", "LEFT", 1), { setup: l }],
  ["BRPOPLPUSH timeout", (c) => c.brpoplpush("nope", "m", 0.1)],
  ["BLMPOP immediate", (c) => c.blmpop(1, 1, "l", "RIGHT", "COUNT", 3), { setup: l }],
  ["BLMPOP timeout", (c) => c.blmpop(0.1, 1, "nope", "LEFT")],
  ["BLPOP wrong type", (c) => c.blpop("s", 1), { setup: (o) => o.set("s", "x") }],
  [
    "lrangeBuffer and lpopBuffer",
    (c) => Promise.all([c.lrangeBuffer("l", 0, 1), c.lpopBuffer("l"), c.blpopBuffer("l", 1)]),
    { setup: l },
  ],
  [
    "binary list elements",
    (c) => Promise.all([c.rpush("l", Buffer.from([0x80, 0x81])), c.lrangeBuffer("l", 0, -1), c.lpop("l")]),
  ],
  ["LRANGE on wrong type", (c) => c.lrange("s", 0, -1), { setup: (o) => o.set("s", "x") }],
  ["LINDEX non-integer index", (c) => c.lindex("l", "x"), { setup: l }],
  [
    "1000-element LRANGE",
    (c) => c.lrange("big", 0, -1).then((r) => [r.length, r[0], r[999]]),
    {
      setup: (o) =>
        o.rpush(
          "big",
          Array.from({ length: 1000 }, (_, i) => `e${i}`),
        ),
    },
  ],
]);
