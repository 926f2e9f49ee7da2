"use strict";
/**
 * ioglide on each GLIDE release, interleaved in one process: which GLIDE
 * version ioglide should depend on, by measurement.
 *
 *   node bench/glide-versions.js [--versions 2.2.7,2.3.1,2.4.2,2.5.2] [--rounds 3] [--ms 1000]
 *
 * Each version is installed once into a cache in the temporary directory
 * (npm install, from the registry), and ioglide's build is copied (under
 * node_modules/.cache) with its one GLIDE import (built/glide/index.js)
 * pointed at that version.
 * First a smoke run per version through ioglide (commands, a pipeline, a
 * transaction, a script, a blocking call, a pub/sub message): a version that
 * fails it is reported and left out. Then, per workload, raw GLIDE and
 * ioglide on every version, in a rotating order; medians in ops/s.
 */
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startServer } = require("../test/support/servers");
const { closedLoop, median, seedBenchData, SCRIPT, MGET_KEYS } = require("./measure");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const VERSIONS = opt("versions", "2.2.7,2.3.1,2.4.2,2.5.2").split(",");
const ROUNDS = Number(opt("rounds", 3));
const MS = Number(opt("ms", 1000));
const CACHE = path.join(os.tmpdir(), "ioglide-glide-versions");
const BUILT = path.join(__dirname, "..", "built");
/** The copies of the build live under node_modules, so that they resolve ioglide's other dependencies. */
const COPIES = path.join(__dirname, "..", "node_modules", ".cache", "ioglide-glide-versions");

/** GLIDE `version` installed in the cache; its package directory. */
function install(version) {
  const dir = path.join(CACHE, version);
  const pkg = path.join(dir, "node_modules", "@valkey", "valkey-glide");
  if (!fs.existsSync(path.join(pkg, "package.json"))) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), "{}");
    execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", `@valkey/valkey-glide@${version}`], {
      cwd: dir,
      stdio: "pipe",
    });
  }
  return pkg;
}

/** ioglide's build with its GLIDE import pointed at `glidePackage`; the module. */
function ioglideOn(version, glidePackage) {
  const dir = path.join(COPIES, `built-${version}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(BUILT, dir, { recursive: true });
  const boundary = path.join(dir, "glide", "index.js");
  const source = fs.readFileSync(boundary, "utf8");
  fs.writeFileSync(
    boundary,
    source.split('require("@valkey/valkey-glide")').join(`require(${JSON.stringify(glidePackage)})`),
  );
  return require(path.join(dir, "main.js"));
}

/** What a user does first: each through ioglide on this version; throws on the first difference. */
async function smoke(Redis, host, port, version) {
  const c = new Redis({ host, port });
  const sub = new Redis({ host, port });
  const k = `gv:${process.pid}:${version}`;
  const eq = (a, b, what) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${what}: ${JSON.stringify(a)}`);
  };
  try {
    eq(await c.set(k, "v"), "OK", "SET");
    eq(await c.get(k), "v", "GET");
    eq(await c.hset(`${k}:h`, { a: "1", b: "2" }), 2, "HSET");
    eq(await c.hgetall(`${k}:h`), { a: "1", b: "2" }, "HGETALL");
    eq(
      await c.pipeline().incr(`${k}:n`).get(`${k}:n`).exec(),
      [
        [null, 1],
        [null, "1"],
      ],
      "pipeline",
    );
    eq(
      await c.multi().incr(`${k}:n`).get(`${k}:n`).exec(),
      [
        [null, 2],
        [null, "2"],
      ],
      "multi",
    );
    eq(await c.eval("return KEYS[1]", 1, "x"), "x", "EVAL");
    const popped = c.blpop(`${k}:l`, 2);
    await c.duplicate().rpush(`${k}:l`, "e");
    eq(await popped, [`${k}:l`, "e"], "BLPOP");
    const got = new Promise((resolve) => sub.once("message", (ch, m) => resolve([ch, m])));
    await sub.subscribe(`${k}:ch`);
    await c.publish(`${k}:ch`, "m");
    eq(await got, [`${k}:ch`, "m"], "message");
    eq(await c.getBuffer(k), Buffer.from("v"), "getBuffer");
  } finally {
    c.disconnect();
    sub.disconnect();
  }
}

async function main() {
  const server = await startServer();
  const { host, port } = server;
  const contenders = [];
  for (const version of VERSIONS) {
    const pkg = install(version);
    const glide = require(pkg);
    glide.Logger.init("off");
    // ioglide subscribes on a live connection (GLIDE's dynamic subscribe/unsubscribe).
    if (typeof glide.GlideClient.prototype.subscribe !== "function") {
      console.log(`GLIDE ${version}: no dynamic subscribe/unsubscribe, which ioglide needs; left out`);
      continue;
    }
    const Redis = ioglideOn(version, pkg);
    try {
      await smoke(Redis, host, port, version);
      console.log(`GLIDE ${version}: ioglide's smoke run passed`);
    } catch (err) {
      console.log(`GLIDE ${version}: ioglide's smoke run FAILED (${err.message}); left out`);
      continue;
    }
    const raw = await glide.GlideClient.createClient({ addresses: [{ host, port }], requestTimeout: 30000 });
    const ioglide = new Redis({ host, port });
    await ioglide.ping();
    contenders.push({ version, glide, raw, ioglide, script: new glide.Script(SCRIPT) });
  }
  if (contenders.length === 0) throw new Error("no GLIDE version passed the smoke run");
  await seedBenchData(
    contenders[0].ioglide,
    contenders.map((c) => c.ioglide),
  );

  const workloads = [
    ["GET 16B, 1 in flight", 1, (c) => () => c.ioglide.get("bench:k16"), (c) => () => c.raw.get("bench:k16")],
    ["GET 16B, 50 in flight", 50, (c) => () => c.ioglide.get("bench:k16"), (c) => () => c.raw.get("bench:k16")],
    ["GET 16B, 1000 in flight", 1000, (c) => () => c.ioglide.get("bench:k16"), (c) => () => c.raw.get("bench:k16")],
    [
      "100-command pipeline, 10 in flight",
      10,
      (c) => () => {
        const p = c.ioglide.pipeline();
        for (let i = 0; i < 100; i++) p.get("bench:k16");
        return p.exec();
      },
      (c) => () => {
        const b = new c.glide.Batch(false);
        for (let i = 0; i < 100; i++) b.get("bench:k16");
        return c.raw.exec(b, false);
      },
    ],
    ["MGET 100 keys, 10 in flight", 10, (c) => () => c.ioglide.mget(MGET_KEYS), (c) => () => c.raw.mget(MGET_KEYS)],
    [
      "HGETALL 100 fields, 10 in flight",
      10,
      (c) => () => c.ioglide.hgetall("bench:h100"),
      (c) => () => c.raw.hgetall("bench:h100"),
    ],
    [
      "EVALSHA, 50 in flight",
      50,
      (c) => () => c.ioglide.benchGet("bench:k16"),
      (c) => () => c.raw.invokeScript(c.script, { keys: ["bench:k16"] }),
    ],
  ];
  const runs = [];
  for (const c of contenders) {
    runs.push({ who: `ioglide on ${c.version}`, c, pick: 2 });
    runs.push({ who: `GLIDE ${c.version}`, c, pick: 3 });
  }
  const results = new Map(workloads.map(([label]) => [label, new Map(runs.map((r) => [r.who, []]))]));
  console.log(`\n${ROUNDS} rounds x ${MS} ms per point, server ${host}:${port}\n`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const w of workloads) {
      const shift = round % runs.length;
      for (const r of runs.slice(shift).concat(runs.slice(0, shift))) {
        const ops = await closedLoop(w[1], MS, w[r.pick](r.c));
        results.get(w[0]).get(r.who).push(ops);
      }
    }
    console.log(`  round ${round + 1}/${ROUNDS} done`);
  }
  const fmt = (n) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
  console.log(`\n| workload | ${runs.map((r) => r.who).join(" | ")} |`);
  console.log(`|---|${runs.map(() => "---:").join("|")}|`);
  for (const [label] of workloads) {
    const row = runs.map((r) => fmt(median(results.get(label).get(r.who))));
    console.log(`| ${label} | ${row.join(" | ")} |`);
  }
  for (const c of contenders) {
    c.ioglide.disconnect();
    c.raw.close();
    c.script.release();
  }
  await server.cleanup();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
