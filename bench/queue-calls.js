"use strict";
/**
 * What a queue job costs in calls: Bull and BullMQ on ioglide and on ioredis,
 * one run each on a server of its own. The jobs are added first; what is
 * measured is their processing (CONFIG RESETSTAT as it starts):
 *
 * - the server's commands per job, by name (INFO commandstats),
 * - the client's requests per job and how long one takes, send to reply
 *   (blocking commands are counted but not timed): ioglide's GLIDE requests
 *   (customCommand and exec, counted at GLIDE's prototype, with the commands
 *   per request), ioredis's commands (sendCommand, each written as issued),
 * - CPU time per job of the server process and of this process (the
 *   client: JavaScript and, for ioglide, GLIDE's Rust threads), and how much
 *   of the machine's 2 cores both took together,
 * - jobs/s of that run.
 *
 *   node bench/queue-calls.js [--jobs 3000] [--concurrency 10] [--relay-us 100]
 */
const IORedis = require("ioredis");
const glideModule = require("@valkey/valkey-glide");
const Redis = require("..");
const { startServer } = require("../test/support/servers");
const { runBull, runBullMQ } = require("./queue-workload");
const { startRelay } = require("./relay");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const JOBS = opt("jobs", 3000);
const CONCURRENCY = opt("concurrency", 10);
const RELAY_US = opt("relay-us", 0);

/** Requests and their send-to-reply times, while `on` (blocking commands counted, not timed: they wait for work). */
const BLOCKING = /^(brpoplpush|blmove|bzpopmin|bzpopmax|brpop|blpop|xread|xreadgroup)$/i;
const meter = { on: false, requests: 0, commands: 0, micros: [] };
function timed(promise, commands, first) {
  if (!meter.on) return promise;
  meter.requests++;
  meter.commands += commands;
  if (BLOCKING.test(String(first))) return promise;
  const t0 = process.hrtime.bigint();
  const stop = () => meter.micros.push(Number(process.hrtime.bigint() - t0) / 1000);
  promise.then(stop, stop);
  return promise;
}
for (const Cls of [glideModule.GlideClient, glideModule.GlideClusterClient]) {
  const custom = Cls.prototype.customCommand;
  Cls.prototype.customCommand = function (...a) {
    return timed(custom.apply(this, a), 1, a[0][0]);
  };
  const exec = Cls.prototype.exec;
  Cls.prototype.exec = function (batch, ...a) {
    return timed(exec.call(this, batch, ...a), batch.commands.length, "batch");
  };
}
const sendCommand = IORedis.prototype.sendCommand;
IORedis.prototype.sendCommand = function (command, ...a) {
  if (meter.on && command && command.promise) timed(command.promise, 1, command.name);
  return sendCommand.call(this, command, ...a);
};

/** CPU time (us) of a process so far, from /proc (utime + stime, in clock ticks of 10 ms). */
const fs = require("fs");
function cpuMicros(pid) {
  return statMicros(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** utime + stime of a /proc stat line, in us (the name in parentheses may hold spaces: fields follow the last ")"). */
function statMicros(stat) {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10000;
}

/** CPU time (us) of this process's threads so far, by thread name (the JS thread is the one named after the process). */
function threadMicros() {
  const out = {};
  for (const tid of fs.readdirSync("/proc/self/task")) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const name = tid === String(process.pid) ? "js" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    out[name] = (out[name] || 0) + statMicros(stat);
  }
  return out;
}

const pct = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] : NaN);

async function commandStats(admin) {
  const info = await admin.info("commandstats");
  const out = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

async function main() {
  console.log(`${JOBS} jobs at concurrency ${CONCURRENCY}${RELAY_US ? `, relay ${RELAY_US} us each way` : ""}\n`);
  const rows = [];
  for (const [lib, run] of [
    ["Bull", runBull],
    ["BullMQ", runBullMQ],
  ]) {
    for (const [who, Client] of [
      ["ioglide", Redis],
      ["ioredis", IORedis],
    ]) {
      const server = await startServer();
      const relay = RELAY_US > 0 ? await startRelay(server.host, server.port, RELAY_US) : null;
      const { host, port } = relay ?? server;
      const admin = new IORedis({ host: server.host, port: server.port });
      let cpu;
      const ms = await run({
        Client,
        host,
        port,
        jobs: JOBS,
        concurrency: CONCURRENCY,
        addFirst: true,
        onStart: async () => {
          await admin.config("RESETSTAT");
          Object.assign(meter, { on: true, requests: 0, commands: 0, micros: [] });
          cpu = { server: cpuMicros(server.child.pid), client: process.cpuUsage(), threads: threadMicros() };
        },
      });
      meter.on = false;
      const clientCpu = process.cpuUsage(cpu.client);
      const serverCpuPerJob = (cpuMicros(server.child.pid) - cpu.server) / JOBS;
      const clientCpuPerJob = (clientCpu.user + clientCpu.system) / JOBS;
      const threadsNow = threadMicros();
      const threads = Object.entries(threadsNow)
        .map(([name, us]) => [name, (us - (cpu.threads[name] || 0)) / JOBS])
        .filter(([, us]) => us >= 5)
        .sort((a, b) => b[1] - a[1])
        .map(([name, us]) => `${name} ${Math.round(us)}`)
        .join(", ");
      const stats = await commandStats(admin);
      delete stats.config;
      delete stats.info;
      const total = Object.values(stats).reduce((a, b) => a + b, 0);
      const top = Object.entries(stats)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([name, n]) => `${name} ${(n / JOBS).toFixed(2)}`)
        .join(", ");
      rows.push({
        lib,
        who,
        jobsPerSec: Math.round((JOBS / ms) * 1000),
        serverCommandsPerJob: (total / JOBS).toFixed(2),
        requestsPerJob: (meter.requests / JOBS).toFixed(2),
        commandsPerRequest: (meter.commands / Math.max(1, meter.requests)).toFixed(2),
        p50us: Math.round(pct(meter.micros, 0.5)),
        p90us: Math.round(pct(meter.micros, 0.9)),
        serverCpu: Math.round(serverCpuPerJob),
        clientCpu: Math.round(clientCpuPerJob),
        threads,
        busy: Math.round(((serverCpuPerJob + clientCpuPerJob) / ((ms * 1000) / JOBS)) * 50),
        top,
      });
      admin.disconnect();
      if (relay) relay.stop();
      await server.cleanup();
    }
  }
  console.log(
    "| library | client | jobs/s | server commands / job | client requests / job | commands / request | request p50 us | p90 us | server CPU us / job | client process CPU us / job | both, % of 2 cores | client threads, CPU us / job | top commands / job |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.lib} | ${r.who} | ${r.jobsPerSec} | ${r.serverCommandsPerJob} | ${r.requestsPerJob} | ${r.commandsPerRequest} | ${r.p50us} | ${r.p90us} | ${r.serverCpu} | ${r.clientCpu} | ${r.busy}% | ${r.threads} | ${r.top} |`,
    );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
