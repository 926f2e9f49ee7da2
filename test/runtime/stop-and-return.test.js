"use strict";
// A client that is told to stop stops; one whose server returns is usable at
// once; a lost server is noticed when its socket closes; a process that
// disconnects its clients exits. Each scenario runs through ioglide and
// ioredis 6 (the oracle), on servers of its own.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const path = require("path");
const { spawn } = require("child_process");
const { glide, oracle, closeAll, once, sleep, settledWithin } = require("../support/clients");
const { startServer, freePort } = require("../support/servers");

const t = suite("stop and return");
t.after(closeAll);

const makers = { ioglide: (o) => glide(o), ioredis: (o) => oracle(o) };
const show = (r) => (r === "pending" ? "pending" : "ok" in r ? { ok: r.ok } : { err: r.err.message });

for (const how of ["disconnect", "quit"]) {
  t(`${how}() from the error listener of a refused connection stops the client: one error, then end`, async () => {
    const port = await freePort();
    const seen = {};
    for (const [name, make] of Object.entries(makers)) {
      const r = make({ port, retryStrategy: () => 50 });
      const events = [];
      r.removeAllListeners("error");
      r.on("error", () => {
        events.push("error");
        r[how]();
      });
      for (const e of ["close", "reconnecting", "end"]) r.on(e, () => events.push(e));
      await sleep(400);
      seen[name] = { events, status: r.status };
    }
    assert.equal(seen.ioglide, seen.ioredis);
    assert.equal(seen.ioglide.events.filter((e) => e === "error").length, 1);
    assert.is(seen.ioglide.status, "end");
  });
}

t("a server that comes back is usable within the retryStrategy delay (+50 ms)", async () => {
  const server = await startServer();
  const delay = 100;
  const took = {};
  try {
    for (const [name, make] of Object.entries(makers)) {
      const r = make({ port: server.port, retryStrategy: () => delay });
      await once(r, "ready");
      await server.kill();
      await once(r, "reconnecting");
      await server.start();
      const restarted = Date.now();
      while (!(await settledWithin(r.ping(), 20).then((x) => x !== "pending" && "ok" in x))) await sleep(2);
      took[name] = Date.now() - restarted;
      r.disconnect();
    }
  } finally {
    await server.cleanup();
  }
  assert.ok(took.ioglide <= delay + 50, `ioglide took ${took.ioglide} ms (ioredis ${took.ioredis} ms)`);
});

t(
  "calls in flight when the server dies fail within 100 ms of the socket closing (maxRetriesPerRequest: 0)",
  async () => {
    const server = await startServer();
    const seen = {};
    try {
      for (const [name, make] of Object.entries(makers)) {
        const r = make({ port: server.port, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
        await once(r, "ready");
        let settledAt = 0;
        const slow = r.call("DEBUG", "SLEEP", "2").then(
          (ok) => ((settledAt = Date.now()), { ok }),
          (err) => ((settledAt = Date.now()), { err }),
        );
        await sleep(100);
        const killed = Date.now();
        await server.kill();
        const outcome = show(
          await settledWithin(
            slow.then((x) => ("ok" in x ? x.ok : Promise.reject(x.err))),
            1000,
          ),
        );
        seen[name] = { outcome, fast: settledAt - killed < 100 };
        r.disconnect();
        await server.start();
      }
    } finally {
      await server.cleanup();
    }
    assert.equal(seen.ioglide, seen.ioredis);
    assert.ok(seen.ioglide.fast);
  },
);

/** A process that connects, loses its server, disconnects: how long until it exits by itself? */
function exitTime(library, port, extra = "") {
  const script = `
    const Redis = require(${JSON.stringify(library)});
    const r = new Redis({ port: ${port}, retryStrategy: () => 100 });
    r.on("error", () => {});
    r.once("ready", async () => {
      ${extra}
      process.send("ready");
      process.once("message", () => {
        const t = Date.now();
        process.on("exit", () => console.log(JSON.stringify({ exitedAfter: Date.now() - t, status: r.status })));
        r.disconnect();
      });
    });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const ready = new Promise((resolve) => child.once("message", resolve));
  const exited = new Promise((resolve) =>
    child.once("exit", () => resolve(out.trim() ? JSON.parse(out.trim()) : { exitedAfter: Infinity })),
  );
  return { child, ready, exited };
}

t("after its server is lost, a process that disconnects its clients exits by itself (within 1 s)", async () => {
  const server = await startServer();
  const libraries = { ioglide: path.resolve(__dirname, "../.."), ioredis: require.resolve("ioredis") };
  const seen = {};
  try {
    for (const [name, lib] of Object.entries(libraries)) {
      // (A GLIDE client still being created when the server dies holds the process until GLIDE's connect gives up:
      // the BLPOP is blocked on the server before the server goes.)
      const run = exitTime(
        lib,
        server.port,
        `await r.subscribe("exit-test"); await r.unsubscribe(); r.blpop("exit-list", 0).catch(() => {}); await new Promise((w) => setTimeout(w, 200));`,
      );
      await run.ready;
      await server.kill();
      await sleep(150);
      run.child.send("go");
      const result = await Promise.race([
        run.exited,
        sleep(5000).then(() => (run.child.kill(), { exitedAfter: "still running after 5 s" })),
      ]);
      seen[name] = result;
      await server.start();
    }
  } finally {
    await server.cleanup();
  }
  assert.ok(
    seen.ioglide.exitedAfter < 1000,
    `ioglide: ${JSON.stringify(seen.ioglide)}, ioredis: ${JSON.stringify(seen.ioredis)}`,
  );
});

/**
 * A process that calls `how` (disconnect or quit) while its server is frozen
 * (SIGSTOP, by the parent) or, in the same tick, kills its server: how long
 * until it exits by itself?
 */
function exitAfterStop(library, server, how, { freeze }) {
  const stop = `Promise.resolve(r.${how}()).catch(() => {});`;
  const script = `
    const Redis = require(${JSON.stringify(library)});
    const r = new Redis({ port: ${server.port}, retryStrategy: () => 100 });
    r.on("error", () => {});
    r.get("k").then(() => {
      const go = () => {
        const t = Date.now();
        process.on("exit", () => console.log(JSON.stringify({ exitedAfter: Date.now() - t, status: r.status })));
        ${stop}
        ${freeze ? "" : `process.kill(${server.child.pid}, "SIGKILL");`}
      };
      ${freeze ? `process.send("ready"); process.once("message", go);` : "go();"}
    });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
  if (freeze)
    child.once("message", () => {
      server.child.kill("SIGSTOP");
      child.send("go");
    });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const exited = new Promise((resolve) =>
    child.once("exit", () => resolve(out.trim() ? JSON.parse(out.trim()) : { exitedAfter: Infinity })),
  );
  return Promise.race([
    exited,
    sleep(5000).then(() => (child.kill(), { exitedAfter: "still running after 5 s" })),
  ]).finally(() => server.child.kill("SIGCONT"));
}

/**
 * GLIDE's Rust side keeps a closed client's socket open while a request is
 * still pending there (the CLIENT SETNAME "" of the close, sent to a frozen
 * server or just as the server died, waits with no deadline): that socket held
 * the process for ever. A frozen server makes it certain; a killed one, a race.
 */
const scenarios = [
  { how: "disconnect", freeze: true, runs: 1 },
  { how: "disconnect", freeze: false, runs: 5 },
  { how: "quit", freeze: false, runs: 5 },
];
for (const { how, freeze, runs } of scenarios) {
  const when = freeze ? "while its server is frozen" : "as its server dies";
  // Within disconnectTimeout (2 s, ioredis's too: its process took 2.0 s with a frozen server) and a second.
  t(`a process that calls ${how}() ${when} exits by itself (within 3 s, ${runs} run(s))`, async () => {
    const server = await startServer();
    const libraries = { ioglide: path.resolve(__dirname, "../.."), ioredis: require.resolve("ioredis") };
    const seen = { ioglide: [], ioredis: [] };
    try {
      for (let run = 0; run < runs; run++) {
        for (const [name, lib] of Object.entries(libraries)) {
          seen[name].push((await exitAfterStop(lib, server, how, { freeze })).exitedAfter);
          await server.restart();
        }
      }
    } finally {
      await server.cleanup();
    }
    assert.ok(
      seen.ioglide.every((ms) => ms < 3000),
      `ioglide exited after ${JSON.stringify(seen.ioglide)} ms, ioredis after ${JSON.stringify(seen.ioredis)} ms`,
    );
  });
}

/**
 * 50 callers RPUSH unique ids while the server kills the connection
 * (CLIENT KILL, and LLEN in the same MULTI: the log's length at the kill).
 * Every call must be answered and logged; a call may run twice only as
 * ioredis's autoResendUnfulfilledCommands allows: run before the kill, its
 * reply lost, sent again. Both runs after the kill means two clients sent it
 * (GLIDE sends what it holds again on its own reconnect): that ran every call
 * in flight twice, on every kill.
 */
async function killUnderLoad(make) {
  const server = await startServer();
  const admin = oracle({ port: server.port });
  try {
    const r = make({ port: server.port, retryStrategy: () => 50 });
    r.on("error", () => {});
    await once(r, "ready");
    let id = 0;
    let stop = false;
    let failed = 0;
    const workers = Array.from({ length: 50 }, async () => {
      while (!stop) {
        const mine = String(++id);
        await r.rpush("log", mine).catch(() => failed++);
      }
    });
    await sleep(200);
    const [, [, atKill]] = await admin.multi().client("KILL", "TYPE", "normal", "SKIPME", "yes").llen("log").exec();
    await sleep(700);
    stop = true;
    await Promise.all(workers);
    const log = await admin.lrange("log", 0, -1);
    const positions = new Map();
    log.forEach((x, i) => positions.set(x, (positions.get(x) || []).concat(i)));
    let missing = 0;
    for (let i = 1; i <= id; i++) if (!positions.has(String(i))) missing++;
    const twiceAfterKill = [...positions.values()].filter((p) => p.length > 1 && p[0] >= atKill).length;
    r.disconnect();
    return { failed, missing, twiceAfterKill };
  } finally {
    admin.disconnect();
    await server.cleanup();
  }
}

t("a connection killed under load: every call answered and run, none run twice after the kill (3 kills)", async () => {
  const seen = { ioglide: [], ioredis: [] };
  for (let run = 0; run < 3; run++)
    for (const [name, make] of Object.entries(makers)) seen[name].push(await killUnderLoad(make));
  const clean = { failed: 0, missing: 0, twiceAfterKill: 0 };
  assert.equal(seen.ioredis, [clean, clean, clean], "the oracle");
  assert.equal(seen.ioglide, [clean, clean, clean]);
});

t("subscribe() after disconnect() rejects as ioredis's does, and opens nothing", async () => {
  const seen = {};
  for (const [name, make] of Object.entries(makers)) {
    const r = make();
    await once(r, "ready");
    r.disconnect();
    await once(r, "end");
    seen[name] = { outcome: show(await settledWithin(r.subscribe("after-end"), 1000)), status: r.status, mode: r.mode };
  }
  assert.equal(seen.ioglide, seen.ioredis);
  assert.equal(seen.ioglide.outcome, { err: "Connection is closed." });
});

t.run();
