"use strict";
// client.use(): read and rewrite calls, short-circuit, observe replies and
// errors, retry; ordering rules.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { glide, closeAll, key } = require("../support/clients");

const t = suite("middleware");
t.after(closeAll);

t("a middleware sees normalized arguments (flattened, stringified, prefixed)", async () => {
  const c = glide({ keyPrefix: "mw:" });
  const seen = [];
  c.use((call, next) => {
    seen.push([call.command, call.args.slice()]);
    return next(call);
  });
  const k = key();
  await c.sadd(k, ["a", 1], 2);
  assert.equal(seen, [["sadd", [`mw:${k}`, "a", "1", "2"]]]);
});

t("a middleware can rewrite the call", async () => {
  const c = glide();
  const k = key();
  c.use((call, next) => {
    if (call.command === "set") call.args[1] = String(call.args[1]).toUpperCase();
    return next(call);
  });
  await c.set(k, "shout");
  assert.is(await c.get(k), "SHOUT");
});

t("a middleware can answer without reaching the server (cache/mock)", async () => {
  const c = glide();
  let reached = 0;
  c.use((call, next) => {
    if (call.command === "get" && call.args[0] === "cached") return "from-cache";
    reached++;
    return next(call);
  });
  assert.is(await c.get("cached"), "from-cache");
  assert.is(reached, 0);
  // callbacks get the short-circuited value too
  const viaCb = await new Promise((r) => c.get("cached", (e, v) => r(v)));
  assert.is(viaCb, "from-cache");
});

t("a middleware sees shaped replies and ioredis errors", async () => {
  const c = glide();
  const h = key();
  const log = [];
  c.use(async (call, next) => {
    try {
      const reply = await next(call);
      log.push(["ok", call.command, reply]);
      return reply;
    } catch (err) {
      log.push(["err", call.command, err.constructor.name, err.message]);
      throw err;
    }
  });
  await c.hset(h, { f: "v" });
  await c.hgetall(h);
  await c.incr(h).catch(() => undefined);
  assert.equal(log, [
    ["ok", "hset", 1],
    ["ok", "hgetall", { f: "v" }],
    ["err", "incr", "SimpleError", "WRONGTYPE Operation against a key holding the wrong kind of value"], // ioredis 6's class
  ]);
});

t("a middleware can retry", async () => {
  const c = glide();
  const k = key();
  let attempts = 0;
  c.use(async (call, next) => {
    for (;;) {
      attempts++;
      try {
        return await next(call);
      } catch (err) {
        if (attempts > 2) throw err;
        await c.set(k, "0"); // repair, then try again
      }
    }
  });
  await c.set(k, "not a number");
  assert.is(await c.incr(k), 1);
  assert.ok(attempts >= 3);
});

t("ordering: the first middleware added is the outermost", async () => {
  const c = glide();
  const order = [];
  c.use(async (call, next) => {
    order.push("a-in");
    const r = await next(call);
    order.push("a-out");
    return r;
  });
  c.use(async (call, next) => {
    order.push("b-in");
    const r = await next(call);
    order.push("b-out");
    return r;
  });
  await c.ping();
  assert.equal(order, ["a-in", "b-in", "b-out", "a-out"]);
});

t("a throwing or rejecting middleware rejects the call (promise and callback)", async () => {
  const c = glide();
  c.use(() => {
    throw new Error("boom");
  });
  await c.ping().then(
    () => assert.unreachable("should reject"),
    (err) => assert.is(err.message, "boom"),
  );
  const err = await new Promise((r) => c.ping((e) => r(e)));
  assert.is(err.message, "boom");
});

t("unuse() removes a middleware; duplicate() carries middleware over", async () => {
  const c = glide();
  let n = 0;
  const counter = (call, next) => {
    n++;
    return next(call);
  };
  c.use(counter);
  const d = c.duplicate();
  await c.ping();
  await d.ping();
  assert.is(n, 2);
  c.unuse(counter);
  await c.ping();
  assert.is(n, 2);
  d.disconnect();
});

t("use() rejects a non-function", () => {
  const c = glide({ lazyConnect: true });
  assert.throws(() => c.use("nope"), /takes a function/);
});

t.run();
