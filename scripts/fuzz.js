#!/usr/bin/env node
/**
 * The differential fuzzer (test/support/fuzz.js), long runs:
 *
 *   npm run fuzz -- [--seed N] [--ops M] [--runs R] [--bad]
 *   npm run fuzz -- --faults [--cluster] [--seed N] [--seconds S] [--runs R]
 *   npm run fuzz -- --population [--sentinel] [--seed N] [--seconds S] [--runs R] [--minutes M]
 *
 * Starts a server of its own, runs R programs of M steps from seeds N, N+1,
 * ... through ioglide (database 1) and ioredis (database 2), and prints each
 * mismatch with its seed, the step, both outcomes and a shrunk program.
 * `--bad` is the bad-input mode: half the calls get an argument no command
 * accepts (undefined, Symbols, functions, cycles, 3 MB strings, NaN, BigInt,
 * nested arrays, ...); ioglide must settle every call without throwing or
 * hanging, and differ from ioredis only where COMPATIBILITY.md says it
 * refuses on purpose. Any unhandled rejection fails the run.
 * `--faults` runs test/support/faults.js instead: S seconds of writes
 * through ioglide while the server is killed, restarted, put to sleep and
 * its connections killed at random; every call must settle, every
 * acknowledged write must be on the server, events must follow ioredis's
 * order. The same run through ioredis is printed beside it for reference.
 * With `--cluster`, on a 3-master cluster with replicas: CLUSTER FAILOVER,
 * CLIENT KILL and DEBUG SLEEP of random nodes, through Redis.Cluster.
 * `--population` runs test/support/population.js: in one process, a random
 * population of writers, subscribers, blocking callers and clients that
 * cannot connect is made, used and ended while the server (or, with
 * `--sentinel`, the Sentinel setup: SENTINEL FAILOVER, kill -9 of the
 * master) is faulted; a failing seed is shrunk to fewer clients and less
 * time. `--minutes M` keeps running seeds for M minutes.
 * Exit code 1 on any mismatch.
 */
"use strict";
const Redis = require("..");
const IORedis = require("ioredis");
const { startServer, startCluster } = require("../test/support/servers");
const { program, compare, shrink, printable } = require("../test/support/fuzz");
const { faultRun, standaloneTarget, clusterTarget, sentinelTarget } = require("../test/support/faults");
const { populationRun, shrinkPopulation, DEFAULT_SLOTS } = require("../test/support/population");
const { startSentinels } = require("../test/support/servers");

const bad = process.argv.includes("--bad");
const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function faults() {
  const seed = arg("seed", Date.now() % 100000);
  const seconds = arg("seconds", 30);
  const runs = arg("runs", 1);
  const cluster = process.argv.includes("--cluster");
  const aof = ["--appendonly", "yes", "--appendfsync", "always"];
  const server = cluster ? null : await startServer({ extraArgs: aof });
  const nodes = cluster ? await startCluster({ extraArgs: aof }) : null;
  const target = cluster ? clusterTarget(nodes.nodes) : standaloneTarget(server);
  let failed = 0;
  try {
    for (let r = 0; r < runs; r++) {
      for (const [name, Client] of [
        ["ioglide", Redis],
        ["ioredis", IORedis],
      ]) {
        const makeClient = () =>
          cluster
            ? new Client.Cluster([{ host: "127.0.0.1", port: nodes.nodes[0].port }], {
                redisOptions: { maxRetriesPerRequest: null },
              })
            : new Client({ port: server.port, maxRetriesPerRequest: null });
        const { figures, problems } = await faultRun({
          seed: seed + r,
          seconds,
          target,
          makeClient,
          checkEvents: !cluster,
        });
        const { calls, resolved, rejected, hung, ackedLost, reordered, faults: injected, errors } = figures;
        console.log(
          `seed ${seed + r} ${name}: ${calls} calls (${resolved} resolved, ${rejected} rejected, ${hung} hung), ` +
            `${ackedLost} acknowledged writes lost, ${reordered} logged out of order; faults ${JSON.stringify(injected)}` +
            (rejected ? `; errors ${JSON.stringify(errors)}` : ""),
        );
        for (const p of problems) console.log(`  ${name === "ioglide" ? "PROBLEM" : "(ioredis)"} ${p}`);
        if (name === "ioglide" && problems.length) failed++;
      }
    }
  } finally {
    if (server) await server.cleanup();
    if (nodes) await nodes.cleanup();
  }
  if (unhandled.length) {
    failed++;
    console.log(`${unhandled.length} unhandled rejection(s), the first: ${unhandled[0] && unhandled[0].stack}`);
  }
  console.log(`${runs - Math.min(failed, runs)} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

async function population() {
  const seed = arg("seed", Date.now() % 100000);
  const seconds = arg("seconds", 20);
  const runs = arg("runs", 1);
  const until = Date.now() + arg("minutes", 0) * 60000;
  const sentinel = process.argv.includes("--sentinel");
  const aof = ["--appendonly", "yes", "--appendfsync", "always"];
  const server = sentinel ? null : await startServer({ extraArgs: aof });
  const setup = sentinel ? await startSentinels({ extraArgs: aof }) : null;
  const target = sentinel ? sentinelTarget(setup) : standaloneTarget(server);
  const connect = () => (sentinel ? { sentinels: setup.sentinels, name: setup.name } : { port: server.port });
  const stranger = () => (sentinel ? { sentinels: setup.sentinels, name: "nosuchmaster" } : { port: 1 });
  const run = (s, slots, secs) =>
    populationRun({ seed: s, seconds: secs, target, Client: Redis, connect, stranger, slots });
  let failed = 0;
  let done = 0;
  try {
    for (let r = 0; r < runs || Date.now() < until; r++) {
      const { figures, problems } = await run(seed + r, DEFAULT_SLOTS, seconds);
      done++;
      console.log(`seed ${seed + r}${sentinel ? " --sentinel" : ""}: ${JSON.stringify(figures)}`);
      for (const p of problems.slice(0, 20)) console.log(`  PROBLEM ${p}`);
      if (!problems.length) continue;
      failed++;
      const small = await shrinkPopulation(
        async (slots, secs) => (await run(seed + r, slots, secs)).problems,
        DEFAULT_SLOTS,
        seconds,
      );
      console.log(`  shrunk: seed ${seed + r}, slots ${JSON.stringify(small.slots)}, ${small.seconds} s`);
    }
  } finally {
    if (server) await server.cleanup();
    if (setup) await setup.cleanup();
  }
  if (unhandled.length) failed++;
  console.log(`${done - Math.min(failed, done)} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

async function main() {
  if (process.argv.includes("--faults")) return faults();
  if (process.argv.includes("--population")) return population();
  const seed = arg("seed", Date.now() % 100000);
  const ops = arg("ops", 1000);
  const runs = arg("runs", 1);
  const server = await startServer();
  let mismatches = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const prog = program(seed + r, ops, { bad });
      const mine = new Redis({ port: server.port, db: 1, ...prog.options });
      const theirs = new IORedis({ port: server.port, db: 2, ...prog.options });
      const started = Date.now();
      const mismatch = await compare(prog, mine, theirs);
      if (mismatch) {
        mismatches++;
        const small = await shrink(prog, mismatch, mine, theirs);
        console.log(
          `seed ${prog.seed}${bad ? " --bad" : ""} (options ${JSON.stringify(prog.options)}): ` +
            `${mismatch.problem || "mismatch"} at step ${mismatch.index}`,
        );
        console.log(printable({ shrunk: small.steps, ...small.mismatch }));
      } else {
        console.log(
          `seed ${prog.seed}: ${ops} steps agree (${JSON.stringify(prog.options)}, ${Date.now() - started} ms)`,
        );
      }
      mine.disconnect();
      theirs.disconnect();
    }
  } finally {
    await server.cleanup();
  }
  if (unhandled.length) {
    mismatches++;
    console.log(`${unhandled.length} unhandled rejection(s), the first: ${unhandled[0] && unhandled[0].stack}`);
  }
  console.log(`${runs - mismatches} passed, ${mismatches} failed`);
  process.exit(mismatches ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
