"use strict";
const { family } = require("./differential");

const z = (o) => o.zadd("z", 1, "a", 2.5, "b", 0.1, "c", -3, "d", 1e20, "e", "-inf", "f", "+inf", "g");
const z2 = async (o) => {
  await o.zadd("z1", 1, "a", 2, "b", 3, "c");
  await o.zadd("z2", 0.5, "b", 4, "c", 5, "d");
};

family("sorted-sets", 6, [
  [
    "ZADD variants",
    (c) =>
      Promise.all([
        c.zadd("z", 1, "a", 2, "b"),
        c.zadd("z", "NX", 5, "a", 3, "c"),
        c.zadd("z", "XX", "CH", 9, "a"),
        c.zadd("z", "GT", 1, "a"),
      ]),
  ],
  [
    "ZADD INCR returns the score as a string",
    (c) =>
      Promise.all([c.zadd("z", "INCR", 1.5, "a"), c.zadd("z", "INCR", 0.1, "a"), c.zadd("z", "NX", "INCR", 1, "a")]),
  ],
  [
    "ZADD: a member or a key spelled like the INCR option is not the option",
    (c) =>
      Promise.all([
        c.zadd("z", 1, "incr"),
        c.zadd("z", 2, "INCR"),
        c.zadd("INCR", 3, "c"),
        c.zadd("z", "CH", 4, "incr"),
      ]),
  ],
  ["ZADD an array", (c) => Promise.all([c.zadd("z", [1, "a", 2, "b"]), c.zcard("z")])],
  ["ZADD invalid score", (c) => c.zadd("z", "x", "a")],
  [
    "ZSCORE exact strings (0.1, 1e20, inf)",
    (c) => Promise.all(["a", "b", "c", "d", "e", "f", "g", "nope"].map((m) => c.zscore("z", m))),
    { setup: z },
  ],
  ["ZMSCORE", (c) => c.zmscore("z", "a", "c", "nope", "e"), { setup: z }],
  [
    "ZINCRBY",
    (c) => Promise.all([c.zincrby("z", 0.2, "c"), c.zincrby("z", 1, "new"), c.zincrby("z", "1e3", "a")]),
    { setup: z },
  ],
  [
    "ZRANGE plain and WITHSCORES",
    (c) =>
      Promise.all([c.zrange("z", 0, -1), c.zrange("z", 0, -1, "WITHSCORES"), c.zrange("z", "0", "1", "withscores")]),
    { setup: z },
  ],
  [
    "ZRANGE BYSCORE REV LIMIT WITHSCORES",
    (c) =>
      Promise.all([
        c.zrange("z", "(10", "-inf", "BYSCORE", "REV", "LIMIT", 0, 3, "WITHSCORES"),
        c.zrange("z", 0, 2, "BYSCORE"),
      ]),
    { setup: z },
  ],
  [
    "ZRANGE BYLEX",
    (c) => c.zrange("lex", "[a", "(c", "BYLEX"),
    { setup: (o) => o.zadd("lex", 0, "a", 0, "b", 0, "c") },
  ],
  [
    "ZREVRANGE WITHSCORES",
    (c) => Promise.all([c.zrevrange("z", 0, 2), c.zrevrange("z", 0, 2, "WITHSCORES")]),
    { setup: z },
  ],
  [
    "ZRANGEBYSCORE WITHSCORES LIMIT",
    (c) =>
      Promise.all([
        c.zrangebyscore("z", "-inf", "+inf", "WITHSCORES"),
        c.zrangebyscore("z", 0, 3, "WITHSCORES", "LIMIT", 1, 2),
        c.zrangebyscore("z", "(1", 3),
      ]),
    { setup: z },
  ],
  ["ZREVRANGEBYSCORE WITHSCORES", (c) => c.zrevrangebyscore("z", "+inf", "-inf", "WITHSCORES"), { setup: z }],
  [
    "ZRANGEBYLEX ZREVRANGEBYLEX ZLEXCOUNT",
    (c) =>
      Promise.all([c.zrangebylex("lex", "-", "+"), c.zrevrangebylex("lex", "+", "[b"), c.zlexcount("lex", "[a", "[b")]),
    { setup: (o) => o.zadd("lex", 0, "a", 0, "b", 0, "c") },
  ],
  [
    "ZRANGESTORE",
    (c) => Promise.all([c.zrangestore("dst", "z", 0, 2), c.zrange("dst", 0, -1, "WITHSCORES")]),
    { setup: z },
  ],
  [
    "ZCARD ZCOUNT",
    (c) => Promise.all([c.zcard("z"), c.zcount("z", "-inf", "+inf"), c.zcount("z", "(0.1", 2.5)]),
    { setup: z },
  ],
  ["ZRANK ZREVRANK", (c) => Promise.all([c.zrank("z", "a"), c.zrevrank("z", "a"), c.zrank("z", "nope")]), { setup: z }],
  [
    "ZRANK WITHSCORE",
    (c) =>
      Promise.all([
        c.zrank("z", "c", "WITHSCORE"),
        c.zrevrank("z", "b", "WITHSCORE"),
        c.zrank("z", "nope", "WITHSCORE"),
      ]),
    { setup: z, min: "7.2" },
  ],
  [
    "ZREM ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX",
    (c) =>
      Promise.all([
        c.zrem("z", "a", "nope"),
        c.zremrangebyrank("z", 0, 0),
        c.zremrangebyscore("z", 100, "+inf"),
        c.zremrangebylex("lex", "[a", "[b"),
      ]),
    {
      setup: async (o) => {
        await z(o);
        await o.zadd("lex", 0, "a", 0, "b", 0, "c");
      },
    },
  ],
  [
    "ZPOPMIN ZPOPMAX",
    (c) => Promise.all([c.zpopmin("z"), c.zpopmax("z"), c.zpopmin("z", 2), c.zpopmax("nope")]),
    { setup: z },
  ],
  ["ZMPOP", (c) => Promise.all([c.zmpop(2, "nope", "z", "MIN", "COUNT", 2), c.zmpop(1, "nope", "MAX")]), { setup: z }],
  ["BZPOPMIN BZPOPMAX immediate", (c) => Promise.all([c.bzpopmin("z", 1), c.bzpopmax("nope", "z", 1)]), { setup: z }],
  ["BZPOPMIN timeout", (c) => c.bzpopmin("nope", 0.1)],
  [
    "BZMPOP",
    (c) => Promise.all([c.bzmpop(1, 1, "z", "MIN", "COUNT", 2), c.bzmpop(0.1, 1, "nope", "MAX")]),
    { setup: z },
  ],
  [
    "ZRANDMEMBER WITHSCORES",
    (c) =>
      Promise.all([
        c.zrandmember("one"),
        c.zrandmember("one", 2, "WITHSCORES"),
        c.zrandmember("one", -2, "WITHSCORES"),
        c.zrandmember("nope"),
      ]),
    { setup: (o) => o.zadd("one", 0.3, "only") },
  ],
  [
    "ZUNION ZINTER ZDIFF WITHSCORES",
    (c) =>
      Promise.all([
        c.zunion(2, "z1", "z2", "WITHSCORES"),
        c.zinter(2, "z1", "z2", "WITHSCORES"),
        c.zdiff(2, "z1", "z2", "WITHSCORES"),
        c.zunion(2, "z1", "z2"),
      ]),
    { setup: z2 },
  ],
  [
    "ZUNION WEIGHTS AGGREGATE",
    (c) => c.zunion(2, "z1", "z2", "WEIGHTS", 2, 0.5, "AGGREGATE", "MAX", "WITHSCORES"),
    { setup: z2 },
  ],
  [
    "ZUNIONSTORE ZINTERSTORE ZDIFFSTORE",
    (c) =>
      Promise.all([
        c.zunionstore("d", 2, "z1", "z2"),
        c.zinterstore("e", 2, "z1", "z2", "WEIGHTS", 1, 2),
        c.zdiffstore("f", 2, "z1", "z2"),
        c.zrange("e", 0, -1, "WITHSCORES"),
      ]),
    { setup: z2 },
  ],
  ["ZINTERCARD", (c) => c.zintercard(2, "z1", "z2"), { setup: z2 }],
  ["ZSCAN scores are raw strings", (c) => c.zscan("z", 0, "COUNT", 100), { setup: z }],
  ["zrangeBuffer WITHSCORES", (c) => c.zrangeBuffer("z", 0, 1, "WITHSCORES"), { setup: z }],
  ["zscoreBuffer", (c) => c.zscoreBuffer("z", "c"), { setup: z }],
  ["ZSCORE on wrong type", (c) => c.zscore("s", "a"), { setup: (o) => o.set("s", "x") }],
  [
    "scores with many digits",
    (c) =>
      Promise.all([
        c.zadd(
          "p",
          "3.141592653589793",
          "pi",
          "0.30000000000000004",
          "x",
          "123456789.123",
          "y",
          "1e-7",
          "tiny",
          "-0",
          "nz",
        ),
        c.zrange("p", 0, -1, "WITHSCORES"),
        c.zscore("p", "tiny"),
        c.zscore("p", "nz"),
      ]),
  ],
]);
