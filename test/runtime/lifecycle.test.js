"use strict";
// Connection lifecycle: status values and events in ioredis's order, on
// connect, quit, disconnect, reconnect; a server that dies and comes back.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const {
  Redis,
  IORedis,
  glide,
  closeAll,
  key,
  recordEvents,
  once,
  sleep,
  settledWithin,
} = require("../support/clients");
const { startServer, freePort } = require("../support/servers");

const t = suite("lifecycle");
let server;
t.before(async () => {
  server = await startServer();
});
t.after(async () => {
  await closeAll();
  await server.cleanup();
});

const on = (Client, opts = {}) => new Client({ host: "127.0.0.1", port: server.port, ...opts });

/** Run the same scenario on both clients; returns [ioglide events, ioredis events, ...results]. */
async function scenario(fn, opts = {}) {
  const out = [];
  for (const Client of [Redis, IORedis]) {
    const c = on(Client, { lazyConnect: true, ...opts });
    const events = recordEvents(c);
    const statuses = [];
    const result = await fn(c, statuses);
    await sleep(20);
    out.push({ events: events.slice(), statuses, result });
    c.disconnect();
  }
  return out;
}

t("connect: status and events as ioredis (wait, connecting, connect, ready)", async () => {
  const [a, b] = await scenario(async (c, statuses) => {
    statuses.push(c.status);
    const p = c.connect();
    statuses.push(c.status);
    await p;
    statuses.push(c.status);
    return await c.ping();
  });
  assert.equal(a, b);
  assert.equal(a.events, ["wait", "connecting", "connect", "ready"]);
});

t("lazyConnect: the first command connects", async () => {
  const [a, b] = await scenario(async (c, statuses) => {
    statuses.push(c.status);
    const r = await c.ping();
    statuses.push(c.status);
    return r;
  });
  assert.equal(a, b);
});

t("connect() twice rejects with ioredis's message", async () => {
  const [a, b] = await scenario(async (c) => {
    await c.connect();
    return c.connect().then(
      () => "resolved",
      (e) => e.message,
    );
  });
  assert.equal(a.result, b.result);
  assert.is(a.result, "Redis is already connecting/connected");
});

t("quit: pending calls are answered first, then close and end", async () => {
  const [a, b] = await scenario(async (c, statuses) => {
    await c.connect();
    const k = key();
    const pending = [c.set(k, "1"), c.incr(k), c.get(k)];
    const q = await c.quit();
    const results = await Promise.all(pending);
    await sleep(50);
    statuses.push(c.status);
    const after = await c.get(k).catch((e) => e.message);
    return [q, results, after];
  });
  assert.equal(a, b);
  assert.equal(a.events.slice(-2), ["close", "end"]);
});

t("disconnect: close and end; connect() again works", async () => {
  const [a, b] = await scenario(async (c, statuses) => {
    await c.connect();
    c.disconnect();
    await once(c, "end");
    statuses.push(c.status);
    const failed = await c.ping().catch((e) => e.message);
    await c.connect();
    statuses.push(c.status);
    return [failed, await c.ping()];
  });
  assert.equal(a, b);
});

t("disconnect() on a lazy client that never connected: close, end", async () => {
  const [a, b] = await scenario(async (c, statuses) => {
    c.disconnect();
    await sleep(10);
    statuses.push(c.status);
    return null;
  });
  assert.equal(a, b);
});

t("duplicate(): an independent client with the same options plus overrides", async () => {
  const c = glide({ connectionName: "orig", db: 2 });
  const d = c.duplicate({ connectionName: "dup" });
  assert.is(d.options.db, 2);
  assert.is(d.options.connectionName, "dup");
  assert.is(await c.client("getname"), "orig");
  assert.is(await d.client("getname"), "dup");
  const k = key();
  await d.set(k, "in-db-2");
  assert.is(await c.get(k), "in-db-2");
  d.disconnect();
  assert.is(await c.ping(), "PONG");
});

t("client.options carries ioredis's defaults (as Bull and BullMQ read them)", () => {
  const c = new Redis({ lazyConnect: true });
  const i = new IORedis({ lazyConnect: true });
  const plain = (o) =>
    JSON.parse(JSON.stringify(o, (k, v) => (typeof v === "function" ? `fn:${v.name || "anonymous"}` : v)));
  assert.equal(plain(c.options), plain(i.options));
  assert.is(c.options.maxRetriesPerRequest, 20);
  assert.is(c.options.enableReadyCheck, true);
  i.disconnect();
});

t("status is assignable (BullMQ writes status = 'end')", () => {
  const c = new Redis({ lazyConnect: true });
  c.status = "end";
  assert.is(c.status, "end");
});

t("enableOfflineQueue: false rejects calls before ready with ioredis's message", async () => {
  const [a, b] = await scenario(
    async (c) => {
      c.connect().catch(() => undefined);
      return c.ping().catch((e) => e.message);
    },
    { enableOfflineQueue: false },
  );
  assert.equal(a.result, b.result);
});

t("nothing listening: ECONNREFUSED error events, retries, then end when retryStrategy gives up", async () => {
  const port = await freePort();
  const out = [];
  for (const Client of [Redis, IORedis]) {
    const c = new Client({ port, host: "127.0.0.1", retryStrategy: (n) => (n < 3 ? 20 : null) });
    const events = recordEvents(c);
    const call = await settledWithin(c.ping(), 5000);
    await sleep(50);
    out.push({ events, status: c.status, call: call.err && call.err.message });
  }
  assert.equal(out[0], out[1]);
  assert.equal(
    out[0].events.filter((e) => e.startsWith("error")),
    ["error:ECONNREFUSED", "error:ECONNREFUSED", "error:ECONNREFUSED"],
  );
});

t("maxRetriesPerRequest: queued calls reject with MaxRetriesPerRequestError after that many retries", async () => {
  const port = await freePort();
  const out = [];
  for (const Client of [Redis, IORedis]) {
    const c = new Client({ port, host: "127.0.0.1", maxRetriesPerRequest: 2, retryStrategy: () => 10 });
    const r = await settledWithin(c.ping(), 5000);
    out.push(r.err ? [r.err.constructor.name, r.err.message] : r);
    c.disconnect();
  }
  assert.equal(out[0], out[1]);
});

t("the server dies and comes back: events, queued and in-flight calls all settle", async () => {
  const s = await startServer();
  const results = [];
  for (const Client of [Redis, IORedis]) {
    const c = new Client({ host: "127.0.0.1", port: s.port, retryStrategy: () => 100 });
    const events = recordEvents(c);
    await once(c, "ready");
    const k = key();
    await c.set(k, "before");
    const inFlight = c.call("debug", "sleep", "0.3"); // in flight when the server dies
    await sleep(50);
    await s.kill();
    await sleep(300);
    const whileDown = [c.set(k, "during"), c.incr(key())];
    await sleep(300);
    const back = once(c, "ready", 10000); // may fire before start() returns: the server answers before its own ping
    await s.start();
    await back;
    const settled = await Promise.all(whileDown.map((p) => settledWithin(p, 5000)));
    const inFlightOutcome = await settledWithin(inFlight, 2000);
    const status = c.status;
    c.disconnect();
    results.push({
      events: events.filter((e) => !e.startsWith("error")),
      sawErrorEvent: events.some((e) => e.startsWith("error")),
      whileDown: settled.map((x) =>
        x === "pending" ? "pending" : x.ok !== undefined ? ["ok", x.ok] : ["err", x.err.message],
      ),
      inFlight:
        inFlightOutcome === "pending"
          ? "pending"
          : inFlightOutcome.ok !== undefined
            ? ["ok", inFlightOutcome.ok]
            : ["err", inFlightOutcome.err.message],
      status,
    });
  }
  await s.cleanup();
  const [ours, theirs] = results;
  assert.equal(ours.whileDown, theirs.whileDown);
  assert.equal(ours.whileDown, [
    ["ok", "OK"],
    ["ok", 1],
  ]);
  assert.equal(ours.inFlight, theirs.inFlight); // resent after the reconnect, as ioredis does
  assert.is(ours.status, "ready");
  assert.is(theirs.status, "ready");
  // The events around the outage are ioredis's: the same start and end, and
  // in between only failed attempts (connecting, close, reconnecting); how
  // many depends on timing.
  const head = ["connecting", "connect", "ready", "close", "reconnecting", "connecting"];
  assert.equal(ours.events.slice(0, 6), head);
  assert.equal(theirs.events.slice(0, 6), head);
  assert.equal(ours.events.slice(-3), ["connecting", "connect", "ready"]);
  assert.equal(theirs.events.slice(-3), ["connecting", "connect", "ready"]);
  const middle = (events) => [...new Set(events.slice(6, -3))].sort();
  assert.equal(middle(ours.events), middle(theirs.events));
  assert.ok(ours.sawErrorEvent && theirs.sawErrorEvent, "refused reconnect attempts emit 'error'");
});

t(
  "commands issued in a 'connect' listener and calls queued before it land in the databases they were issued for",
  async () => {
    const outcome = async (Client) => {
      const k = key("connev");
      const c = on(Client);
      c.set(`${k}:queued`, "q"); // issued before the connection: offline queue, database 0
      c.on("connect", () => {
        c.select(2);
        c.set(`${k}:fromconnect`, "c");
      });
      await once(c, "ready");
      await c.ping();
      const db = c.condition.select;
      const checker = on(IORedis);
      const seen = [
        await checker.get(`${k}:queued`),
        await checker.get(`${k}:fromconnect`),
        (await checker.select(2), await checker.get(`${k}:fromconnect`)),
      ];
      c.disconnect();
      checker.disconnect();
      return { db, seen };
    };
    const mine = await outcome(Redis);
    assert.equal(mine, await outcome(IORedis));
    assert.equal(mine, { db: 2, seen: ["q", null, "c"] });
  },
);

t("a blocking call in flight when the server dies is sent again and answered after the restart", async () => {
  const s = await startServer();
  const c = new Redis({ host: "127.0.0.1", port: s.port, retryStrategy: () => 100 });
  await once(c, "ready");
  const k = key();
  const blocked = c.blpop(k, 0);
  await sleep(100);
  await s.kill();
  await sleep(200);
  await s.start();
  await once(c, "ready", 10000);
  await sleep(300); // the BLPOP is resent on the blocking connection
  const o2 = new IORedis({ host: "127.0.0.1", port: s.port });
  await o2.rpush(k, "after-restart");
  assert.equal(await settledWithin(blocked, 5000), { ok: [k, "after-restart"] });
  o2.disconnect();
  c.disconnect();
  await s.cleanup();
});

t("an idle client notices a server that went away and came back", async () => {
  const s = await startServer();
  const c = new Redis({ host: "127.0.0.1", port: s.port, retryStrategy: () => 100 });
  const events = recordEvents(c);
  await once(c, "ready");
  await s.kill();
  await once(c, "close", 5000);
  assert.ok(["close", "reconnecting"].includes(c.status));
  await s.start();
  await once(c, "ready", 10000);
  assert.is(await c.ping(), "PONG");
  assert.ok(events.includes("reconnecting"));
  c.disconnect();
  await s.cleanup();
});

t("a quick restart behind GLIDE's back is reported as close / reconnecting / ready", async () => {
  const s = await startServer();
  const c = new Redis({ host: "127.0.0.1", port: s.port, retryStrategy: () => 50 });
  const events = recordEvents(c);
  await once(c, "ready");
  // The server's close is seen as it happens, and the client may be ready again before restart() returns.
  const closed = once(c, "close", 5000);
  const back = closed.then(() => once(c, "ready", 10000));
  await s.restart();
  await back;
  assert.is(await c.ping(), "PONG");
  assert.equal(
    events.filter((e) => e === "ready" || e === "close"),
    ["ready", "close", "ready"],
  );
  c.disconnect();
  await s.cleanup();
});

t.run();
