"use strict";
// Every ioredis constructor form gives the same effective options as ioredis,
// and connects.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Redis, IORedis, closeAll } = require("../support/clients");
const { standaloneAddress } = require("../support/servers");

const t = suite("constructor");
t.after(closeAll);

const { host, port } = standaloneAddress();
const plain = (o) =>
  JSON.parse(
    JSON.stringify(o, (k, v) =>
      typeof v === "function" ? `fn:${v.name}` : Buffer.isBuffer(v) ? v.toString("hex") : v,
    ),
  );

const forms = [
  ["()", []],
  ["(port)", [port]],
  ["(port, host)", [port, host]],
  ["(url)", [`redis://${host}:${port}`]],
  ["(url with db, user, password, query)", [`redis://u:p%40ss@${host}:${port}/3?connectionName=viaurl&family=4`]],
  ["(rediss url)", [`rediss://${host}:${port}`]],
  ["(host:port without protocol)", [`${host}:${port}`]],
  ["(port string)", [String(port)]],
  ["(options)", [{ host, port, db: 1, keyPrefix: "p:", connectionName: "c" }]],
  ["(port, host, options)", [port, host, { db: 2, enableReadyCheck: false }]],
  ["(port, options)", [port, { host, lazyConnect: true }]],
  ["(url, options)", [`redis://${host}:${port}/4`, { connectionName: "n", maxRetriesPerRequest: null }]],
  ["(options with string port and db)", [{ host, port: String(port), db: "5" }]],
];

for (const [name, args] of forms) {
  t(`new Redis${name}: same options as ioredis`, () => {
    const ours = new Redis(...args, { lazyConnect: true });
    const theirs = new IORedis(...args, { lazyConnect: true });
    assert.equal(plain(ours.options), plain(theirs.options));
    theirs.disconnect();
    ours.disconnect();
  });
}

t("connecting with each form that points at the test server", async () => {
  const reachable = [
    [port, host],
    [`redis://${host}:${port}/1`],
    [{ host, port, db: 2 }],
    [`${host}:${port}`],
    [port, host, { db: 3 }],
  ];
  for (const args of reachable) {
    const c = new Redis(...args);
    c.on("error", () => undefined);
    assert.is(await c.ping(), "PONG", JSON.stringify(args));
    const db =
      typeof args[args.length - 1] === "object" ? args[args.length - 1].db : /\/(\d+)$/.exec(String(args[0]))?.[1];
    const info = await c.client("info");
    assert.match(info, new RegExp(`db=${db || 0} `));
    c.disconnect();
  }
});

t("Redis.createClient() and subclassing behave as in ioredis", async () => {
  const c = Redis.createClient(port, host);
  assert.ok(c instanceof Redis);
  assert.is(await c.ping(), "PONG");
  c.disconnect();
  class Mine extends Redis {}
  const m = new Mine(port, host);
  assert.is(await m.echo("sub"), "sub");
  const d = m.duplicate();
  assert.ok(d instanceof Mine);
  m.disconnect();
  d.disconnect();
});

// ioredis 6.1's options: its defaults and its own refusals, the same; what GLIDE cannot do, refused.
const thrown = (make) => {
  try {
    const c = make();
    c.disconnect();
    return "accepted";
  } catch (err) {
    return err.message;
  }
};
const bothThrow = (make) => [thrown(() => make(Redis)), thrown(() => make(IORedis))];

t("ioredis 6.1's maintenance options: defaults shown, 'enabled' and managed HIMPORT fieldsets refused", () => {
  const ours = new Redis({ lazyConnect: true, maintNotifications: "disabled", maintRelaxedCommandTimeout: 5 });
  assert.is(ours.options.maintNotifications, "disabled");
  assert.is(ours.options.maintRelaxedCommandTimeout, 5);
  assert.is(ours.options.maintEndpointType, "auto");
  assert.ok(Object.prototype.hasOwnProperty.call(ours.options, "himportFieldsets"));
  ours.disconnect();
  assert.match(
    thrown(() => new Redis({ lazyConnect: true, maintNotifications: "enabled" })),
    /^ioglide: not supported: /,
  );
  const fieldsets = [{ name: "fs", fields: ["a"] }];
  assert.match(
    thrown(() => new Redis({ lazyConnect: true, himportFieldsets: fieldsets })),
    /^ioglide: not supported: /,
  );
  assert.is(
    thrown(() => new IORedis({ lazyConnect: true, himportFieldsets: fieldsets })),
    "accepted",
  );
});

t("Cluster: subscriberNodeRole and shardedSubscriberHealthCheckInterval defaults and ioredis's own errors", () => {
  const opts = (extra) => (C) => new C.Cluster([{ host, port }], { lazyConnect: true, ...extra });
  const defaults = (C) => {
    const c = opts({})(C);
    const picked = [c.options.subscriberNodeRole, c.options.shardedSubscriberHealthCheckInterval];
    c.disconnect();
    return picked;
  };
  assert.equal(defaults(Redis), defaults(IORedis));
  for (const bad of [{ subscriberNodeRole: "primary" }, { shardedSubscriberHealthCheckInterval: 500 }]) {
    const [ours, theirs] = bothThrow(opts(bad));
    assert.is(ours, theirs, JSON.stringify(bad));
    assert.match(ours, /^Invalid option/);
  }
  assert.equal(bothThrow(opts({ shardedSubscriberHealthCheckInterval: null })), ["accepted", "accepted"]);
  assert.match(
    thrown(() => opts({ subscriberNodeRole: "slave" })(Redis)),
    /^ioglide: not supported: subscriberNodeRole/,
  );
});

t("ioredis 6.1's error classes are exported, under its names and classes", () => {
  const ours = require("../..");
  const theirs = require("ioredis");
  for (const name of [
    "WatchError",
    "CommandTimeoutDuringMaintenanceError",
    "SocketTimeoutDuringMaintenanceError",
    "MaxRetriesPerRequestError",
  ]) {
    assert.type(ours[name], "function", name);
    const args = name === "WatchError" ? [] : [250];
    const [a, b] = [new ours[name](...args), new theirs[name](...args)];
    assert.equal([a.name, a.message, a instanceof Error], [b.name, b.message, b instanceof Error], name);
  }
  assert.ok(new ours.WatchError() instanceof require("redis-errors").AbortError, "an AbortError, as in ioredis");
});

t.run();
