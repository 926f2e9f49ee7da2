"use strict";
// The whole cluster unreachable: ioglide's Cluster against ioredis's, side by
// side. Unreachable startup nodes (events, connect(), queued calls), and a
// cluster of its own that dies and comes back while a call waits.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const IORedis = require("ioredis");
const Redis = require("../..");
const { startCluster, freePort } = require("../support/servers");

const t = suite("cluster outage");

/** Events in order; errors as [class, message] (lastNodeError's text differs: ioredis only says "Connection is closed."). */
function record(client) {
  const log = [];
  for (const e of ["wait", "connecting", "connect", "ready", "close", "reconnecting", "end", "error"]) {
    client.on(e, (arg) =>
      log.push(e === "error" ? ["error", arg.name, arg.message, arg.lastNodeError instanceof Error] : [e]),
    );
  }
  return log;
}
const outcome = (p) =>
  p.then(
    (ok) => ({ ok }),
    (e) => ({ err: e.message }),
  );
const settle = (ms) => new Promise((r) => setTimeout(r, ms));

async function both(run) {
  const results = [];
  for (const Impl of [Redis, IORedis]) results.push(await run(Impl));
  return results;
}

t("no startup node reachable, lazyConnect: connect() rejects and the events are ioredis's", async () => {
  const port = await freePort();
  const [ours, theirs] = await both(async (Impl) => {
    const c = new Impl.Cluster([{ host: "127.0.0.1", port }], { lazyConnect: true, clusterRetryStrategy: () => null });
    const log = record(c);
    const result = await outcome(c.connect());
    await settle(100);
    const status = c.status;
    c.disconnect();
    return { result, status, log };
  });
  assert.equal(ours, theirs);
  assert.equal(ours.result, { err: "None of startup nodes is available" });
  assert.ok(
    ours.log.some(
      ([e, name, message]) =>
        e === "error" && name === "ClusterAllFailedError" && message === "Failed to refresh slots cache.",
    ),
  );
});

t("no startup node reachable: a queued call waits out clusterRetryStrategy, then rejects as ioredis's", async () => {
  const port = await freePort();
  const [ours, theirs] = await both(async (Impl) => {
    const c = new Impl.Cluster([{ host: "127.0.0.1", port }], { clusterRetryStrategy: (n) => (n < 3 ? 50 : null) });
    const log = record(c);
    const result = await outcome(c.get("k"));
    await settle(100);
    return { result, status: c.status, log };
  });
  assert.equal(ours, theirs);
  assert.equal(ours.result, { err: "None of startup nodes is available" });
  assert.is(ours.log.filter(([e]) => e === "reconnecting").length, 2);
});

t(
  "more reconnect attempts than maxRetriesPerRequest: the cluster's queued call still waits (as ioredis's)",
  async () => {
    const port = await freePort();
    const [ours, theirs] = await both(async (Impl) => {
      const c = new Impl.Cluster([{ host: "127.0.0.1", port }], {
        clusterRetryStrategy: (n) => (n < 6 ? 20 : null),
        redisOptions: { maxRetriesPerRequest: 1 },
      });
      c.on("error", () => undefined);
      return outcome(c.get("k"));
    });
    assert.equal(ours, theirs);
    assert.equal(ours, { err: "None of startup nodes is available" });
  },
);

t("every node dies and comes back: close/reconnecting, then ready; the call issued meanwhile is answered", async () => {
  const cluster = await startCluster({ masters: 3, replicas: 0 });
  const clients = [];
  try {
    const [ours, theirs] = [Redis, IORedis].map((Impl) => {
      const c = new Impl.Cluster(cluster.startupNodes);
      clients.push(c);
      return { c, log: record(c) };
    });
    await Promise.all([ours.c.set("before", "1"), theirs.c.set("before", "1")]);
    await Promise.all(cluster.nodes.map((n) => n.kill()));
    const calls = [ours, theirs].map(({ c }) => outcome(c.set("during", "2")));
    await settle(1500);
    for (const { c } of [ours, theirs]) assert.ok(["close", "reconnecting", "connecting"].includes(c.status), c.status);
    await Promise.all(cluster.nodes.map((n) => n.start()));
    const [ourCall, theirCall] = await Promise.race([Promise.all(calls), settle(20000).then(() => ["hung", "hung"])]);
    assert.equal(ourCall, theirCall);
    assert.equal(ourCall, { ok: "OK" });
    assert.is(ours.c.status, "ready");
    assert.is(await ours.c.get("during"), "2");
    const kinds = (log) => [...new Set(log.map(([e, name]) => (e === "error" ? `error:${name}` : e)))].sort();
    assert.equal(kinds(ours.log), kinds(theirs.log.filter(([e]) => e !== "wait")));
  } finally {
    for (const c of clients) c.disconnect();
    await cluster.cleanup();
  }
});

t(
  "a slot nobody serves: CLUSTERDOWN retried, then ioredis's 'Too many Cluster redirections' (single calls, concurrent calls, pipelines)",
  async () => {
    const cluster = await startCluster({
      masters: 3,
      replicas: 0,
      extraArgs: ["--cluster-require-full-coverage", "no"],
    });
    const clients = [];
    try {
      const open = (Impl, options) => {
        const c = new Impl.Cluster(cluster.startupNodes, {
          maxRedirections: 3,
          retryDelayOnClusterDown: 20,
          ...options,
        });
        c.on("error", () => undefined);
        clients.push(c);
        return c;
      };
      const [ours, theirs] = [open(Redis), open(IORedis)];
      await Promise.all([ours.set("warm", "1"), theirs.set("warm", "1")]);
      for (const n of cluster.nodes) {
        try {
          cluster.cli(n.port, "cluster", "delslots", "0");
        } catch {
          /* only the slot's owner accepts it */
        }
      }
      const unserved = "{3560}k"; // slot 0
      const scenario = async (c) => ({
        single: await outcome(c.set(unserved, "v")),
        concurrent: await Promise.all([
          outcome(c.set(unserved, "1")),
          outcome(c.get(unserved)),
          outcome(c.set("elsewhere", "2")),
        ]),
        pipeline: await c
          .pipeline()
          .set(unserved, "v")
          .get(unserved)
          .exec()
          .then((r) => r.map(([e, v]) => (e ? { err: e.message } : { ok: v }))),
      });
      const [a, b] = [await scenario(ours), await scenario(theirs)];
      assert.equal(a, b);
      assert.equal(a.single, {
        err: "Too many Cluster redirections. Last error: ReplyError: CLUSTERDOWN Hash slot not served",
      });
      assert.equal(a.concurrent[2], { ok: "OK" });
      // retryDelayOnClusterDown 0: no retries, the server's error as it is
      const [c0, i0] = [open(Redis, { retryDelayOnClusterDown: 0 }), open(IORedis, { retryDelayOnClusterDown: 0 })];
      const [r0, s0] = [await outcome(c0.get(unserved)), await outcome(i0.get(unserved))];
      assert.equal(r0, s0);
      assert.equal(r0, { err: "CLUSTERDOWN Hash slot not served" });
    } finally {
      for (const c of clients) c.disconnect();
      await cluster.cleanup();
    }
  },
);

t.run();
