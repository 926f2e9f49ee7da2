"use strict";
// The multi-client fault fuzzer (test/support/population.js) with fixed seeds: writers, subscribers,
// blocking callers and clients that cannot connect are made, used and ended in one process while the
// server is faulted. Long runs: `npm run fuzz -- --population [--sentinel] --seed N --seconds S --runs R`.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const Redis = require("../..");
const { startServer, startSentinels } = require("../support/servers");
const { standaloneTarget, sentinelTarget } = require("../support/faults");
const { populationRun } = require("../support/population");

const t = suite("population");
const AOF = ["--appendonly", "yes", "--appendfsync", "always"];

t("standalone, seed 1, 12 s of CLIENT KILL, DEBUG SLEEP, restarts and crashes among ~1000 clients", async () => {
  const server = await startServer({ extraArgs: AOF });
  try {
    const { figures, problems } = await populationRun({
      seed: 1,
      seconds: 12,
      target: standaloneTarget(server),
      Client: Redis,
      connect: () => ({ port: server.port }),
      stranger: () => ({ port: 1 }),
      // The default population, blocking callers included (a BLPOP out when its connection drops
      // settles on its old blocking client first: docs/FAULTS.md).
    });
    assert.equal(problems, []);
    assert.ok(Object.keys(figures.faults).length >= 2, `faults injected: ${JSON.stringify(figures.faults)}`);
    assert.ok(figures.clients > 100, `${figures.clients} clients made`);
    assert.ok(figures.required > 100, `${figures.required} messages that had to arrive`);
  } finally {
    await server.cleanup();
  }
});

t("Sentinel, seed 2, 30 s of SENTINEL FAILOVER and kill -9 of the master among the clients", async () => {
  const setup = await startSentinels({ extraArgs: AOF });
  try {
    const { figures, problems } = await populationRun({
      seed: 2,
      seconds: 30,
      target: sentinelTarget(setup),
      Client: Redis,
      connect: () => ({ sentinels: setup.sentinels, name: setup.name }),
      stranger: () => ({ sentinels: setup.sentinels, name: "nosuchmaster" }),
    });
    assert.equal(problems, []);
    const faults = Object.values(figures.faults).reduce((a, b) => a + b, 0);
    assert.ok(faults >= 2, `faults injected: ${JSON.stringify(figures.faults)}`);
    assert.ok(figures.clients > 100, `${figures.clients} clients made`);
    assert.ok(figures.required > 100, `${figures.required} messages that had to arrive`);
  } finally {
    await setup.cleanup();
  }
});

t.run();
