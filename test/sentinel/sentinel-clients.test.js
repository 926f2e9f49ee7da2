"use strict";
// Sentinel-backed clients in use: sentinels that require AUTH, duplicate(), pub/sub and a blocking
// call across a failover, and Bull and BullMQ queues on a Sentinel-backed client.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Queue, Worker } = require("bullmq");
const BullQueue = require("bull");
const IORedis = require("ioredis");
const Redis = require("../..");
const { startSentinels } = require("../support/servers");
const { waitFor } = require("../integration/support");

const t = suite("sentinel clients");
const PASSWORD = "sentinel-secret";
let setup;
const opened = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function make(Client, options = {}) {
  const c = new Client({ sentinels: setup.sentinels, name: setup.name, sentinelPassword: PASSWORD, ...options });
  c.on("error", () => undefined);
  opened.push(c);
  return c;
}

t.before(async () => {
  setup = await startSentinels({ sentinelPassword: PASSWORD });
});
t.after(async () => {
  for (const c of opened) if (c.status !== "end") c.disconnect();
  await setup.cleanup();
});

t("sentinels that require AUTH: sentinelPassword works, a missing one fails as with ioredis", async () => {
  const outcomes = [];
  for (const Client of [Redis, IORedis]) {
    const good = make(Client);
    const bad = make(Client, { sentinelPassword: undefined, sentinelRetryStrategy: () => null, lazyConnect: true });
    outcomes.push([
      await good.ping(),
      await bad.connect().then(
        () => "connected",
        (e) => e.message.replace(/\d+/g, "N"),
      ),
    ]);
  }
  // The server's NOAUTH text differs: ioredis's sentinel client sends HELLO first, ioglide's the command.
  const upToNoauth = ([pong, err]) => [pong, err.slice(0, err.indexOf("NOAUTH") + 6)];
  assert.equal(upToNoauth(outcomes[0]), [
    "PONG",
    "All sentinels are unreachable and retry is disabled. Last error: NOAUTH",
  ]);
  assert.equal(upToNoauth(outcomes[0]), upToNoauth(outcomes[1]));
});

t("duplicate() keeps the sentinel options and finds the same master", async () => {
  const c = make(Redis);
  const copy = c.duplicate();
  opened.push(copy);
  assert.equal([copy.options.sentinels, copy.options.name], [setup.sentinels, setup.name]);
  const port = (client) => client.info("server").then((text) => Number(/tcp_port:(\d+)/.exec(text)[1]));
  assert.is(await port(copy), await port(c));
  assert.is(await port(copy), setup.masterPort());
});

/** Pub/sub connections each sentinel holds now (CLIENT LIST's psub count), in sentinel order. */
function sentinelSubscriptions() {
  return setup.sentinels.map((s) => (setup.sentinelCli(s.port, "client", "list").match(/ psub=[1-9]/g) || []).length);
}

t(
  "idle cost: the process's Sentinel clients share one subscription per sentinel; it closes with the last",
  async () => {
    // The earlier tests' clients end first; then no client of this process follows the sentinels.
    for (const c of opened.splice(0)) if (c.status !== "end") c.disconnect();
    await waitFor(() => sentinelSubscriptions().every((n) => n === 0), 3000);
    const clients = [make(Redis), make(Redis), make(Redis)];
    await Promise.all(clients.map((c) => c.ping()));
    clients.push(clients[0].duplicate());
    opened.push(clients[3]);
    await clients[3].ping();
    await waitFor(() => sentinelSubscriptions().every((n) => n === 1), 3000);
    await sleep(200);
    assert.equal(sentinelSubscriptions(), [1, 1, 1], "four clients, one subscription per sentinel");
    await Promise.all(clients.slice(1).map((c) => c.quit()));
    await sleep(200);
    assert.equal(sentinelSubscriptions(), [1, 1, 1], "still followed for the client that remains");
    await clients[0].quit();
    await waitFor(() => sentinelSubscriptions().every((n) => n === 0), 3000);
    // sentinelMaxConnections bounds how many sentinels are followed, as ioredis's failoverDetector.
    const bounded = make(Redis, { sentinelMaxConnections: 2 });
    await bounded.ping();
    await sleep(300);
    assert.is(
      sentinelSubscriptions().reduce((a, b) => a + b, 0),
      2,
    );
    await bounded.quit();
  },
);

t("subscriptions and a blocking call move to the new master with the client", async () => {
  const c = make(Redis);
  const sub = make(Redis);
  const got = [];
  sub.on("message", (ch, m) => got.push(m));
  await sub.subscribe(`moves:${process.pid}`);
  const list = `moves:list:${process.pid}`;
  const before = setup.masterPort();
  setup.sentinelCli(setup.sentinels[0].port, "sentinel", "failover", setup.name);
  for (let i = 0; i < 100 && setup.masterPort() === before; i++) await sleep(100);
  assert.is.not(setup.masterPort(), before, "the failover happened");
  const popped = c.blpop(list, 0); // issued around the switch: answered by the new master
  await waitFor(async () => Number(/tcp_port:(\d+)/.exec(await c.info("server"))[1]) === setup.masterPort(), 15000);
  const pusher = make(Redis);
  await pusher.rpush(list, "after failover");
  assert.equal(await popped, [list, "after failover"]);
  await waitFor(async () => {
    await pusher.publish(`moves:${process.pid}`, "hello");
    return got.includes("hello");
  }, 15000);
});

t("BullMQ on a Sentinel-backed client: jobs added, processed and completed", async () => {
  const name = `sentinel-bmq-${process.pid}`;
  const connection = () => make(Redis, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: connection() });
  const worker = new Worker(name, async (job) => job.data.i * 2, { connection: connection(), concurrency: 4 });
  const done = [];
  worker.on("completed", (job, rv) => done.push(rv));
  await queue.addBulk(Array.from({ length: 20 }, (_, i) => ({ name: "j", data: { i } })));
  await waitFor(() => done.length === 20, 20000);
  assert.equal(
    done.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i * 2),
  );
  await worker.close();
  await queue.close();
});

t("Bull on Sentinel-backed clients (createClient): jobs added, processed and completed", async () => {
  const createClient = (type) =>
    make(Redis, type === "client" ? {} : { maxRetriesPerRequest: null, enableReadyCheck: false });
  const queue = new BullQueue(`sentinel-bull-${process.pid}`, { createClient });
  const done = [];
  queue.process(4, async (job) => job.data.i * 3);
  queue.on("completed", (job, rv) => done.push(rv));
  for (let i = 0; i < 20; i++) await queue.add({ i });
  await waitFor(() => done.length === 20, 20000);
  assert.equal(
    done.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i * 3),
  );
  await queue.close();
});

t.run();
