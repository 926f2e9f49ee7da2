"use strict";
/**
 * Redis.Cluster: ioglide vs ioredis's Cluster, interleaved, on a local
 * 3-master cluster this script starts (or BENCH_CLUSTER=host:port).
 *
 *   npm run bench:cluster
 *   node bench/cluster.js --rounds 5 --ms 1000
 */
const IORedis = require("ioredis");
const Redis = require("..");
const { startCluster } = require("../test/support/servers");
const { closedLoop, median } = require("./measure");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const ROUNDS = opt("rounds", 3);
const MS = opt("ms", 1000);

async function main() {
  let cluster = null;
  let seed;
  if (process.env.BENCH_CLUSTER) {
    const [host, port] = process.env.BENCH_CLUSTER.split(":");
    seed = [{ host, port: Number(port) }];
  } else {
    cluster = await startCluster({ masters: 3, replicas: 0 });
    seed = cluster.startupNodes.slice(0, 1);
  }
  const ig = new Redis.Cluster(seed);
  const io = new IORedis.Cluster(seed);
  await Promise.all([ig.ping(), io.ping()]);
  const keys = Array.from({ length: 64 }, (_, i) => `bench:cl:${i}`);
  for (const k of keys) await io.set(k, "v".repeat(16));
  let n = 0;
  const key = () => keys[n++ & 63];
  const pipeline = (c) => () => {
    const p = c.pipeline();
    for (let i = 0; i < 100; i++) p.get(keys[i & 63]);
    return p.exec();
  };
  const workloads = [
    { label: "GET 16B (keys over all slots), 50 in flight", c: 50, ig: () => ig.get(key()), io: () => io.get(key()) },
    {
      label: "SET 16B (keys over all slots), 50 in flight",
      c: 50,
      ig: () => ig.set(key(), "v"),
      io: () => io.set(key(), "v"),
    },
    { label: "100-command pipeline spanning slots, 10 in flight", c: 10, ig: pipeline(ig), io: null },
    {
      label: "100-command pipeline in one slot, 10 in flight",
      c: 10,
      ig: () => {
        const p = ig.pipeline();
        for (let i = 0; i < 100; i++) p.get("{s}k");
        return p.exec();
      },
      io: () => {
        const p = io.pipeline();
        for (let i = 0; i < 100; i++) p.get("{s}k");
        return p.exec();
      },
    },
  ];
  const results = workloads.map(() => ({ ig: [], io: [] }));
  console.log(`Redis.Cluster: ${ROUNDS} rounds x ${MS} ms per point\n`);
  for (let r = 0; r < ROUNDS; r++) {
    for (let w = 0; w < workloads.length; w++) {
      const order = r % 2 ? ["io", "ig"] : ["ig", "io"];
      for (const who of order) {
        const fn = workloads[w][who];
        if (fn) results[w][who].push(await closedLoop(workloads[w].c, MS, fn));
      }
    }
    console.log(`  round ${r + 1}/${ROUNDS} done`);
  }
  const fmt = (x) =>
    x === undefined
      ? "n/a (ioredis refuses a pipeline across slots)"
      : x >= 1000
        ? `${(x / 1000).toFixed(1)}k`
        : x.toFixed(0);
  console.log("\n| workload | ioredis Cluster ops/s | ioglide Cluster ops/s | ioglide / ioredis |");
  console.log("|---|---:|---:|---:|");
  workloads.forEach((w, i) => {
    const a = results[i].io.length ? median(results[i].io) : undefined;
    const b = median(results[i].ig);
    console.log(`| ${w.label} | ${fmt(a)} | ${fmt(b)} | ${a ? (b / a).toFixed(2) + "x" : "n/a"} |`);
  });
  ig.disconnect();
  io.disconnect();
  if (cluster) await cluster.cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
