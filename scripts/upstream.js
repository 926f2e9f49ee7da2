#!/usr/bin/env node
/**
 * Runs a library's own test suite, unmodified, with `ioredis` resolved to
 * ioglide:
 *
 *   npm run test:upstream -- bull   [--grep PATTERN] [--runs N] [--client ioredis] <path to a Bull checkout>
 *   npm run test:upstream -- bullmq [--grep PATTERN] [--runs N] [--client ioredis] <path to a BullMQ checkout>
 *   npm run test:upstream -- socketio [--grep PATTERN] [--runs N] [--client ioredis] <path to a @socket.io/redis-adapter checkout>
 *
 * The checkout is prepared as its own README says (dependencies installed,
 * generated Lua scripts in place); this script does not build it. Both suites
 * hard-code a server on 127.0.0.1:6379, so each run gets its own network
 * namespace (`ip netns`, needs root) with its own server on that port: it
 * cannot collide with a server on the machine or with another run. The
 * Socket.IO adapter's suite also hard-codes a cluster on localhost:7000-7005
 * (3 masters, 3 replicas): its namespace gets one; by default only its
 * ioredis cases run (--grep ioredis), the others test node-redis.
 *
 * `--client ioredis` runs the same suite on real ioredis (the oracle);
 * `--files a,b` limits the run to those test files.
 * Prints each run's pass/fail counts and each failure, then the tests that
 * failed in any run; exits non-zero when one did.
 */
"use strict";
const { spawn, spawnSync, execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const HOOK = path.join(__dirname, "upstream", "resolve-ioredis.js");
const REPORTER = path.join(__dirname, "upstream", "mocha-reporter.js");

function usage(message) {
  if (message) console.error(message);
  console.error(
    "usage: npm run test:upstream -- <bull|bullmq|socketio> [--grep PATTERN] [--runs N] [--client ioglide|ioredis] [--files a,b] <checkout>",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { suite: undefined, grep: undefined, runs: 1, client: "ioglide", files: undefined, checkout: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === "--grep") opts.grep = value();
    else if (a === "--runs") opts.runs = Number(value());
    else if (a === "--client") opts.client = value();
    else if (a === "--files") opts.files = value().split(",");
    else if (a.startsWith("--")) usage(`unknown option ${a}`);
    else if (!opts.suite) opts.suite = a;
    else if (!opts.checkout) opts.checkout = path.resolve(a);
    else usage(`unexpected argument ${a}`);
  }
  if (!SUITES[opts.suite]) usage("the suite is bull, bullmq or socketio");
  if (!opts.checkout) usage("the path to a checkout is required");
  if (!["ioglide", "ioredis"].includes(opts.client)) usage("--client is ioglide or ioredis");
  if (!(opts.runs >= 1)) usage("--runs is a positive number");
  return opts;
}

/** What the checkout needs before its suite can run (its own preparation steps). */
function checkCheckout(suite, dir, files) {
  const pkgFile = path.join(dir, "package.json");
  if (!fs.existsSync(pkgFile)) usage(`${dir} has no package.json`);
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
  if (pkg.name !== SUITES[suite].packageName) usage(`${dir} is ${pkg.name}, not ${SUITES[suite].packageName}`);
  const missing = [];
  if (!fs.existsSync(path.join(dir, "node_modules"))) missing.push("its dependencies (npm install)");
  const scripts = SUITES[suite].generatedScripts;
  if (scripts && !fs.existsSync(path.join(dir, scripts)))
    missing.push(
      `its generated Lua scripts in ${scripts} (see its package.json: generate:raw:scripts, transform:commands)`,
    );
  if (suite === "bullmq" && !fs.existsSync(path.join(dir, "dist", "cjs", "classes", "main.js"))) {
    missing.push("its build in dist/ (sandboxed processors run the built files: see its package.json build script)");
  }
  if (missing.length) usage(`prepare the checkout first: ${missing.join("; ")}`);
  for (const f of files ?? []) {
    // A file that is not there would silently widen the run to the whole suite.
    if (!/[*?[]/.test(f) && !fs.existsSync(path.join(dir, f)))
      usage(`--files: ${f} is not in ${dir} (paths are relative to the checkout)`);
  }
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["-C", dir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    /* not a git checkout */
  }
  return { version: pkg.version, commit };
}

function serverBinary() {
  for (const bin of ["valkey-server", "redis-server"]) {
    if (spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0) return bin;
  }
  throw new Error("no valkey-server or redis-server on PATH");
}

/** The ports of the cluster the Socket.IO adapter's suite expects (3 masters, then their replicas). */
const CLUSTER_PORTS = [7000, 7001, 7002, 7003, 7004, 7005];

/** Run a command inside the namespace and wait for it (redis-cli). */
function inNamespace(ns, args) {
  return spawnSync("ip", ["netns", "exec", ns, ...args], { encoding: "utf8" });
}

/**
 * A network namespace with loopback up, and a server on 6379 inside it;
 * with `cluster`, also a cluster on CLUSTER_PORTS.
 */
async function startIsolatedServer({ cluster = false } = {}) {
  const ns = `ioglide-up-${process.pid}-${Date.now() % 100000}`;
  try {
    execFileSync("ip", ["netns", "add", ns]);
  } catch (err) {
    throw new Error(`cannot create a network namespace (root and iproute2 needed): ${err.message}`);
  }
  execFileSync("ip", ["netns", "exec", ns, "ip", "link", "set", "lo", "up"]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ioglide-upstream-"));
  const spawnServer = (port, extra = []) => {
    const portDir = path.join(dir, String(port));
    fs.mkdirSync(portDir);
    const args = ["--port", String(port), "--bind", "127.0.0.1 ::1", "--save", "", "--appendonly", "no"];
    return spawn("ip", ["netns", "exec", ns, serverBinary(), ...args, "--dir", portDir, ...extra], {
      stdio: "ignore",
    });
  };
  const servers = [spawnServer(6379)];
  if (cluster) {
    const clusterArgs = ["--cluster-enabled", "yes", "--cluster-node-timeout", "5000"];
    for (const port of CLUSTER_PORTS) servers.push(spawnServer(port, clusterArgs));
  }
  const stop = () => {
    for (const server of servers) {
      try {
        server.kill("SIGKILL");
      } catch {
        /* gone */
      }
    }
    spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean)
      .forEach((pid) => spawnSync("kill", ["-9", pid]));
    spawnSync("ip", ["netns", "del", ns]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const ports = cluster ? [6379, ...CLUSTER_PORTS] : [6379];
  const pong = (port) => inNamespace(ns, ["redis-cli", "-p", String(port), "ping"]).stdout.trim() === "PONG";
  const until = async (what, ok) => {
    for (let i = 0; i < 150; i++) {
      if (ok()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    stop();
    throw new Error(`in the namespace, ${what}`);
  };
  await until("the servers did not start", () => ports.every(pong));
  if (cluster) {
    const create = inNamespace(ns, [
      "redis-cli",
      "--cluster",
      "create",
      ...CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "1",
      "--cluster-yes",
    ]);
    if (create.status !== 0) {
      stop();
      throw new Error(`in the namespace, the cluster was not created: ${create.stdout}${create.stderr}`);
    }
    // Every node sees the whole cluster and every replica is attached before the suite starts.
    const settled = (port) => {
      const info = inNamespace(ns, ["redis-cli", "-p", String(port), "cluster", "info"]).stdout;
      const nodes = inNamespace(ns, ["redis-cli", "-p", String(port), "cluster", "nodes"]).stdout;
      const connected = nodes.split("\n").filter((l) => l.includes(" connected")).length;
      return /cluster_state:ok/.test(info) && connected === CLUSTER_PORTS.length;
    };
    await until("the cluster did not settle", () => CLUSTER_PORTS.every(settled));
  }
  return { ns, stop };
}

function run(ns, command, args, cwd, env) {
  return new Promise((resolve) => {
    const child = spawn("ip", ["netns", "exec", ns, command, ...args], { cwd, env, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Bull: mocha over test/test_*, as its package.json runs it. */
async function runBull(opts, ns, env, results) {
  const mocha = path.join(opts.checkout, "node_modules", ".bin", "mocha");
  const files = opts.files ?? ["test/test_*"];
  const args = [...files, "--recursive", "--exit", "--reporter", REPORTER];
  if (opts.grep) args.push("--grep", opts.grep);
  const file = path.join(results, "bull.json");
  await run(ns, mocha, args, opts.checkout, { ...env, NODE_ENV: "test", IOGLIDE_UPSTREAM_RESULTS: file });
  return readResults(file);
}

/**
 * BullMQ: vitest with its main config and its ioredis-only config, as its
 * `test` and `test:ioredis` scripts run them; `ioredis` aliased to ioglide
 * for what vitest resolves itself (the require hook covers Node's require).
 */
async function runBullmq(opts, ns, env, results) {
  const vitest = path.join(opts.checkout, "node_modules", ".bin", "vitest");
  const all = [];
  for (const base of ["vitest.config.ts", "vitest.ioredis.config.ts"]) {
    const config = path.join(results, `ioglide.${base.replace(/\.ts$/, ".mts")}`);
    const alias =
      opts.client === "ioglide"
        ? `[{ find: /^ioredis$/, replacement: ${JSON.stringify(path.join(ROOT, "built", "index.mjs"))} },
           { find: /^ioredis\\/(.*)$/, replacement: ${JSON.stringify(ROOT + "/")} + "$1" }]`
        : "[]";
    fs.writeFileSync(
      config,
      `import base from ${JSON.stringify(path.join(opts.checkout, base))};
export default { ...base, root: ${JSON.stringify(opts.checkout)}, resolve: { ...(base.resolve ?? {}), alias: ${alias} },
  test: { ...base.test, server: { deps: { external: [${JSON.stringify(ROOT + "/built/")}] } } } };\n`,
    );
    const out = path.join(results, `${base}.json`);
    const args = [
      "run",
      "--no-file-parallelism",
      "--config",
      config,
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}`,
    ];
    if (opts.grep) args.push("-t", opts.grep);
    if (opts.files) args.push(...opts.files);
    await run(ns, vitest, args, opts.checkout, env);
    if (fs.existsSync(out)) all.push(...readVitest(out));
  }
  return all;
}

/**
 * The Socket.IO Redis adapter: mocha over test/test-runner.ts through
 * ts-node, as its package.json runs it (without nyc and --bail, so that one
 * failure does not hide the rest); only the ioredis cases unless --grep says
 * otherwise.
 */
async function runSocketio(opts, ns, env, results) {
  const mocha = path.join(opts.checkout, "node_modules", ".bin", "mocha");
  const files = opts.files ?? ["test/test-runner.ts"];
  const args = ["--require", "ts-node/register", ...files, "--exit", "--reporter", REPORTER];
  args.push("--grep", opts.grep ?? "ioredis");
  const file = path.join(results, "socketio.json");
  await run(ns, mocha, args, opts.checkout, { ...env, IOGLIDE_UPSTREAM_RESULTS: file });
  return readResults(file);
}

/** Each suite: its package, how it runs, whether it needs the cluster, where its generated Lua scripts go. */
const SUITES = {
  bull: { packageName: "bull", run: runBull, cluster: false, generatedScripts: "lib/scripts" },
  bullmq: { packageName: "bullmq", run: runBullmq, cluster: false, generatedScripts: "src/scripts" },
  socketio: { packageName: "@socket.io/redis-adapter", run: runSocketio, cluster: true, generatedScripts: null },
};

function readResults(file) {
  if (!fs.existsSync(file)) return [{ title: "(the suite did not report: it crashed or was killed)", state: "failed" }];
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function readVitest(file) {
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  const tests = [];
  for (const suite of report.testResults ?? []) {
    const rel = path.relative(process.cwd(), suite.name);
    if (suite.assertionResults.length === 0 && suite.status === "failed") {
      tests.push({ title: `${rel}: ${suite.message || "failed to load"}`.slice(0, 300), state: "failed" });
    }
    for (const t of suite.assertionResults) {
      const state = t.status === "passed" ? "passed" : t.status === "failed" ? "failed" : "skipped";
      tests.push({
        title: `${path.basename(suite.name)} > ${t.fullName}`,
        state,
        error: t.failureMessages?.[0]?.split("\n").slice(0, 4).join("\n"),
      });
    }
  }
  return tests;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const checkout = checkCheckout(opts.suite, opts.checkout, opts.files);
  console.log(`${opts.suite} ${checkout.version} at ${checkout.commit}, client ${opts.client}, ${opts.runs} run(s)`);
  const env = { ...process.env, IOGLIDE_ROOT: ROOT };
  if (opts.client === "ioglide") env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${HOOK}`.trim();
  const summary = [];
  const failedAnywhere = new Map();
  for (let i = 1; i <= opts.runs; i++) {
    const suite = SUITES[opts.suite];
    const server = await startIsolatedServer({ cluster: suite.cluster });
    const results = fs.mkdtempSync(path.join(os.tmpdir(), "ioglide-upstream-results-"));
    const stopOnSignal = () => {
      server.stop();
      process.exit(130);
    };
    process.once("SIGINT", stopOnSignal);
    process.once("SIGTERM", stopOnSignal);
    let tests;
    try {
      tests = await suite.run(opts, server.ns, env, results);
    } finally {
      server.stop();
      process.off("SIGINT", stopOnSignal);
      process.off("SIGTERM", stopOnSignal);
      fs.rmSync(results, { recursive: true, force: true });
    }
    const count = (s) => tests.filter((t) => t.state === s).length;
    const failed = tests.filter((t) => t.state === "failed");
    summary.push(`run ${i}: ${count("passed")} passed, ${failed.length} failed, ${count("skipped")} skipped`);
    console.log(`\n=== ${opts.suite} on ${opts.client}, ${summary[summary.length - 1]}`);
    for (const t of failed) {
      console.log(`  FAILED ${t.title}${t.error ? "\n    " + t.error.split("\n").join("\n    ") : ""}`);
      failedAnywhere.set(t.title, (failedAnywhere.get(t.title) ?? 0) + 1);
    }
  }
  console.log(`\n${opts.suite} ${checkout.version} (${checkout.commit.slice(0, 12)}) on ${opts.client}:`);
  for (const line of summary) console.log("  " + line);
  if (failedAnywhere.size > 0) {
    console.log("failed in some run:");
    for (const [title, n] of failedAnywhere) console.log(`  ${n}/${opts.runs}  ${title}`);
  }
  process.exit(failedAnywhere.size > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
