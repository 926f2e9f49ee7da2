"use strict";
// The seams between a client's connections and its neighbours, differential against ioredis:
// subscriptions are back before 'ready' on every reconnect path, and what was issued before
// disconnect()/quit() is answered, pub/sub commands included.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Redis, IORedis, closeAll, key, once, outcome } = require("../support/clients");
const { startServer } = require("../support/servers");

const t = suite("seams");
let server;
t.before(async () => {
  server = await startServer();
});
t.after(async () => {
  await closeAll();
  await server.cleanup();
});

const unhandled = [];
process.on("unhandledRejection", (e) => unhandled.push(String(e && e.message)));
process.on("uncaughtException", (e) => unhandled.push(String(e && e.message)));

const KINDS = {
  channel: { sub: "subscribe", pub: "publish", event: "message", names: (p) => [`${p}:a`, `${p}:b`] },
  pattern: { sub: "psubscribe", pub: "publish", event: "pmessage", names: (p) => [`${p}:a*`, `${p}:b*`] },
  shard: { sub: "ssubscribe", pub: "spublish", event: "smessage", names: (p) => [`${p}:a`, `${p}:b`] },
};

/** How a subscriber is made to reconnect. */
const PATHS = {
  "disconnect(true)": { options: {}, run: (sub) => sub.disconnect(true) },
  "server restart": { options: {}, run: () => server.restart() },
  reconnectOnError: {
    options: { reconnectOnError: (err) => err.message.startsWith("WRONGTYPE") },
    // Under RESP3 a subscribed connection still takes commands: a WRONGTYPE error reconnects it.
    run: async (sub) => {
      const k = key("wrongtype");
      await sub.set(k, "string");
      await sub.lpush(k, "x").catch(() => undefined);
    },
  },
};

/** Subscribe, reconnect by `path`, publish from the 'ready' listener: what PUBLISH answered, what arrived. */
async function publishOnReady(Client, kind, path) {
  const { sub, pub, event, names } = KINDS[kind];
  const prefix = key(kind);
  const options = { host: "127.0.0.1", port: server.port, retryStrategy: () => 50, ...PATHS[path].options };
  const subscriber = new Client(options);
  const publisher = new Client({ host: "127.0.0.1", port: server.port, retryStrategy: () => 50 });
  subscriber.on("error", () => undefined);
  publisher.on("error", () => undefined);
  try {
    await subscriber[sub](...names(prefix));
    const received = [];
    subscriber.on(event, (...args) => received.push(String(args[args.length - 2]).slice(prefix.length)));
    const answered = new Promise((resolve) =>
      subscriber.once("ready", async () => {
        resolve(
          await Promise.all([outcome(publisher[pub](`${prefix}:a`, "1")), outcome(publisher[pub](`${prefix}:b`, "2"))]),
        );
      }),
    );
    await PATHS[path].run(subscriber);
    const counts = await Promise.race([answered, once(subscriber, "end", 15000).then(() => "ended")]);
    // The messages follow the PUBLISH replies on the subscriber's own connection.
    const deadline = Date.now() + 1000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return { counts, received: received.sort() };
  } finally {
    subscriber.disconnect();
    publisher.disconnect();
  }
}

for (const path of Object.keys(PATHS)) {
  for (const kind of Object.keys(KINDS)) {
    t(
      `${path}: ${kind} subscriptions are back before 'ready' (a publish on 'ready' is delivered), as ioredis`,
      async () => {
        const mine = await publishOnReady(Redis, kind, path);
        const theirs = await publishOnReady(IORedis, kind, path);
        assert.equal(theirs.counts, [{ ok: 1 }, { ok: 1 }], "ioredis's publishes reached the subscriber");
        assert.equal(mine, theirs);
      },
    );
  }
}

/** [setup, issue]: issue() runs in the same tick as disconnect()/quit(). */
const ISSUED_BEFORE_CLOSE = {
  unsubscribe: [(c) => c.subscribe(key("u")).then(() => c), (c) => c.unsubscribe()],
  "unsubscribe one": [(c) => c.subscribe("seams:one"), (c) => c.unsubscribe("seams:one")],
  subscribe: [(c) => c.ping(), (c) => c.subscribe("seams:z")],
  "subscribe on a client still connecting": [() => undefined, (c) => c.subscribe("seams:z")],
  psubscribe: [(c) => c.ping(), (c) => c.psubscribe("seams:z*")],
  punsubscribe: [(c) => c.psubscribe("seams:p*"), (c) => c.punsubscribe("seams:p*")],
  ssubscribe: [(c) => c.ping(), (c) => c.ssubscribe("seams:s")],
  sunsubscribe: [(c) => c.ssubscribe("seams:s"), (c) => c.sunsubscribe("seams:s")],
  "ping while subscribed": [(c) => c.subscribe("seams:q"), (c) => c.ping()],
  get: [(c) => c.ping(), (c) => c.get(key())],
};

async function issuedBeforeClose(Client, setup, issue, how) {
  const c = new Client({ host: "127.0.0.1", port: server.port });
  c.on("error", () => undefined);
  await setup(c);
  const reply = outcome(issue(c));
  const closed = how === "quit" ? outcome(c.quit()) : (c.disconnect(), undefined);
  return { reply: await reply, closed: await closed };
}

for (const [name, [setup, issue]] of Object.entries(ISSUED_BEFORE_CLOSE)) {
  t(`${name} issued just before disconnect() / quit() is answered as ioredis answers it`, async () => {
    for (const how of ["disconnect", "quit"]) {
      const mine = await issuedBeforeClose(Redis, setup, issue, how);
      const theirs = await issuedBeforeClose(IORedis, setup, issue, how);
      assert.equal(mine, theirs, how);
    }
  });
}

t("no unhandled rejection or uncaught exception came out of the clients above", async () => {
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(unhandled, []);
});

t.run();
