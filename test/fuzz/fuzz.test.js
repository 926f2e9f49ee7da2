"use strict";
// The differential fuzzer (test/support/fuzz.js) with fixed seeds: one program per option set
// (none, keyPrefix, stringNumbers, protocol 2, resp3 mapping), through ioglide and ioredis on two
// databases of a server of its own. Long runs: `npm run fuzz -- --seed N --ops M --runs R`.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const IORedis = require("ioredis");
const Redis = require("../..");
const { startServer } = require("../support/servers");
const { program, compare, shrink } = require("../support/fuzz");

const t = suite("fuzz");
let server;
t.before(async () => {
  server = await startServer();
});
t.after(() => server.cleanup());

for (let seed = 500; seed < 505; seed++) {
  const prog = program(seed, 600);
  t(`seed ${seed} (${JSON.stringify(prog.options)}): 600 random steps agree with ioredis`, async () => {
    const mine = new Redis({ port: server.port, db: 1, ...prog.options });
    const theirs = new IORedis({ port: server.port, db: 2, ...prog.options });
    try {
      const mismatch = await compare(prog, mine, theirs);
      if (mismatch) {
        const small = await shrink(prog, mismatch, mine, theirs);
        assert.unreachable(`mismatch: ${JSON.stringify({ shrunk: small.steps, ...small.mismatch })}`);
      }
    } finally {
      mine.disconnect();
      theirs.disconnect();
    }
  });
}

t.run();
