"use strict";
// Behaviours ioredis 6.1 changed or fixed, the same snippet through both
// clients on one server: Buffer and empty channel names, RESP3 shaping of an
// upper-case call("XREAD"), the database chosen by call("select") kept over a
// reconnect, one ioredis:connect trace per connection attempt.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const dc = require("diagnostics_channel");
const { glide, oracle, closeAll, key } = require("../support/clients");

const t = suite("ioredis 6.1 behaviours");
t.after(closeAll);

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const clients = [
  ["ioglide", glide],
  ["ioredis", oracle],
];

/** Run `scenario` on each client kind; returns { ioglide, ioredis } of its JSON-comparable results. */
async function differential(scenario) {
  const out = {};
  for (const [name, make] of clients) out[name] = JSON.parse(JSON.stringify(await scenario(make)));
  return out;
}

t("a Buffer channel name that is not UTF-8, and the empty channel, round-trip", async () => {
  const seen = await differential(async (make) => {
    const channel = Buffer.concat([Buffer.from(key("bch")), Buffer.from([0xff, 0x01])]);
    const sub = make();
    const pub = make();
    const got = [];
    sub.on("messageBuffer", (ch, m) => got.push([ch.equals(channel) ? "binary" : ch.toString(), m.toString()]));
    const count = await sub.subscribe(channel, "");
    await pub.publish(channel, "x");
    await pub.publish("", "y");
    for (let i = 0; i < 50 && got.length < 2; i++) await wait(20);
    const left = await sub.unsubscribe(channel, "");
    sub.disconnect();
    pub.disconnect();
    return { count, got, left };
  });
  assert.equal(seen.ioredis.got, [
    ["binary", "x"],
    ["", "y"],
  ]);
  assert.equal(seen.ioglide, seen.ioredis);
});

t("RESP3: call('XREAD') in upper case is shaped as xread()", async () => {
  const seen = await differential(async (make) => {
    const c = make({ protocol: 3 });
    const k = key("st");
    await c.xadd(k, "1-1", "f", "v");
    const upper = await c.call("XREAD", "STREAMS", k, "0");
    const method = await c.xread("STREAMS", k, "0");
    await c.xgroup("CREATE", k, "g", "0");
    const group = await c.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", k, ">");
    c.disconnect();
    const anonymous = (reply) => JSON.stringify(reply).replace(k, "K");
    return { upper: anonymous(upper), same: anonymous(upper) === anonymous(method), group: anonymous(group) };
  });
  assert.ok(seen.ioredis.same);
  assert.equal(seen.ioglide, seen.ioredis);
});

t("the database chosen with call('select') is chosen again after a reconnect", async () => {
  const seen = await differential(async (make) => {
    const c = make();
    const killer = make();
    const k = key("sel");
    await c.call("select", 5);
    await c.set(k, "in-5");
    const id = await c.client("ID");
    await killer.client("KILL", "ID", String(id));
    let ready = false;
    c.once("ready", () => (ready = true));
    for (let i = 0; i < 100 && !ready; i++) await wait(20);
    const value = await c.get(k);
    await c.del(k);
    c.disconnect();
    killer.disconnect();
    return { reconnected: ready, value };
  });
  assert.equal(seen.ioredis, { reconnected: true, value: "in-5" });
  assert.equal(seen.ioglide, seen.ioredis);
});

t("ioredis:connect traces once per connection attempt, made or failed", async () => {
  const channel = dc.tracingChannel("ioredis:connect");
  let starts = 0;
  const handlers = { start: () => starts++, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
  channel.subscribe(handlers);
  try {
    const seen = await differential(async (make) => {
      starts = 0;
      const c = make();
      await c.ping();
      const made = starts;
      c.disconnect();
      starts = 0;
      const dead = make({ port: 1, retryStrategy: () => null });
      await dead.ping().catch(() => undefined);
      await wait(200);
      return { made, failed: starts };
    });
    assert.equal(seen.ioredis, { made: 1, failed: 1 });
    assert.equal(seen.ioglide, seen.ioredis);
  } finally {
    channel.unsubscribe(handlers);
  }
});

t.run();
