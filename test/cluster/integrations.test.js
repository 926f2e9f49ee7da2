"use strict";
// Bull (with a hash-tagged prefix), BullMQ and Socket.IO's sharded adapter on Redis.Cluster.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { createServer } = require("http");
const Redis = require("../..");
const { clusterAddresses } = require("../support/servers");

const t = suite("libraries on the cluster");
const seed = clusterAddresses().slice(0, 1);
const opened = [];
const cluster = (redisOptions = {}) => {
  const c = new Redis.Cluster(seed, { redisOptions });
  c.on("error", () => undefined);
  opened.push(c);
  return c;
};
t.after(() => {
  for (const c of opened) if (c.status !== "end") c.disconnect();
});

async function waitFor(check, ms = 8000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

t("BullMQ: queue, worker, events and a flow on the cluster", async () => {
  const { Queue, Worker, QueueEvents, FlowProducer } = require("bullmq");
  const name = `cl-${process.pid}`;
  const prefix = "{bmq}";
  const queue = new Queue(name, { connection: cluster({ maxRetriesPerRequest: null }), prefix });
  const events = new QueueEvents(name, { connection: cluster({ maxRetriesPerRequest: null }), prefix });
  await events.waitUntilReady();
  const worker = new Worker(name, async (job) => (job.name === "parent" ? "parent done" : job.data.n * 2), {
    connection: cluster({ maxRetriesPerRequest: null }),
    prefix,
    concurrency: 5,
  });
  const done = [];
  events.on("completed", ({ returnvalue }) => done.push(returnvalue));
  await queue.addBulk(Array.from({ length: 50 }, (_, n) => ({ name: "j", data: { n } })));
  const job = await queue.add("one", { n: 21 });
  assert.is(await job.waitUntilFinished(events, 10000), 42);
  const flow = new FlowProducer({ connection: cluster({ maxRetriesPerRequest: null }), prefix });
  await flow.add({ name: "parent", queueName: name, children: [{ name: "c", queueName: name, data: { n: 1 } }] });
  await waitFor(() => done.length >= 53);
  assert.ok(done.includes("parent done"));
  assert.equal(await queue.getJobCounts("completed", "failed"), { completed: 53, failed: 0 });
  await worker.close();
  await flow.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
});

t("Bull with a {hash-tagged} prefix on the cluster", async () => {
  const Queue = require("bull");
  const createClient = (type) =>
    type === "client" ? cluster() : cluster({ maxRetriesPerRequest: null, enableReadyCheck: false });
  const q = new Queue(`bull-cl-${process.pid}`, { createClient, prefix: "{bull}" });
  q.setMaxListeners(50); // job.finished() adds a listener per job (Bull's own warning otherwise)
  let global = 0;
  q.on("global:completed", () => global++);
  q.process(4, async (job) => job.data.n + 1);
  const jobs = await q.addBulk(Array.from({ length: 20 }, (_, n) => ({ data: { n } })));
  const results = await Promise.all(jobs.map((j) => j.finished()));
  assert.equal(
    results,
    Array.from({ length: 20 }, (_, n) => n + 1),
  );
  await waitFor(() => global === 20);
  await q.obliterate({ force: true });
  await q.close();
});

t("Socket.IO's sharded adapter (SSUBSCRIBE/SPUBLISH) between two servers", async () => {
  const { Server } = require("socket.io");
  const { io: connectClient } = require("socket.io-client");
  const { createShardedAdapter } = require("@socket.io/redis-adapter");
  const servers = [];
  const start = async () => {
    const pub = cluster();
    const sub = cluster();
    const http = createServer();
    const io = new Server(http, { adapter: createShardedAdapter(pub, sub, { channelPrefix: `sio-${process.pid}` }) });
    await new Promise((r) => http.listen(0, "127.0.0.1", r));
    servers.push(io);
    return { io, port: http.address().port };
  };
  const a = await start();
  const b = await start();
  await new Promise((r) => setTimeout(r, 300));
  const client = connectClient(`http://127.0.0.1:${b.port}`, { transports: ["websocket"], forceNew: true });
  await new Promise((r, j) => (client.once("connect", r), client.once("connect_error", j)));
  const got = new Promise((r) => client.on("hello", r));
  a.io.emit("hello", "across the cluster");
  assert.is(await got, "across the cluster");
  const all = await a.io.fetchSockets();
  assert.ok(all.some((s) => s.id === client.id));
  client.disconnect();
  for (const io of servers) await new Promise((r) => io.close(r));
});

t.run();
