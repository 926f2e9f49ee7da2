#!/usr/bin/env node
/**
 * The differential fuzzer (test/support/fuzz.js), long runs:
 *
 *   npm run fuzz -- [--seed N] [--ops M] [--runs R]
 *
 * Starts a server of its own, runs R programs of M steps from seeds N, N+1,
 * ... through ioglide (database 1) and ioredis (database 2), and prints each
 * mismatch with its seed, the step, both outcomes and a shrunk program.
 * Exit code 1 on any mismatch.
 */
"use strict";
const Redis = require("..");
const IORedis = require("ioredis");
const { startServer } = require("../test/support/servers");
const { program, compare, shrink } = require("../test/support/fuzz");

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const seed = arg("seed", Date.now() % 100000);
  const ops = arg("ops", 1000);
  const runs = arg("runs", 1);
  const server = await startServer();
  let mismatches = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const prog = program(seed + r, ops);
      const mine = new Redis({ port: server.port, db: 1, ...prog.options });
      const theirs = new IORedis({ port: server.port, db: 2, ...prog.options });
      const started = Date.now();
      const mismatch = await compare(prog, mine, theirs);
      if (mismatch) {
        mismatches++;
        const small = await shrink(prog, mismatch, mine, theirs);
        console.log(`seed ${prog.seed} (options ${JSON.stringify(prog.options)}): mismatch at step ${mismatch.index}`);
        console.log(JSON.stringify({ shrunk: small.steps, ...small.mismatch }, null, 1));
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
  console.log(`${runs - mismatches} passed, ${mismatches} failed`);
  process.exit(mismatches ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
