"use strict";
// redis.monitor(): the same calls through ioredis and ioglide, events and lines compared.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Redis, IORedis, closeAll, key, sleep } = require("../support/clients");
const { startServer } = require("../support/servers");

const t = suite("monitor");
let server;
const opened = [];
t.before(async () => {
  server = await startServer();
});
t.after(async () => {
  for (const c of opened) c.disconnect();
  await closeAll();
  await server.cleanup();
});

const on = (Client, opts = {}) => {
  const c = new Client({ host: "127.0.0.1", port: server.port, retryStrategy: () => 50, ...opts });
  c.on("error", () => undefined);
  opened.push(c);
  return c;
};

/** Starts monitoring through each client; records its events and lines. */
async function monitors(opts = {}) {
  const out = {};
  for (const [name, Client] of [
    ["ioredis", IORedis],
    ["ioglide", Redis],
  ]) {
    const monitor = await on(Client, opts).monitor();
    // ioredis's monitor() listens for 'error' only until it resolves: without a listener of our own,
    // an error on the monitoring connection would throw out of ioredis's parser.
    monitor.on("error", () => undefined);
    opened.push(monitor);
    const seen = { events: [], lines: [] };
    for (const e of ["close", "reconnecting", "connect", "ready", "monitoring", "end"]) {
      monitor.on(e, () => seen.events.push(e));
    }
    monitor.on("monitor", (time, args, source, database) => seen.lines.push({ time, args, source, database }));
    out[name] = { monitor, seen };
  }
  return out;
}

t("monitor() resolves a client in monitor mode that sees every command, as ioredis's", async () => {
  const both = await monitors();
  assert.is(both.ioglide.monitor.mode, "monitor");
  assert.is(both.ioglide.monitor.status, "monitoring");
  const k = key("mon");
  const writer = on(IORedis, { db: 2 });
  await writer.set(k, 'a "quoted" value \\ with a backslash', "EX", 100);
  await writer.set(`${k}:bin`, Buffer.from([0xff, 0x00, 0x61]));
  await writer.get(k);
  await sleep(100);
  const theirs = both.ioredis.seen.lines.filter((l) => String(l.args[1]).startsWith(k));
  const mine = both.ioglide.seen.lines.filter((l) => String(l.args[1]).startsWith(k));
  assert.is(theirs.length, 3);
  assert.equal(mine, theirs);
  assert.equal(mine[0].args, ["set", k, 'a "quoted" value \\\\ with a backslash', "EX", "100"]);
  for (const { monitor } of Object.values(both)) monitor.disconnect();
  assert.is(mine[0].database, "2");
  assert.match(mine[0].time, /^\d+\.\d{6}$/);
});

t("other commands are refused on the monitoring connection, with ioredis's error", async () => {
  const both = await monitors();
  const outcome = (p) =>
    p.then(
      (v) => ({ v }),
      (e) => ({ e: e.message }),
    );
  for (const call of [(m) => m.get("x"), (m) => m.set("x", "1"), (m) => m.call("ping")]) {
    assert.equal(await outcome(call(both.ioglide.monitor)), await outcome(call(both.ioredis.monitor)));
  }
  assert.equal(await outcome(both.ioglide.monitor.get("x")), {
    e: "Connection is in monitoring mode, can't process commands.",
  });
  for (const { monitor } of Object.values(both)) monitor.disconnect();
});

t("a user without the right gets the server's NOPERM, as with ioredis", async () => {
  const admin = on(IORedis);
  const user = key("nomon").replace(/[^a-z0-9]/gi, "");
  await admin.call("ACL", "SETUSER", user, "on", ">pw", "~*", "+@all", "-monitor");
  const outcome = (p) =>
    p.then(
      () => ({ ok: true }),
      (e) => ({ name: e.name, message: e.message }),
    );
  // The refused monitor connection stays open (ioredis's too) until the user is deleted; then it ends.
  const opts = { username: user, password: "pw", retryStrategy: () => null };
  const mine = await outcome(on(Redis, opts).monitor());
  const theirs = await outcome(on(IORedis, opts).monitor());
  assert.equal(mine, theirs);
  assert.match(mine.message, /^NOPERM/);
  await admin.call("ACL", "DELUSER", user);
});

t("monitoring survives a server restart, and disconnect() ends it", async () => {
  const both = await monitors();
  await server.restart();
  await sleep(500);
  const k = key("monre");
  await on(IORedis).set(k, "after");
  await sleep(100);
  for (const name of ["ioredis", "ioglide"]) {
    const { monitor, seen } = both[name];
    assert.is(monitor.status, "monitoring", name);
    assert.ok(
      seen.lines.some((l) => l.args[1] === k),
      `${name} saw the command after the restart`,
    );
  }
  assert.equal(both.ioglide.seen.events, both.ioredis.seen.events);
  both.ioglide.monitor.disconnect();
  await sleep(50);
  assert.is(both.ioglide.monitor.status, "end");
});

t.run();
