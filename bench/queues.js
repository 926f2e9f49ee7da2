"use strict";
/**
 * Bull and BullMQ end to end, on ioglide and on ioredis, interleaved.
 *
 *   npm run bench:queues                         # 5,000 jobs, concurrency 10, 3 rounds
 *   node bench/queues.js --jobs 5000 --concurrency 10 --rounds 5
 *   node bench/queues.js --relay-us 100          # a remote server: 100 us added each way (bench/relay.js)
 */
const IORedis = require("ioredis");
const Redis = require("..");
const { startServer } = require("../test/support/servers");
const { runBull, runBullMQ, bullmqGlideConnection } = require("./queue-workload");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const JOBS = opt("jobs", 5000);
const CONCURRENCY = opt("concurrency", 10);
const ROUNDS = opt("rounds", 3);
const RELAY_US = opt("relay-us", 0);
const { median } = require("./measure");
const { startRelay } = require("./relay");

async function main() {
  const server = process.env.BENCH_SERVER ? null : await startServer();
  let [host, port] = process.env.BENCH_SERVER ? process.env.BENCH_SERVER.split(":") : ["127.0.0.1", server.port];
  const relay = RELAY_US > 0 ? await startRelay(host, Number(port), RELAY_US) : null;
  if (relay) ({ host, port } = relay);
  // Bull runs on ioglide and ioredis; BullMQ also on its own GLIDE adapter.
  const contenders = [
    { who: "ioglide", libs: ["bull", "bullmq"], Client: Redis },
    { who: "ioredis", libs: ["bull", "bullmq"], Client: IORedis },
    { who: "glide-adapter", libs: ["bullmq"], connect: bullmqGlideConnection },
  ];
  const results = { bull: {}, bullmq: {} };
  const where = relay ? `, through a relay adding ${RELAY_US} us each way` : "";
  console.log(`Bull and BullMQ, ${JOBS} jobs at concurrency ${CONCURRENCY}, ${ROUNDS} interleaved rounds${where}\n`);
  for (let round = 0; round < ROUNDS; round++) {
    const shift = round % contenders.length;
    const order = contenders.slice(shift).concat(contenders.slice(0, shift));
    for (const [lib, run] of [
      ["bull", runBull],
      ["bullmq", runBullMQ],
    ]) {
      for (const { who, libs, Client, connect } of order) {
        if (!libs.includes(lib)) continue;
        const ms = await run({ Client, connect, host, port: Number(port), jobs: JOBS, concurrency: CONCURRENCY });
        (results[lib][who] ??= []).push((JOBS / ms) * 1000);
      }
    }
    console.log(`  round ${round + 1}/${ROUNDS} done`);
  }
  console.log(
    "\n| library | ioredis jobs/s | ioglide jobs/s | ioglide / ioredis | BullMQ's GLIDE adapter jobs/s | adapter / ioredis |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const lib of ["bull", "bullmq"]) {
    const io = median(results[lib].ioredis);
    const ig = median(results[lib].ioglide);
    const ad = results[lib]["glide-adapter"] ? median(results[lib]["glide-adapter"]) : NaN;
    const adapter = Number.isNaN(ad) ? "n/a | n/a" : `${ad.toFixed(0)} | ${(ad / io).toFixed(2)}x`;
    console.log(
      `| ${lib === "bull" ? "Bull 4" : "BullMQ"} | ${io.toFixed(0)} | ${ig.toFixed(0)} | ${(ig / io).toFixed(2)}x | ${adapter} |`,
    );
  }
  if (relay) relay.stop();
  if (server) await server.cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
