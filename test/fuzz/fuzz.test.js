"use strict";
// The differential fuzzer (test/support/fuzz.js) with fixed seeds: one program per option set
// (none, keyPrefix, stringNumbers, protocol 2, resp3 mapping), through ioglide and ioredis on two
// databases of a server of its own, then five in bad-input mode. Long runs:
// `npm run fuzz -- --seed N --ops M --runs R [--bad]`.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const IORedis = require("ioredis");
const Redis = require("../..");
const { startServer } = require("../support/servers");
const { program, compare, shrink, printable } = require("../support/fuzz");

const t = suite("fuzz");
let server;
t.before(async () => {
  server = await startServer();
});
t.after(() => server.cleanup());

const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);

const programs = [
  ...[500, 501, 502, 503, 504].map((seed) => program(seed, 600)),
  // bad-input mode: half the calls carry an argument no command accepts
  ...[600, 601, 602, 603, 604].map((seed) => program(seed, 300, { bad: true })),
];
for (const prog of programs) {
  const { seed } = prog;
  const what = prog.bad ? "random steps with bad input: ioglide settles each one" : "random steps";
  t(`seed ${seed} (${JSON.stringify(prog.options)}): ${prog.steps.length} ${what}, as ioredis does`, async () => {
    const mine = new Redis({ port: server.port, db: 1, ...prog.options });
    const theirs = new IORedis({ port: server.port, db: 2, ...prog.options });
    try {
      const mismatch = await compare(prog, mine, theirs);
      if (mismatch) {
        const small = await shrink(prog, mismatch, mine, theirs);
        assert.unreachable(
          `${mismatch.problem || "mismatch"}: ${printable({ shrunk: small.steps, ...small.mismatch })}`,
        );
      }
    } finally {
      mine.disconnect();
      theirs.disconnect();
    }
  });
}

t("no unhandled rejection in any of the programs", async () => {
  await new Promise((r) => setTimeout(r, 50));
  process.off("unhandledRejection", onUnhandled);
  assert.equal(unhandled.map(String), []);
});

t.run();
