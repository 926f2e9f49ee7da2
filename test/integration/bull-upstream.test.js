"use strict";
// Scenarios of Bull's own test suite that failed on ioglide, reproduced
// without the upstream checkout (`npm run test:upstream -- bull` runs the
// suite itself). Bull makes its own clients here, with 'ioredis' mapped to
// ioglide, as a user's package.json override does.
const path = require("path");
const ioredisSeenByBull = require.resolve("ioredis", { paths: [path.dirname(require.resolve("bull"))] });
const ioglide = require("../..");
if (process.env.IOGLIDE_INTEGRATION_ORACLE !== "1")
  require.cache[ioredisSeenByBull] = {
    id: ioredisSeenByBull,
    filename: ioredisSeenByBull,
    loaded: true,
    exports: ioglide,
  };

const { suite } = require("uvu");
const assert = require("uvu/assert");
const Queue = require("bull");
const IORedis = require("ioredis");
const sinon = require("sinon");
const { standaloneAddress } = require("../support/servers");
const { waitFor } = require("./support");

const t = suite("bull upstream scenarios");
const { host, port } = standaloneAddress();
/** Bull's tests wait for this (test/utils isRedisReady) before touching the socket. */
const redisReady = (client) =>
  client.status === "ready" ? undefined : new Promise((resolve) => client.once("ready", resolve));
let n = 0;
const name = (what) => `bull-up-${what}-${process.pid}-${++n}`;
const open = [];
const queue = (queueName, opts = {}) => {
  const q = new Queue(queueName, { redis: { host, port }, ...opts });
  open.push(q);
  return q;
};
t.after(async () => {
  await Promise.all(open.map((q) => q.close().catch(() => undefined)));
});

// test_getters.js, test_metrics.js: a closed queue's BRPOPLPUSH stayed
// blocked on the server (GLIDE keeps a closed connection, and a blocked one
// until its command returns) and took the next queue's job.
t("a closed queue's blocked BRPOPLPUSH does not take the next queue's job", async () => {
  const queueName = name("getters");
  const first = queue(queueName);
  first.process(() => undefined);
  await first.isReady();
  await new Promise((r) => setTimeout(r, 200)); // the bclient is blocked in BRPOPLPUSH (drainDelay 5 s)
  await first.close();
  const second = queue(queueName);
  const done = new Promise((resolve) => second.on("completed", (job) => resolve(job.data)));
  second.process(() => "ok");
  await second.add({ n: 1 });
  const data = await Promise.race([
    done,
    new Promise((r) => setTimeout(() => r("timed out: the old connection took the job"), 3000)),
  ]);
  assert.equal(data, { n: 1 });
});

// test_queue.js: Bull's tests read ioredis's `condition.select`.
t("condition.select names the database, as Bull's tests read it", async () => {
  const q = queue(name("condition"), { redis: { host, port, db: 2 } });
  await q.isReady();
  assert.is(q.client.condition.select, 2);
  assert.is(q.eclient.condition.select, 2);
  const [g, o] = [
    new ioglide({ host, port, db: 2, lazyConnect: true }),
    new IORedis({ host, port, db: 2, lazyConnect: true }),
  ];
  assert.is(g.condition, o.condition, "undefined until connect(), as ioredis");
  g.disconnect();
  o.disconnect();
});

// test_connection.js: "should recover from a connection loss" ends the socket.
t("client.stream.end() drops the connection; the queue recovers and processes", async () => {
  const q = queue(name("stream"));
  const done = new Promise((resolve) => q.process((job, jobDone) => (jobDone(), resolve(job.data))));
  await q.isReady();
  await redisReady(q.client);
  const events = [];
  for (const e of ["close", "reconnecting", "ready"]) q.client.on(e, () => events.push(e));
  q.client.stream.end();
  q.client.emit("error", new Error("ECONNRESET"));
  await q.add({ foo: "bar" });
  assert.equal(await done, { foo: "bar" });
  await waitFor(() => events.includes("ready"));
  assert.equal(events, ["close", "reconnecting", "ready"]);
});

// test_connection.js: "should handle jobs added before and after a redis disconnect".
t("jobs added before and after a dropped connection are all processed", async () => {
  const q = queue(name("before-after"));
  let count = 0;
  const both = new Promise((resolve) => {
    q.process((job, jobDone) => {
      jobDone();
      if (++count === 2) resolve();
    });
  });
  q.on("completed", () => {
    if (count === 1) {
      q.client.stream.end();
      q.client.emit("error", new Error("ECONNRESET"));
    }
  });
  q.on("error", () => {
    if (count === 1) q.add({ second: true });
  });
  await q.isReady();
  await redisReady(q.client);
  await q.add({ first: true });
  await Promise.race([
    both,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${count} processed`)), 5000)),
  ]);
});

// test_connection.js: "should accept ioredis options on the query string".
t("a TLS profile on the URL query becomes ioredis's TLS settings", () => {
  const url = `redis://${host}:${port}?tls=RedisCloudFixed`;
  const q = new Queue(name("tls"), url, { redis: { lazyConnect: true } });
  const o = new IORedis(url, { lazyConnect: true });
  assert.ok(q.client.options.tls.ca, "ca from the profile");
  assert.equal(q.client.options.tls, o.options.tls);
  o.disconnect();
  q.client.disconnect();
  q.eclient.disconnect();
});

// test_queue.js: "creates a queue accepting port as a string" gives ioredis `host: null`.
t("host: null connects to localhost, as Node's net.connect does for ioredis", async () => {
  const r = new ioglide({ host: null, port });
  assert.is(await r.ping(), "PONG");
  assert.is(r.options.host, null);
  await r.quit();
});

// test_worker.js: the worker's CLIENT SETNAME (issued once the client is ready,
// maybe after the bclient's PING went out) must land before a CLIENT LIST sent
// once that PING is answered. It failed about 1 run in 20 before the CLIENT LIST
// waited for names set before it (executor/connection-names.ts): 20 rounds.
t("getWorkers right after process() and a PING on the bclient lists the worker", async () => {
  const counts = [];
  for (let round = 0; round < 20; round++) {
    const q = new Queue(name("workers"), {
      redis: { host, port },
      settings: { guardInterval: 300000, stalledInterval: 300000 },
    });
    q.process(() => undefined);
    await q.bclient.ping();
    counts.push((await q.getWorkers()).length);
    await q.close();
  }
  assert.equal(counts, new Array(20).fill(1));
});

// test_metrics.js, test_repeat.js: sinon's fake timers, installed before
// the queue, jump the clock by hours inside the processor.
t("sinon's fake timers jumping the clock leave the connections alone (Bull's metrics scenario)", async () => {
  // What sinon 7 (Bull's own) fakes; newer sinon also fakes nextTick, which stalls Bull on ioredis too.
  const clock = sinon.useFakeTimers({
    toFake: [
      "setTimeout",
      "clearTimeout",
      "setImmediate",
      "clearImmediate",
      "setInterval",
      "clearInterval",
      "Date",
      "hrtime",
    ],
  });
  const events = [];
  let q;
  try {
    clock.setSystemTime(new Date("2017-02-07 9:24:00"));
    q = queue(name("fake-timers"), { metrics: { maxDataPoints: 120 } });
    for (const c of [q.client, q.eclient])
      for (const e of ["close", "reconnecting", "error"]) c.on(e, () => events.push(e));
    const steps = [0, 0, 30000, 60000, 3 * 60000, 60 * 60000, 60000];
    let completed = 0;
    const all = new Promise((resolve) => q.on("completed", () => ++completed === steps.length && resolve()));
    q.process((job) => {
      clock.tick(steps[job.data.i]);
    });
    for (let i = 0; i < steps.length; i++) await q.add({ i });
    await all;
    const metrics = await q.getMetrics("completed");
    assert.is(metrics.meta.count, steps.length);
    assert.is(await q.client.ping(), "PONG");
  } finally {
    clock.restore();
  }
  assert.equal(events, []);
});

t.run();
