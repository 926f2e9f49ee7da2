"use strict";
// Fault injection (test/support/faults.js) with a fixed seed: writes through ioglide while the
// server is killed, restarted, put to sleep and its connections killed. Every call settles, no
// acknowledged write is lost, events follow ioredis's order. Long runs:
// `npm run fuzz -- --faults --seed N --seconds S --runs R`.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const Redis = require("../..");
const { startServer } = require("../support/servers");
const { faultRun, standaloneTarget } = require("../support/faults");

const t = suite("faults");
let server;
const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);
t.before(async () => {
  process.on("unhandledRejection", onUnhandled);
  server = await startServer({ extraArgs: ["--appendonly", "yes", "--appendfsync", "always"] });
});
t.after(async () => {
  process.off("unhandledRejection", onUnhandled);
  await server.cleanup();
});

t("seed 42, 12 s of restarts, crashes, DEBUG SLEEP and CLIENT KILL: nothing hangs or is lost", async () => {
  const { figures, problems } = await faultRun({
    seed: 42,
    seconds: 12,
    target: standaloneTarget(server),
    makeClient: () => new Redis({ port: server.port, maxRetriesPerRequest: null }),
  });
  assert.equal(problems, []);
  assert.ok(Object.keys(figures.faults).length >= 3, `faults injected: ${JSON.stringify(figures.faults)}`);
  assert.ok(figures.calls > 100, `${figures.calls} calls made`);
  assert.is(figures.hung, 0);
  assert.is(figures.ackedLost, 0);
  assert.equal(unhandled.map(String), []);
});

t.run();
