"use strict";
// Bad input gets a clear error (rejected promise or callback error), never a
// crash, a hang or an unhandled rejection.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Redis, glide, oracle, closeAll, key, settledWithin } = require("../support/clients");

const t = suite("bad-input");
let g;
const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);

t.before(() => {
  g = glide();
  process.on("unhandledRejection", onUnhandled);
});
t.after(async () => {
  await new Promise((r) => setTimeout(r, 50));
  process.off("unhandledRejection", onUnhandled);
  await closeAll();
});

async function rejectsClearly(make, pattern) {
  const viaPromise = await settledWithin(make(), 3000);
  assert.ok(viaPromise !== "pending", "settles");
  assert.ok(viaPromise.err instanceof Error, "rejects with an Error");
  assert.match(viaPromise.err.message, pattern);
  return viaPromise.err;
}

function callbackError(invoke) {
  return new Promise((resolve) => invoke((err, value) => resolve({ err, value })));
}

t("a Symbol argument", async () => {
  await rejectsClearly(() => g.set(key(), Symbol("s")), /argument 2 of 'set' is a Symbol/);
  const { err } = await callbackError((cb) => g.set(key(), Symbol("s"), cb));
  assert.match(err.message, /is a Symbol/);
});

t("a function argument (not in the callback position)", async () => {
  await rejectsClearly(() => g.set(key(), () => 1, "EX", 10), /argument 2 of 'set' is a function/);
});

t("a circular object and a plain object", async () => {
  const circular = { name: "loop" };
  circular.self = circular;
  await rejectsClearly(() => g.set(key(), circular), /argument 2 of 'set' is an object/);
  await rejectsClearly(() => g.rpush(key(), { a: 1 }), /is an object/);
  const { err } = await callbackError((cb) => g.set(key(), circular, cb));
  assert.match(err.message, /is an object/);
});

t("undefined or null where a key is needed", async () => {
  await rejectsClearly(() => g.get(undefined), /argument 1 of 'get' is a key and cannot be null or undefined/);
  await rejectsClearly(() => g.del("ok", null), /argument 2 of 'del' is a key/);
  // in value positions ioredis sends "" and so does ioglide
  const k = key();
  assert.is(await g.set(k, undefined), "OK");
  assert.is(await g.get(k), "");
});

t(
  "a key count no argument list can hold (Infinity, 2^70) with a keyPrefix: the server's refusal, no crash",
  async () => {
    // @ioredis/commands loops up to the count to find the keys: ioredis dies there with a keyPrefix.
    const c = new Redis({ ...require("../support/servers").standaloneAddress(), keyPrefix: "p:" });
    try {
      for (const count of [Infinity, 2n ** 70n, "1e9"]) {
        await rejectsClearly(() => c.eval("return 1", count, "k"), /^ERR value is not an integer or out of range$/);
      }
      assert.equal(await c.eval("return KEYS[1]", 1, "k"), "p:k");
    } finally {
      c.disconnect();
    }
  },
);

t("a key missing from its position with a keyPrefix (hlen([])) is refused like an undefined key", async () => {
  const c = new Redis({ ...require("../support/servers").standaloneAddress(), keyPrefix: "p:" });
  try {
    await rejectsClearly(() => c.hlen([]), /^ioglide: argument 1 of 'hlen' is a key and is missing$/);
    const [[err]] = await c.pipeline().get([]).exec();
    assert.match(err.message, /argument 1 of 'get' is a key and is missing/);
    // without a prefix the server refuses the arity, as with ioredis
    await rejectsClearly(() => g.hlen([]), /^ERR wrong number of arguments for 'hlen' command$/);
  } finally {
    c.disconnect();
  }
});

t("a transaction refused for a bad argument drops the WATCHes, as the server's EXECABORT does", async () => {
  // ioredis sends the Symbol as text and EXEC runs; ioglide refuses the call and the transaction.
  // Either way the WATCH is gone: the next transaction must not fail on it.
  const observed = [];
  for (const c of [glide(), oracle()]) {
    const other = oracle();
    const watched = key();
    const k = key();
    await c.watch(watched);
    await c
      .multi()
      .set(k, Symbol("s"))
      .exec()
      .catch(() => undefined);
    await other.set(watched, "changed after the transaction"); // would fail a stale WATCH
    observed.push(await c.multi().set(k, "v").get(k).exec());
    const manual = c.duplicate();
    await manual.watch(watched);
    await manual.multi({ pipeline: false });
    await manual.set(key(), Symbol("s")).catch(() => undefined);
    await manual.exec().catch(() => undefined);
    await other.set(watched, "changed again");
    observed.push(await manual.multi().get(k).exec());
    manual.disconnect();
  }
  assert.equal(observed[0], [
    [null, "OK"],
    [null, "v"],
  ]);
  assert.equal(observed[0], observed[2]);
  assert.equal(observed[1], observed[3]);
});

t("an unknown command", async () => {
  const err = await rejectsClearly(
    () => g.call("definitelynotacommand", "x"),
    /^ERR unknown command 'definitelynotacommand'/,
  );
  assert.is(err.constructor.name, "SimpleError"); // ioredis 6: a ReplyError subclass named "ReplyError"
  assert.ok(err instanceof Redis.ReplyError);
  const { err: viaCb } = await callbackError((cb) => g.call("definitelynotacommand", cb));
  assert.match(viaCb.message, /unknown command/);
});

t("a bad command name through call()", async () => {
  await rejectsClearly(() => g.call(undefined), /command name must be a non-empty string/);
  await rejectsClearly(() => g.call(42), /command name must be a non-empty string/);
});

t("a call after quit() and after disconnect()", async () => {
  const c = glide();
  await c.quit();
  await rejectsClearly(() => c.get("x"), /^Connection is closed\.$/);
  const d = glide();
  await d.ping();
  d.disconnect();
  await rejectsClearly(() => d.get("x"), /^Connection is closed\.$/);
  const { err } = await callbackError((cb) => d.get("x", cb));
  assert.is(err.message, "Connection is closed.");
});

t("wrong arity and wrong types are the server's errors", async () => {
  await rejectsClearly(() => g.get(), /^ERR wrong number of arguments for 'get' command$/);
  await rejectsClearly(() => g.incrby(key(), "not-a-number"), /^ERR value is not an integer or out of range$/);
});

t("invalid constructor input throws at construction, unsupported options say so", () => {
  assert.throws(() => new Redis(() => 1), /Invalid argument/);
  assert.throws(
    () => new Redis({ sentinels: [{ host: "h", port: 1 }], lazyConnect: true }),
    /Requires the name of master/,
  );
  assert.throws(() => new Redis({ sentinels: [], name: "m", lazyConnect: true }), /Requires at least one sentinel/);
  assert.throws(() => new Redis({ Connector: class {} }), /not supported: a custom Connector/);
  assert.throws(() => new Redis("/tmp/redis.sock"), /not supported: Unix socket/);
  assert.throws(() => new Redis({ port: 70000, lazyConnect: true }), /invalid port/);
});

t("no unhandled rejections were raised by any of the above", async () => {
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(unhandled.map(String), []);
});

t.run();
