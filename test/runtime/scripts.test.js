"use strict";
// The script cache at runtime: NOSCRIPT recovery, exactly-once execution,
// the scripts option, memory over many distinct scripts, concurrency.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Redis, glide, oracle, closeAll, key } = require("../support/clients");
const { standaloneAddress } = require("../support/servers");

const t = suite("scripts at runtime");
let g, o;
t.before(() => {
  g = glide();
  o = oracle();
});
t.after(closeAll);

const INCR = "return redis.call('INCR', KEYS[1])";

t("another client flushes the script cache: the next call reloads it and runs once", async () => {
  const c = glide();
  c.defineCommand("bump", { numberOfKeys: 1, lua: INCR });
  const k = key();
  assert.is(await c.bump(k), 1);
  assert.is(await c.bump(k), 2); // EVALSHA now
  await o.script("FLUSH");
  assert.is(await c.bump(k), 3, "NOSCRIPT -> sent again with its source, exactly once");
  assert.is(await c.bump(k), 4);
  const stats = await o.info("commandstats");
  assert.match(stats, /cmdstat_evalsha:calls=\d+/);
});

t("NOSCRIPT inside a pipeline: the script call is retried alone, once", async () => {
  const c = glide();
  c.defineCommand("bump", { numberOfKeys: 1, lua: INCR });
  const k = key();
  await c.bump(k);
  await o.script("FLUSH");
  const r = await c.pipeline().bump(k).bump(k).get(k).exec();
  assert.equal(r.slice(0, 2), [
    [null, 2],
    [null, 3],
  ]);
  assert.is(await c.get(k), "3");
});

t("the scripts constructor option defines commands, as in ioredis", async () => {
  const { host, port } = standaloneAddress();
  const c = new Redis({ host, port, scripts: { twice: { numberOfKeys: 0, lua: "return ARGV[1] .. ARGV[1]" } } });
  assert.is(await c.twice("ab"), "abab");
  assert.type(c.twiceBuffer, "function");
  assert.equal(await c.pipeline().twice("x").exec(), [[null, "xx"]]);
  c.disconnect();
});

t("defineCommand rejects a definition without lua, clearly", () => {
  assert.throws(() => g.defineCommand("bad", {}), /needs \{ lua: string \}/);
  assert.throws(
    () => g.defineCommand("bad", { lua: "return 1", numberOfKeys: -1 }),
    /numberOfKeys must be a non-negative integer/,
  );
});

t("5,000 concurrent defined-command calls, ordered with other calls", async () => {
  const c = glide();
  c.defineCommand("append2", { numberOfKeys: 1, lua: "return redis.call('RPUSH', KEYS[1], ARGV[1])" });
  const k = key();
  const calls = [];
  for (let i = 0; i < 5000; i++) calls.push(i % 2 ? c.append2(k, `s${i}`) : c.rpush(k, `p${i}`));
  await Promise.all(calls);
  const list = await c.lrange(k, 0, -1);
  assert.equal(
    list,
    Array.from({ length: 5000 }, (_, i) => (i % 2 ? `s${i}` : `p${i}`)),
  );
});

t("memory stays flat over 50,000 distinct scripts", async () => {
  const c = glide();
  const run = async (from, n) => {
    const calls = [];
    for (let i = from; i < from + n; i++) calls.push(c.eval(`return ${i} -- ${"x".repeat(1000)}`, 0));
    await Promise.all(calls);
  };
  await run(0, 5000); // warm up
  await o.script("FLUSH");
  global.gc && global.gc();
  const before = process.memoryUsage().rss;
  for (let round = 0; round < 10; round++) {
    await run(10000 + round * 5000, 5000);
    await o.script("FLUSH"); // keep the server's own cache small
  }
  global.gc && global.gc();
  const grownMb = (process.memoryUsage().rss - before) / 1048576;
  if (process.env.DEBUG_MEM) console.log("rss growth MB", grownMb);
  assert.ok(grownMb < 60, `RSS grew ${grownMb.toFixed(1)} MB over 50,000 distinct scripts`);
  // defined commands: redefining 50,000 times keeps one definition per name
  for (let i = 0; i < 50000; i++) c.defineCommand("churn", { numberOfKeys: 0, lua: `return ${i}` });
  assert.is(await c.churn(), 49999);
});

t.run();
