"use strict";
// ioredis 6's tracing channels (ioredis:command, ioredis:batch, ioredis:connect):
// the same program through ioredis and through ioglide, every traced event compared.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const dc = require("node:diagnostics_channel");
const { Redis, IORedis, closeAll, key } = require("../support/clients");
const { standaloneAddress, freePort } = require("../support/servers");

const t = suite("tracing");
const { host, port } = standaloneAddress();
t.after(() => closeAll());

const CHANNELS = ["ioredis:command", "ioredis:batch", "ioredis:connect"];
const plain = (v) =>
  Buffer.isBuffer(v) ? v.toString() : Array.isArray(v) ? v.map(plain) : v instanceof Error ? `Error: ${v.message}` : v;

/** Record every event of the three channels while `fn` runs (its own copy of each context). */
async function record(fn) {
  const events = [];
  const subscriptions = CHANNELS.map((name) => {
    const handlers = {};
    for (const kind of ["start", "asyncEnd", "error"]) {
      handlers[kind] = (ctx) => {
        const { result, error, ...fields } = ctx;
        const entry = { channel: name.slice(8), kind, ...fields };
        if (kind === "asyncEnd") entry.outcome = "error" in ctx ? plain(error) : plain(result);
        if (kind === "error") entry.outcome = plain(error);
        events.push(entry);
      };
    }
    for (const kind of ["end", "asyncStart"]) handlers[kind] = () => undefined;
    dc.tracingChannel(name).subscribe(handlers);
    return () => dc.tracingChannel(name).unsubscribe(handlers);
  });
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    for (const unsubscribe of subscriptions) unsubscribe();
  }
  return events;
}

/**
 * ioredis traces its own handshake (HELLO, CLIENT SETINFO, the INFO of the
 * ready check); GLIDE sends those itself and ioglide does not trace them.
 */
const HANDSHAKE = new Set(["hello", "client", "info"]);
const withoutHandshake = (events) => events.filter((e) => !HANDSHAKE.has(e.command));

/** Runs `program(client)` on each library and returns both recordings. */
async function both(program, options = {}) {
  const out = {};
  for (const [name, Client] of [
    ["ioredis", IORedis],
    ["ioglide", Redis],
  ]) {
    out[name] = withoutHandshake(
      await record(async () => {
        const client = new Client({ host, port, ...options });
        client.on("error", () => undefined);
        try {
          await program(client, name);
        } finally {
          client.disconnect();
        }
      }),
    );
  }
  return out;
}

/** One line per event, so a difference reads at a glance. */
const lines = (events) =>
  events.map((e) =>
    [
      e.channel,
      e.kind,
      e.command ?? e.batchMode ?? "",
      JSON.stringify(e.args ?? e.batchSize ?? e.connectionEpoch),
      `db=${e.database}`,
      `${e.serverAddress}:${e.serverPort}`,
      JSON.stringify(e.outcome),
    ].join(" "),
  );

const starts = (events, channel) => events.filter((e) => e.channel === channel && e.kind === "start");

t("commands: one start per call with ioredis's context; results and errors as ioredis reports them", async () => {
  const k = key("tr");
  const { ioredis, ioglide } = await both(async (r) => {
    await r.set(k, "secret", "EX", 100);
    await r.get(k);
    await r.hset(`${k}:h`, "f", "hidden");
    await r.echo("hi");
    await r.call("GETSET", k, "other");
    await r.psetex(k, 1000, "v");
    await r.auth("nope").catch(() => undefined);
    await r.lpush(k, "x").catch(() => undefined);
    await r.call("ECHO", "x");
    await r.del(k, `${k}:h`);
  });
  const commands = (events) => events.filter((e) => e.channel === "command");
  // The starts in order, and the ends in order (when an end is published relative to the caller's
  // next call is a matter of microtasks: ioredis ends an offline-queued call's trace after its caller resumes).
  const byKind = (events) => ["start", "error", "asyncEnd"].map((k) => lines(events.filter((e) => e.kind === k)));
  assert.equal(byKind(commands(ioglide)), byKind(commands(ioredis)));
  const set = starts(ioglide, "command")[0];
  assert.equal(set, {
    channel: "command",
    kind: "start",
    command: "set",
    args: [k, "?", "?", "?"],
    database: 0,
    serverAddress: host,
    serverPort: port,
  });
  assert.ok(
    ioglide.some((e) => e.kind === "error" && /WRONGTYPE/.test(e.outcome)),
    "the failed LPUSH is an error",
  );
});

t("pipelines: each command traced on its own; multi().exec(): one batch and multi, commands, exec", async () => {
  const k = key("trp");
  const { ioredis, ioglide } = await both(async (r) => {
    await r.pipeline().set(k, "1").incr(k).hset(k, "f", "v").exec();
    await r.multi().set(`${k}:m`, "1").get(`${k}:m`).exec();
    await r.del(k, `${k}:m`);
  });
  assert.equal(
    ioglide.map(({ channel, kind, command, args, batchSize, batchMode, outcome }) => [
      channel,
      kind,
      command ?? batchMode,
      args ?? batchSize,
      outcome,
    ]),
    ioredis.map(({ channel, kind, command, args, batchSize, batchMode, outcome }) => [
      channel,
      kind,
      command ?? batchMode,
      args ?? batchSize,
      outcome,
    ]),
  );
  assert.equal(starts(ioglide, "batch").length, 1);
});

t("scripts: traced as the EVAL and EVALSHA that went out, once each", async () => {
  const k = key("trs");
  const scripts = { echoKey: { numberOfKeys: 1, lua: "return KEYS[1]" } };
  const { ioredis, ioglide } = await both(
    async (r) => {
      await r.echoKey(k);
      await r.echoKey(k);
    },
    { scripts },
  );
  const names = (events) => starts(events, "command").map((e) => [e.command, e.args.length]);
  assert.equal(names(ioglide), names(ioredis));
  assert.equal(names(ioglide), [
    ["eval", 3],
    ["evalsha", 3],
  ]);
});

t("the database follows SELECT; offline-queued calls are traced once, when sent", async () => {
  const k = key("trd");
  const { ioredis, ioglide } = await both(
    async (r) => {
      // lazyConnect: the first call connects; it waits in the offline queue until ready.
      await r.set(k, "v");
      await r.select(3);
      await r.ping();
      await r.select(0);
      await r.del(k);
    },
    { lazyConnect: true },
  );
  const shown = (events) => starts(events, "command").map((e) => [e.command, e.database]);
  assert.equal(shown(ioglide), shown(ioredis));
  assert.equal(shown(ioglide).filter(([c]) => c === "set").length, 1);
  assert.ok(shown(ioglide).some(([c, db]) => c === "ping" && db === 3));
});

t("subscribe and unsubscribe are traced as ioredis traces them", async () => {
  const ch = key("trch");
  const { ioredis, ioglide } = await both(async (r) => {
    await r.subscribe(`${ch}:1`, `${ch}:2`);
    await r.psubscribe(`${ch}:*`);
    await r.unsubscribe(`${ch}:1`);
    // Named: ioredis 6.0.0's punsubscribe()/unsubscribe() without arguments never resolved here.
    await r.punsubscribe(`${ch}:*`);
    await r.unsubscribe(`${ch}:2`);
  });
  const shown = (events) =>
    events.filter((e) => e.channel === "command" && e.kind !== "error").map((e) => [e.kind, e.command, e.args]);
  const byKind = (events) => ["start", "asyncEnd"].map((k) => shown(events).filter(([kind]) => kind === k));
  assert.equal(byKind(ioglide), byKind(ioredis));
  assert.equal(shown(ioglide)[0], ["start", "subscribe", [`${ch}:1`, `${ch}:2`]]);
});

t("connect: one trace per attempt with its epoch; a refused connection is an error", async () => {
  const ok = await both(async (r) => {
    await r.ping();
  });
  const connects = (events) => events.filter((e) => e.channel === "connect").map((e) => ({ ...e, outcome: undefined }));
  assert.equal(connects(ok.ioglide), connects(ok.ioredis));
  assert.equal(starts(ok.ioglide, "connect")[0].connectionEpoch, 0);

  const closed = await freePort();
  const refused = await both(
    async (r) => {
      await new Promise((resolve) => r.once("end", resolve));
    },
    { port: closed, retryStrategy: () => null },
  );
  const kinds = (events) =>
    events.filter((e) => e.channel === "connect").map((e) => [e.kind, e.serverPort, e.connectionEpoch, e.outcome]);
  assert.equal(kinds(refused.ioglide), kinds(refused.ioredis));
  assert.ok(
    kinds(refused.ioglide).some(([kind, , , outcome]) => kind === "error" && /Connection is closed/.test(outcome)),
  );
});

t("nothing is recorded, and nothing breaks, when nobody subscribes", async () => {
  const r = new Redis({ host, port });
  try {
    assert.is(dc.tracingChannel("ioredis:command").hasSubscribers, false);
    assert.is(await r.ping(), "PONG");
    assert.equal(await r.multi().ping().exec(), [[null, "PONG"]]);
  } finally {
    r.disconnect();
  }
});

t.run();
