"use strict";
// socketTimeout and showFriendlyErrorStack, each compared with ioredis 6 on the same server.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { Redis, IORedis, closeAll, sleep, key, settledWithin, recordEvents } = require("../support/clients");
const { startServer } = require("../support/servers");

const t = suite("socket-options");
const PASSWORD = "socket-options-secret";
let server;
t.before(async () => {
  server = await startServer({ extraArgs: ["--requirepass", PASSWORD] });
});
const made = [];
t.after(async () => {
  for (const c of made) c.disconnect();
  await closeAll();
  await server.cleanup();
});

/** ioglide's client, then ioredis's, each made when the loop reaches it (so its first events are seen). */
function* clientsOf(options) {
  for (const Client of [Redis, IORedis]) {
    const c = new Client({ host: "127.0.0.1", port: server.port, password: PASSWORD, ...options });
    c.on("error", () => undefined);
    made.push(c);
    yield c;
  }
}

t("socketTimeout with password authentication: an idle, then busy, connection stays up", async () => {
  const observed = [];
  for (const c of clientsOf({ socketTimeout: 300 })) {
    const events = recordEvents(c);
    await c.ping();
    await sleep(800); // idle for longer than socketTimeout: nothing is expected, nothing times out
    const k = key("st");
    const replies = [];
    for (let i = 0; i < 20; i++) replies.push(await c.incr(k));
    await sleep(400);
    observed.push([events.slice(), replies.length, replies[19], c.status]);
    c.disconnect();
  }
  assert.equal(observed[0], [["connecting", "connect", "ready"], 20, 20, "ready"]);
  assert.equal(observed[0], observed[1]);
});

const ABORTED = "Command aborted due to connection close";

t("socketTimeout: a reply that takes too long breaks the connection with ioredis's error and events", async () => {
  const observed = [];
  // The server is awake again by the time the client reconnects, and the slow call is not resent
  // (resending it would time out again, for ever, on both clients).
  const options = { socketTimeout: 200, retryStrategy: () => 400, autoResendUnfulfilledCommands: false };
  for (const c of clientsOf(options)) {
    await c.ping();
    const events = [];
    c.on("error", (e) => events.push(`error:${e.message}`));
    for (const e of ["close", "reconnecting", "ready"]) c.on(e, () => events.push(e));
    const ready = new Promise((resolve) => c.once("ready", resolve));
    const slow = settledWithin(c.call("debug", "sleep", "0.4"), 2000);
    await ready;
    const outcome = await slow;
    observed.push([events.slice(0, 4), outcome === "pending" ? outcome : outcome.err.message, await c.ping()]);
  }
  assert.equal(observed[0][0], [
    "error:Socket timeout. Expecting data, but didn't receive any in 200ms.",
    "close",
    "reconnecting",
    "ready",
  ]);
  assert.equal(observed[0][0], observed[1][0]);
  assert.equal(observed[0][2], observed[1][2]);
  // With autoResendUnfulfilledCommands: false the call in flight is aborted (ioredis 6.1).
  assert.equal([observed[0][1], observed[1][1]], [ABORTED, ABORTED]);
});

t("showFriendlyErrorStack: a rejected call's stack starts at the caller's line, as with ioredis", async () => {
  const frames = [];
  for (const c of clientsOf({ showFriendlyErrorStack: true })) {
    const k = key("fes");
    await c.hset(k, "f", "v");
    const err = await c.incr(k).catch((e) => e); // WRONGTYPE
    const lines = err.stack.split("\n");
    frames.push([lines[0], /socket-options\.test\.js/.test(lines[1])]);
  }
  assert.equal(frames[0], [frames[0][0], true]);
  assert.equal(frames[0], frames[1]);
  // Without the option the stack is left alone (no stack captured per call).
  const [plain] = [...clientsOf({})];
  const k = key("fes2");
  await plain.hset(k, "f", "v");
  const err = await plain.incr(k).catch((e) => e);
  assert.not.match(err.stack.split("\n")[1] || "", /socket-options\.test\.js/);
});

t("showFriendlyErrorStack: a pipeline's error shows the line that queued the command, EXECABORT exec's", async () => {
  const frames = [];
  const here = (err) => /socket-options\.test\.js:(\d+)/.exec(err.stack.split("\n")[1] || "")?.[1];
  for (const c of clientsOf({ showFriendlyErrorStack: true })) {
    const k = key("fesp");
    await c.hset(k, "f", "v");
    const pipe = c.pipeline();
    pipe.get(k);
    const queuedAt = new Error().stack.split("\n")[1].match(/:(\d+):/)[1];
    pipe.incr(k); // the line after: WRONGTYPE
    const [, [pipelined]] = await pipe.exec();
    const tx = c.multi();
    tx.incr(k);
    const [[inside]] = await tx.exec();
    const refused = c.multi().call("nosuchcommand");
    const aborted = await refused.exec().catch((e) => e); // queuedAt + 7
    frames.push([here(pipelined) - queuedAt, here(inside), here(aborted) - queuedAt]);
  }
  // ioredis: the queueing line; an error inside EXEC's reply as its parser made it; EXECABORT at exec()
  assert.equal(frames[1], [1, undefined, 7]);
  assert.equal(frames[0], frames[1]);
});

t.run();
