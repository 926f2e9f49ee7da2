"use strict";
// Dynamic dispatch: every command is a method (and its Buffer twin), made on
// first use and cached; non-commands stay undefined; promises and callbacks.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const util = require("util");
const { Redis, IORedis, glide, oracle, closeAll, key, both } = require("../support/clients");

const t = suite("dispatch");
let g, o;
t.before(() => {
  g = glide();
  o = oracle();
});
t.after(closeAll);

t("a synthesized method is cached on the prototype", () => {
  const shared = Object.getPrototypeOf(Redis.prototype); // what Redis and Redis.Cluster share
  const before = Object.getOwnPropertyDescriptor(shared, "pfcount");
  assert.is(before, undefined);
  const m = g.pfcount;
  assert.type(m, "function");
  assert.is(Object.getOwnPropertyDescriptor(shared, "pfcount").value, m);
  assert.is(g.pfcount, m);
});

t("every ioredis command method exists on ioglide, with its Buffer twin", () => {
  const probe = new IORedis({ lazyConnect: true });
  const missing = [];
  for (const name of probe.getBuiltinCommands()) {
    if (typeof g[name] !== "function") missing.push(name);
    if (typeof g[name + "Buffer"] !== "function") missing.push(name + "Buffer");
  }
  probe.disconnect();
  assert.equal(missing, []);
});

t("no field or method of the client hides a command, except the ones ioredis overrides too", () => {
  const c = new Redis({ lazyConnect: true });
  const commands = new Set(c.getBuiltinCommands().flatMap((n) => [n, n + "Buffer"]));
  assert.equal(
    Object.keys(c).filter((k) => commands.has(k)),
    [],
  );
  // In a fresh process: here earlier tests have already cached synthesized methods on the prototype.
  const script = `const R = require(${JSON.stringify(require.resolve("../.."))});
    const names = new Set(new R({ lazyConnect: true }).getBuiltinCommands().flatMap((n) => [n, n + "Buffer"]));
    const own = (p) => Object.getOwnPropertyNames(p).filter((k) => names.has(k));
    console.log(JSON.stringify([...own(R.prototype), ...own(Object.getPrototypeOf(R.prototype))].sort()));`;
  const out = require("child_process").execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(JSON.parse(out), ["multi", "quit"]);
});

t("names that are not commands are undefined, like ioredis", () => {
  for (const name of ["then", "catch", "foo", "getBufferBuffer", "constructorx", "toJSON"]) {
    assert.is(g[name], undefined, name);
    assert.is(o[name], undefined, name);
    assert.is(name in g, false, name);
  }
  assert.is(g[Symbol.toPrimitive], undefined);
  assert.is(g[Symbol.iterator], undefined);
  assert.ok("get" in g);
  assert.ok("hgetallBuffer" in g);
});

t("a client is not thenable: awaiting it or Promise.resolve() returns it", async () => {
  assert.is(await Promise.resolve(g), g);
});

t("util.inspect and JSON do not explode and hide the password", () => {
  const c = new Redis({ lazyConnect: true, password: "s3cret-pw" });
  const text = util.inspect(c);
  assert.match(text, /Redis/);
  assert.not.match(text, /s3cret-pw/);
  assert.not.match(util.inspect(c, { depth: 5, showHidden: true }), /s3cret-pw/);
});

t("promise and callback forms give the same results as ioredis", async () => {
  const k = key();
  const [a, b] = await both(g, o, async (c) => {
    await c.set(k, "v");
    const viaCallback = await new Promise((resolve) => c.get(k, (err, v) => resolve([err, v])));
    const errViaCallback = await new Promise((resolve) => c.hget(k, "f", (err, v) => resolve([err && err.message, v])));
    return [viaCallback, errViaCallback, await c.get(k)];
  });
  assert.equal(a, b);
});

t("callback with a promise: the returned promise settles too and does not go unhandled", async () => {
  const k = key();
  await g.set(k, "x");
  let unhandled = 0;
  const onUnhandled = () => unhandled++;
  process.on("unhandledRejection", onUnhandled);
  const p = g.incr(k, () => undefined);
  await p.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 20));
  process.off("unhandledRejection", onUnhandled);
  assert.is(unhandled, 0);
});

t("call, callBuffer, send_command-style and sendCommand", async () => {
  const k = key();
  const [a, b] = await both(g, o, async (c) => {
    await c.call("set", k, "hello");
    const cmd = new IORedis.Command("get", [k], { replyEncoding: "utf8" });
    return [await c.call("get", k), await c.callBuffer("get", k), await c.call("GET", k), await c.sendCommand(cmd)];
  });
  assert.equal(a, b);
  assert.ok(Buffer.isBuffer(a.ok[1]));
});

t("unknown commands through call() reject with the server's error", async () => {
  const [a, b] = await both(g, o, (c) => c.call("nosuchcmd", "a"));
  assert.equal(a, b);
  assert.is(a.err.name, "SimpleError"); // ioredis 6: a ReplyError subclass whose name is "ReplyError"
});

t("Buffer variants return Buffers where ioredis does", async () => {
  const k = key();
  await g.rpush(k, "a", "b");
  const [a, b] = await both(g, o, async (c) => [
    await c.lrangeBuffer(k, 0, -1),
    await c.getBuffer(key("missing")),
    await c.typeBuffer(k),
  ]);
  assert.equal(a, b);
  assert.ok(Buffer.isBuffer(a.ok[0][0]));
});

t("getBuiltinCommands, createBuiltinCommand, addBuiltinCommand", async () => {
  // ioglide's command table is the same or a newer @ioredis/commands: a superset of ioredis's.
  const ours = new Set(g.getBuiltinCommands());
  assert.equal(
    o.getBuiltinCommands().filter((n) => !ours.has(n)),
    [],
  );
  const { string, buffer } = g.createBuiltinCommand("echo");
  assert.is(await string.call(g, "hi"), "hi");
  assert.equal(await buffer.call(g, "hi"), Buffer.from("hi"));
  g.addBuiltinCommand("echo");
  assert.ok(Object.prototype.hasOwnProperty.call(g, "echo"));
  assert.is(await g.echo("x"), "x");
});

t.run();
