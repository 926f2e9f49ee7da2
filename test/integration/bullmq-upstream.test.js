"use strict";
// Scenarios of BullMQ's own test suite that failed on ioglide, reproduced
// without the upstream checkout (`npm run test:upstream -- bullmq` runs the
// suite itself).
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Queue, Worker, QueueEvents } = require("bullmq");
const { standaloneAddress } = require("../support/servers");
const { waitFor, Client: Redis } = require("./support");

const t = suite("bullmq upstream scenarios");
const { host, port } = standaloneAddress();
const opened = [];
const connection = (extra = {}) => {
  const c = new Redis({ host, port, maxRetriesPerRequest: null, ...extra });
  opened.push(c);
  return c;
};
let n = 0;
const queueName = () => `bmq-up-${process.pid}-${++n}`;
const closing = [];
t.after(async () => {
  await Promise.all(closing.map((x) => x.close().catch(() => undefined)));
  for (const c of opened) if (c.status !== "end") c.disconnect();
});

// worker.test.ts "process a job that updates progress as ...": QueueEvents reads
// the events stream from "$" once ready; its XREAD must reach the server before
// the worker's events, as on ioredis's single connection.
t("a QueueEvents made just before the worker sees the job's progress (its XREAD from $ lands first)", async () => {
  const shared = connection();
  for (let round = 0; round < 5; round++) {
    const name = queueName();
    const queue = new Queue(name, { connection: shared });
    const queueEvents = new QueueEvents(name, { connection: shared });
    closing.push(queue, queueEvents);
    await queueEvents.waitUntilReady();
    const progress = new Promise((resolve) => queueEvents.on("progress", ({ data }) => resolve(data)));
    await queue.add("test", { foo: "bar" });
    const worker = new Worker(name, (job) => job.updateProgress({ percentage: 42 }), { connection: shared });
    closing.push(worker);
    const seen = await Promise.race([
      progress,
      new Promise((r) => setTimeout(() => r("no progress event within 3 s"), 3000)),
    ]);
    assert.equal(seen, { percentage: 42 }, `round ${round}`);
    await worker.close();
    await queueEvents.close();
    await queue.close();
  }
});

// worker.test.ts "does not process a job that is being processed when a new
// queue starts", job.test.ts "moveToFailed ... attempts": a second worker must
// not get the active job; the first one completes it.
t("a second worker started while a job is active does not receive it; the first completes it", async () => {
  const name = queueName();
  const shared = connection();
  const queue = new Queue(name, { connection: shared });
  closing.push(queue);
  let err;
  const admin = connection();
  const blockedClients = async () => Number(/blocked_clients:(\d+)/.exec(await admin.info("clients"))[1]);
  const before = await blockedClients();
  const first = new Worker(name, () => new Promise((r) => setTimeout(r, 500)), { connection: shared });
  closing.push(first);
  await first.waitUntilReady();
  // BullMQ's own test adds the job at once and counts on the first worker being blocked in BZPOPMIN
  // by then (a startup race); here the job comes once it is, so what is tested is the handover.
  await waitFor(async () => (await blockedClients()) > before, 2000);
  const completed = new Promise((resolve) => first.on("completed", resolve));
  const active = new Promise((resolve) => first.once("active", resolve));
  await queue.add("test", { foo: "bar" });
  // The second worker starts once the job is active. Started right after add(), it races the first
  // worker's wake-up: GLIDE does not keep the server's reply order across connections, so the
  // first worker's BZPOPMIN reply can reach it after add()'s reply, and the second worker's
  // moveToActive can then reach the server first (about 1 run in 15 here; on ioredis the
  // server writes the woken client's reply first). docs/COMPATIBILITY.md, "Order across clients".
  await active;
  const second = new Worker(
    name,
    async () => {
      err = new Error("the second worker received the active job");
    },
    { connection: shared },
  );
  closing.push(second);
  await second.waitUntilReady();
  await Promise.race([
    completed,
    new Promise((_, reject) => setTimeout(() => reject(new Error("the first worker did not complete the job")), 5000)),
  ]);
  await first.close();
  await second.close();
  assert.is(err, undefined);
});

// A closed worker's blocking connection must not take the next worker's job
// (the Bull scenario, through BullMQ's BZPOPMIN marker wait).
t("a closed worker's blocked connection leaves nothing behind on the server", async () => {
  const name = queueName();
  const shared = connection();
  const admin = connection();
  const blockedClients = async () => Number(/blocked_clients:(\d+)/.exec(await admin.info("clients"))[1]);
  const before = await blockedClients();
  const worker = new Worker(name, async () => "x", { connection: shared });
  await worker.waitUntilReady();
  await waitFor(async () => (await blockedClients()) > before, 2000); // blocked in BZPOPMIN on the marker key
  await worker.close();
  await waitFor(async () => (await blockedClients()) <= before, 1000);
  const named = (await admin.client("LIST"))
    .split("\n")
    .filter((line) => line.includes(Buffer.from(name).toString("base64")));
  assert.equal(named, [], "no connection named for the closed worker");
});

t.run();
