#!/usr/bin/env node
/**
 * The soak: a mixed workload at steady concurrency for N minutes, with
 * periodic reconnects, sampling what would show a leak.
 *
 *   npm run soak -- [--minutes N] [--concurrency C] [--reconnect-every S] [--sample S]
 *
 * On a server of its own (or BENCH_SERVER=host:port), all through ioglide:
 *   - C loops of mixed calls (strings, hashes, lists, sorted sets, MGET,
 *     pipelines, MULTI, a defined Lua command) over a bounded key space;
 *   - pub/sub: binary payloads published to a channel and a pattern, counted
 *     on a subscriber;
 *   - blocking: a BLPOP consumer fed by an LPUSH producer (every value
 *     produced is consumed or still in the list at the end);
 *   - a Bull queue and a BullMQ queue, jobs added and processed steadily;
 *   - a short-lived client made, used and quit every few seconds;
 *   - every S seconds, CLIENT KILL of every normal and pub/sub connection
 *     (the killer's own excepted): all clients reconnect.
 *
 * Every sample prints RSS, heap used after a full GC, external memory, the
 * process's active handles, GLIDE's open connections (its public
 * getStatistics()), calls in flight, operations and errors in the window, and
 * the event loop's p99 delay. At the end: every loop must stop within 30 s
 * (no call hangs), the quit clients must leave no handle behind, and RSS and
 * heap must flatten: after a warm-up, the median of the last third of the
 * samples may not exceed the middle third's by more than the tolerance.
 * Exit code 1 on any failure; the last line is a JSON summary.
 */
"use strict";
const { monitorEventLoopDelay } = require("perf_hooks");
const { GlideClient } = require("@valkey/valkey-glide");
const Redis = require("..");
const { startServer } = require("../test/support/servers");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const MINUTES = opt("minutes", 5);
const CONCURRENCY = opt("concurrency", 32);
const RECONNECT_EVERY = opt("reconnect-every", 60);
const SAMPLE_EVERY = opt("sample", 10);
const HEAP_TOLERANCE = 0.05;
const RSS_TOLERANCE = 0.1;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (n) => Math.round((n / 1048576) * 10) / 10;

/** Counters shared by every part of the workload; `window` ones reset per sample. */
const stats = { ops: 0, errors: 0, inFlight: 0, window: { ops: 0, errors: 0 }, lastErrors: new Map() };
function counted(promise, label) {
  stats.inFlight++;
  return promise.then(
    (v) => {
      stats.inFlight--;
      stats.ops++;
      stats.window.ops++;
      return v;
    },
    (err) => {
      stats.inFlight--;
      stats.errors++;
      stats.window.errors++;
      const kind = `${label}: ${err.message}`;
      if (process.env.SOAK_DEBUG && !stats.lastErrors.has(kind)) console.error(err);
      stats.lastErrors.set(kind, (stats.lastErrors.get(kind) || 0) + 1);
      return undefined;
    },
  );
}

function activeHandles() {
  return process.getActiveResourcesInfo().filter((r) => r !== "Timeout" && r !== "TTYWrap");
}

async function main() {
  const server = process.env.BENCH_SERVER ? null : await startServer();
  const [host, port] = server ? [server.host, server.port] : process.env.BENCH_SERVER.split(":");
  const conn = { host, port: Number(port) };
  const baselineHandles = activeHandles().length;
  let running = true;
  const deadline = Date.now() + MINUTES * 60000;
  const clients = [];
  const client = (options = {}) => {
    const c = new Redis({ ...conn, maxRetriesPerRequest: null, ...options });
    c.on("error", () => undefined); // counted through the calls; reconnects are expected
    clients.push(c);
    return c;
  };

  const main = client({ connectionName: "soak-main" });
  main.defineCommand("bump", {
    numberOfKeys: 2,
    lua: "redis.call('HINCRBY', KEYS[1], 'n', 1); return redis.call('ZINCRBY', KEYS[2], 1, ARGV[1])",
  });
  const events = { reconnecting: 0, ready: 0 };
  main.on("reconnecting", () => events.reconnecting++);
  main.on("ready", () => events.ready++);

  const loops = [];
  const key = () => `soak:${Math.floor(Math.random() * 1000)}`;
  const value = () => (Math.random() < 0.2 ? Buffer.from([0xff, 0, Math.random() * 256]) : `v${Math.random()}`);
  const mixed = [
    () => main.set(key(), value(), "EX", 600),
    () => main.get(key()),
    () => main.getBuffer(key()),
    () => main.hset(`${key()}:h`, { a: value(), b: 1 }),
    () => main.hgetall(`${key()}:h`),
    () => main.lpush(`${key()}:l`, value()).then(() => main.ltrim(`${key()}:l`, 0, 20)),
    () => main.zadd(`${key()}:z`, Math.random(), `m${Math.floor(Math.random() * 50)}`),
    () => main.zrange(`${key()}:z`, 0, -1, "WITHSCORES"),
    () => main.mget(key(), key(), key()),
    () => main.bump(`${key()}:h`, `${key()}:z`, "x"),
    () => {
      const p = main.pipeline();
      for (let i = 0; i < 10; i++) p.incr(`${key()}:c`).get(key());
      return p.exec();
    },
    () => main.multi().incr(`${key()}:c`).expire(`${key()}:c`, 600).exec(),
  ];
  for (let i = 0; i < CONCURRENCY; i++) {
    loops.push(
      (async () => {
        while (running) {
          const i = Math.floor(Math.random() * mixed.length);
          await counted(mixed[i](), `mixed call ${i}`);
        }
      })(),
    );
  }

  // pub/sub: sequence-numbered binary payloads; what arrives is counted.
  const sub = client({ connectionName: "soak-sub" });
  const pubsub = { published: 0, received: 0 };
  sub.on("messageBuffer", () => pubsub.received++);
  sub.on("pmessageBuffer", () => pubsub.received++);
  await sub.subscribe("soak:ch");
  await sub.psubscribe("soak:p*");
  loops.push(
    (async () => {
      for (let n = 0; running; n++) {
        const payload = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(String(n))]);
        const receivers = await counted(main.publish(n % 2 ? "soak:ch" : "soak:pattern", payload), "publish");
        if (receivers) pubsub.published++;
        await sleep(2);
      }
    })(),
  );

  // blocking: every value produced is consumed or still in the list.
  const blocker = client({ connectionName: "soak-blocker" });
  const blocking = { produced: 0, consumed: 0, left: 0, lost: 0 };
  loops.push(
    (async () => {
      while (running) {
        const got = await counted(blocker.blpop("soak:queue", 1), "blpop");
        if (got) blocking.consumed++;
      }
    })(),
    (async () => {
      for (let n = 0; running; n++) {
        if ((await counted(main.lpush("soak:queue", `item${n}`), "lpush")) !== undefined) blocking.produced++;
        await sleep(5);
      }
    })(),
  );

  // Bull and BullMQ: a job every 20 ms each, processed at concurrency 5.
  const Bull = require("bull");
  const bull = new Bull(`soak-bull-${process.pid}`, {
    createClient: (type, opts) =>
      client({ ...opts, ...(type === "client" ? {} : { maxRetriesPerRequest: null, enableReadyCheck: false }) }),
    defaultJobOptions: { removeOnComplete: 100, removeOnFail: 100 },
  });
  const queues = { bullAdded: 0, bullDone: 0, bullmqAdded: 0, bullmqDone: 0 };
  bull.on("completed", () => queues.bullDone++);
  bull.on("error", () => undefined);
  bull.process(5, async (job) => job.data.n * 2);
  const { Queue, Worker } = require("bullmq");
  const mqName = `soak-bullmq-${process.pid}`;
  const mqQueue = new Queue(mqName, {
    connection: client(),
    defaultJobOptions: { removeOnComplete: 100, removeOnFail: 100 },
  });
  const mqWorker = new Worker(mqName, async (job) => job.data.n * 2, { connection: client(), concurrency: 5 });
  mqWorker.on("completed", () => queues.bullmqDone++);
  mqWorker.on("error", () => undefined);
  mqQueue.on("error", () => undefined);
  loops.push(
    (async () => {
      for (let n = 0; running; n++) {
        if (await counted(bull.add({ n }), "Bull add")) queues.bullAdded++;
        if (await counted(mqQueue.add("j", { n }), "BullMQ add")) queues.bullmqAdded++;
        await sleep(20);
      }
    })(),
  );

  // a short-lived client every 2 s: made, used, quit (a per-client leak shows here).
  let shortLived = 0;
  loops.push(
    (async () => {
      while (running) {
        const c = new Redis({ ...conn, lazyConnect: false });
        c.on("error", () => undefined);
        await counted(
          c.set(`soak:short:${shortLived % 10}`, "x").then(() => c.get(`soak:short:${shortLived % 10}`)),
          "short-lived client",
        );
        await c.quit().catch(() => c.disconnect());
        shortLived++;
        await sleep(2000);
      }
    })(),
  );

  // periodic reconnects: every normal and pub/sub connection killed, except the killer's.
  const admin = await GlideClient.createClient({ addresses: [conn] });
  let kills = 0;
  let killRounds = 0;
  loops.push(
    (async () => {
      while (running) {
        for (let waited = 0; running && waited < RECONNECT_EVERY * 1000; waited += 500) await sleep(500);
        if (!running) break;
        killRounds++;
        kills += Number(await admin.customCommand(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]));
        kills += Number(await admin.customCommand(["CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes"]));
      }
    })(),
  );

  // sampling
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const samples = [];
  const started = Date.now();
  console.log(
    `soak: ${MINUTES} min, ${CONCURRENCY} loops, reconnect every ${RECONNECT_EVERY} s, sample every ${SAMPLE_EVERY} s`,
  );
  console.log("   t(s)  rss(MB)  heap(MB)  ext(MB)  handles  glideConns  inflight   ops/s  errors  eld-p99(ms)");
  while (Date.now() < deadline) {
    await sleep(Math.min(SAMPLE_EVERY * 1000, Math.max(0, deadline - Date.now())));
    if (global.gc) global.gc();
    const mem = process.memoryUsage();
    const window = (Date.now() - started) / 1000 - (samples.length ? samples[samples.length - 1].t : 0);
    const s = {
      t: Math.round((Date.now() - started) / 1000),
      rss: mem.rss,
      heap: mem.heapUsed,
      external: mem.external,
      handles: activeHandles().length,
      glideConnections: Number(admin.getStatistics().total_connections),
      inFlight: stats.inFlight,
      opsPerSec: Math.round(stats.window.ops / window),
      errors: stats.window.errors,
      eldP99: Math.round(eld.percentile(99) / 1e5) / 10,
    };
    stats.window = { ops: 0, errors: 0 };
    eld.reset();
    samples.push(s);
    console.log(
      [s.t, mb(s.rss), mb(s.heap), mb(s.external), s.handles, s.glideConnections, s.inFlight, s.opsPerSec]
        .map((v, i) => String(v).padStart(i ? 8 : 7))
        .join(" ") +
        String(s.errors).padStart(8) +
        String(s.eldP99).padStart(13),
    );
  }

  // stop: every loop must end (no hung call), then everything is closed.
  running = false;
  const failures = [];
  const stopped = await Promise.race([Promise.all(loops).then(() => true), sleep(30000).then(() => false)]);
  if (!stopped) failures.push(`loops did not stop within 30 s: ${stats.inFlight} calls still in flight`);
  const drain = client();
  blocking.left = await drain.llen("soak:queue");
  // A value BLPOP popped can be lost when its connection is killed in the same server tick (the
  // reply dies in the killed connection's output buffer; ioredis loses it the same way): at most
  // one per kill round.
  blocking.lost = blocking.produced - blocking.consumed - blocking.left;
  if (blocking.lost > killRounds)
    failures.push(`blocking: ${blocking.produced} produced, ${blocking.consumed} consumed, ${blocking.left} left`);
  await mqWorker.close();
  await mqQueue.obliterate({ force: true }).catch(() => undefined);
  await mqQueue.close();
  await bull.obliterate({ force: true }).catch(() => undefined);
  await bull.close();
  await drain.del("soak:queue");
  await Promise.all(clients.map((c) => (c.status === "end" ? undefined : c.quit().catch(() => c.disconnect()))));
  admin.close();
  eld.disable();
  await sleep(1000);
  const leftHandles = activeHandles();
  if (leftHandles.length > baselineHandles)
    failures.push(`handles left after quit: ${leftHandles.join(", ")} (baseline ${baselineHandles})`);

  // growth that does not flatten
  const steady = samples.slice(Math.max(2, Math.floor(samples.length / 5)));
  const third = Math.floor(steady.length / 3);
  const growth = {};
  if (third >= 1) {
    for (const [name, tolerance] of [
      ["heap", HEAP_TOLERANCE],
      ["rss", RSS_TOLERANCE],
    ]) {
      const middle = median(steady.slice(third, 2 * third).map((s) => s[name]));
      const last = median(steady.slice(2 * third).map((s) => s[name]));
      growth[name] = Math.round((last / middle - 1) * 1000) / 10;
      if (last > middle * (1 + tolerance))
        failures.push(`${name} still growing: last third ${mb(last)} MB vs middle third ${mb(middle)} MB`);
    }
  } else failures.push("too few samples to judge growth (run longer or sample more often)");

  if (server) await server.cleanup();
  const summary = {
    minutes: MINUTES,
    ops: stats.ops,
    errors: stats.errors,
    errorKinds: Object.fromEntries(stats.lastErrors),
    reconnects: {
      killRounds,
      killedConnections: kills,
      mainReconnecting: events.reconnecting,
      mainReady: events.ready,
    },
    pubsub,
    blocking,
    queues,
    shortLivedClients: shortLived,
    growthPercent: growth,
    rssMB: { first: mb(samples[0].rss), last: mb(samples[samples.length - 1].rss) },
    heapMB: { first: mb(samples[0].heap), last: mb(samples[samples.length - 1].heap) },
    eldP99MaxMs: Math.max(...samples.map((s) => s.eldP99)),
    failures,
  };
  console.log(failures.length ? `soak: FAIL\n  ${failures.join("\n  ")}` : "soak: PASS");
  console.log(JSON.stringify(summary));
  process.exit(failures.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
