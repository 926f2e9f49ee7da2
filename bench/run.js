"use strict";
/**
 * ioglide vs raw GLIDE vs ioredis vs node-redis, interleaved in one process.
 *
 *   npm run bench                      # 3 rounds x 1 s per point
 *   node bench/run.js --rounds 5 --ms 2000 --only get,set
 *   BENCH_SERVER=host:port node bench/run.js   # use an existing server
 *   node bench/run.js --relay-us 100           # a remote server: 100 us added each way (bench/relay.js)
 *
 * Every point runs each contender for the same time, the contenders in a
 * rotating order, each round; the table shows medians (ops/s) and ratios.
 * The 100,000-call burst runs each contender in a fresh child process so its
 * RSS growth is its own.
 */
const { fork } = require("child_process");
const path = require("path");
const IORedis = require("ioredis");
const { GlideClient, Batch, Logger, Script } = require("@valkey/valkey-glide");
const NodeRedis = require("redis");
const Redis = require("..");
const { startServer } = require("../test/support/servers");
const { seedBenchData, SCRIPT, MGET_KEYS, VALUE16 } = require("./measure");
const { startRelay } = require("./relay");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const ROUNDS = Number(opt("rounds", 3));
const MS = Number(opt("ms", 1000));
const ONLY = opt("only", "") ? opt("only", "").split(",") : null;
const RELAY_US = Number(opt("relay-us", 0));

/** Closed loop: `concurrency` workers, each awaiting its call before the next; ops/s. */
async function closedLoop(concurrency, ms, fn) {
  let ops = 0;
  let errors = 0;
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        try {
          await fn();
          ops++;
        } catch (e) {
          errors++;
          if (errors === 1) console.error("  (error) " + e.message);
        }
      }
    }),
  );
  return { rate: ops / (ms / 1000), errors };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  Logger.init("off");
  let server;
  let host = "127.0.0.1";
  let port;
  if (process.env.BENCH_SERVER) [host, port] = process.env.BENCH_SERVER.split(":");
  else {
    server = await startServer();
    port = server.port;
  }
  port = Number(port);
  const relay = RELAY_US > 0 ? await startRelay(host, port, RELAY_US) : null;
  if (relay) ({ host, port } = relay);

  const ioglide = new Redis({ host, port });
  const ioredis = new IORedis({ host, port });
  const glide = await GlideClient.createClient({ addresses: [{ host, port }], requestTimeout: 30000 });
  const nodeRedis = NodeRedis.createClient({ socket: { host, port } });
  await nodeRedis.connect();
  await ioglide.ping();
  await ioredis.ping();

  await seedBenchData(ioredis, [ioglide, ioredis]);
  const mgetKeys = MGET_KEYS;
  const glideScript = new Script(SCRIPT);
  // node-redis's scripts are EVALSHA of a loaded script too.
  const sha = await nodeRedis.scriptLoad(SCRIPT);

  const pipelineOf = (client) => () => {
    const p = client.pipeline();
    for (let i = 0; i < 100; i++) p.get("bench:k16");
    return p.exec();
  };
  const workloads = [
    {
      name: "get",
      label: "GET 16B, 1 in flight",
      c: 1,
      io: () => ioredis.get("bench:k16"),
      ig: () => ioglide.get("bench:k16"),
      gl: () => glide.get("bench:k16"),
      nr: () => nodeRedis.get("bench:k16"),
    },
    {
      name: "get",
      label: "GET 16B, 50 in flight",
      c: 50,
      io: () => ioredis.get("bench:k16"),
      ig: () => ioglide.get("bench:k16"),
      gl: () => glide.get("bench:k16"),
      nr: () => nodeRedis.get("bench:k16"),
    },
    {
      name: "get",
      label: "GET 16B, 1000 in flight",
      c: 1000,
      io: () => ioredis.get("bench:k16"),
      ig: () => ioglide.get("bench:k16"),
      gl: () => glide.get("bench:k16"),
      nr: () => nodeRedis.get("bench:k16"),
    },
    {
      name: "set",
      label: "SET 16B, 1 in flight",
      c: 1,
      io: () => ioredis.set("bench:s", VALUE16),
      ig: () => ioglide.set("bench:s", VALUE16),
      gl: () => glide.set("bench:s", VALUE16),
      nr: () => nodeRedis.set("bench:s", VALUE16),
    },
    {
      name: "set",
      label: "SET 16B, 50 in flight",
      c: 50,
      io: () => ioredis.set("bench:s", VALUE16),
      ig: () => ioglide.set("bench:s", VALUE16),
      gl: () => glide.set("bench:s", VALUE16),
      nr: () => nodeRedis.set("bench:s", VALUE16),
    },
    {
      name: "set",
      label: "SET 16B, 1000 in flight",
      c: 1000,
      io: () => ioredis.set("bench:s", VALUE16),
      ig: () => ioglide.set("bench:s", VALUE16),
      gl: () => glide.set("bench:s", VALUE16),
      nr: () => nodeRedis.set("bench:s", VALUE16),
    },
    {
      name: "pipeline",
      label: "100-command pipeline, 10 in flight",
      c: 10,
      io: pipelineOf(ioredis),
      ig: typeof ioglide.pipeline === "function" ? pipelineOf(ioglide) : null,
      gl: () => {
        const b = new Batch(false);
        for (let i = 0; i < 100; i++) b.get("bench:k16");
        return glide.exec(b, false);
      },
      nr: () => {
        const m = nodeRedis.multi();
        for (let i = 0; i < 100; i++) m.get("bench:k16");
        return m.execAsPipeline();
      },
    },
    {
      name: "mget",
      label: "MGET 100 keys, 10 in flight",
      c: 10,
      io: () => ioredis.mget(mgetKeys),
      ig: () => ioglide.mget(mgetKeys),
      gl: () => glide.mget(mgetKeys),
      nr: () => nodeRedis.mGet(mgetKeys),
    },
    {
      name: "evalsha",
      label: "EVALSHA (defined command), 50 in flight",
      c: 50,
      io: () => ioredis.benchGet("bench:k16"),
      ig: () => ioglide.benchGet("bench:k16"),
      gl: () => glide.invokeScript(glideScript, { keys: ["bench:k16"] }),
      nr: () => nodeRedis.evalSha(sha, { keys: ["bench:k16"] }),
    },
    {
      name: "hgetall",
      label: "HGETALL 100 fields, 10 in flight",
      c: 10,
      io: () => ioredis.hgetall("bench:h100"),
      ig: () => ioglide.hgetall("bench:h100"),
      gl: () => glide.hgetall("bench:h100"),
      nr: () => nodeRedis.hGetAll("bench:h100"),
    },
  ].filter((w) => !ONLY || ONLY.includes(w.name));

  // publish -> message round trip, one in flight: each contender publishes and waits for its own subscriber.
  const roundTrip = async () => {
    const channel = `bench:rt:${process.pid}`;
    const make = (subscribe, publish) => {
      let waiting = null;
      const onMessage = () => {
        const w = waiting;
        waiting = null;
        if (w) w();
      };
      return {
        ready: subscribe(onMessage),
        run: () =>
          new Promise((resolve) => {
            waiting = resolve;
            publish();
          }),
      };
    };
    const igSub = new Redis({ host, port });
    const ioSub = new IORedis({ host, port });
    const ig = make(
      (cb) => (igSub.on("message", cb), igSub.subscribe(channel)),
      () => ioglide.publish(channel, "m"),
    );
    const io = make(
      (cb) => (ioSub.on("message", cb), ioSub.subscribe(channel)),
      () => ioredis.publish(channel, "m"),
    );
    let glideCb = () => undefined;
    const glSub = await GlideClient.createClient({
      addresses: [{ host, port }],
      pubsubSubscriptions: { channelsAndPatterns: {}, callback: () => glideCb() },
    });
    const gl = make(
      (cb) => ((glideCb = cb), glSub.subscribe(new Set([channel]), 5000)),
      () => glide.publish("m", channel),
    );
    const nrSub = nodeRedis.duplicate();
    await nrSub.connect();
    const nr = make(
      (cb) => nrSub.subscribe(channel, cb),
      () => nodeRedis.publish(channel, "m"),
    );
    await Promise.all([ig.ready, io.ready, gl.ready, nr.ready]);
    return {
      ig: ig.run,
      io: io.run,
      gl: gl.run,
      nr: nr.run,
      close: () => (igSub.disconnect(), ioSub.disconnect(), glSub.close(), nrSub.destroy()),
    };
  };
  const rt = !ONLY || ONLY.includes("pubsub") ? await roundTrip() : null;
  if (rt)
    workloads.push({
      name: "pubsub",
      label: "publish -> message round trip, 1 in flight",
      c: 1,
      io: rt.io,
      ig: rt.ig,
      gl: rt.gl,
      nr: rt.nr,
    });

  const contenders = ["ioglide", "glide", "ioredis", "node-redis"];
  const KEY = { ioglide: "ig", glide: "gl", ioredis: "io", "node-redis": "nr" };
  const results = new Map(workloads.map((w) => [w.label, Object.fromEntries(contenders.map((c) => [c, []]))]));
  const where = relay ? `through a relay adding ${RELAY_US} us each way` : `server ${host}:${port}`;
  console.log(`ioglide vs raw GLIDE vs ioredis vs node-redis: ${ROUNDS} rounds x ${MS} ms per point, ${where}\n`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const w of workloads) {
      const shift = round % contenders.length;
      const order = contenders.slice(shift).concat(contenders.slice(0, shift));
      for (const who of order) {
        const fn = w[KEY[who]];
        if (!fn) continue;
        const r = await closedLoop(w.c, MS, fn);
        results.get(w.label)[who].push(r.rate);
      }
    }
    process.stdout.write(`  round ${round + 1}/${ROUNDS} done\n`);
  }

  const fmt = (n) => (Number.isNaN(n) ? "n/a" : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
  const ratio = (n) => (Number.isNaN(n) ? "n/a" : `${n.toFixed(2)}x`);
  if (workloads.length > 0)
    console.log(
      "\n| workload | ioredis ops/s | raw GLIDE ops/s | node-redis ops/s | ioglide ops/s | ioglide / ioredis | ioglide / GLIDE | node-redis / ioredis |",
    );
  if (workloads.length > 0) console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const w of workloads) {
    const r = results.get(w.label);
    const m = Object.fromEntries(contenders.map((c) => [c, r[c].length ? median(r[c]) : NaN]));
    console.log(
      `| ${w.label} | ${fmt(m.ioredis)} | ${fmt(m.glide)} | ${fmt(m["node-redis"])} | ${fmt(m.ioglide)} | ` +
        `${ratio(m.ioglide / m.ioredis)} | ${ratio(m.ioglide / m.glide)} | ${ratio(m["node-redis"] / m.ioredis)} |`,
    );
  }

  if (rt) rt.close();
  nodeRedis.destroy();
  ioglide.disconnect();
  ioredis.disconnect();
  glideScript.release();
  glide.close();

  if (!ONLY || ONLY.includes("burst")) {
    console.log(
      "\n100,000 concurrent GETs, each contender in a fresh process (harness: the same 100,000 promises with no client):\n",
    );
    console.log("| contender | succeeded | failed | time | RSS growth |");
    console.log("|---|---:|---:|---:|---:|");
    for (const who of [...contenders, "harness"]) {
      const r = await new Promise((resolve, reject) => {
        const child = fork(path.join(__dirname, "burst.js"), [who, host, String(port)], {
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        child.once("message", resolve);
        child.once("error", reject);
      });
      console.log(`| ${who} | ${r.ok} | ${r.failed} | ${r.ms} ms | ${(r.rss / 1048576).toFixed(0)} MB |`);
    }
  }
  if (relay) relay.stop();
  if (server) await server.cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
