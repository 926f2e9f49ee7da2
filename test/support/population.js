"use strict";
/**
 * The multi-client fault fuzzer: in one process, a random population of
 * clients is made, used and ended while the server side is faulted (the
 * targets of faults.js: CLIENT KILL, DEBUG SLEEP, restart, crash; on
 * Sentinel, SENTINEL FAILOVER and kill -9 of the master). Everything is
 * drawn from the seed, so a failing seed runs again the same way (up to the
 * timing of the server), and `shrinkPopulation` cuts it down.
 *
 * Each slot of the population runs for the whole run, replacing its client
 * again and again:
 *   writer      a client (plain, `duplicate()` of a long-lived one, or lazyConnect) does a few
 *               INCRs, RPUSHes, pipelines and MULTIs on keys of its own, then ends by quit(),
 *               disconnect() or disconnect(true) (then quit());
 *   subscriber  a client subscribes (subscribe, psubscribe or ssubscribe) and records each
 *               'ready'; it lives a while, then ends like a writer;
 *   blocker     BLPOP with short timeouts on a list of its own, fed by a pusher;
 *   stranger    a client for a dead port or (Sentinel) an unknown master, with
 *               retryStrategy: () => null: its call must reject, never hang, and its end
 *               must not disturb anyone else.
 * One long-lived publisher publishes numbered messages to every subscriber's channel.
 *
 * What must hold at the end of a run:
 *   - every call settles (resolves or rejects with an Error) within SETTLE_LIMIT_MS;
 *   - every acknowledged write is on the final server: each writer key's counter is at least
 *     its acknowledged INCRs, its log holds every acknowledged RPUSH, each pushed item was
 *     popped or is still in its list (but for one item per BLPOP that was out while the server
 *     process was killed: the server may have popped it and died before replying; counted as
 *     `poppedInCrash`);
 *   - every message published (acknowledged) while a subscriber was ready, after its last
 *     'ready' and with no fault begun since that 'ready', reached that subscriber;
 *   - no unhandled rejection and no uncaught exception;
 *   - no socket left open once the last client ended.
 */
const IORedis = require("ioredis");
const { prng } = require("./fuzz");

const SETTLE_LIMIT_MS = 30000;
const END_MARGIN_MS = 200;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The default population: how many slots of each kind. */
const DEFAULT_SLOTS = { writer: 4, subscriber: 3, blocker: 2, stranger: 1 };

/**
 * One run. `target`: faults.js's standaloneTarget/sentinelTarget (faults, read);
 * `connect(options)`: the options of a client of the target (host/port or
 * sentinels); `Client`: the client class (ioglide's, or ioredis's for reference);
 * `stranger()`: options of a client that cannot connect.
 */
async function populationRun({
  seed,
  seconds,
  target,
  Client,
  connect,
  stranger,
  slots = DEFAULT_SLOTS,
  faults = true,
}) {
  const rand = prng(seed);
  const faultRand = prng(seed ^ 0x5eed);
  const tag = `pop:${seed}:${Math.random().toString(36).slice(2, 8)}`;
  const problems = [];
  const figures = { calls: 0, resolved: 0, rejected: 0, hung: 0, clients: 0, faults: {}, messages: 0, required: 0 };
  const unhandled = [];
  const onUnhandled = (e) => unhandled.push(String((e && e.stack) || e));
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  const socketsBefore = openSockets();

  /** fault windows [start, end]; a message is only required after the last fault ended */
  const faultWindows = [];
  let faultOn = false;
  /** a fault that kills the server process (target.lossy) overlapped [from, to] */
  const crashedBetween = (from, to) => faultWindows.some((w) => w.lossy && w[0] <= to && w[1] >= from);
  const lastFaultStart = () => (faultWindows.length ? faultWindows[faultWindows.length - 1][0] : -Infinity);

  const live = new Set();
  /** every client made, with how it was ended: each must reach 'end' */
  const made = [];
  const make = (options) => {
    const c = new Client({ ...connect(), retryStrategy: () => 50, ...options });
    c.on("error", () => undefined);
    live.add(c);
    made.push({ client: c, how: "never ended", events: track(c) });
    figures.clients++;
    return c;
  };
  const end = async (c, how) => {
    const entry = made.find((m) => m.client === c);
    if (entry) entry.how = `${how} from ${c.status}`;
    try {
      if (how === "quit") await settle(c.quit(), "quit");
      else if (how === "disconnect") c.disconnect();
      else {
        c.disconnect(true);
        await sleep(50);
        await settle(c.quit(), "quit");
      }
    } finally {
      c.disconnect();
      live.delete(c);
    }
  };
  const ENDINGS = ["quit", "disconnect", "reconnect-then-quit"];
  const pick = (list) => list[Math.floor(rand() * list.length)];

  async function settle(promise, label) {
    figures.calls++;
    let timer;
    const limit = new Promise((resolve) => (timer = setTimeout(() => resolve({ hang: true }), SETTLE_LIMIT_MS)));
    const outcome = await Promise.race([
      Promise.resolve(promise).then(
        (value) => ({ value }),
        (error) => ({ error }),
      ),
      limit,
    ]);
    clearTimeout(timer);
    if (outcome.hang) {
      figures.hung++;
      problems.push(`${label}: did not settle within ${SETTLE_LIMIT_MS} ms`);
    } else if (outcome.error) {
      figures.rejected++;
      if (!(outcome.error instanceof Error)) problems.push(`${label}: rejected with a non-Error ${outcome.error}`);
    } else figures.resolved++;
    return outcome;
  }

  let running = true;
  const base = make({});
  await settle(base.ping(), "ping");

  // ---- writers: acknowledged INCRs and RPUSHes per writer key ----
  const writerKeys = [];
  const writer = async (slot) => {
    for (let life = 0; running; life++) {
      const k = `{${tag}:w${slot}:${life}}`;
      const acked = { key: k, incr: 0, log: [] };
      writerKeys.push(acked);
      const style = rand();
      const c = style < 0.25 ? base.duplicate() : make(style < 0.4 ? { lazyConnect: true } : {});
      if (style < 0.25) {
        c.on("error", () => undefined);
        live.add(c);
        made.push({ client: c, how: "never ended", events: track(c) });
        figures.clients++;
      }
      const calls = 5 + Math.floor(rand() * 60);
      acked.server = () => serverOf(c);
      for (let n = 0; n < calls && running; n++) {
        const r = rand();
        const id = `${n}`;
        if (r < 0.35) {
          if ("value" in (await settle(c.incr(`${k}:ctr`), "incr")))
            (acked.incr++, (acked.at ??= acked.server()), (acked.last = acked.server()));
        } else if (r < 0.65) {
          if ("value" in (await settle(c.rpush(`${k}:log`, id), "rpush"))) acked.log.push(id);
        } else if (r < 0.85) {
          const o = await settle(c.pipeline().incr(`${k}:ctr`).rpush(`${k}:log`, id).exec(), "pipeline");
          if (o.value) {
            if (!o.value[0][0]) acked.incr++;
            if (!o.value[1][0]) acked.log.push(id);
          }
        } else {
          const o = await settle(c.multi().incr(`${k}:ctr`).rpush(`${k}:log`, id).exec(), "multi");
          if (o.value && !o.value[0][0] && !o.value[1][0]) (acked.incr++, acked.log.push(id));
        }
      }
      await end(c, pick(ENDINGS));
    }
  };

  // ---- subscribers and the publisher ----
  const subscribers = [];
  const subscriber = async (slot) => {
    for (let life = 0; running; life++) {
      const kind = pick(["subscribe", "psubscribe", "ssubscribe"]);
      const channel = `${tag}:s${slot}:${life}`;
      const c = make({});
      const record = {
        channel,
        kind,
        client: c,
        readyAt: [],
        closedAt: [],
        endedAt: Infinity,
        received: new Set(),
        required: [],
        context: new Map(),
        ackedAt: new Map(),
      };
      c.on("ready", () => record.readyAt.push(Date.now()));
      c.on("close", () => record.closedAt.push(Date.now()));
      record.log = [];
      for (const e of ["error", "reconnecting", "end"])
        c.on(e, (x) => record.log.push(`${e}${e === "error" ? ` ${x && x.message}` : ""} ${Date.now() % 100000}`));
      const got = (ch, message) => {
        if (String(ch) === channel) record.received.add(String(message));
      };
      c.on("message", got);
      c.on("smessage", got);
      c.on("pmessage", (_p, ch, message) => got(ch, message));
      const o = await settle(kind === "psubscribe" ? c.psubscribe(`${channel}*`) : c[kind](channel), kind);
      if (!("value" in o)) {
        await end(c, "disconnect");
        continue;
      }
      // Subscribed and ready from now on (its earlier 'ready' came before the subscription).
      record.readyAt.push(Date.now());
      subscribers.push(record);
      await sleep(500 + rand() * 3000);
      record.endedAt = Date.now();
      await end(c, pick(ENDINGS));
    }
  };
  const publisher = async () => {
    const c = make({});
    for (let n = 0; running; n++) {
      const targets = subscribers.filter((s) => s.endedAt === Infinity);
      for (const s of targets) {
        const message = String(n);
        const issued = Date.now();
        const o = await settle(
          s.kind === "ssubscribe" ? c.spublish(s.channel, message) : c.publish(s.channel, message),
          "publish",
        );
        figures.messages++;
        if (!("value" in o)) continue;
        const acked = Date.now();
        const lastReady = s.readyAt[s.readyAt.length - 1] ?? Infinity;
        const closedSince = s.closedAt.some((t) => t >= lastReady && t <= acked);
        const quiet = lastFaultStart() < lastReady && !faultOn && lastFaultStart() < issued;
        // Not required within END_MARGIN_MS of the subscriber's end: a message the server had already
        // sent when the client began to close can be dropped by ioglide (its closing subscriber's late
        // messages are not delivered), where ioredis still reads it (open: docs/FAULTS.md).
        // (The end may come after this: the margin is applied again once the run is over.)
        const beforeEnd = acked + END_MARGIN_MS < s.endedAt;
        if (issued > lastReady && beforeEnd && !closedSince && quiet) {
          s.required.push(message);
          s.ackedAt.set(message, acked);
          // for the report: where each side was when it was published (the publisher answered `o.value`)
          s.context.set(
            message,
            `published ${acked % 100000} to ${o.value} via ${serverOf(c)}, sub on ${serverOf(s.client)}`,
          );
        }
      }
      await sleep(20);
    }
    await end(c, "quit");
  };

  // ---- blocking callers and their pusher ----
  const pushed = [];
  const blocker = async (slot) => {
    const list = `{${tag}:b${slot}}:list`;
    const popped = [];
    pushed.push({ list, items: [], popped });
    const c = make({ maxRetriesPerRequest: null });
    const record = pushed[pushed.length - 1];
    record.crashed = 0;
    while (running) {
      const sent = Date.now();
      const o = await settle(c.blpop(list, 0.2), "blpop");
      if (o.value) popped.push(o.value[1]);
      // A server killed after it popped (and persisted or replicated the pop) but before it wrote the
      // reply takes the item with it, whatever the client: such a call may account for one missing item.
      if (crashedBetween(sent, Date.now())) record.crashed++;
    }
    await end(c, "quit");
  };
  const pusher = async () => {
    const c = make({});
    for (let n = 0; running; n++) {
      for (const p of pushed) {
        if ("value" in (await settle(c.rpush(p.list, `${n}`), "push"))) p.items.push(`${n}`);
      }
      await sleep(30);
    }
    await end(c, "quit");
  };

  // ---- strangers: clients that never connect, made and ended among the others ----
  const strangerSlot = async () => {
    while (running) {
      const c = new Client({ ...stranger(), retryStrategy: () => null, sentinelRetryStrategy: () => null });
      c.on("error", () => undefined);
      figures.clients++;
      const o = await settle(c.ping(), "stranger ping");
      if ("value" in o) problems.push(`a client that cannot connect answered ${JSON.stringify(o.value)}`);
      if (rand() < 0.5) c.disconnect();
      else await settle(c.quit(), "stranger quit");
      await sleep(100 + rand() * 600);
    }
  };

  const FAULTS = Object.keys(target.faults);
  const injector = async () => {
    await sleep(500);
    while (running && faults) {
      await sleep((target.minGapMs ?? 400) + faultRand() * 1600);
      if (!running) break;
      const fault = FAULTS[Math.floor(faultRand() * FAULTS.length)];
      figures.faults[fault] = (figures.faults[fault] || 0) + 1;
      const window = [Date.now(), Infinity];
      window.lossy = (target.lossy ?? []).includes(fault);
      faultWindows.push(window);
      faultOn = true;
      const said = await target.faults[fault](faultRand);
      if (said) (figures.faultLog ??= []).push(said);
      window[1] = Date.now();
      faultOn = false;
    }
  };

  const count = (kind) => slots[kind] ?? 0;
  const loops = [
    ...Array.from({ length: count("writer") }, (_, i) => writer(i)),
    ...Array.from({ length: count("subscriber") }, (_, i) => subscriber(i)),
    ...Array.from({ length: count("blocker") }, (_, i) => blocker(i)),
    ...Array.from({ length: count("stranger") }, () => strangerSlot()),
    ...(count("subscriber") ? [publisher()] : []),
    ...(count("blocker") ? [pusher()] : []),
    injector(),
  ];
  await sleep(seconds * 1000);
  running = false;
  await Promise.all(loops);
  await sleep(300); // the last messages and pops on their way

  // ---- what the server holds (read by ioredis, not by the client under test) ----
  const reader = new IORedis({ port: await target.port(), lazyConnect: true, maxRetriesPerRequest: 3 });
  reader.on("error", () => undefined);
  const get = (k) => reader.get(k);
  const all = (k) => reader.lrange(k, 0, -1);
  let lost = 0;
  for (const w of writerKeys) {
    const [counter, entries] = await Promise.all([
      get(`${w.key}:ctr`).then((v) => Number(v) || 0),
      all(`${w.key}:log`),
    ]);
    if (counter < w.incr) {
      lost += w.incr - counter;
      problems.push(
        `${w.key}: counter ${counter} < ${w.incr} acknowledged INCRs (written to ${w.at}, the last INCR to ${w.last})`,
      );
    }
    const logged = new Set(entries);
    const missing = w.log.filter((id) => !logged.has(id));
    if (missing.length) {
      lost += missing.length;
      problems.push(`${w.key}: ${missing.length} acknowledged RPUSHes missing (first ${missing[0]})`);
    }
  }
  for (const p of pushed) {
    const left = new Set(await all(p.list));
    const popped = new Set(p.popped);
    const missing = p.items.filter((i) => !popped.has(i) && !left.has(i));
    figures.poppedInCrash = (figures.poppedInCrash ?? 0) + Math.min(missing.length, p.crashed);
    if (missing.length > p.crashed) {
      lost += missing.length;
      problems.push(`${p.list}: ${missing.length} pushed items neither popped nor in the list (first ${missing[0]})`);
    }
  }
  reader.disconnect();
  let undelivered = 0;
  for (const s of subscribers) {
    s.required = s.required.filter((m) => s.ackedAt.get(m) + END_MARGIN_MS < s.endedAt);
    figures.required += s.required.length;
    const missing = s.required.filter((m) => !s.received.has(m));
    if (missing.length) {
      undelivered += missing.length;
      problems.push(
        `${s.kind} ${s.channel}: ${missing.length} messages published after 'ready' not delivered (first ${missing[0]}: ` +
          `${s.context.get(missing[0])}; ready at ${s.readyAt.map((x) => x % 100000)}, closed at ${s.closedAt.map((x) => x % 100000)}; ${s.log.join(", ")}; ended at ${s.endedAt % 100000})`,
      );
    }
  }
  figures.ackedLost = lost;
  figures.undelivered = undelivered;

  await end(base, "quit");
  for (const c of live) c.disconnect();
  await sleep(200);
  for (const m of made) {
    if (m.client.status !== "end")
      problems.push(`a client ended by ${m.how} is '${m.client.status}' (events ${m.events.join(" ")})`);
  }
  // No socket of ours outlives the last client (GLIDE's own and ioglide's probes, watches, plain connections).
  let leftOpen = openSockets() - socketsBefore;
  for (let i = 0; i < 50 && leftOpen > 0; i++) {
    await sleep(100);
    leftOpen = openSockets() - socketsBefore;
  }
  if (leftOpen > 0) problems.push(`${leftOpen} sockets still open after the last client ended`);
  await sleep(50);
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  for (const u of unhandled) problems.push(`unhandled: ${u.split("\n").slice(0, 4).join(" | ")}`);
  return { figures, problems };
}

/** A client's status events, in order. */
function track(client) {
  const events = [];
  for (const e of ["connecting", "connect", "ready", "close", "reconnecting", "end"])
    client.on(e, () => events.push(e));
  return events;
}

/** The server an ioglide client's connection goes to now (for the report), if it tells. */
function serverOf(client) {
  for (const sym of Object.getOwnPropertySymbols(client)) {
    const address = client[sym] && client[sym].serverAddress;
    if (address) return `${address.host}:${address.port} at ${Date.now() % 100000}`;
  }
  return "?";
}

/** TCP and Unix sockets open in this process (GLIDE talks to its Rust side over a Unix socket). */
function openSockets() {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "PipeWrap").length;
}

/**
 * A smaller run that still fails: fewer slots of each kind, then less time,
 * the same seed. `run(slots, seconds)` gives the problems of one run.
 */
async function shrinkPopulation(run, slots, seconds) {
  let best = { slots: { ...slots }, seconds };
  for (const kind of Object.keys(slots)) {
    while (best.slots[kind] > 0) {
      const fewer = { ...best.slots, [kind]: best.slots[kind] - 1 };
      if ((await run(fewer, best.seconds)).length === 0) break;
      best = { slots: fewer, seconds: best.seconds };
    }
  }
  while (best.seconds > 2) {
    const shorter = Math.floor(best.seconds / 2);
    if ((await run(best.slots, shorter)).length === 0) break;
    best = { slots: best.slots, seconds: shorter };
  }
  return best;
}

module.exports = { populationRun, shrinkPopulation, DEFAULT_SLOTS };
