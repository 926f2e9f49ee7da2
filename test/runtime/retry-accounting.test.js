"use strict";
// Retry accounting as ioredis counts it: maxRetriesPerRequest against retryStrategy calls,
// reconnectOnError's argument and resends, quit() before the first connection.
// Every scenario runs through ioglide and ioredis 6 and the observations are compared.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const net = require("net");
const { Redis, IORedis, closeAll, sleep, settledWithin } = require("../support/clients");
const { standaloneAddress, startServer } = require("../support/servers");

const t = suite("retry-accounting");
t.after(closeAll);

const show = (x) => JSON.parse(JSON.stringify(x, (k, v) => (v instanceof Error ? [v.constructor.name, v.message] : v)));

/** A port nothing listens on (for as long as the test needs it). */
function closedPort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

t("maxRetriesPerRequest (0, 1, 3, default 20): the error, and how many times retryStrategy ran by then", async () => {
  const port = await closedPort();
  const observed = [];
  for (const Client of [Redis, IORedis]) {
    const rows = [];
    for (const max of [0, 1, 3, undefined]) {
      let strategyCalls = 0;
      const c = new Client({
        host: "127.0.0.1",
        port,
        ...(max === undefined ? {} : { maxRetriesPerRequest: max }),
        retryStrategy: () => (++strategyCalls, 5),
      });
      c.on("error", () => undefined);
      const r = await settledWithin(c.ping(), 10000);
      rows.push([max, r === "pending" ? "pending" : show(r.err), strategyCalls]);
      c.disconnect();
    }
    observed.push(rows);
  }
  assert.equal(observed[0], observed[1]);
  assert.equal(observed[0][0][1], [
    "MaxRetriesPerRequestError",
    'Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.',
  ]);
});

t(
  "maxRetriesPerRequest as ioredis's own test counts it: retryAttempts and 'reconnecting' events when the callback runs",
  async () => {
    const port = await closedPort();
    const observed = [];
    for (const Client of [Redis, IORedis]) {
      const rows = [];
      for (const max of [0, 1, undefined]) {
        const c = new Client(port, {
          connectTimeout: 1,
          retryStrategy: () => 1,
          ...(max === undefined ? {} : { maxRetriesPerRequest: max }),
        });
        c.on("error", () => undefined);
        let reconnecting = 0;
        c.on("reconnecting", () => reconnecting++);
        const seen = () =>
          new Promise((resolve) => c.get("k", (err) => resolve([err.name, c.retryAttempts, reconnecting])));
        rows.push([max, await seen(), await seen()]);
        c.disconnect();
      }
      observed.push(rows);
    }
    assert.equal(observed[1][2], [
      undefined,
      ["MaxRetriesPerRequestError", 21, 21],
      ["MaxRetriesPerRequestError", 42, 42],
    ]);
    assert.equal(observed[0], observed[1]);
  },
);

t("quit() before the client ever connected: retryStrategy is not called again", async () => {
  const port = await closedPort();
  const observed = [];
  for (const Client of [Redis, IORedis]) {
    let strategyCalls = 0;
    const c = new Client({ host: "127.0.0.1", port, retryStrategy: () => (++strategyCalls, 20) });
    c.on("error", () => undefined);
    await sleep(100);
    const quit = await settledWithin(c.quit(), 3000);
    const atQuit = strategyCalls;
    await sleep(300);
    observed.push([show(quit.err ?? quit.ok), strategyCalls - atQuit, c.status]);
  }
  assert.equal(observed[0].slice(0, 2), observed[1].slice(0, 2));
  assert.is(observed[0][1], 0);
  // ioredis 6.1 ends it (6.0's status stayed "reconnecting" for good).
  assert.equal([observed[0][2], observed[1][2]], ["end", "end"]);
});

t(
  "reconnectOnError: the ReplyError passed in; 2 resends single commands and pipelined ones in the selected database",
  async () => {
    const { host, port } = standaloneAddress();
    const observed = [];
    for (const Client of [Redis, IORedis]) {
      const admin = new IORedis({ host, port, db: 6 });
      const k = `roe:${process.pid}`;
      const seen = [];
      const c = new Client({
        host,
        port,
        reconnectOnError: (err) => {
          seen.push([err.constructor.name, err instanceof Error, err.message.slice(0, 9)]);
          if (/EXECABORT/.test(err.message)) return 1; // reconnects, resends nothing
          if (!/WRONGTYPE/.test(err.message)) return false;
          admin.del(k);
          return 2;
        },
      });
      c.on("error", () => undefined);
      const events = [];
      for (const e of ["close", "reconnecting", "ready", "end"]) c.on(e, () => events.push(e));
      await c.select(6);
      const hashAt = async () => (await admin.del(k), await admin.hset(k, "f", "v"));
      await hashAt();
      const single = await c.incr(k).catch((e) => e);
      await hashAt();
      const pipelined = await c.pipeline().incr(k).incr(k).get(k).exec();
      await sleep(50);
      const afterPipeline = await admin.get(k).catch((e) => e);
      await hashAt();
      const transaction = await c
        .multi()
        .incr(k)
        .get(k)
        .exec()
        .catch((e) => e);
      await sleep(50);
      // Refused while queueing: asked with the command's error, then with EXECABORT.
      const refused = await c
        .multi()
        .incr(k)
        .call("nosuchcommand")
        .exec()
        .catch((e) => e.message.slice(0, 9));
      for (let i = 0; i < 50 && events[events.length - 1] !== "ready"; i++) await sleep(20);
      const selectedAfter = await c.exists(k); // the hash, in db 6 again after the reconnect
      observed.push(show({ single, pipelined, afterPipeline, transaction, refused, selectedAfter, seen, events }));
      c.disconnect();
      admin.disconnect();
    }
    assert.equal(observed[0], observed[1]);
    assert.equal(observed[0].single, 1, "resent after the key was fixed");
    assert.equal(
      observed[0].seen.slice(-2).map(([, , m]) => m),
      ["ERR unkno", "EXECABORT"],
    );
    assert.equal(observed[0].selectedAfter, 1);
    assert.ok(observed[0].events.filter((e) => e === "ready").length >= 1, "EXECABORT's 1 reconnected");
  },
);

t(
  "a transaction whose connection is killed before EXEC answers rejects with ioredis's AbortError, not resent",
  async () => {
    // A server of its own: CLIENT PAUSE WRITE holds the EXEC (its INCR is a write) while the
    // connection is killed, so the transaction is in flight and never ran.
    const server = await startServer();
    try {
      const observed = [];
      for (const Client of [Redis, IORedis]) {
        const name = `victim-${observed.length}`;
        const c = new Client({ port: server.port, connectionName: name });
        c.on("error", () => undefined);
        const admin = new IORedis({ port: server.port });
        await c.ping();
        await admin.client("pause", 2000, "write");
        const k = `tx:${observed.length}`;
        const tx = settledWithin(c.multi().incr(k).exec(), 5000);
        await sleep(150);
        const ids = (await admin.client("list"))
          .split("\n")
          .filter((line) => line.includes(` name=${name} `))
          .map((line) => /id=(\d+)/.exec(line)[1]);
        for (const id of ids) await admin.client("kill", "id", id);
        await admin.client("unpause");
        const got = await tx;
        const err = got.err;
        await sleep(100);
        observed.push({
          error: err && [err.constructor.name, err.name, err.message, err.command],
          written: await admin.get(k),
          after: await c.incr(k),
        });
        c.disconnect();
        admin.disconnect();
      }
      assert.equal(observed[0], observed[1]);
      assert.equal(observed[0].error, [
        "AbortError",
        "AbortError",
        "Command aborted due to connection close",
        { name: "exec", args: [] },
      ]);
      assert.is(observed[0].written, null, "the transaction never ran and was not resent");
      assert.is(observed[0].after, 1, "the client works after reconnecting");
    } finally {
      await server.cleanup();
    }
  },
);

t.run();
