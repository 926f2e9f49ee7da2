"use strict";
// ioredis's auto-pipelining API (enableAutoPipelining, autoPipeliningIgnoredCommands,
// autoPipelineQueueSize), the same calls through ioredis and ioglide.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { glide, oracle, closeAll, key } = require("../support/clients");

const t = suite("auto-pipelining");
t.after(() => closeAll());

/** What autoPipelineQueueSize reports along one program, and the replies. */
async function program(client) {
  const k = key("ap");
  await client.ping();
  const sizes = [client.autoPipelineQueueSize];
  const a = client.set(k, "1");
  sizes.push(client.autoPipelineQueueSize);
  const b = client.get(k);
  const c = client.getBuffer(k);
  sizes.push(client.autoPipelineQueueSize);
  const d = client.call("get", k); // call() is auto-pipelined too
  const e = client.info("server").then(() => "info"); // INFO never is
  const g = client.call("INFO", "server").then(() => "INFO"); // ioredis compares names as written
  const f = client.incr(`${k}:n`); // ignored below when the option lists it
  sizes.push(client.autoPipelineQueueSize);
  const replies = await Promise.all([a, b, c, d, e, f, g]);
  sizes.push(client.autoPipelineQueueSize);
  return { sizes, replies: replies.map((r) => (Buffer.isBuffer(r) ? `buffer:${r}` : r)) };
}

for (const [label, options] of [
  ["off (the default)", {}],
  ["on", { enableAutoPipelining: true }],
  ["on, with ignored commands", { enableAutoPipelining: true, autoPipeliningIgnoredCommands: ["incr"] }],
]) {
  t(`autoPipelineQueueSize as ioredis reports it: ${label}`, async () => {
    const mine = await program(glide(options));
    const theirs = await program(oracle(options));
    assert.equal(mine, theirs);
    if (options.enableAutoPipelining) assert.ok(Math.max(...mine.sizes) > 0, "calls were counted");
  });
}

t("options show ioredis's defaults", () => {
  const c = glide({ lazyConnect: true });
  assert.is(c.options.enableAutoPipelining, false);
  assert.equal(c.options.autoPipeliningIgnoredCommands, []);
});

t.run();
