"use strict";
// Pub/sub: ioredis's subscriber API, events and rules on GLIDE subscriptions.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Redis, IORedis, glide, oracle, closeAll, key, once, sleep, recordEvents } = require("../support/clients");
const { startServer, cli } = require("../support/servers");

const t = suite("pubsub");
t.after(closeAll);

/** Record message events of every kind, in order. */
function recordMessages(client) {
  const seen = [];
  for (const e of ["message", "messageBuffer", "pmessage", "pmessageBuffer", "smessage"]) {
    client.on(e, (...args) =>
      seen.push([e, ...args.map((a) => (Buffer.isBuffer(a) ? { buffer: a.toString("hex") } : a))]),
    );
  }
  return seen;
}

async function until(check, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(20);
  }
}

t("subscribe / psubscribe counts, ping, subscriber-mode errors: as ioredis", async () => {
  const out = [];
  for (const c of [glide(), oracle()]) {
    const ch = `ch:${process.pid}`;
    const r = [];
    r.push(await c.subscribe(`${ch}:a`, `${ch}:b`));
    r.push(await c.subscribe(`${ch}:c`));
    r.push(await c.psubscribe(`${ch}:p*`));
    r.push(c.mode);
    r.push(await c.ping());
    r.push(await c.ping("hello"));
    r.push(await c.get("k").catch((e) => e.message));
    r.push(await c.publish("x", "y").catch((e) => e.message));
    r.push(await c.unsubscribe(`${ch}:a`));
    r.push(await c.unsubscribe(`${ch}:b`, `${ch}:c`));
    r.push(await c.punsubscribe(`${ch}:p*`));
    r.push(c.mode);
    r.push(await c.get(key()));
    out.push(r);
  }
  assert.equal(out[0], out[1]);
});

t("with stringNumbers the (un)subscribe counts are strings, as ioredis gives them (protocol 3 and 2)", async () => {
  const ch = key("sn");
  const run = async (client) => [
    await client.subscribe(`${ch}:a`, `${ch}:b`),
    await client.psubscribe(`${ch}:*`),
    await client.unsubscribe(`${ch}:a`),
    await client.punsubscribe(`${ch}:*`),
  ];
  for (const protocol of [3, 2]) {
    const mine = await run(glide({ stringNumbers: true, protocol }));
    assert.equal(mine, await run(oracle({ stringNumbers: true, protocol })), `protocol ${protocol}`);
    assert.equal(mine, ["2", "3", "2", "1"]);
  }
});

t("subscribe with a callback, and with an array of channels", async () => {
  const out = [];
  for (const c of [glide(), oracle()]) {
    const n = await new Promise((resolve) =>
      c.subscribe([`cb:${process.pid}:1`, `cb:${process.pid}:2`], (err, count) => resolve([err, count])),
    );
    out.push(n);
  }
  assert.equal(out[0], out[1]);
});

t("message, messageBuffer, pmessage, pmessageBuffer: the same events and arguments as ioredis", async () => {
  const ch = `ev:${process.pid}`;
  const subs = [glide(), oracle()];
  const seen = subs.map(recordMessages);
  for (const s of subs) {
    await s.subscribe(`${ch}:plain`);
    await s.psubscribe(`${ch}:pat:*`);
  }
  const pub = glide();
  await pub.publish(`${ch}:plain`, "hello");
  await pub.publish(`${ch}:pat:1`, "via pattern");
  await pub.publish(`${ch}:plain`, Buffer.from([0xff, 0xfe, 0x00, 0x41])); // not UTF-8
  await pub.publish(`${ch}:plain`, "ünïcødé ✓");
  await until(() => seen.every((s) => s.length >= 8));
  assert.equal(seen[0], seen[1]);
  assert.is(seen[0].length, 8);
});

t("publish returns the number of receivers; PUBSUB NUMSUB sees one subscriber connection", async () => {
  const ch = `num:${process.pid}`;
  const s = glide();
  for (let i = 0; i < 50; i++) await s.subscribe(`${ch}:${i}`); // one by one
  const pub = glide();
  assert.is(await pub.publish(`${ch}:7`, "x"), 1);
  const subscriberConnections = cli(pub.options.port, "client", "list")
    .split("\n")
    .filter((line) => /sub=50 /.test(line));
  assert.is(subscriberConnections.length, 1, "all 50 channels on one connection");
  await s.quit();
  await sleep(100);
  assert.is(await pub.publish(`${ch}:7`, "x"), 0, "quit() released the subscriber connection");
  assert.not.match(cli(pub.options.port, "client", "list"), / sub=50 /);
});

t("unsubscribe() with no channels leaves them all and counts what remains", async () => {
  const s = glide();
  const ch = `all:${process.pid}`;
  await s.subscribe(`${ch}:1`, `${ch}:2`);
  await s.psubscribe(`${ch}:p*`);
  assert.is(await s.unsubscribe(), 1, "the pattern remains");
  assert.is(await s.punsubscribe(), 0);
  assert.is(s.mode, "normal");
  assert.is(await s.unsubscribe(), 0, "nothing to leave");
});

t("sharded pub/sub on a standalone server: counts, smessage/smessageBuffer, binary payloads, as ioredis", async () => {
  const ch = `shard:${process.pid}`;
  const subs = [glide(), oracle()];
  const seen = subs.map(recordMessages);
  for (const s of subs) s.on("smessageBuffer", (c, m) => seen[subs.indexOf(s)].push(["smessageBuffer", c, m]));
  const counts = [];
  for (const s of subs) {
    counts.push([await s.ssubscribe(`${ch}:a`, `${ch}:b`), await s.ssubscribe(`${ch}:c`), s.mode]);
  }
  assert.equal(counts[0], counts[1]);
  const pub = glide();
  assert.is(await pub.spublish(`${ch}:a`, "hello"), 2, "both subscribers receive it");
  await pub.spublish(`${ch}:c`, Buffer.from([0xff, 0x00, 0x41])); // not UTF-8
  await pub.publish(`${ch}:a`, "not sharded: nobody gets it");
  await until(() => seen.every((x) => x.length >= 4));
  await sleep(50);
  assert.equal(seen[0], seen[1]);
  const after = [];
  for (const s of subs) after.push([await s.sunsubscribe(`${ch}:a`), await s.sunsubscribe(), s.mode]);
  assert.equal(after[0], after[1]);
  assert.equal(after[0][0], 2);
  assert.is(await pub.spublish(`${ch}:b`, "gone"), 0);
});

t("sharded subscriptions: subscriber mode under protocol 2, stringNumbers counts, as ioredis", async () => {
  const ch = key("shard2");
  const run = async (c) => [
    await c.ssubscribe(`${ch}:x`),
    c.mode,
    await c.get("k").catch((e) => e.message),
    await c.sunsubscribe(`${ch}:x`),
    c.mode,
  ];
  for (const options of [{ protocol: 2 }, { stringNumbers: true }]) {
    assert.equal(await run(glide(options)), await run(oracle(options)), JSON.stringify(options));
  }
});

t("sharded subscriptions come back after the connection is killed and after disconnect()/connect()", async () => {
  const s = glide();
  const ch = `shardback:${process.pid}`;
  const got = [];
  s.on("smessage", (c, m) => got.push(m));
  await s.ssubscribe(ch);
  const pub = glide();
  const deliver = async (text) => {
    let delivered = 0;
    for (let i = 0; i < 100 && delivered === 0; i++) {
      delivered = await pub.spublish(ch, text);
      if (!delivered) await sleep(50);
    }
    await until(() => got.includes(text));
  };
  await deliver("before");
  cli(pub.options.port, "client", "kill", "type", "pubsub");
  await deliver("after kill");
  s.disconnect();
  await once(s, "end");
  await s.connect();
  await deliver("after connect");
  await s.quit();
  await sleep(100);
  assert.is(await pub.spublish(ch, "x"), 0, "quit() released the sharded subscription");
});

t("a binary message never crashes the process and arrives exactly", async () => {
  const s = glide();
  const ch = `bin:${process.pid}`;
  const got = [];
  s.on("messageBuffer", (c, m) => got.push(m));
  await s.subscribe(ch);
  const pub = glide();
  const payloads = [Buffer.from([0xc3, 0x28]), Buffer.from([0xff]), Buffer.alloc(0), Buffer.from("ok")];
  for (const p of payloads) await pub.publish(ch, p);
  await until(() => got.length === 4);
  assert.equal(got, payloads);
});

t("the subscriber's connection is killed: resubscribed, events emitted, messages flow again", async () => {
  const s = glide({ retryStrategy: () => 50 });
  const events = recordEvents(s);
  const ch = `kill:${process.pid}`;
  const got = [];
  s.on("message", (c, m) => got.push(m));
  await s.subscribe(ch);
  const pub = glide();
  await pub.publish(ch, "before");
  await until(() => got.includes("before"));
  cli(pub.options.port, "client", "kill", "type", "pubsub");
  await once(s, "ready", 10000); // the heartbeat sees the subscriber's new connection
  let delivered = 0;
  for (let i = 0; i < 50 && delivered === 0; i++) {
    delivered = await pub.publish(ch, "after");
    if (!delivered) await sleep(100);
  }
  await until(() => got.includes("after"));
  assert.ok(events.includes("close") && events.includes("reconnecting"), events.join(","));
});

t("the server restarts: subscriptions (sharded ones too) come back and messages flow", async () => {
  const server = await startServer();
  const s = new Redis({ host: "127.0.0.1", port: server.port, retryStrategy: () => 100 });
  s.on("error", () => undefined);
  const ch = `restart:${process.pid}`;
  const got = [];
  s.on("message", (c, m) => got.push(m));
  s.on("smessage", (c, m) => got.push(`shard ${m}`));
  await s.subscribe(ch);
  await s.ssubscribe(`${ch}:shard`);
  const back = once(s, "ready", 15000); // may come before restart() returns: the loss is seen at once
  await server.restart();
  await back;
  const pub = new IORedis({ host: "127.0.0.1", port: server.port });
  let delivered = 0;
  for (let i = 0; i < 100 && delivered === 0; i++) {
    delivered = await pub.publish(ch, "after restart");
    if (!delivered) await sleep(100);
  }
  assert.is(delivered, 1);
  await until(() => got.includes("after restart"));
  delivered = 0;
  for (let i = 0; i < 100 && delivered === 0; i++) {
    delivered = await pub.spublish(`${ch}:shard`, "after restart");
    if (!delivered) await sleep(100);
  }
  await until(() => got.includes("shard after restart"));
  pub.disconnect();
  s.disconnect();
  await server.cleanup();
});

t("autoResubscribe: false drops the subscriptions after a reconnect, as ioredis", async () => {
  const s = glide({ autoResubscribe: false, retryStrategy: () => 50 });
  const ch = `noresub:${process.pid}`;
  await s.subscribe(ch);
  const pub = glide();
  cli(pub.options.port, "client", "kill", "type", "pubsub");
  await once(s, "ready", 10000);
  await until(() => s.mode === "normal");
  await sleep(300);
  assert.is(await pub.publish(ch, "x"), 0);
});

t("disconnect() then connect() restores the subscriptions (as ioredis)", async () => {
  const s = glide();
  const ch = `dc:${process.pid}`;
  const got = [];
  s.on("message", (c, m) => got.push(m));
  await s.subscribe(ch);
  s.disconnect();
  await once(s, "end");
  await s.connect();
  const pub = glide();
  let delivered = 0;
  for (let i = 0; i < 50 && delivered === 0; i++) {
    delivered = await pub.publish(ch, "back");
    if (!delivered) await sleep(50);
  }
  await until(() => got.includes("back"));
});

t.run();
