"use strict";
// ioredis 6's `protocol` and `replyMapping`, each behaviour compared with ioredis 6 on the same server.
// (The reply shapes of every command family under both mappings: test/commands.)
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Redis, IORedis, glide, oracle, closeAll, key, outcome } = require("../support/clients");
const { comparable } = require("../commands/differential");

const t = suite("protocol");
t.after(closeAll);

/** The resp= field of the connection's CLIENT INFO line. */
const respOf = (c) => c.client("INFO").then((line) => /resp=(\d)/.exec(line)[1]);

t("the server sees RESP3 by default and RESP2 with protocol: 2, as with ioredis", async () => {
  const seen = [];
  for (const make of [glide, oracle]) {
    seen.push([await respOf(make()), await respOf(make({ protocol: 2 })), await respOf(make({ protocol: 3 }))]);
  }
  assert.equal(seen[0], ["3", "2", "3"]);
  assert.equal(seen[0], seen[1]);
});

t('replyMapping "resp3" with protocol 2 is refused with ioredis\'s error', () => {
  const errors = [];
  for (const C of [Redis, IORedis]) {
    try {
      new C({ protocol: 2, replyMapping: "resp3", lazyConnect: true });
      errors.push("constructed");
    } catch (err) {
      errors.push([err.constructor.name, err.message]);
    }
  }
  assert.equal(errors[0], ["Error", 'The "resp3" replyMapping is only supported with protocol 3']);
  assert.equal(errors[0], errors[1]);
});

t("options show protocol and replyMapping as ioredis's do, defaults included", () => {
  const shown = (c) => [c.options.protocol, c.options.replyMapping];
  const made = [];
  for (const C of [Redis, IORedis]) {
    made.push([
      shown(new C({ lazyConnect: true })),
      shown(new C({ lazyConnect: true, protocol: 2 })),
      shown(new C({ lazyConnect: true, replyMapping: "resp3" })),
    ]);
  }
  assert.equal(made[0], made[1]);
});

t("duplicate() keeps protocol and mapping, and an override changes them", async () => {
  const results = [];
  for (const make of [glide, oracle]) {
    const k = key("z");
    const native = make({ replyMapping: "resp3" });
    await native.zadd(k, 0.1, "m");
    const copy = native.duplicate();
    const legacy = native.duplicate({ replyMapping: "legacy" });
    const v5 = make({ protocol: 2 }).duplicate();
    results.push([
      await copy.zscore(k, "m"),
      copy.options.replyMapping,
      await legacy.zscore(k, "m"),
      await respOf(v5),
      [copy, legacy, v5].map((c) => c.options.protocol),
    ]);
    for (const c of [copy, legacy, v5]) c.disconnect();
  }
  assert.type(results[0][0], "number"); // ioredis 6's RESP3 double, not the legacy "0.1"
  assert.equal(results[0], results[1]);
});

t("a subscribed client under protocol 3 still runs ordinary commands; under protocol 2 it refuses them", async () => {
  const results = [];
  for (const make of [glide, oracle]) {
    const r = [];
    for (const protocol of [3, 2]) {
      const c = make({ protocol });
      await c.subscribe(`proto:${process.pid}:${protocol}`);
      r.push(c.mode, await outcome(c.get(key())), await outcome(c.ping()), await outcome(c.ping("x")));
      c.disconnect();
    }
    results.push(r);
  }
  assert.equal(results[0], results[1]);
});

t('replyMapping "resp3": native shapes through callbacks, pipelines, multi and defined commands', async () => {
  const results = [];
  for (const make of [glide, oracle]) {
    const c = make({ replyMapping: "resp3" });
    const h = key("h");
    const z = key("z");
    c.defineCommand("zscoreOf", { numberOfKeys: 1, lua: "return redis.call('ZSCORE', KEYS[1], ARGV[1])" });
    await c.hset(h, { a: "1", b: "2" });
    await c.zadd(z, 1.5, "m", 0.1, "n");
    const viaCallback = await new Promise((resolve) => c.hgetall(h, (err, v) => resolve([err, v])));
    const piped = await c.pipeline().hgetall(h).zrange(z, 0, -1, "WITHSCORES").zscore(z, "n").zscoreOf(z, "m").exec();
    const transaction = await c.multi().hgetall(key("missing")).zpopmin(z).exec();
    const buffers = await c.hgetallBuffer(h);
    results.push(comparable([viaCallback, piped, transaction, buffers]));
  }
  assert.equal(results[0], results[1]);
});

t.run();
