"use strict";
// connect-redis (with express-session) and rate-limit-redis (with
// express-rate-limit), unchanged, on ioglide, behind a real HTTP server.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const express = require("express");
const session = require("express-session");
const RedisStore = require("connect-redis").default;
const { rateLimit } = require("express-rate-limit");
const { RedisStore: RateLimitStore } = require("rate-limit-redis");
const { standaloneAddress } = require("../support/servers");
const { watchConsole, Client: Redis } = require("./support");

const { host, port } = standaloneAddress();
const printed = watchConsole();

function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** The store's callback API as promises. */
const call = (store, method, ...args) =>
  new Promise((resolve, reject) => store[method](...args, (err, v) => (err ? reject(err) : resolve(v))));

// ---- connect-redis -------------------------------------------------------

const sessions = suite("connect-redis");
let client, store, server, base;
sessions.before(async () => {
  client = new Redis({ host, port });
  store = new RedisStore({ client, prefix: `sess-${process.pid}:` });
  const app = express();
  app.use(session({ store, secret: "s3cret", resave: false, saveUninitialized: false }));
  app.get("/visit", (req, res) => {
    req.session.visits = (req.session.visits || 0) + 1;
    res.json({ visits: req.session.visits });
  });
  app.get("/logout", (req, res) => req.session.destroy(() => res.json({ ok: true })));
  server = await listen(app);
  base = `http://127.0.0.1:${server.address().port}`;
});
sessions.after(async () => {
  await new Promise((r) => server.close(r));
  await client.quit();
});

sessions("a session persists across requests through the store", async () => {
  let r = await fetch(`${base}/visit`);
  const cookie = r.headers.get("set-cookie").split(";")[0];
  assert.equal(await r.json(), { visits: 1 });
  r = await fetch(`${base}/visit`, { headers: { cookie } });
  assert.equal(await r.json(), { visits: 2 });
  r = await fetch(`${base}/logout`, { headers: { cookie } });
  r = await fetch(`${base}/visit`, { headers: { cookie } });
  assert.equal(await r.json(), { visits: 1 }, "destroyed: a new session");
});

sessions("get, set, touch, destroy, length, ids, all, clear", async () => {
  const s = new RedisStore({ client, prefix: `sess-api-${process.pid}:`, ttl: 100 });
  const cookie = { originalMaxAge: null, expires: null };
  await call(s, "set", "a", { cookie, user: "ada" });
  await call(s, "set", "b", { cookie, user: "bob" });
  assert.equal((await call(s, "get", "a")).user, "ada");
  assert.ok((await call(s, "get", "missing")) == null);
  await call(s, "touch", "a", { cookie, user: "ada" });
  assert.ok((await client.ttl(`sess-api-${process.pid}:a`)) > 90);
  assert.is(await call(s, "length"), 2);
  assert.equal((await call(s, "ids")).sort(), ["a", "b"]);
  assert.equal((await call(s, "all")).map((x) => x.user).sort(), ["ada", "bob"]);
  await call(s, "destroy", "a");
  assert.is(await call(s, "length"), 1);
  await call(s, "clear");
  assert.is(await call(s, "length"), 0);
});

sessions.run();

// ---- rate-limit-redis ------------------------------------------------------

const limits = suite("rate-limit-redis");
let rlClient, rlServer, rlBase, limiterStore;
limits.before(async () => {
  rlClient = new Redis({ host, port });
  limiterStore = new RateLimitStore({ sendCommand: (...args) => rlClient.call(...args), prefix: `rl-${process.pid}:` });
  const app = express();
  app.use(
    rateLimit({ windowMs: 60000, limit: 3, store: limiterStore, standardHeaders: "draft-7", legacyHeaders: false }),
  );
  app.get("/", (req, res) => res.send("ok"));
  rlServer = await listen(app);
  rlBase = `http://127.0.0.1:${rlServer.address().port}`;
});
limits.after(async () => {
  await new Promise((r) => rlServer.close(r));
  await rlClient.quit();
});

limits("the limit is enforced, then reset", async () => {
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await fetch(rlBase)).status);
  assert.equal(statuses, [200, 200, 200, 429, 429]);
  await limiterStore.resetKey("::ffff:127.0.0.1");
  await limiterStore.resetKey("127.0.0.1");
  assert.is((await fetch(rlBase)).status, 200, "after resetKey the client may go again");
});

limits("the counter lives in the server with its expiry", async () => {
  const keys = await rlClient.keys(`rl-${process.pid}:*`);
  assert.ok(keys.length >= 1);
  const ttl = await rlClient.pttl(keys[0]);
  assert.ok(ttl > 0 && ttl <= 60000, `ttl ${ttl}`);
});

limits("nothing printed about the client", () => {
  assert.equal(printed(), []);
});

limits.run();
