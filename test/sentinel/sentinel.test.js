"use strict";
// Redis Sentinel: a master, 2 replicas and 3 sentinels started here (test/support/servers.js).
// Discovery and errors compared with ioredis 6; failovers under concurrent writers, counting
// failed calls, acknowledged writes lost and the longest stall, ioredis beside ioglide.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const IORedis = require("ioredis");
const Redis = require("../..");
const { startSentinels, freePort } = require("../support/servers");

const t = suite("sentinel");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let setup;
const opened = [];

function make(Client, options = {}) {
  const c = new Client({ sentinels: setup.sentinels, name: setup.name, ...options });
  c.on("error", () => undefined);
  opened.push(c);
  return c;
}

t.before(async () => {
  setup = await startSentinels();
});
t.after(async () => {
  for (const c of opened) c.disconnect();
  await setup.cleanup();
});

t("the master is found through the sentinels, as ioredis finds it", async () => {
  const found = [];
  for (const Client of [Redis, IORedis]) {
    const c = make(Client);
    await c.set(`sent:${process.pid}`, "v");
    const port = Number(/tcp_port:(\d+)/.exec(await c.info("server"))[1]);
    found.push([port, await c.get(`sent:${process.pid}`), c.options.name, c.options.role]);
  }
  assert.equal(found[0], [setup.masterPort(), "v", "mymaster", "master"]);
  assert.equal(found[0], found[1]);
});

t("errors as ioredis's: an unknown master name, unreachable sentinels, missing name", async () => {
  const closed = await freePort();
  const outcomes = [];
  for (const Client of [Redis, IORedis]) {
    const r = [];
    for (const options of [{ name: "nosuchmaster" }, { sentinels: [{ host: "127.0.0.1", port: closed }] }]) {
      const c = make(Client, {
        sentinelRetryStrategy: () => null,
        retryStrategy: () => null,
        lazyConnect: true,
        ...options,
      });
      const sentinelErrors = [];
      c.on("sentinelError", (e) => sentinelErrors.push(e.message.replace(/\d+/g, "N")));
      const err = await c.connect().then(
        () => "connected",
        (e) => e.message.replace(/\d+/g, "N"),
      );
      r.push([err, sentinelErrors.length > 0]);
    }
    try {
      new Client({ sentinels: setup.sentinels, lazyConnect: true });
      r.push("constructed");
    } catch (e) {
      r.push(e.message);
    }
    outcomes.push(r);
  }
  assert.match(outcomes[0][0][0], /^All sentinels are unreachable and retry is disabled/);
  assert.equal(outcomes[0], outcomes[1]);
});

t('role "slave" is refused with a clear error (GLIDE connects to primaries only)', () => {
  assert.throws(
    () => new Redis({ sentinels: setup.sentinels, name: setup.name, role: "slave", lazyConnect: true }),
    /not supported: role "slave"/,
  );
});

/**
 * `writers` clients each INCR their own counter in a loop while `fault()` runs;
 * returns failed calls, acknowledged increments missing on the server afterwards,
 * and the longest time a writer waited for one reply.
 */
async function underWriters(Client, fault, { writers = 4, ms = 6000 } = {}) {
  const clients = Array.from({ length: writers }, () => make(Client, { retryStrategy: () => 50 }));
  await Promise.all(clients.map((c) => c.ping()));
  const key = (i) => `failover:${Client === Redis ? "g" : "o"}:${process.pid}:${i}`;
  await Promise.all(clients.map((c, i) => c.del(key(i))));
  let stop = false;
  const acked = new Array(writers).fill(0);
  let failed = 0;
  let longest = 0;
  let switchedAt = Infinity; // when the sentinels first named the new master (polled every 100 ms)
  let resumedAt = Infinity; // the first write acknowledged after that
  const loops = clients.map(async (c, i) => {
    while (!stop) {
      const started = Date.now();
      try {
        const v = await c.incr(key(i));
        acked[i] = Math.max(acked[i], v);
        if (started > switchedAt && resumedAt === Infinity) resumedAt = Date.now();
      } catch {
        failed++;
        await sleep(10);
      }
      longest = Math.max(longest, Date.now() - started);
    }
  });
  try {
    await sleep(300);
    switchedAt = await fault();
    await sleep(ms);
  } finally {
    // A fault that throws (no failover) fails the test; the writers stop either way.
    stop = true;
    await Promise.all(loops);
  }
  await sleep(2000); // the old master resyncs as a replica: what it alone acknowledged is gone now
  const reader = make(Client);
  let lost = 0;
  for (let i = 0; i < writers; i++) lost += Math.max(0, acked[i] - Number((await reader.get(key(i))) ?? 0));
  return {
    failed,
    lost,
    longestStallMs: longest,
    resumedMsAfterSwitch: resumedAt - switchedAt,
    acked: acked.reduce((a, b) => a + b, 0),
  };
}

/** Resolves with the time the sentinels first name another master. */
async function waitForNewMaster(previous) {
  for (let i = 0; i < 100; i++) {
    if (setup.masterPort() !== previous) return Date.now();
    await sleep(100);
  }
  throw new Error("no failover within 10 s");
}

t("a graceful failover (SENTINEL FAILOVER) under 4 writers: ioglide loses no acknowledged write", async () => {
  const results = {};
  for (const [label, Client] of [
    ["ioglide", Redis],
    ["ioredis", IORedis],
  ]) {
    results[label] = await underWriters(Client, async () => {
      const before = setup.masterPort();
      setup.sentinelCli(setup.sentinels[0].port, "sentinel", "failover", setup.name);
      return waitForNewMaster(before);
    });
  }
  console.log(`\n    graceful failover: ${JSON.stringify(results)}`);
  assert.is(results.ioglide.lost, 0, "acknowledged writes lost");
  assert.is(results.ioglide.failed, 0, "failed calls");
  assert.ok(results.ioglide.acked > 100, "the writers kept writing");
});

t("kill -9 of the master under 4 writers: ioglide loses no acknowledged write and resumes", async () => {
  const results = {};
  for (const [label, Client] of [
    ["ioglide", Redis],
    ["ioredis", IORedis],
  ]) {
    let killed;
    results[label] = await underWriters(
      Client,
      async () => {
        const before = setup.masterPort();
        killed = setup.server(before);
        await killed.kill("SIGKILL");
        return waitForNewMaster(before);
      },
      { ms: 4000 },
    );
    await killed.start(); // back, and reconfigured as a replica by the sentinels
  }
  console.log(`\n    kill -9 of the master: ${JSON.stringify(results)}`);
  assert.is(results.ioglide.lost, 0, "acknowledged writes lost");
  assert.is(results.ioglide.failed, 0, "failed calls (the client waits for the sentinels' promotion)");
  assert.ok(
    results.ioglide.resumedMsAfterSwitch < 1000,
    `resumed ${results.ioglide.resumedMsAfterSwitch} ms after the switch`,
  );
  assert.ok(results.ioglide.longestStallMs < 10000, `longest stall ${results.ioglide.longestStallMs} ms`);
});

/** Sequential INCRs of `key` on `c` until stop(); `acked` counts the acknowledged ones. */
function incrWriter(c, key) {
  const writer = { acked: 0, stopped: false };
  const loop = (async () => {
    while (!writer.stopped) {
      try {
        await c.incr(key);
        writer.acked++;
      } catch {
        await sleep(20);
      }
    }
  })();
  writer.stop = () => ((writer.stopped = true), loop);
  return writer;
}

/** The writer's acknowledged INCRs and how many of them the master (read by ioredis) lacks. */
async function lostOf(writer, key) {
  const reader = make(IORedis);
  const onServer = Number((await reader.get(key)) ?? 0);
  reader.disconnect();
  return { acked: writer.acked, lost: Math.max(0, writer.acked - onServer) };
}

/**
 * A client made while its master is stalled (SIGSTOP): the sentinels name it, the client's TCP
 * connect succeeds (the kernel accepts), and its handshake waits. The sentinels fail it over;
 * then it resumes, believing it is the master, until they demote it. Returns the writes
 * acknowledged by that client and how many of them the final master holds.
 */
async function stalledMasterConnect(Client) {
  const before = setup.masterPort();
  const stalled = setup.server(before);
  stalled.child.kill("SIGSTOP");
  const c = make(Client);
  const key = `stalled:${Client === Redis ? "g" : "o"}:${process.pid}`;
  const writer = incrWriter(c, key);
  try {
    await waitForNewMaster(before);
  } finally {
    stalled.child.kill("SIGCONT");
  }
  // The old master is back: wait until the sentinels have made it a replica (it resynced).
  const old = new IORedis({ port: before, lazyConnect: true });
  for (let i = 0; i < 100 && (await old.role())[0] !== "slave"; i++) await sleep(100);
  await sleep(1000);
  await writer.stop();
  old.disconnect();
  c.disconnect();
  return lostOf(writer, key);
}

t("a client connecting while its master stalls and is failed over does not write to the stale master", async () => {
  const results = { ioglide: await stalledMasterConnect(Redis), ioredis: await stalledMasterConnect(IORedis) };
  console.log(`\n    connect to a stalled master that is failed over: ${JSON.stringify(results)}`);
  assert.ok(results.ioglide.acked > 100, "the client wrote, on the new master");
  assert.is(results.ioglide.lost, 0, "acknowledged writes lost");
});

/**
 * Neighbours in the same process, as issue reports had them: a client for an unknown master whose
 * first call fails and which is disconnected, and a client of the same master that is made, used and
 * quit. A neighbour that fails or ends must not disturb what the writers follow.
 */
async function neighbours(Client) {
  const stranger = make(Client, { name: "nosuchmaster", retryStrategy: () => null, sentinelRetryStrategy: () => null });
  const failed = await stranger.get("x").then(
    () => false,
    () => true,
  );
  stranger.disconnect();
  const passer = make(Client);
  await passer.ping();
  await passer.quit();
  return failed;
}

t("neighbour Sentinel clients made, failed and ended before and during failovers: no write lost", async () => {
  const results = {};
  for (const [label, Client] of [
    ["ioglide", Redis],
    ["ioredis", IORedis],
  ]) {
    let killed;
    let strangerFailed = true;
    const graceful = await underWriters(Client, async () => {
      strangerFailed = (await neighbours(Client)) && strangerFailed;
      const before = setup.masterPort();
      await startFailover();
      const during = neighbours(Client);
      const switched = await waitForNewMaster(before);
      strangerFailed = (await during) && strangerFailed;
      return switched;
    });
    const kill9 = await underWriters(
      Client,
      async () => {
        strangerFailed = (await neighbours(Client)) && strangerFailed;
        const before = setup.masterPort();
        killed = setup.server(before);
        await killed.kill("SIGKILL");
        const during = neighbours(Client);
        const switched = await waitForNewMaster(before);
        strangerFailed = (await during) && strangerFailed;
        return switched;
      },
      { ms: 4000 },
    );
    await killed.start();
    results[label] = { graceful, kill9, strangerFailed };
  }
  console.log(`\n    with neighbours: ${JSON.stringify(results)}`);
  const g = results.ioglide;
  assert.ok(g.strangerFailed, "the unknown master's calls failed");
  assert.equal([g.graceful.lost, g.kill9.lost], [0, 0], "acknowledged writes lost");
  assert.equal([g.graceful.failed, g.kill9.failed], [0, 0], "failed calls");
  assert.ok(g.graceful.acked > 100 && g.kill9.acked > 100, "the writers kept writing");
});

/**
 * SENTINEL FAILOVER, asked again until a sentinel takes it (right after another failover or a
 * restarted master it answers NOGOODSLAVE until the replicas are in sync again).
 */
async function startFailover() {
  for (let i = 0; i < 40; i++) {
    if (setup.sentinelCli(setup.sentinels[0].port, "sentinel", "failover", setup.name).startsWith("OK")) return;
    await sleep(500);
  }
  throw new Error("no sentinel took SENTINEL FAILOVER within 20 s");
}

/** A client made `delayMs` into a graceful failover writes until 3 s after the switch. */
async function madeDuringFailover(Client, delayMs) {
  const before = setup.masterPort();
  await startFailover();
  await sleep(delayMs);
  const c = make(Client);
  const key = `during:${Client === Redis ? "g" : "o"}:${delayMs}:${process.pid}`;
  const writer = incrWriter(c, key);
  try {
    await waitForNewMaster(before);
    await sleep(3000);
  } finally {
    await writer.stop();
    c.disconnect();
  }
  return lostOf(writer, key);
}

t("a client made while a graceful failover is under way writes to the new master only", async () => {
  const results = {};
  for (const [label, Client] of [
    ["ioglide", Redis],
    ["ioredis", IORedis],
  ]) {
    results[label] = await madeDuringFailover(Client, 100);
    await sleep(2000);
  }
  console.log(`\n    made during a failover: ${JSON.stringify(results)}`);
  assert.ok(results.ioglide.acked > 100, "the client wrote, on the new master");
  assert.is(results.ioglide.lost, 0, "acknowledged writes lost");
});

t.run();
