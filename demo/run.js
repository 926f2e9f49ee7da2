"use strict";
/**
 * The ioglide demo: `npm run demo` (or `node demo/run.js [redis://host:port]`).
 * Without an address it starts a local valkey-server/redis-server on a free
 * port, runs a short mixed workload through ioglide and prints what it did.
 */
const Redis = require("..");
const IORedis = require("ioredis");
const { startServer } = require("../test/support/servers");
const { runBullMQ } = require("../bench/queue-workload");

const JOBS = Number(process.env.DEMO_JOBS || 3000);

/** A one-line progress bar, redrawn in place. */
function progressBar(label) {
  let last = -1;
  const step = process.stdout.isTTY ? 1 : 25; // a log file gets a line every 25%
  return (done, total) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === last || (pct % step !== 0 && done !== total)) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const line = `   ${label.padEnd(8)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(pct).padStart(3)}%  ${done}/${total}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}${done === total ? "\n" : ""}`);
    else console.log(line);
  };
}

async function main() {
  const given = process.argv[2] || process.env.REDIS_URL;
  let server;
  let target = given;
  if (!given) {
    server = await startServer();
    target = `redis://127.0.0.1:${server.port}`;
    console.log(`started a local server for the demo: ${target}`);
  }
  const redis = new Redis(target);
  const events = [];
  for (const e of ["connect", "ready", "close", "end"]) redis.on(e, () => events.push(e));

  // A middleware: count commands and time them.
  const stats = new Map();
  redis.use(async (call, next) => {
    const t0 = process.hrtime.bigint();
    try {
      return await next(call);
    } finally {
      const s = stats.get(call.command) || { n: 0, ns: 0n };
      s.n++;
      s.ns += process.hrtime.bigint() - t0;
      stats.set(call.command, s);
    }
  });

  const prefix = `demo:${process.pid}:`;
  console.log("\n1. strings, hashes, sorted sets, as ioredis returns them");
  await redis.set(prefix + "greeting", "hello from ioglide");
  console.log("   get      ->", await redis.get(prefix + "greeting"));
  await redis.hset(prefix + "user", { name: "Ada", lang: "en" });
  console.log("   hgetall  ->", await redis.hgetall(prefix + "user"));
  await redis.zadd(prefix + "scores", 1.5, "a", 2.25, "b");
  console.log("   zrange   ->", await redis.zrange(prefix + "scores", 0, -1, "WITHSCORES"));

  console.log("\n2. 100,000 concurrent INCRs (auto-pipelined into GLIDE batches, in order)");
  let t0 = Date.now();
  const calls = [];
  for (let i = 0; i < 100000; i++) calls.push(redis.incr(prefix + "counter"));
  const results = await Promise.all(calls);
  const ms = Date.now() - t0;
  console.log(
    `   ${results.length} replies in ${ms} ms (${Math.round(results.length / (ms / 1000))} ops/s); last = ${results[results.length - 1]}`,
  );

  console.log("\n3. a blocking pop on its own connection while other calls flow");
  const popped = redis.blpop(prefix + "queue", 0);
  t0 = Date.now();
  for (let i = 0; i < 1000; i++) await redis.ping();
  console.log(`   1000 sequential PINGs took ${Date.now() - t0} ms while BLPOP waited`);
  const producer = redis.duplicate();
  await producer.rpush(prefix + "queue", "job-1");
  console.log("   blpop    ->", await popped);
  await producer.quit();

  console.log("\n4. errors are ioredis's");
  try {
    await redis.incr(prefix + "user");
  } catch (err) {
    console.log(`   ${err.constructor.name}: ${err.message}`);
  }

  await redis.del(prefix + "greeting", prefix + "user", prefix + "scores", prefix + "counter", prefix + "queue");
  await redis.quit();
  await new Promise((r) => setImmediate(r));
  console.log("\n5. commands seen by the middleware:");
  for (const [cmd, s] of [...stats.entries()].sort((a, b) => b[1].n - a[1].n)) {
    console.log(
      `   ${cmd.padEnd(8)} ${String(s.n).padStart(6)} calls, mean ${(Number(s.ns / BigInt(s.n)) / 1000).toFixed(1)} us`,
    );
  }
  console.log(`\n   connection events: ${events.join(" -> ")}`);

  console.log(`\n6. a BullMQ queue: ${JOBS} jobs at concurrency 10, through ioglide and then through ioredis`);
  const { hostname, port } = new URL(target);
  const rows = [];
  for (const [name, Client] of [
    ["ioglide", Redis],
    ["ioredis", IORedis],
  ]) {
    const ms = await runBullMQ({
      Client,
      host: hostname,
      port: Number(port || 6379),
      jobs: JOBS,
      concurrency: 10,
      onProgress: progressBar(name),
    });
    rows.push([name, ms]);
  }
  console.log("\n   | client  | jobs | seconds | jobs/s |");
  console.log("   |---------|------|---------|--------|");
  for (const [name, ms] of rows) {
    console.log(
      `   | ${name.padEnd(7)} | ${JOBS} | ${(ms / 1000).toFixed(2).padStart(7)} | ${String(Math.round((JOBS / ms) * 1000)).padStart(6)} |`,
    );
  }
  if (server) await server.cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
