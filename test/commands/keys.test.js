"use strict";
const { family } = require("./differential");

const sorted = (r) => (Array.isArray(r) ? [...r].sort() : r);
const scanAll = async (c, ...args) => {
  const seen = new Set();
  let cursor = "0";
  do {
    const [next, keys] = await c.scan(cursor, ...args);
    if (typeof next !== "string") throw new Error("cursor must be a string");
    keys.forEach((k) => seen.add(k));
    cursor = next;
  } while (cursor !== "0");
  return [...seen].sort();
};
const data = (o) => o.mset("a", "1", "b", "2", "user:1", "x", "user:2", "y");

family("keys", 2, [
  [
    "DEL and EXISTS (many keys, arrays)",
    (c) => Promise.all([c.exists("a", "b", "nope"), c.del(["a", "b"]), c.exists("a")]),
    { setup: data },
  ],
  ["UNLINK", (c) => c.unlink("a", "nope"), { setup: data }],
  [
    "TYPE of each kind",
    (c) => Promise.all(["a", "l", "h", "s", "z", "x", "nope"].map((k) => c.type(k))),
    {
      setup: async (o) => {
        await o.set("a", "1");
        await o.rpush("l", "1");
        await o.hset("h", "f", "v");
        await o.sadd("s", "m");
        await o.zadd("z", 1, "m");
        await o.xadd("x", "*", "f", "v");
      },
    },
  ],
  [
    "EXPIRE family and TTL/PTTL",
    (c) =>
      Promise.all([
        c.expire("a", 100),
        c.ttl("a"),
        c.pexpire("b", 100000),
        c.pttl("b").then((t) => t > 99000),
        c.ttl("nope"),
        c.ttl("user:1"),
      ]),
    { setup: data },
  ],
  [
    "EXPIRE NX/XX/GT/LT options",
    (c) =>
      Promise.all([
        c.expire("a", 100, "NX"),
        c.expire("a", 50, "GT"),
        c.expire("a", 200, "GT"),
        c.expire("b", 10, "XX"),
      ]),
    { setup: data },
  ],
  [
    "EXPIREAT, PEXPIREAT, EXPIRETIME, PEXPIRETIME",
    (c) =>
      Promise.all([
        c.expireat("a", 4102444800),
        c.expiretime("a"),
        c.pexpireat("b", 4102444800000),
        c.pexpiretime("b"),
        c.expiretime("nope"),
      ]),
    { setup: data },
  ],
  ["PERSIST", (c) => Promise.all([c.expire("a", 100), c.persist("a"), c.persist("a"), c.ttl("a")]), { setup: data }],
  ["KEYS pattern", (c) => c.keys("user:*"), { setup: data, norm: sorted }],
  ["SCAN cursor is a string; full iteration", (c) => scanAll(c), { setup: data }],
  ["SCAN MATCH COUNT", (c) => scanAll(c, "MATCH", "user:*", "COUNT", 2), { setup: data }],
  [
    "SCAN TYPE",
    (c) => scanAll(c, "TYPE", "list"),
    {
      setup: async (o) => {
        await data(o);
        await o.rpush("l1", "x");
      },
    },
  ],
  ["SCAN bad cursor", (c) => c.scan("notanumber")],
  [
    "RENAME and RENAMENX",
    (c) => Promise.all([c.rename("a", "c"), c.renamenx("b", "c"), c.renamenx("b", "d"), c.mget("a", "b", "c", "d")]),
    { setup: data },
  ],
  ["RENAME missing key", (c) => c.rename("nope", "x")],
  [
    "COPY with REPLACE",
    (c) => Promise.all([c.copy("a", "b"), c.copy("a", "b", "REPLACE"), c.get("b")]),
    { setup: data },
  ],
  [
    "MOVE to another db",
    (c) => Promise.all([c.move("a", 15), c.exists("a")]),
    {
      setup: async (o) => {
        await data(o);
        const d = o.duplicate({ db: 15 });
        await d.del("a");
        d.disconnect();
      },
    },
  ],
  [
    "DUMP as Buffer and RESTORE",
    (c) => c.dumpBuffer("a").then((d) => Promise.all([Buffer.isBuffer(d), c.restore("r", 0, d), c.get("r")])),
    { setup: data },
  ],
  ["RESTORE BUSYKEY", (c) => c.dumpBuffer("a").then((d) => c.restore("b", 0, d)), { setup: data }],
  ["TOUCH", (c) => c.touch("a", "b", "nope"), { setup: data }],
  ["RANDOMKEY on an empty db", (c) => c.randomkey()],
  ["RANDOMKEY", (c) => c.randomkey(), { setup: (o) => o.set("only", "1") }],
  ["DBSIZE", (c) => c.dbsize(), { setup: data }],
  [
    "OBJECT ENCODING, REFCOUNT, IDLETIME",
    (c) =>
      Promise.all([
        c.object("ENCODING", "a"),
        c.object("ENCODING", "l"),
        c.object("REFCOUNT", "l"),
        c.object("IDLETIME", "l").then((n) => typeof n),
      ]),
    {
      setup: async (o) => {
        await data(o);
        await o.rpush("l", "x");
      },
    },
  ],
  ["OBJECT HELP is a list of lines", (c) => c.object("HELP").then((lines) => [Array.isArray(lines), typeof lines[0]])],
  [
    "SORT numeric, ALPHA, LIMIT, DESC",
    (c) => Promise.all([c.sort("l"), c.sort("l", "DESC", "LIMIT", 0, 2), c.sort("w", "ALPHA")]),
    {
      setup: async (o) => {
        await o.rpush("l", 3, 1, 2);
        await o.rpush("w", "b", "a", "c");
      },
    },
  ],
  [
    "SORT BY and GET patterns",
    (c) => c.sort("l", "BY", "w_*", "GET", "#", "GET", "o_*"),
    {
      setup: async (o) => {
        await o.rpush("l", 1, 2, 3);
        await o.mset("w_1", 3, "w_2", 1, "w_3", 2, "o_1", "one", "o_2", "two", "o_3", "three");
      },
    },
  ],
  [
    "SORT STORE",
    (c) => Promise.all([c.sort("l", "STORE", "dst"), c.lrange("dst", 0, -1)]),
    { setup: (o) => o.rpush("l", 3, 1, 2) },
  ],
  ["SORT_RO", (c) => c.sort_ro("l"), { setup: (o) => o.rpush("l", 3, 1, 2) }],
  ["SORT of non-numbers without ALPHA", (c) => c.sort("w"), { setup: (o) => o.rpush("w", "b", "a") }],
  ["EXISTS with a repeated key counts twice", (c) => c.exists("a", "a"), { setup: data }],
  ["DEL with nothing to delete", (c) => c.del("nope1", "nope2")],
  ["WAIT with no replicas", (c) => c.wait(0, 10)],
  [
    "keys with spaces, unicode and binary",
    (c) =>
      Promise.all([
        c.set("a key", "1"),
        c.set("ключ", "2"),
        c.set(Buffer.from([0xc3, 0x28]), "3"),
        c.mget("a key", "ключ"),
        c.getBuffer(Buffer.from([0xc3, 0x28])),
      ]),
  ],
  [
    "keysBuffer and scanBuffer",
    (c) => Promise.all([c.keysBuffer("a"), c.scanBuffer(0, "MATCH", "a")]),
    { setup: data },
  ],
]);
