"use strict";
// Redis.Cluster on the run's 3-master cluster, against ioredis's Cluster.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const IORedis = require("ioredis");
const Redis = require("../..");
const { clusterAddresses, cli } = require("../support/servers");

const t = suite("cluster");
const nodes = clusterAddresses();
const seed = nodes.slice(0, 1);
const opened = [];
const glide = (opts = {}) => {
  const c = new Redis.Cluster(seed, opts);
  c.on("error", () => undefined);
  opened.push(c);
  return c;
};
const oracle = (opts = {}) => {
  const c = new IORedis.Cluster(seed, opts);
  c.on("error", () => undefined);
  opened.push(c);
  return c;
};
const tag = (k) => `${k}:${process.pid}`;
const outcome = (p) =>
  p.then(
    (ok) => ({ ok }),
    (e) => ({ err: [e.constructor.name, e.message] }),
  );

let g, o;
t.before(async () => {
  g = glide();
  o = oracle();
  await Promise.all([g.ping(), o.ping()]);
});
t.after(() => {
  for (const c of opened) c.disconnect();
});

t("Redis.Cluster exists in every import form; isCluster is true", () => {
  assert.is(Redis.Cluster, require("../..").Cluster);
  assert.ok(g.isCluster);
  assert.is(g.constructor.name, "Cluster");
});

t("options carry ioredis's cluster defaults", () => {
  const mine = new Redis.Cluster(seed, { lazyConnect: true, redisOptions: { password: undefined } });
  const theirs = new IORedis.Cluster(seed, { lazyConnect: true, redisOptions: { password: undefined } });
  const plain = (x) => JSON.parse(JSON.stringify(x, (k, v) => (typeof v === "function" ? "fn" : v)));
  const pick = (x) =>
    Object.fromEntries(
      [
        "enableOfflineQueue",
        "enableReadyCheck",
        "scaleReads",
        "maxRedirections",
        "retryDelayOnMoved",
        "retryDelayOnFailover",
        "retryDelayOnClusterDown",
        "retryDelayOnTryAgain",
        "slotsRefreshTimeout",
        "lazyConnect",
      ].map((k) => [k, x[k]]),
    );
  assert.equal(pick(plain(mine.options)), pick(plain(theirs.options)));
  assert.is(mine.status, "wait");
  theirs.disconnect();
  mine.disconnect();
});

t("startup nodes as ports, host:port strings, URLs and objects", async () => {
  for (const form of [
    [nodes[1].port],
    [`127.0.0.1:${nodes[2].port}`],
    [`redis://127.0.0.1:${nodes[0].port}`],
    [{ host: "127.0.0.1", port: nodes[1].port }],
  ]) {
    const c = new Redis.Cluster(form);
    assert.is(await c.echo("x"), "x", JSON.stringify(form));
    c.disconnect();
  }
});

t("unsupported options fail at construction, clearly", () => {
  assert.throws(() => new Redis.Cluster(seed, { scaleReads: () => null }), /not supported: a scaleReads function/);
  assert.throws(() => new Redis.Cluster(seed, { scaleReads: "bogus" }), /Invalid option scaleReads/);
  assert.throws(() => new Redis.Cluster([], {}), /at least one startup node/);
});

t("commands on keys in every slot answer as ioredis's Cluster does", async () => {
  const run = async (c, who) => {
    const keys = Array.from({ length: 30 }, (_, i) => tag(`${who}:k${i}`));
    for (const k of keys) await c.set(k, `v${k.length}`);
    const h = tag(`{h}${who}`);
    const z = tag(`z${who}`);
    return [
      await Promise.all(keys.map((k) => c.get(k))),
      await c.hset(h, { f: 1 }),
      await c.hgetall(h),
      await c.zadd(z, 0.1, "m"),
      await c.zscore(z, "m"),
    ];
  };
  assert.equal(await run(g, "a"), await run(o, "b"));
});

t('replyMapping "resp3" from redisOptions: native shapes on every node, as ioredis\'s Cluster gives them', async () => {
  const copyOf = (c) => {
    const copy = c.duplicate();
    opened.push(copy);
    return copy;
  };
  const run = async (c, who) => {
    const h = tag(`{n}h${who}`);
    const z = tag(`{n}z${who}`);
    const s = tag(`{n}s${who}`);
    await c.hset(h, { f: "1" });
    await c.zadd(z, 0.1, "m", 2, "n");
    await c.xadd(s, "1-1", "f", "v");
    const reply = [
      await c.hgetall(h),
      await c.zscore(z, "m"),
      await c.zrange(z, 0, -1, "WITHSCORES"),
      await c.xread("STREAMS", s, "0"),
      await c
        .pipeline()
        .hgetall(tag(`{n}none${who}`))
        .zpopmin(z)
        .exec(),
      await copyOf(c).zscore(z, "n"),
    ];
    // keys differ by who; the shapes and values must not
    reply[3] = Object.values(reply[3]);
    return reply;
  };
  const mine = glide({ redisOptions: { replyMapping: "resp3" } });
  const theirs = oracle({ redisOptions: { replyMapping: "resp3" } });
  const got = await run(mine, "a");
  assert.type(got[1], "number");
  assert.equal(got, await run(theirs, "b"));
});

t("MULTI inside a pipeline on one slot answers as ioredis's Cluster", async () => {
  const run = async (c, who) => {
    const k = tag(`{pm${who}}k`);
    return c.pipeline().set(k, 1).multi().incr(k).get(k).exec().get(k).exec();
  };
  const mine = await run(g, "a");
  assert.equal(mine.length, 6);
  assert.equal(mine, await run(o, "b"));
});

t("a cross-slot command gives the server's CROSSSLOT error, as with ioredis", async () => {
  const [a, b] = [tag("a"), tag("b")];
  const mine = await outcome(g.rename(a, b));
  const theirs = await outcome(o.rename(a, b));
  assert.equal(mine, theirs);
  assert.match(mine.err[1], /^CROSSSLOT/);
});

t("MGET, DEL and EXISTS across slots work (GLIDE splits them; a superset of ioredis)", async () => {
  const keys = ["x", "y", "z", "w"].map(tag);
  await g.mset(...keys.flatMap((k) => [k, k.toUpperCase()]));
  assert.equal(
    await g.mget(keys),
    keys.map((k) => k.toUpperCase()),
  );
  assert.is(await g.exists(keys), 4);
  assert.is(await g.del(keys), 4);
});

t("pipelines across slots: split per node, results in order", async () => {
  const p = g.pipeline();
  for (let i = 0; i < 100; i++) p.set(tag(`p${i}`), i).get(tag(`p${i}`));
  const r = await p.exec();
  assert.is(r.length, 200);
  for (let i = 0; i < 100; i++) assert.equal(r[2 * i + 1], [null, String(i)]);
});

t("multi within one slot works; across slots it is refused before anything runs", async () => {
  assert.equal(await g.multi().set(tag("{t}a"), "1").incr(tag("{t}a")).exec(), [
    [null, "OK"],
    [null, 2],
  ]);
  const err = await g
    .multi()
    .set(tag("{u}a"), "1")
    .set(tag("{v}b"), "1")
    .exec()
    .catch((e) => e);
  assert.match(err.message, /^EXECABORT/);
  assert.match(err.previousErrors[0].message, /CROSSSLOT|crossed slots/i);
  assert.is(await g.get(tag("{u}a")), null);
});

t("scripts are routed by their key; SCRIPT LOAD reaches every primary", async () => {
  g.defineCommand("keyAndNode", { numberOfKeys: 1, lua: "redis.call('SET', KEYS[1], 'v'); return KEYS[1]" });
  const keys = Array.from({ length: 12 }, (_, i) => tag(`s${i}`));
  assert.equal(await Promise.all(keys.map((k) => g.keyAndNode(k))), keys);
  assert.equal(
    await g.mget(keys),
    keys.map(() => "v"),
  );
  const sha = await g.script("LOAD", "return 'loaded everywhere'");
  const masters = g.nodes("master");
  assert.is(masters.length, 3);
  for (const m of masters) assert.equal(await m.script("EXISTS", sha), [1]);
});

t(
  "defined commands in a pipeline fall back to EVAL after the script cache was flushed, as with ioredis's Cluster",
  async () => {
    const run = async (c, who) => {
      c.defineCommand("bumpTwice", {
        numberOfKeys: 1,
        lua: "redis.call('INCR', KEYS[1]); return redis.call('INCR', KEYS[1])",
      });
      const k = tag(`{flush${who}}k`);
      const first = await c.pipeline().bumpTwice(k).get(k).exec();
      for (const node of nodes) cli(node.port, "script", "flush");
      // The script's own entry only: a GET behind it in the same pipeline ran before the resent script
      // on ioglide and on a standalone ioredis; ioredis's Cluster happens to run it again.
      const [second] = await c.pipeline().bumpTwice(k).get(k).exec();
      return [first, second, await c.bumpTwice(k), await c.get(k)];
    };
    const mine = await run(g, "a");
    assert.equal(mine, [
      [
        [null, 2],
        [null, "2"],
      ],
      [null, 4],
      6,
      "6",
    ]);
    assert.equal(mine, await run(o, "b"));
  },
);

t("readOnly scripts on a replica-reading cluster run where ioredis runs them", async () => {
  const role = "return string.match(redis.call('INFO', 'replication'), 'role:(%a+)')";
  const scripts = {
    // A script that declares it does not write may run on a replica; one that does not declare it is sent on
    // (MOVED) to the primary by the replica, whatever the client asked.
    roleNoWrites: { numberOfKeys: 1, readOnly: true, lua: `#!lua flags=no-writes\n${role}` },
    roleUndeclared: { numberOfKeys: 1, readOnly: true, lua: role },
    roleWritable: { numberOfKeys: 1, lua: `#!lua flags=no-writes\n${role}` },
  };
  const results = {};
  for (const [name, make] of [
    ["ioglide", glide],
    ["ioredis", oracle],
  ]) {
    const c = make({ scaleReads: "slave", scripts });
    const m = make({ scaleReads: "master", scripts });
    // A freshly started cluster lists its replicas in CLUSTER SLOTS only once they are attached, and a client
    // learns them at its next topology refresh (GLIDE: within a second or two): wait until it has.
    let first;
    for (let i = 0; i < 200 && first?.ok !== "slave"; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      first = await outcome(c.roleNoWrites(tag("ro")));
    }
    results[name] = {
      slave: [first, ...(await Promise.all(["roleUndeclared", "roleWritable"].map((s) => outcome(c[s](tag("ro"))))))],
      master: await Promise.all(Object.keys(scripts).map((s) => outcome(m[s](tag("ro"))))),
    };
  }
  assert.equal(results.ioglide, results.ioredis);
  assert.equal(results.ioredis.slave[0], { ok: "slave" }, "the no-writes readOnly script ran on a replica");
  assert.equal(results.ioredis.master[0], { ok: "master" });
});

t('scaleReads "all": reads of one key spread over its master and its replica, as ioredis\'s', async () => {
  const getsPerNode = async () => {
    const out = {};
    for (const n of nodes) {
      const direct = new IORedis({ host: n.host, port: n.port, lazyConnect: true });
      const info = await direct.info("commandstats");
      const role = /role:(\w+)/.exec(await direct.info("replication"))[1];
      out[n.port] = { role, gets: Number(/cmdstat_get:calls=(\d+)/.exec(info)?.[1] ?? 0) };
      direct.disconnect();
    }
    return out;
  };
  const spread = {};
  for (const [name, make] of [
    ["ioglide", glide],
    ["ioredis", oracle],
  ]) {
    const c = make({ scaleReads: "all" });
    const k = tag(`all-${name}`);
    await c.set(k, "v");
    await new Promise((resolve) => setTimeout(resolve, 100)); // replicated before a replica is read
    const before = await getsPerNode();
    const values = new Set();
    for (let i = 0; i < 60; i++) values.add(await c.get(k));
    const after = await getsPerNode();
    const served = Object.keys(after)
      .filter((port) => after[port].gets - before[port].gets > 0)
      .map((port) => after[port].role)
      .sort();
    spread[name] = { served, values: [...values] };
  }
  assert.equal(spread.ioredis, { served: ["master", "slave"], values: ["v"] });
  assert.equal(spread.ioglide, spread.ioredis);
});

t("nodes(role) lists every node as soon as 'ready' fires, as ioredis's Cluster", async () => {
  const counts = [];
  for (const make of [glide, oracle]) {
    const c = make();
    await new Promise((resolve) => c.once("ready", resolve));
    counts.push([c.nodes("master").length, c.nodes("slave").length, c.nodes().length]);
  }
  assert.equal(counts[0], [3, 3, 6]);
  assert.equal(counts[0], counts[1]);
});

t("nodes(role) returns per-node clients that run commands on their node", async () => {
  const masters = g.nodes("master");
  const replicas = g.nodes("slave");
  assert.is(masters.length, 3);
  assert.is(replicas.length, 3);
  assert.is(g.nodes().length, 6);
  const sizes = await Promise.all(masters.map((m) => m.dbsize()));
  assert.is(
    sizes.reduce((a, b) => a + b, 0),
    await g.dbsize(),
  );
  const ports = await Promise.all(masters.map((m) => m.config("GET", "port")));
  assert.equal(ports.map(([, p]) => Number(p)).sort(), masters.map((m) => m.port).sort());
  assert.match(await masters[0].info("replication"), /role:master/);
  assert.throws(() => g.nodes("bogus"), /Invalid role/);
});

t("INFO answers one node's text, as ioredis's Cluster", async () => {
  const info = await g.info("server");
  assert.type(info, "string");
  assert.match(info, /^# Server\r\n/);
  assert.match(info, /redis_mode:cluster/);
});

t("scanStream walks every primary; per-node scanStream as ioredis users do", async () => {
  const keys = Array.from({ length: 40 }, (_, i) => tag(`scan:${i}`));
  await g.mset(...keys.flatMap((k) => [k, "1"]));
  const collect = (s) =>
    new Promise((resolve, reject) => {
      const out = [];
      s.on("data", (batch) => out.push(...batch))
        .on("end", () => resolve(out))
        .on("error", reject);
    });
  const all = await collect(g.scanStream({ match: tag("scan:*"), count: 100 }));
  assert.equal(all.sort(), keys.sort());
  const perNode = (
    await Promise.all(g.nodes("master").map((n) => collect(n.scanStream({ match: tag("scan:*"), count: 100 }))))
  ).flat();
  assert.equal(perNode.sort(), keys.sort());
});

t("pub/sub: message, pmessage and sharded smessage", async () => {
  const sub = glide();
  const got = [];
  sub.on("message", (c, m) => got.push(["message", c, m]));
  sub.on("pmessage", (p, c, m) => got.push(["pmessage", p, c, m]));
  sub.on("smessage", (c, m) => got.push(["smessage", c, m]));
  await sub.subscribe(tag("ch"));
  await sub.psubscribe(tag("pat*"));
  assert.is(await sub.ssubscribe(tag("shard")), 1);
  await g.publish(tag("ch"), "plain");
  await g.publish(tag("pat1"), "by pattern");
  await g.spublish(tag("shard"), "sharded");
  const end = Date.now() + 5000;
  while (got.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.equal(
    got.sort(),
    [
      ["message", tag("ch"), "plain"],
      ["pmessage", tag("pat*"), tag("pat1"), "by pattern"],
      ["smessage", tag("shard"), "sharded"],
    ].sort(),
  );
});

t("blocking commands run on their own connection, other calls flow", async () => {
  const k = tag("bl");
  const pop = g.blpop(k, 0);
  const t0 = Date.now();
  for (let i = 0; i < 50; i++) await g.ping();
  assert.ok(Date.now() - t0 < 1000);
  await o.rpush(k, "x");
  assert.equal(await pop, [k, "x"]);
});

t("keyPrefix from redisOptions applies to every key", async () => {
  const c = glide({ redisOptions: { keyPrefix: `pre${process.pid}:` } });
  await c.set("a", "1");
  assert.is(await o.get(`pre${process.pid}:a`), "1");
  assert.is(c.options.keyPrefix, `pre${process.pid}:`);
});

t("status and events; quit ends it", async () => {
  const c = new Redis.Cluster(seed);
  const events = [];
  for (const e of ["connecting", "connect", "ready", "close", "end"]) c.on(e, () => events.push(e));
  const added = [];
  c.on("+node", (n) => added.push(n.port));
  await new Promise((r) => c.once("ready", r));
  await new Promise((r) => c.once("refresh", r));
  assert.is(added.length, 6);
  assert.is(await c.quit(), "OK");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(events, ["connecting", "connect", "ready", "close", "end"]);
  assert.is(c.status, "end");
});

t("cluster node objects pass instanceof Redis, as ioredis's do; the Cluster itself does not", async () => {
  const verdicts = async (c, R) => {
    await c.ping();
    const all = c.nodes("all");
    return {
      count: all.length > 0,
      nodes: all.every((n) => n instanceof R),
      cluster: c instanceof R,
      clusterIsCluster: c instanceof R.Cluster,
    };
  };
  const want = await verdicts(o, IORedis);
  assert.equal(want, { count: true, nodes: true, cluster: false, clusterIsCluster: true });
  assert.equal(await verdicts(g, Redis), want);
  // A subclass keeps the plain rule: a node is not an instance of it.
  class Mine extends Redis {}
  assert.is(g.nodes("all")[0] instanceof Mine, false);
  assert.ok(new Mine({ lazyConnect: true }) instanceof Redis);
});

t("duplicate() gives an independent cluster client", async () => {
  const d = g.duplicate([], { redisOptions: { connectionName: "dup" } });
  opened.push(d);
  assert.ok(d instanceof Redis.Cluster);
  assert.is(await d.echo("dup"), "dup");
  d.disconnect();
  assert.is(await g.echo("still"), "still");
});

t(
  "duplicate() overriding one redisOption keeps the others (protocol, replyMapping), as ioredis 6.1 merges them",
  async () => {
    const key = tag("{dup}z");
    await o.del(key);
    await o.zadd(key, 1, "a", 2, "b");
    const shapes = [];
    for (const make of [glide, oracle]) {
      const c = make({ redisOptions: { protocol: 3, replyMapping: "resp3", connectionName: "orig" } });
      const d = c.duplicate([], { redisOptions: { connectionName: "dup" } });
      opened.push(d);
      d.on("error", () => undefined);
      const { protocol, replyMapping, connectionName } = d.options.redisOptions;
      shapes.push({ protocol, replyMapping, connectionName, reply: await d.zrange(key, 0, -1, "WITHSCORES") });
      d.disconnect();
    }
    assert.equal(shapes[0], shapes[1]);
    assert.equal(shapes[0].replyMapping, "resp3");
  },
);

t("the cluster helper's topology agrees with CLUSTER NODES", () => {
  const text = cli(nodes[0].port, "cluster", "nodes");
  assert.is(text.trim().split("\n").length, 6);
});

t.run();
