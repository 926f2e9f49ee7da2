"use strict";
// What libraries built on ioredis rely on (disconnect, quit, reconnect, a
// dead server, subscriptions ending, command names), each run through
// ioglide and ioredis 6 on the same server and compared; then every public
// method in every status a test can hold still.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { glide, oracle, closeAll, key, recordEvents, once, sleep, settledWithin } = require("../support/clients");
const { startServer, freePort } = require("../support/servers");

const t = suite("library behaviours");
t.after(closeAll);

const show = (r) => (r === "pending" ? "pending" : "ok" in r ? { ok: r.ok } : { err: r.err.message });

/** The same scenario through both clients: make(options) builds a client. */
async function both(scenario) {
  return [await scenario((o) => glide(o)), await scenario((o) => oracle(o))];
}

t("a command issued just before disconnect() gets its reply", async () => {
  const [g, o] = await both(async (make) => {
    const r = make();
    const k = key();
    await r.set(k, "v");
    const p = r.get(k);
    r.disconnect();
    const statusNow = r.status;
    const late = r.get(k);
    return {
      reply: show(await settledWithin(p, 1000)),
      statusNow,
      late: show(await settledWithin(late, 1000)),
      statusAfter: (await sleep(50), r.status),
    };
  });
  assert.equal(g, o);
  assert.equal(g.reply, { ok: "v" });
});

t("quit() right after disconnect() resolves", async () => {
  const [g, o] = await both(async (make) => {
    const r = make();
    await r.ping();
    r.disconnect();
    return show(await settledWithin(r.quit(), 1000));
  });
  assert.equal(g, o);
  assert.equal(g, { ok: "OK" });
});

t("connect() after disconnect(): refused while closing, resolves once ended, and the client works", async () => {
  const [g, o] = await both(async (make) => {
    const r = make();
    await r.ping();
    r.disconnect();
    const early = show(await settledWithin(r.connect(), 1000));
    if (r.status !== "end") await once(r, "end");
    const later = show(await settledWithin(r.connect(), 2000));
    return { early, later, ping: show(await settledWithin(r.ping(), 1000)) };
  });
  assert.equal(g, o);
  assert.equal(g.later, { ok: undefined });
});

t("a server that shuts down is noticed at once: the next call is refused without waiting", async () => {
  const server = await startServer();
  try {
    const outcome = async (make) => {
      const r = make({
        port: server.port,
        host: server.host,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => 100,
      });
      await once(r, "ready");
      const admin = make({ port: server.port, host: server.host, retryStrategy: () => null });
      await admin.ping();
      const closed = once(r, "close");
      const started = Date.now();
      admin.call("SHUTDOWN", "NOSAVE").catch(() => undefined);
      await closed;
      const noticed = Date.now() - started;
      const next = await settledWithin(r.get("k"), 1000);
      r.disconnect();
      await server.start();
      return { noticedFast: noticed < 200, next: show(next) };
    };
    const [g, o] = [await outcome((opts) => glide(opts)), await outcome((opts) => oracle(opts))];
    assert.equal(g, o);
    assert.equal(g.next, { err: "Stream isn't writeable and enableOfflineQueue options is false" });
  } finally {
    await server.cleanup();
  }
});

t("subscriptions end with the client: no events after disconnect(), the server counts none", async () => {
  const [g, o] = await both(async (make) => {
    const ch = key("ch");
    const s = make();
    const pub = make();
    const got = [];
    s.on("message", (c, m) => got.push(m));
    s.on("pmessage", (p, c, m) => got.push(m));
    await s.subscribe(ch);
    await s.psubscribe(ch + "*");
    s.unsubscribe(ch).catch(() => undefined); // still in flight
    s.disconnect();
    await once(s, "end");
    const receivers = await pub.publish(ch, "after");
    await sleep(100);
    const [, numsub] = await pub.pubsub("NUMSUB", ch);
    return { receivers, numsub, got };
  });
  assert.equal(g, o);
  assert.equal(g, { receivers: 0, numsub: 0, got: [] });
});

t("PUBSUB NUMSUB answers in the order asked", async () => {
  const [a, b, c] = [key("a"), key("b"), key("c")];
  const [g, o] = await both(async (make) => {
    const s = make();
    await s.subscribe(c, a, b);
    const r = make();
    const reply = await r.pubsub("NUMSUB", b, key("none"), c, a);
    await s.unsubscribe();
    return reply.filter((x, i) => i % 2 === 1);
  });
  assert.equal(g, o);
  assert.equal(g, [1, 0, 1, 1]);
});

t(
  "a defined command may have any name: it never clobbers the pipeline's, the client's or multi's internals",
  async () => {
    // Names ioglide's client and pipeline used for their own state (public fields such as options are shadowed, as in ioredis).
    const names = [
      "queued",
      "result",
      "transaction",
      "executor",
      "middleware",
      "scripts",
      "chains",
      "connection",
      "pubSubRouter",
      "builtinStages",
      "everReady",
      "maxListeners",
    ];
    const [g, o] = await both(async (make) => {
      const r = make();
      for (const name of names) r.defineCommand(name, { numberOfKeys: 0, lua: `return '${name}'` });
      const out = {};
      for (const name of names) {
        out[name] = [
          await r.pipeline([[name], ["ping"]]).exec(),
          await r.multi([[name], ["ping"]]).exec(),
          await r[name](),
        ];
      }
      out.plain = await r.ping();
      return out;
    });
    assert.equal(g, o);
    assert.equal(g.queued[0], [
      [null, "queued"],
      [null, "PONG"],
    ]);
  },
);

// ---- every public method in every status a test can hold --------------------

/** Clients in a given status, made the same way for both libraries. */
const STATUSES = {
  /** lazyConnect, never connected */
  wait: async (make) => make({ lazyConnect: true }),
  /** right after construction, before any I/O */
  connecting: async (make) => make(),
  ready: async (make) => {
    const r = make();
    await once(r, "ready");
    return r;
  },
  /** the server is gone and the next attempt is seconds away */
  reconnecting: async (make, closedPort) => {
    const r = make({ port: closedPort, retryStrategy: () => 5000, maxRetriesPerRequest: 1 });
    await once(r, "reconnecting");
    return r;
  },
  end: async (make) => {
    const r = make();
    await once(r, "ready");
    r.disconnect();
    await once(r, "end");
    return r;
  },
};

const METHODS = {
  get: (r) => r.get("status-table"),
  ping: (r) => r.ping(),
  connect: (r) => r.connect(),
  quit: (r) => r.quit(),
  disconnect: (r) => r.disconnect(),
  subscribe: (r) => r.subscribe("status-table-ch"),
  pipeline: (r) => r.pipeline().ping().exec(),
  multi: (r) => r.multi().ping().exec(),
};

/**
 * Intentional differences (docs/COMPATIBILITY.md): ioredis's disconnect()
 * (and quit(), which disconnects when offline) while reconnecting cancels
 * the next attempt but never ends the client (status stays "reconnecting",
 * queued calls wait forever); ioglide ends it.
 */
const INTENDED = {
  "reconnecting disconnect": { status: "end", events: ["end"] },
  "reconnecting quit": { status: "end", events: ["end"] },
};

t("every public method in every status behaves as ioredis's (status x method table)", async () => {
  const closedPort = await freePort();
  const mismatches = [];
  for (const [status, makeIn] of Object.entries(STATUSES)) {
    for (const [method, call] of Object.entries(METHODS)) {
      const run = async (make) => {
        const r = await makeIn(make, closedPort);
        const before = r.status;
        const events = recordEvents(r, ["connect", "ready", "close", "reconnecting", "end"]);
        let result;
        try {
          result = call(r);
        } catch (err) {
          result = Promise.reject(err);
        }
        const outcome =
          result && typeof result.then === "function"
            ? show(await settledWithin(result, 300))
            : { returned: result === undefined ? "undefined" : typeof result };
        await sleep(100);
        const after = { before, outcome, status: r.status, events: events.slice() };
        r.disconnect();
        return after;
      };
      const g = await run((o) => glide(o));
      const o = await run((opts) => oracle(opts));
      const intended = INTENDED[`${status} ${method}`];
      const expected = intended ? { ...o, ...intended } : o;
      try {
        assert.equal(g, expected);
      } catch {
        mismatches.push(`${status} ${method}: ioglide ${JSON.stringify(g)} / ioredis ${JSON.stringify(o)}`);
      }
    }
  }
  assert.equal(mismatches, [], mismatches.join("\n"));
});

t.run();
