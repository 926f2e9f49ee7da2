"use strict";
/**
 * ioglide against itself, interleaved in one process: what an option or a
 * change costs on the hot path (GET/SET at 50 and 1000 in flight, 100-command
 * pipelines).
 *
 *   node bench/variants.js [--rounds 5] [--ms 1000] [--baseline path/to/other/built/main.js]
 *
 * Contenders:
 * - "protocol 3": the default (ioredis 6), nobody subscribed to tracing;
 * - "protocol 2": ioredis 5's protocol;
 * - "traced": protocol 3 with a no-op subscriber on ioredis:command (what an APM agent costs);
 * - "baseline": another build of ioglide (--baseline), e.g. the commit before a change,
 *   to show that a change costs nothing when it is not used.
 */
const dc = require("node:diagnostics_channel");
const path = require("path");
const { Logger } = require("@valkey/valkey-glide");
const { startServer } = require("../test/support/servers");
const { closedLoop, median } = require("./measure");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const ROUNDS = Number(opt("rounds", 5));
const MS = Number(opt("ms", 1000));
const BASELINE = opt("baseline", "");

/** A no-op subscriber on every tracing channel, switched on only while its contender runs. */
const noop = () => undefined;
const handlers = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
const tracing = (on) => {
  for (const name of ["ioredis:command", "ioredis:batch", "ioredis:connect"]) {
    if (on) dc.tracingChannel(name).subscribe(handlers);
    else dc.tracingChannel(name).unsubscribe(handlers);
  }
};

/** 100 GETs in one pipeline (the shape of bench/run.js's pipeline row). */
const pipeline100 = (r) => {
  const p = r.pipeline();
  for (let i = 0; i < 100; i++) p.get("bench:k");
  return p.exec();
};

async function main() {
  Logger.init("off");
  const server = await startServer();
  const address = { host: server.host, port: server.port };
  const Current = require("..");
  const contenders = [
    { name: "protocol 3", client: new Current({ ...address }) },
    { name: "protocol 2", client: new Current({ ...address, protocol: 2 }) },
    { name: "traced", client: new Current({ ...address }), traced: true },
  ];
  if (BASELINE) {
    const Baseline = require(path.resolve(BASELINE));
    contenders.push({ name: "baseline", client: new (Baseline.default ?? Baseline)({ ...address }) });
  }
  for (const c of contenders) await c.client.set("bench:k", "v".repeat(16));
  const points = [
    ["GET, 50 in flight", 50, (r) => r.get("bench:k")],
    ["GET, 1000 in flight", 1000, (r) => r.get("bench:k")],
    ["SET, 50 in flight", 50, (r) => r.set("bench:k", "v".repeat(16))],
    ["SET, 1000 in flight", 1000, (r) => r.set("bench:k", "v".repeat(16))],
    ["100-command pipeline, 10 in flight", 10, (r) => pipeline100(r)],
  ];
  const results = new Map(points.map(([label]) => [label, new Map(contenders.map((c) => [c.name, []]))]));
  console.log(`ioglide variants: ${ROUNDS} rounds x ${MS} ms per point, server ${address.host}:${address.port}\n`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, concurrency, fn] of points) {
      const order = contenders.slice(round % contenders.length).concat(contenders.slice(0, round % contenders.length));
      for (const c of order) {
        if (c.traced) tracing(true);
        try {
          results
            .get(label)
            .get(c.name)
            .push(await closedLoop(concurrency, MS, () => fn(c.client)));
        } finally {
          if (c.traced) tracing(false);
        }
      }
    }
    process.stdout.write(`  round ${round + 1}/${ROUNDS} done\n`);
  }
  const names = contenders.map((c) => c.name);
  const fmt = (n) => `${(n / 1000).toFixed(1)}k`;
  console.log(
    `\n| workload | ${names.join(" | ")} | ${names
      .slice(1)
      .map((n) => `${n} / protocol 3`)
      .join(" | ")} |`,
  );
  console.log(
    `|---|${names.map(() => "---:").join("|")}|${names
      .slice(1)
      .map(() => "---:")
      .join("|")}|`,
  );
  for (const [label] of points) {
    const m = names.map((n) => median(results.get(label).get(n)));
    console.log(
      `| ${label} | ${m.map(fmt).join(" | ")} | ${m
        .slice(1)
        .map((x) => `${(x / m[0]).toFixed(2)}x`)
        .join(" | ")} |`,
    );
  }
  for (const c of contenders) c.client.disconnect();
  await server.cleanup();
  // With a second build loaded (--baseline) the process did not exit by itself (seen with the build of
  // 60ea22b; without --baseline it does; not investigated further). The measurement is done: leave.
  if (BASELINE) process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
