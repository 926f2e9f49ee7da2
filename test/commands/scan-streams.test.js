"use strict";
// scanStream, sscanStream, hscanStream, zscanStream: the same elements and
// batching behaviour as ioredis.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Readable } = require("stream");
const { glide, oracle, closeAll } = require("../support/clients");

const t = suite("scan streams");
let g, o;
t.before(async () => {
  g = glide({ db: 13 });
  o = oracle({ db: 13 });
  await o.flushdb();
  const pipe = [];
  for (let i = 0; i < 300; i++) pipe.push(o.set(`key:${i}`, i));
  for (let i = 0; i < 50; i++) pipe.push(o.rpush(`list:${i}`, i));
  pipe.push(
    o.sadd(
      "set",
      Array.from({ length: 400 }, (_, i) => `m${i}`),
    ),
  );
  pipe.push(o.hset("hash", Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`f${i}`, `v${i}`]))));
  pipe.push(o.zadd("zset", ...Array.from({ length: 400 }, (_, i) => [i / 10, `z${i}`]).flat()));
  await Promise.all(pipe);
});
t.after(closeAll);

function collect(stream) {
  return new Promise((resolve, reject) => {
    const batches = [];
    stream.on("data", (batch) => batches.push(batch));
    stream.on("end", () => resolve(batches));
    stream.on("error", reject);
  });
}

const flat = (batches) => batches.flat().map(String);

for (const [name, make] of [
  ["scanStream", (c) => c.scanStream()],
  ["scanStream({match, count})", (c) => c.scanStream({ match: "key:1*", count: 50 })],
  ["scanStream({type: 'list'})", (c) => c.scanStream({ type: "list", count: 100 })],
  ["sscanStream", (c) => c.sscanStream("set", { count: 100 })],
  ["hscanStream", (c) => c.hscanStream("hash", { match: "f1*" })],
  ["zscanStream", (c) => c.zscanStream("zset", { count: 1000 })],
  ["scanBufferStream", (c) => c.scanBufferStream({ match: "key:2?" })],
]) {
  t(`${name}: same elements as ioredis`, async () => {
    const ours = make(g);
    assert.ok(ours instanceof Readable, "a Readable, returned synchronously");
    const [a, b] = await Promise.all([collect(ours), collect(make(o))]);
    assert.ok(a.every(Array.isArray), "each data event is a batch (array)");
    assert.equal(flat(a).sort(), flat(b).sort());
    assert.ok(flat(a).length > 0);
  });
}

t("hscanStream yields field, value pairs; zscanStream member, score strings", async () => {
  const h = flat(await collect(g.hscanStream("hash", { match: "f10" })));
  assert.equal(h, ["f10", "v10"]);
  const z = flat(await collect(g.zscanStream("zset", { match: "z15" })));
  assert.equal(z, ["z15", "1.5"]);
});

t("scanBufferStream yields Buffers", async () => {
  const batches = await collect(g.scanBufferStream({ match: "key:1" }));
  const all = batches.flat();
  assert.ok(all.length === 1 && Buffer.isBuffer(all[0]));
});

t("close() stops after the current batch", async () => {
  const s = g.scanStream({ count: 10 });
  let batches = 0;
  await new Promise((resolve) => {
    s.on("data", () => {
      batches++;
      s.close();
    });
    s.on("end", resolve);
  });
  assert.ok(batches >= 1 && batches <= 2);
});

t("errors surface as 'error' events", async () => {
  await o.set("str", "x");
  const err = await new Promise((resolve) =>
    g
      .sscanStream("str")
      .on("error", resolve)
      .on("data", () => undefined),
  );
  assert.match(err.message, /^WRONGTYPE/);
});

t.run();
