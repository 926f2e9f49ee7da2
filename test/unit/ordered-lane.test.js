"use strict";
/**
 * The ordered lane's own logic against a fake GLIDE client (no server): what
 * goes out together, in which order, what waits, and what happens to calls
 * when a request fails. The fake records every request and lets the test
 * answer each one when it chooses.
 */
const { test } = require("uvu");
const assert = require("node:assert");
const glide = require("@valkey/valkey-glide");
const { OrderedLane, WINDOW, MAX_BATCH } = require("../../built/executor/ordered-lane");
const { Call } = require("../../built/chain/call");
const { specFor, specForArguments } = require("../../built/commands/spec");
const { formatDoubleShortest } = require("../../built/commands/reply-values");

const env = { stringNumbers: false, formatDouble: formatDoubleShortest };
const tick = () => new Promise((r) => setImmediate(r));

/** A GLIDE stand-in: each request waits until the test answers it. */
class FakeGlide {
  constructor() {
    this.requests = [];
  }
  #request(kind, commands, options) {
    let answer, refuse;
    const promise = new Promise((resolve, reject) => ((answer = resolve), (refuse = reject)));
    this.requests.push({ kind, commands, options, answer, refuse, names: commands.map((c) => String(c[0])) });
    return promise;
  }
  customCommand(args, options) {
    return this.#request("single", [args], options);
  }
  exec(batch, raiseOnError, options) {
    return this.#request(batch.atomic ? "transaction" : "batch", batch.commands, options);
  }
  /** answer request i with each command's own reply (its first argument, or `replies`) */
  reply(i, replies) {
    const r = this.requests[i];
    const values = replies ?? r.commands.map((c) => `re:${c[1] ?? c[0]}`);
    r.answer(r.kind === "single" ? values[0] : values);
  }
}

function makeLane(overrides = {}) {
  const fake = new FakeGlide();
  const events = { lost: [], binary: 0 };
  const host = {
    resendOnReconnect: true,
    tracer: { active: false, sent: () => undefined },
    maxRedirections: 16,
    redirectDelay: () => undefined,
    glideClient: () => fake,
    newBatch: (atomic) => ({
      atomic,
      commands: [],
      customCommand(args) {
        this.commands.push(args);
      },
    }),
    canSend: () => true,
    connectionLost: (e) => events.lost.push(e),
    sawBinaryReply: () => events.binary++,
    commandTimeout: undefined,
    isCluster: false,
    ...overrides,
  };
  return { lane: new OrderedLane(host), fake, events, host };
}

const call = (name, ...args) => new Call(name, args, false, specFor(name), env);

test("a call alone goes out at once; calls of the same tick go together as one batch", async () => {
  const { lane, fake } = makeLane();
  const first = lane.submit(call("get", "a"));
  assert.strictEqual(fake.requests.length, 1, "sent synchronously");
  assert.strictEqual(fake.requests[0].kind, "single");
  const rest = ["b", "c", "d"].map((k) => lane.submit(call("get", k)));
  await tick();
  assert.strictEqual(fake.requests.length, 2);
  assert.strictEqual(fake.requests[1].kind, "batch");
  assert.deepStrictEqual(fake.requests[1].names, ["get", "get", "get"]);
  fake.reply(1);
  fake.reply(0);
  assert.deepStrictEqual(await Promise.all([first, ...rest]), ["re:a", "re:b", "re:c", "re:d"]);
});

test("a pipeline's commands go out as one request, its first one included", async () => {
  const { lane, fake } = makeLane();
  const calls = ["a", "b", "c"].map((k) => Object.assign(call("incr", k), { pipeline: {} }));
  const replies = calls.map((c) => lane.submit(c));
  assert.strictEqual(fake.requests.length, 0, "nothing sent before the pipeline's tick ends");
  await tick();
  assert.strictEqual(fake.requests.length, 1);
  assert.deepStrictEqual(fake.requests[0].names, ["incr", "incr", "incr"]);
  fake.reply(0);
  assert.deepStrictEqual(await Promise.all(replies), ["re:a", "re:b", "re:c"]);
});

test(`at most ${WINDOW} requests out; the rest wait, in order`, async () => {
  const { lane, fake } = makeLane();
  const replies = [];
  const n = WINDOW + 1;
  for (let i = 0; i < n; i++) {
    lane.submit(call("set", `k${i}`, "v")).then((v) => replies.push(v));
    await tick();
  }
  assert.strictEqual(fake.requests.length, WINDOW);
  fake.reply(0);
  await tick();
  assert.strictEqual(fake.requests.length, WINDOW + 1, "a free slot sends the next");
  for (let i = 1; i < n; i++) fake.reply(i);
  await tick();
  assert.deepStrictEqual(
    replies,
    Array.from({ length: n }, (_, i) => `re:k${i}`),
  );
});

test(`a burst is split into batches of at most ${MAX_BATCH}, in issue order`, async () => {
  const { lane, fake } = makeLane();
  lane.submit(call("get", "first"));
  const n = MAX_BATCH * 2 + 10;
  for (let i = 0; i < n; i++) lane.submit(call("incr", `k${i}`));
  await tick();
  const sent = () => fake.requests.flatMap((r) => r.commands.map((c) => String(c[1])));
  while (sent().length < n + 1) {
    fake.requests.filter((r) => !r.done).forEach((r) => ((r.done = true), fake.reply(fake.requests.indexOf(r))));
    await tick();
  }
  assert.ok(fake.requests.every((r) => r.commands.length <= MAX_BATCH));
  assert.deepStrictEqual(sent(), ["first", ...Array.from({ length: n }, (_, i) => `k${i}`)]);
});

test("a barrier (SELECT) goes alone, with nothing else out, and holds back what follows", async () => {
  const { lane, fake } = makeLane();
  lane.submit(call("get", "a"));
  lane.submit(call("select", "1"));
  lane.submit(call("get", "b"));
  await tick();
  assert.deepStrictEqual(
    fake.requests.map((r) => r.names),
    [["get"]],
    "SELECT waits for GET",
  );
  fake.reply(0);
  await tick();
  assert.deepStrictEqual(
    fake.requests.map((r) => r.names),
    [["get"], ["select"]],
  );
  fake.reply(1, ["OK"]);
  await tick();
  assert.deepStrictEqual(fake.requests[2].names, ["get"]);
});

test("Buffer and String calls never share a batch (one decoder per request)", async () => {
  const { lane, fake } = makeLane();
  lane.submit(call("get", "a"));
  const bytes = call("get", "b");
  bytes.decodeAsBytes = true;
  lane.submit(bytes);
  lane.submit(call("get", "c"));
  await tick();
  fake.reply(0);
  await tick();
  fake.reply(1);
  await tick();
  assert.deepStrictEqual(
    fake.requests.map((r) => [r.names.length, r.options.decoder]),
    [
      [1, glide.Decoder.String],
      [1, glide.Decoder.Bytes],
      [1, glide.Decoder.String],
    ],
  );
});

test("nothing is sent while the connection cannot send; kick() sends what waited", async () => {
  let ready = false;
  const { lane, fake } = makeLane({ canSend: () => ready });
  const p = lane.submit(call("get", "a"));
  await tick();
  assert.strictEqual(fake.requests.length, 0);
  assert.strictEqual(lane.queued, 1);
  ready = true;
  lane.kick();
  await tick();
  fake.reply(0);
  assert.strictEqual(await p, "re:a");
});

test("a lost connection puts its calls back, in order, for the next connection", async () => {
  const { lane, fake, events } = makeLane();
  const a = lane.submit(call("incr", "a"));
  const bc = [lane.submit(call("incr", "b")), lane.submit(call("incr", "c"))];
  await tick();
  fake.requests[1].refuse(new glide.ConnectionError("Broken pipe"));
  await tick();
  assert.strictEqual(events.lost.length, 1, "the connection is told");
  fake.reply(0);
  await tick();
  const resent = fake.requests.slice(2).flatMap((r) => r.commands.map((c) => c[1]));
  assert.deepStrictEqual(resent, ["b", "c"], "sent again, in issue order");
  fake.reply(2);
  assert.deepStrictEqual(await Promise.all([a, ...bc]), ["re:a", "re:b", "re:c"]);
});

test("without resendOnReconnect a lost connection fails its calls with ioredis 6.1's AbortError", async () => {
  const { lane, fake } = makeLane({ resendOnReconnect: false });
  const p = lane.submit(call("get", "a"));
  fake.requests[0].refuse(new glide.ConnectionError("Broken pipe"));
  await assert.rejects(p, (err) => err.name === "AbortError" && /aborted due to connection close/.test(err.message));
});

test("requeueInFlight: outstanding calls go back in front; late replies of the old request are ignored", async () => {
  const { lane, fake } = makeLane();
  const a = lane.submit(call("get", "a"));
  const b = lane.submit(call("get", "b"));
  await tick();
  lane.requeueInFlight();
  assert.strictEqual(lane.queued, 2);
  fake.reply(0, ["stale"]);
  lane.kick();
  await tick();
  fake.reply(2, ["fresh-a", "fresh-b"]);
  assert.deepStrictEqual(await Promise.all([a, b]), ["fresh-a", "fresh-b"]);
});

test("settleInFlight: what is out settles on its old client, and nothing new goes before it has", async () => {
  const { lane, fake, events } = makeLane();
  const a = lane.submit(call("incr", "a"));
  const b = [lane.submit(call("incr", "b")), lane.submit(call("incr", "c"))];
  await tick();
  assert.strictEqual(fake.requests.length, 2);
  let settled = false;
  const done = lane.settleInFlight().then(() => (settled = true));
  const later = lane.submit(call("incr", "d"));
  await tick();
  assert.strictEqual(fake.requests.length, 2, "the new call waits for the old requests");
  // GLIDE sent the first again on its own reconnect and answered it; the batch failed with the connection.
  fake.reply(0, ["1"]);
  await tick();
  assert.strictEqual(settled, false);
  fake.requests[1].refuse(new glide.ConnectionError("Broken pipe"));
  await done;
  assert.strictEqual(events.lost.length, 0, "an old client's failure is not news about the new connection");
  await tick();
  assert.strictEqual(fake.requests.length, 3, "then the batch's calls and the new one go, in issue order");
  assert.deepStrictEqual(
    fake.requests[2].commands.map((c) => c[1]),
    ["b", "c", "d"],
  );
  fake.reply(2);
  assert.strictEqual(await a, "1", "answered once, by the old client");
  assert.deepStrictEqual(await Promise.all([...b, later]), ["re:b", "re:c", "re:d"]);
});

test("settleInFlight: an old request closed with its client goes again; nothing out resolves at once", async () => {
  const { lane, fake, events } = makeLane();
  await lane.settleInFlight();
  const a = lane.submit(call("incr", "a"));
  const done = lane.settleInFlight();
  fake.requests[0].refuse(new glide.ClosingError(""));
  await done;
  assert.strictEqual(events.lost.length, 0);
  await tick();
  assert.strictEqual(fake.requests.length, 2);
  fake.reply(1);
  assert.strictEqual(await a, "re:a");
});

test("abandonOrphans: what is still out on the old client goes again, first, and its late replies are ignored", async () => {
  const { lane, fake } = makeLane();
  const a = lane.submit(call("incr", "a"));
  const done = lane.settleInFlight();
  const b = lane.submit(call("incr", "b"));
  await tick();
  assert.strictEqual(fake.requests.length, 1);
  lane.abandonOrphans();
  await done;
  await tick();
  assert.strictEqual(fake.requests.length, 2);
  assert.deepStrictEqual(
    fake.requests[1].commands.map((c) => c[1]),
    ["a", "b"],
  );
  fake.reply(0, ["late"]);
  fake.reply(1);
  assert.deepStrictEqual(await Promise.all([a, b]), ["re:a", "re:b"]);
});

test("settleInFlight: rejectAll fails the old requests' calls and stops the wait", async () => {
  const { lane } = makeLane();
  const a = lane.submit(call("incr", "a"));
  const done = lane.settleInFlight();
  lane.rejectAll(new Error("MaxRetriesPerRequest"));
  await done;
  await assert.rejects(a, /MaxRetriesPerRequest/);
});

test("a server error fails only its own call in a batch", async () => {
  const { lane, fake } = makeLane();
  lane.submit(call("get", "first"));
  const p = [lane.submit(call("get", "a")), lane.submit(call("incr", "b"))];
  await tick();
  fake.requests[1].answer([
    "A",
    new glide.RequestError("An error was signalled by the server: - ResponseError: not an integer"),
  ]);
  const [ok, bad] = await Promise.allSettled(p);
  assert.strictEqual(ok.value, "A");
  assert.strictEqual(bad.reason.message, "ERR not an integer");
  assert.strictEqual(bad.reason.name, "ReplyError");
});

test("calls a stage recovers from two requests answered in one tick go again in issue order", async () => {
  const { lane, fake } = makeLane();
  const recoverOnce = (c) => {
    c.retry = () => ((c.retry = undefined), true); // as the script cache does on NOSCRIPT: once
    return c;
  };
  const first = lane.submit(recoverOnce(call("evalsha", "one")));
  const second = lane.submit(recoverOnce(call("evalsha", "two")));
  const read = lane.submit(call("get", "k"));
  await tick();
  assert.deepStrictEqual(
    fake.requests.map((r) => r.names.length),
    [1, 2],
    "the first went alone, the others together after it",
  );
  const noscript = () =>
    new glide.RequestError("An error was signalled by the server: - NoScriptError: No matching script.");
  fake.requests[0].refuse(noscript());
  fake.requests[1].answer([noscript(), "v"]);
  assert.strictEqual(await read, "v");
  await tick();
  const resent = fake.requests.slice(2).flatMap((r) => r.commands.map((c) => c[1]));
  assert.deepStrictEqual(resent, ["one", "two"], "not reversed");
  for (const r of fake.requests.slice(2)) fake.reply(fake.requests.indexOf(r));
  assert.deepStrictEqual(await Promise.all([first, second]), ["re:one", "re:two"]);
});

test("commandTimeout fails a call that is not answered in time; its late reply is dropped", async () => {
  const { lane, fake } = makeLane({ commandTimeout: 20 });
  const p = lane.submit(call("get", "a"));
  await assert.rejects(p, /Command timed out/);
  fake.reply(0);
  await tick();
  assert.strictEqual(lane.idle, true);
});

test("a reply that is not UTF-8 sends read-only calls again as Buffers and fails the others", async () => {
  const { lane, fake, events } = makeLane();
  lane.submit(call("get", "first"));
  const read = lane.submit(call("get", "bin"));
  const write = lane.submit(call("incr", "n"));
  await tick();
  fake.requests[1].refuse(new Error("Decoding error: 'invalid utf-8 sequence'"));
  await assert.rejects(write, /its reply was lost/);
  assert.strictEqual(events.binary, 1);
  await tick();
  const again = fake.requests[2];
  assert.deepStrictEqual([again.names, again.options.decoder], [["get"], glide.Decoder.Bytes]);
  again.answer(Buffer.from([0xff]));
  assert.deepStrictEqual(await read, Buffer.from([0xff]));
});

test("drained(seq) waits for everything submitted up to seq", async () => {
  const { lane, fake } = makeLane();
  lane.submit(call("set", "a", "1"));
  const seq = lane.lastSubmitted;
  lane.submit(call("set", "b", "1"));
  let done = false;
  lane.drained(seq).then(() => (done = true));
  await tick();
  assert.strictEqual(done, false);
  fake.reply(0);
  await tick();
  assert.strictEqual(done, true);
  assert.strictEqual(lane.drained(0), null, "already drained");
});

test("rejectAll fails what is queued and what is out", async () => {
  const { lane } = makeLane({ canSend: () => false });
  const p = lane.submit(call("get", "a"));
  lane.rejectAll(new Error("flushed"));
  await assert.rejects(p, /flushed/);
  assert.strictEqual(lane.queued, 0);
});

/** CLIENT <sub> ...: the subcommand's spec, as the argument normalizer picks it. */
const clientCall = (...args) => new Call("client", args, false, specForArguments(specFor("client"), args), env);

test("a neighbour's CLIENT LIST waits for a CLIENT SETNAME out on GLIDE, and what follows it waits too", async () => {
  const named = makeLane();
  const lister = makeLane();
  const setname = named.lane.submit(clientCall("SETNAME", "worker"));
  assert.deepStrictEqual(named.fake.requests[0].names, ["client"], "the SETNAME is out");
  const list = lister.lane.submit(clientCall("LIST"));
  const after = lister.lane.submit(call("get", "a"));
  await tick();
  assert.strictEqual(lister.fake.requests.length, 0, "held while the name is on its way");
  named.fake.reply(0, ["OK"]);
  await setname;
  await tick();
  await tick();
  assert.deepStrictEqual(
    lister.fake.requests.map((r) => r.names),
    [["client"]],
    "then the CLIENT LIST",
  );
  lister.fake.reply(0, ["id=1 name=worker"]);
  await tick();
  assert.deepStrictEqual(lister.fake.requests[1].names, ["get"], "and what followed it, after it (a barrier)");
  lister.fake.reply(1);
  assert.strictEqual(await list, "id=1 name=worker");
  assert.strictEqual(await after, "re:a");
});

test("a CLIENT LIST does not wait for a SETNAME still queued offline, nor for one issued after it", async () => {
  const offline = makeLane({ canSend: () => false });
  offline.lane.submit(clientCall("SETNAME", "never-sent")).catch(() => undefined);
  const lister = makeLane();
  lister.lane.submit(clientCall("LIST"));
  assert.strictEqual(lister.fake.requests.length, 1, "sent at once");
  const named = makeLane();
  named.lane.submit(clientCall("SETNAME", "later"));
  const lister2 = makeLane();
  lister2.lane.submit(clientCall("LIST"));
  await tick();
  assert.strictEqual(lister2.fake.requests.length, 0, "a SETNAME out holds a CLIENT LIST issued after it");
  named.fake.reply(0, ["OK"]);
  offline.lane.rejectAll(new Error("flushed"));
});

test("a SETNAME that never comes back holds a CLIENT LIST 1 s at most", async () => {
  const named = makeLane();
  const stuck = named.lane.submit(clientCall("SETNAME", "stuck")).catch((err) => err);
  const lister = makeLane();
  lister.lane.submit(clientCall("LIST"));
  await new Promise((r) => setTimeout(r, 900));
  assert.strictEqual(lister.fake.requests.length, 0);
  await new Promise((r) => setTimeout(r, 300));
  assert.strictEqual(lister.fake.requests.length, 1);
  named.fake.requests[0].refuse(new Error("gone"));
  assert.match(String(await stuck), /gone/);
});

test.run();
