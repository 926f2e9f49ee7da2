"use strict";
// Pipelines and transactions under load, with middleware, and on closed clients.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { glide, oracle, closeAll, key, settledWithin } = require("../support/clients");

const t = suite("pipelines at runtime");
let g;
t.before(() => {
  g = glide();
});
t.after(closeAll);

t("2,000 concurrent pipelines of 10 commands, past GLIDE's inflight limit", async () => {
  const k = key();
  const runs = [];
  for (let i = 0; i < 2000; i++) {
    const p = g.pipeline();
    for (let j = 0; j < 10; j++) p.incr(k);
    runs.push(p.exec());
  }
  const results = await Promise.all(runs);
  assert.ok(results.every((r) => r.length === 10 && r.every(([e]) => e === null)));
  assert.is(await g.get(k), "20000");
  assert.equal(results[1999][9], [null, 20000], "pipelines run in issue order");
});

t("1,000 concurrent transactions with other traffic in between stay atomic and ordered", async () => {
  const k = key();
  const runs = [];
  for (let i = 0; i < 1000; i++) {
    g.rpush(k, `before-${i}`);
    runs.push(g.multi().rpush(k, `tx-${i}-a`).rpush(k, `tx-${i}-b`).exec());
  }
  await Promise.all(runs);
  const list = await g.lrange(k, 0, -1);
  assert.is(list.length, 3000);
  for (let i = 0; i < 1000; i++) {
    const at = list.indexOf(`tx-${i}-a`);
    assert.is(list[at - 1], `before-${i}`);
    assert.is(list[at + 1], `tx-${i}-b`);
  }
});

t("a transaction sees a write issued just before it; a later read sees the transaction", async () => {
  const k = key();
  g.set(k, "1");
  const tx = g.multi().incr(k).exec();
  const after = g.get(k);
  assert.equal(await tx, [[null, 2]]);
  assert.is(await after, "2");
});

t("middleware sees pipeline and transaction commands one by one", async () => {
  const c = glide();
  const seen = [];
  c.use((call, next) => {
    seen.push(call.command);
    return next(call);
  });
  await c.pipeline().set(key(), 1).get(key()).exec();
  await c.multi().incr(key()).exec();
  assert.equal(seen, ["set", "get", "incr"]);
});

t("a middleware that answers a transaction command itself leaves the others to EXEC", async () => {
  const c = glide();
  c.use((call, next) => (call.command === "get" && call.args[0] === "cached" ? "hit" : next(call)));
  const k = key();
  assert.equal(await c.multi().set(k, "v").get("cached").get(k).exec(), [
    [null, "OK"],
    [null, "hit"],
    [null, "v"],
  ]);
});

t("a bad argument aborts the whole transaction before anything runs", async () => {
  const k = key();
  const r = await g
    .multi()
    .set(k, "v")
    .set(key(), Symbol("bad"))
    .exec()
    .catch((e) => e);
  assert.match(r.message, /^EXECABORT/);
  assert.match(r.previousErrors[0].message, /is a Symbol/);
  assert.is(await g.get(k), null);
});

t("a pipeline on a closed client rejects every command with 'Connection is closed.'", async () => {
  const c = glide();
  await c.quit();
  const r = await c.pipeline().get("a").get("b").exec();
  assert.equal(
    r.map(([e]) => e && e.message),
    ["Connection is closed.", "Connection is closed."],
  );
  const tx = await settledWithin(c.multi().get("a").exec(), 1000);
  assert.ok(tx.err, "the transaction rejects");
});

t("MULTI inside a pipeline after WATCH: a changed key gives EXEC null there, as ioredis", async () => {
  const results = [];
  for (const make of [glide, oracle]) {
    const k = key("watched");
    const watcher = make();
    const other = make();
    await watcher.watch(k);
    await other.set(k, "changed");
    results.push(await watcher.pipeline().multi().get(k).exec().get(k).exec());
  }
  assert.equal(results[0], [
    [null, "OK"],
    [null, "QUEUED"],
    [null, null],
    [null, "changed"],
  ]);
  assert.equal(results[0], results[1]);
});

t("transactions do not nest: multi() inside multi() or inside an open MULTI throws a clear error", () => {
  assert.throws(() => g.multi().multi(), /transactions do not nest/);
  assert.throws(() => g.pipeline().multi().incr("a").multi(), /transactions do not nest/);
});

t("BullMQ binds hset, hscan, sscan on pipelines and multis", () => {
  for (const p of [g.pipeline(), g.multi()]) {
    for (const m of ["hset", "hscan", "sscan", "runCommand"]) {
      if (m === "runCommand") assert.is(p[m], undefined, "no runCommand: BullMQ would stop treating us as ioredis");
      else assert.type(p[m].bind(p), "function");
    }
  }
});

t.run();
