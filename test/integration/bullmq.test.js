"use strict";
// BullMQ, unchanged, with ioglide clients as its connections.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Queue, Worker, QueueEvents, FlowProducer, Job } = require("bullmq");
const { standaloneAddress } = require("../support/servers");
const { watchConsole, waitFor, Client: Redis } = require("./support");

const t = suite("bullmq");
const { host, port } = standaloneAddress();
const opened = [];
const connection = (extra = {}) => {
  const c = new Redis({ host, port, maxRetriesPerRequest: null, ...extra });
  opened.push(c);
  return c;
};
let n = 0;
const queueName = () => `bmq-${process.pid}-${++n}`;
const printed = watchConsole();

t.after(async () => {
  for (const c of opened) if (c.status !== "end") c.disconnect();
});

t("BullMQ takes an ioglide client as an ioredis instance (no runCommand, defineCommand present)", () => {
  const c = connection({ lazyConnect: true });
  assert.type(c.defineCommand, "function");
  assert.is(c.runCommand, undefined);
  assert.is(c.isCluster, false);
  assert.type(c.status, "string");
});

t("Queue + Worker: add, process, complete, return values, fail", async () => {
  const name = queueName();
  const queue = new Queue(name, { connection: connection() });
  const worker = new Worker(
    name,
    async (job) => {
      if (job.data.fail) throw new Error("boom " + job.data.i);
      return job.data.i * 2;
    },
    { connection: connection(), concurrency: 4 },
  );
  const completed = [];
  const failed = [];
  worker.on("completed", (job, rv) => completed.push(rv));
  worker.on("failed", (job, err) => failed.push(err.message));
  await queue.addBulk(Array.from({ length: 20 }, (_, i) => ({ name: "j", data: { i, fail: i === 7 } })));
  await waitFor(() => completed.length + failed.length === 20);
  assert.equal(failed, ["boom 7"]);
  assert.equal(
    completed.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i * 2).filter((x) => x !== 14),
  );
  const counts = await queue.getJobCounts("completed", "failed", "waiting");
  assert.equal(counts, { completed: 19, failed: 1, waiting: 0 });
  await worker.close();
  await queue.close();
});

t("QueueEvents (XREAD BLOCK on the events stream) and waitUntilFinished", async () => {
  const name = queueName();
  const queue = new Queue(name, { connection: connection() });
  const events = new QueueEvents(name, { connection: connection() });
  await events.waitUntilReady();
  const seen = [];
  events.on("completed", ({ jobId, returnvalue }) => seen.push([jobId, returnvalue]));
  const worker = new Worker(name, async (job) => ({ echo: job.data }), { connection: connection() });
  const job = await queue.add("x", { hello: "world" });
  const result = await job.waitUntilFinished(events, 10000);
  assert.equal(result, { echo: { hello: "world" } });
  await waitFor(() => seen.length === 1);
  assert.is(seen[0][0], job.id);
  await worker.close();
  await events.close();
  await queue.close();
});

t("retries with backoff, then success", async () => {
  const name = queueName();
  const queue = new Queue(name, { connection: connection() });
  let attempts = 0;
  const worker = new Worker(
    name,
    async () => {
      attempts++;
      if (attempts < 3) throw new Error("not yet");
      return "ok";
    },
    { connection: connection() },
  );
  const done = new Promise((resolve) => worker.on("completed", (job, rv) => resolve([job.attemptsMade, rv])));
  await queue.add("r", {}, { attempts: 5, backoff: { type: "fixed", delay: 50 } });
  assert.equal(await done, [3, "ok"]);
  await worker.close();
  await queue.close();
});

t("delayed jobs wait, repeatable jobs (job schedulers) repeat", async () => {
  const name = queueName();
  const queue = new Queue(name, { connection: connection() });
  const startedAt = Date.now();
  const ran = [];
  const worker = new Worker(name, async (job) => ran.push([job.name, Date.now() - startedAt]), {
    connection: connection(),
  });
  await queue.add("delayed", {}, { delay: 400 });
  assert.is((await queue.getJobCounts("delayed")).delayed, 1);
  // BullMQ 6's repeatable jobs are job schedulers (the old `repeat` option ran once here, with ioredis too).
  await queue.upsertJobScheduler("every-200ms", { every: 200, limit: 3 }, { name: "rep", data: {} });
  await waitFor(() => ran.filter(([n]) => n === "rep").length >= 3 && ran.some(([n]) => n === "delayed"), 8000);
  const delayedAt = ran.find(([n]) => n === "delayed")[1];
  assert.ok(delayedAt >= 380, `the delayed job ran after ${delayedAt} ms`);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
});

t("priorities: higher priority first", async () => {
  const name = queueName();
  const queue = new Queue(name, { connection: connection() });
  await queue.add("low", {}, { priority: 10 });
  await queue.add("high", {}, { priority: 1 });
  await queue.add("mid", {}, { priority: 5 });
  const order = [];
  const worker = new Worker(name, async (job) => order.push(job.name), { connection: connection(), concurrency: 1 });
  await waitFor(() => order.length === 3);
  assert.equal(order, ["high", "mid", "low"]);
  await worker.close();
  await queue.close();
});

t("rate limiter: at most max jobs per duration", async () => {
  const name = queueName();
  const queue = new Queue(name, { connection: connection() });
  const times = [];
  const worker = new Worker(name, async () => times.push(Date.now()), {
    connection: connection(),
    limiter: { max: 2, duration: 300 },
    concurrency: 5,
  });
  await queue.addBulk(Array.from({ length: 6 }, () => ({ name: "l", data: {} })));
  await waitFor(() => times.length === 6, 8000);
  const spread = times[5] - times[0];
  assert.ok(spread >= 550, `6 jobs at 2 per 300 ms took ${spread} ms`);
  await worker.close();
  await queue.close();
});

t("FlowProducer: a parent runs after its children, with their results", async () => {
  const name = queueName();
  const flow = new FlowProducer({ connection: connection() });
  const worker = new Worker(
    name,
    async (job) => {
      if (job.name === "parent") return Object.values(await job.getChildrenValues()).sort();
      return job.data.v;
    },
    { connection: connection() },
  );
  const parentDone = new Promise((resolve) =>
    worker.on("completed", (job, rv) => job.name === "parent" && resolve(rv)),
  );
  await flow.add({
    name: "parent",
    queueName: name,
    children: [1, 2, 3].map((v) => ({ name: "child", queueName: name, data: { v } })),
  });
  assert.equal(await parentDone, [1, 2, 3]);
  await worker.close();
  await flow.close();
});

t("progress, getters, clean, pause/resume, obliterate", async () => {
  const name = queueName();
  const queue = new Queue(name, { connection: connection() });
  const progress = [];
  const worker = new Worker(
    name,
    async (job) => {
      await job.updateProgress(50);
      await job.updateProgress({ step: "done" });
      return "r";
    },
    { connection: connection() },
  );
  worker.on("progress", (job, p) => progress.push(p));
  const job = await queue.add("p", { a: 1 });
  await waitFor(() => progress.length === 2);
  assert.equal(progress, [50, { step: "done" }]);
  await waitFor(async () => (await queue.getJobCounts("completed")).completed === 1);
  const fetched = await Job.fromId(queue, job.id);
  assert.equal(fetched.data, { a: 1 });
  assert.is(fetched.returnvalue, "r");
  assert.is((await queue.getCompleted()).length, 1);
  await queue.pause();
  assert.ok(await queue.isPaused());
  await queue.add("while-paused", {});
  await new Promise((r) => setTimeout(r, 200));
  assert.is((await queue.getJobCounts("waiting")).waiting, 1, "a paused queue keeps the job waiting");
  await queue.resume();
  await waitFor(async () => (await queue.getJobCounts("completed")).completed === 2);
  const cleaned = await queue.clean(0, 100, "completed");
  assert.is(cleaned.length, 2);
  await worker.close();
  await queue.obliterate({ force: true });
  assert.equal(await queue.getJobCounts("waiting", "completed"), { waiting: 0, completed: 0 });
  await queue.close();
});

t("getWorkers sees the worker's named connection (duplicate({connectionName}), CLIENT LIST parsing)", async () => {
  const name = queueName();
  const queue = new Queue(name, { connection: connection() });
  const worker = new Worker(name, async () => "x", { connection: connection(), name: "w1" });
  await worker.waitUntilReady();
  await waitFor(async () => (await queue.getWorkers()).length === 1);
  const [w] = await queue.getWorkers();
  assert.is(w.name, name);
  assert.is(await queue.getWorkersCount(), 1);
  await worker.close();
  await queue.close();
});

t(
  "graceful close: worker.close() waits for the active job; connections end; shared connection stays open",
  async () => {
    const name = queueName();
    const shared = connection();
    const queue = new Queue(name, { connection: shared });
    let finished = false;
    const worker = new Worker(
      name,
      async () => {
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      },
      { connection: connection() },
    );
    await queue.add("slow", {});
    await waitFor(async () => (await queue.getJobCounts("active")).active === 1);
    await worker.close();
    assert.ok(finished, "close waited for the active job");
    await queue.close();
    assert.is(shared.status, "ready", "BullMQ does not close a connection it was given");
    assert.is(await shared.ping(), "PONG");
  },
);

t(
  "BullMQ's own connection from options (it creates the ioredis client itself) is refused for a cluster-less check: ours passes its checks",
  async () => {
    // BullMQ reads these from a client it was given; ioglide presents ioredis's values.
    const c = connection();
    await c.ping();
    const info = await c.info();
    assert.match(info, /redis_version:|valkey_version:/);
    assert.is(c.options.maxRetriesPerRequest, null);
    assert.is(typeof c.getMaxListeners(), "number");
    c.setMaxListeners(c.getMaxListeners() + 1);
  },
);

t(
  "a worker whose connection has maxRetriesPerRequest set is rejected by BullMQ (it reads options as from ioredis)",
  async () => {
    const c = new Redis({ host, port, maxRetriesPerRequest: 5 });
    opened.push(c);
    // BullMQ duplicates it for its blocking connection before it throws, and leaves the copy open (on ioredis too).
    const duplicate = c.duplicate.bind(c);
    c.duplicate = (...args) => {
      const copy = duplicate(...args);
      opened.push(copy);
      return copy;
    };
    assert.throws(() => new Worker(queueName(), async () => 1, { connection: c }), /maxRetriesPerRequest/);
  },
);

t("nothing printed by BullMQ about the client", () => {
  const mine = printed().filter((line) => !/maxRetriesPerRequest/.test(line)); // the previous test provoked that one on purpose
  assert.equal(mine, []);
});

t.run();
