#!/usr/bin/env node
/**
 * Where the JavaScript thread's time goes, per workload: a CPU profile of one
 * contender running one bench workload, summed by who owns the code.
 *
 *   node bench/profile.js [--only pipeline,mget,...] [--client ioglide|glide|ioredis] [--seconds S] [--owner ioglide]
 *   node bench/profile.js --only bull,bullmq [--jobs 3000] --client ioglide|ioredis
 *   ... --save DIR      also write each profile to DIR (for Chrome DevTools, or callers of a function)
 *
 * For each workload: ops/s, GLIDE requests per operation (calls into GLIDE's
 * public methods, counted at its prototype), and the JS thread's samples by
 * owner: GLIDE's JavaScript (request building, protobuf, reply conversion),
 * ioglide, ioredis, Node and V8 (promises, timers, sockets), garbage
 * collection, and idle (the thread waiting for replies: GLIDE's Rust core
 * and the server run elsewhere). Then the ten functions with most self time.
 * The workloads are bench/run.js's, run alone (no interleaving), one after
 * the other, on a server of its own. `--owner O` lists the top functions of
 * that owner only (where ioglide's own share goes, say). `--only bull` or
 * `bullmq`: a queue's jobs are added, then their processing at concurrency
 * 10 is profiled (bench/queue-workload.js; these run only when named).
 */
"use strict";
const fs = require("fs");
const inspector = require("inspector");
const path = require("path");
const IORedis = require("ioredis");
const glideModule = require("@valkey/valkey-glide");
const Redis = require("..");
const { startServer } = require("../test/support/servers");
const { closedLoop, seedBenchData, SCRIPT, MGET_KEYS } = require("./measure");
const { runBull, runBullMQ } = require("./queue-workload");

const { GlideClient, Batch, Logger, Script } = glideModule;
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const SECONDS = Number(opt("seconds", 4));
const CLIENT = opt("client", "ioglide");
const ONLY = opt("only", "") ? opt("only", "").split(",") : null;
const OWNER = opt("owner", null);
const QUEUE_JOBS = Number(opt("jobs", 3000));
/** `--save DIR`: each workload's profile as DIR/<workload>-<client>.cpuprofile (Chrome DevTools opens it) */
const SAVE = opt("save", null);
function save(name, profile) {
  if (!SAVE) return;
  fs.mkdirSync(SAVE, { recursive: true });
  fs.writeFileSync(path.join(SAVE, `${name}-${CLIENT}.cpuprofile`), JSON.stringify(profile));
}

/** Calls into GLIDE's public API, counted at the prototype (both clients share BaseClient). */
const glideCalls = { n: 0 };
for (const name of ["customCommand", "exec", "get", "set", "mget", "hgetall", "invokeScript", "publish"]) {
  const proto = Object.getPrototypeOf(GlideClient.prototype);
  const target = Object.prototype.hasOwnProperty.call(GlideClient.prototype, name) ? GlideClient.prototype : proto;
  const original = target[name];
  if (typeof original !== "function") continue;
  target[name] = function counted(...args) {
    glideCalls.n++;
    return original.apply(this, args);
  };
}

const root = path.resolve(__dirname, "..");
function ownerOf(frame) {
  const url = frame.url || "";
  const fn = frame.functionName;
  if (fn === "(idle)") return "idle";
  if (fn === "(garbage collector)") return "gc";
  if (fn === "(program)" || fn === "(root)") return "node/v8";
  if (url.includes("@valkey/valkey-glide") || url.includes("/protobufjs/") || url.includes("/long/")) return "glide js";
  if (url.includes("/node_modules/ioredis/") || url.includes("/node_modules/@ioredis/")) return "ioredis";
  if (url.includes("/node_modules/redis-parser/") || url.includes("/node_modules/standard-as-callback/"))
    return CLIENT === "ioredis" ? "ioredis" : "ioglide";
  if (url.startsWith(`file://${root}/built/`) || url.startsWith(`${root}/built/`)) return "ioglide";
  if (url.includes("/bench/")) return "bench loop";
  if (url.includes("/node_modules/bull/") || url.includes("/node_modules/bullmq/")) return "queue library";
  if (url.startsWith("node:") || url === "") return "node/v8";
  return "other";
}

/** One workload's profile: the JS thread's samples by owner, then the top functions (of OWNER, if given). */
function report(title, ops, profile) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const owners = {};
  const self = new Map();
  let total = 0;
  for (const id of profile.samples) {
    const node = byNode.get(id);
    const owner = ownerOf(node.callFrame);
    owners[owner] = (owners[owner] || 0) + 1;
    total++;
    const fn = `${node.callFrame.functionName || "(anonymous)"} ${path.basename(node.callFrame.url || "")}:${node.callFrame.lineNumber + 1}`;
    if (!OWNER || owner === OWNER) self.set(fn, (self.get(fn) || 0) + 1);
  }
  const share = Object.entries(owners)
    .sort((a, b) => b[1] - a[1])
    .map(([o, n]) => `${o} ${((100 * n) / total).toFixed(0)}%`)
    .join(", ");
  console.log(`\n${title}, ${(glideCalls.n / ops).toFixed(3)} GLIDE calls per op`);
  console.log(`  JS thread: ${share}`);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, OWNER ? 25 : 10);
  for (const [fn, n] of top) console.log(`    ${((100 * n) / total).toFixed(1).padStart(5)}%  ${fn}`);
}

function post(session, method, params) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

async function main() {
  Logger.init("off");
  const server = await startServer();
  const { host, port } = server;
  const ioglide = new Redis({ host, port });
  const ioredis = new IORedis({ host, port });
  const glide = await GlideClient.createClient({ addresses: [{ host, port }], requestTimeout: 30000 });
  await ioglide.ping();
  await ioredis.ping();
  await seedBenchData(ioredis, [ioglide, ioredis]);
  const mgetKeys = MGET_KEYS;
  const glideScript = new Script(SCRIPT);
  const pipelineOf = (client) => () => {
    const p = client.pipeline();
    for (let i = 0; i < 100; i++) p.get("bench:k16");
    return p.exec();
  };

  // publish -> message, one in flight, on each contender's own subscriber
  const channel = `bench:rt:${process.pid}`;
  let wake = null;
  const woke = () => {
    const w = wake;
    wake = null;
    if (w) w();
  };
  const igSub = new Redis({ host, port });
  const ioSub = new IORedis({ host, port });
  igSub.on("message", woke);
  ioSub.on("message", woke);
  await igSub.subscribe(channel);
  await ioSub.subscribe(channel);
  const glSub = await GlideClient.createClient({
    addresses: [{ host, port }],
    pubsubSubscriptions: { channelsAndPatterns: {}, callback: woke },
  });
  await glSub.subscribe(new Set([channel]), 5000);
  const roundTrip = (publish) => () =>
    new Promise((resolve) => {
      wake = resolve;
      publish().catch(() => undefined);
    });

  const workloads = {
    get1: {
      c: 1,
      ig: () => ioglide.get("bench:k16"),
      gl: () => glide.get("bench:k16"),
      io: () => ioredis.get("bench:k16"),
    },
    get50: {
      c: 50,
      ig: () => ioglide.get("bench:k16"),
      gl: () => glide.get("bench:k16"),
      io: () => ioredis.get("bench:k16"),
    },
    pipeline: {
      c: 10,
      ig: pipelineOf(ioglide),
      io: pipelineOf(ioredis),
      gl: () => {
        const b = new Batch(false);
        for (let i = 0; i < 100; i++) b.get("bench:k16");
        return glide.exec(b, false);
      },
    },
    mget: { c: 10, ig: () => ioglide.mget(mgetKeys), gl: () => glide.mget(mgetKeys), io: () => ioredis.mget(mgetKeys) },
    hgetall: {
      c: 10,
      ig: () => ioglide.hgetall("bench:h100"),
      gl: () => glide.hgetall("bench:h100"),
      io: () => ioredis.hgetall("bench:h100"),
    },
    evalsha: {
      c: 50,
      ig: () => ioglide.benchGet("bench:k16"),
      gl: () => glide.invokeScript(glideScript, { keys: ["bench:k16"] }),
      io: () => ioredis.benchGet("bench:k16"),
    },
    pubsub: {
      c: 1,
      ig: roundTrip(() => ioglide.publish(channel, "m")),
      gl: roundTrip(() => glide.publish("m", channel)),
      io: roundTrip(() => ioredis.publish(channel, "m")),
    },
  };
  const pick = CLIENT === "ioglide" ? "ig" : CLIENT === "glide" ? "gl" : "io";
  const session = new inspector.Session();
  session.connect();
  await post(session, "Profiler.enable");
  await post(session, "Profiler.setSamplingInterval", { interval: 200 });
  console.log(`${CLIENT}: JS-thread CPU profile per workload, ${SECONDS} s each`);
  for (const [name, w] of Object.entries(workloads)) {
    if (ONLY && !ONLY.includes(name)) continue;
    await closedLoop(w.c, 500, w[pick]); // warm-up
    glideCalls.n = 0;
    await post(session, "Profiler.start");
    const ops = (await closedLoop(w.c, SECONDS * 1000, w[pick])) * SECONDS; // closedLoop gives ops/s
    const { profile } = await post(session, "Profiler.stop");
    report(`${name} (c=${w.c}): ${Math.round(ops / SECONDS)} ops/s`, ops, profile);
    save(name, profile);
  }
  // Queues: the jobs are added first, the processing is profiled (bench/queue-workload.js).
  for (const [name, run] of [
    ["bull", runBull],
    ["bullmq", runBullMQ],
  ]) {
    if (!ONLY || !ONLY.includes(name) || CLIENT === "glide") continue;
    const jobs = QUEUE_JOBS;
    const Client = CLIENT === "ioglide" ? Redis : IORedis;
    const ms = await run({
      Client,
      host,
      port,
      jobs,
      concurrency: 10,
      addFirst: true,
      onStart: async () => {
        glideCalls.n = 0;
        await post(session, "Profiler.start");
      },
    });
    const { profile } = await post(session, "Profiler.stop");
    report(`${name} (${jobs} jobs, concurrency 10): ${Math.round((jobs / ms) * 1000)} jobs/s`, jobs, profile);
    save(name, profile);
  }
  session.disconnect();
  ioglide.disconnect();
  ioredis.disconnect();
  igSub.disconnect();
  ioSub.disconnect();
  glide.close();
  glSub.close();
  await server.cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
