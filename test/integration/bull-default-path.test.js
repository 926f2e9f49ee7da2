"use strict";
// Bull's own client creation, with 'ioredis' mapped to ioglide: what a user
// gets with `"overrides": { "ioredis": "npm:ioglide" }` in package.json.
const path = require("path");
const ioredisSeenByBull = require.resolve("ioredis", { paths: [path.dirname(require.resolve("bull"))] });
const ioglide = require("../..");
require.cache[ioredisSeenByBull] = {
  id: ioredisSeenByBull,
  filename: ioredisSeenByBull,
  loaded: true,
  exports: ioglide,
};

const { suite } = require("uvu");
const assert = require("uvu/assert");
const Queue = require("bull");
const { standaloneAddress } = require("../support/servers");
const { watchConsole, waitFor } = require("./support");

const t = suite("bull default path");
const { host, port } = standaloneAddress();
const printed = watchConsole();

const sockets = () =>
  process
    ._getActiveHandles()
    .filter((h) => h.constructor && h.constructor.name === "Socket" && h !== process.stdout && h !== process.stderr)
    .length;

t("Bull creates its three clients itself, and they are ioglide's", async () => {
  const q = new Queue(`bull-default-${process.pid}`, { redis: { host, port } });
  q.process(async (job) => job.data.x + 1);
  const job = await q.add({ x: 1 });
  assert.is(await job.finished(), 2);
  assert.ok(q.client instanceof ioglide, "client");
  assert.ok(q.eclient instanceof ioglide, "subscriber");
  assert.ok(q.bclient instanceof ioglide, "bclient");
  await q.close();
});

t("a redis:// URL as Bull parses it (db arrives as a string)", async () => {
  const q = new Queue(`bull-url-${process.pid}`, `redis://${host}:${port}/3`);
  q.process(async () => "via url");
  assert.is(await (await q.add({})).finished(), "via url");
  assert.is(q.client.options.db, 3);
  await q.close();
});

/** The socket count once earlier tests' closed connections are gone (it stops changing). */
async function settledSockets() {
  let last = sockets();
  for (let stable = 0; stable < 4;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = sockets();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

t("queue.close() ends every client Bull made and leaves no open handles", async () => {
  const before = await settledSockets();
  const q = new Queue(`bull-close-${process.pid}`, { redis: { host, port } });
  q.on("global:completed", () => undefined); // the subscriber client
  q.process(async () => "x");
  await (await q.add({})).finished();
  const clients = [q.client, q.eclient, q.bclient];
  assert.ok(sockets() > before, "the queue opened connections");
  await q.close();
  await waitFor(() => clients.every((c) => c.status === "end"), 3000);
  await waitFor(() => sockets() <= before, 3000);
});

t("nothing printed by Bull about the client", () => {
  assert.equal(printed(), []);
});

t.run();
