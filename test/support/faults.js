"use strict";
/**
 * Fault injection for the fuzzer: a write-heavy random workload through one
 * client while the server is disturbed at random moments (seeded). On a
 * standalone server (standaloneTarget):
 *
 *   kill     CLIENT KILL of every normal and pub/sub connection
 *   sleep    DEBUG SLEEP of 0.1-0.8 s (the server stops answering)
 *   restart  SIGTERM and start again (same port, AOF with fsync always)
 *   crash    SIGKILL and start again
 *
 * On a cluster (clusterTarget): `failover` (CLUSTER FAILOVER on a replica,
 * which swaps it with its master without losing a write), and `kill` and
 * `sleep` on a node picked at random. (A SIGKILLed master loses what it had
 * not yet replicated, whatever the client: not injected there.)
 *
 * What must hold, whatever the faults:
 *   - every call settles (resolves or rejects with an Error) within 30 s;
 *   - every acknowledged write is on the server at the end: each worker's
 *     counter is at least its acknowledged INCRs, its log list holds every
 *     acknowledged RPUSH (a resent call may have run twice: at least once);
 *   - each worker's log is in issue order: a worker awaits each call, so an
 *     id never lands after a later one (a call run twice lands twice in a
 *     row, as ioredis's resend puts it; a second run after newer calls means
 *     something sent it again out of order);
 *   - the client's events follow ioredis's state machine (below);
 *   - no unhandled rejection (the caller watches the process).
 *
 * The same run through ioredis gives the reference figures beside ioglide's.
 */
const { execFile } = require("child_process");
const { cliBinary } = require("./servers");
const { prng } = require("./fuzz");

const SETTLE_LIMIT_MS = 30000;

/**
 * ioredis's connection events, as its state machine emits them: which event
 * may follow which ("start" before the first). 'error' may come anywhere and
 * is not part of the sequence.
 */
const NEXT = {
  start: ["connect", "close"],
  connect: ["ready", "close"],
  ready: ["close"],
  close: ["reconnecting", "end"],
  reconnecting: ["connect", "close"],
  end: [],
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** redis-cli against one node (`-c` follows a cluster's redirects); null when it failed. */
function cliAsync(port, ...args) {
  return new Promise((resolve) =>
    execFile(cliBinary(), ["-c", "-h", "127.0.0.1", "-p", String(port), ...args], { timeout: 10000 }, (err, out) =>
      resolve(err ? null : String(out).trim()),
    ),
  );
}

/** Wait until the node answers PING (after a restart or a sleep). */
async function answering(port) {
  for (let attempt = 0; attempt < 50 && (await cliAsync(port, "PING")) !== "PONG"; attempt++) await sleep(200);
}

/** A standalone server (startServer(), AOF with fsync always): its faults, and how to read it. */
function standaloneTarget(server) {
  return {
    /** faults that kill the server process: what it did and had not answered yet may be gone */
    lossy: ["crash"],
    faults: {
      async kill() {
        await cliAsync(server.port, "CLIENT", "KILL", "TYPE", "normal");
        await cliAsync(server.port, "CLIENT", "KILL", "TYPE", "pubsub");
      },
      async sleep(rand) {
        await cliAsync(server.port, "DEBUG", "SLEEP", (0.1 + rand() * 0.7).toFixed(2));
      },
      async restart(rand) {
        await server.stop();
        await sleep(rand() * 500);
        await server.start();
      },
      async crash(rand) {
        await server.kill("SIGKILL");
        await sleep(rand() * 500);
        await server.start();
      },
    },
    async read(...args) {
      await answering(server.port);
      return cliAsync(server.port, ...args);
    },
    /** the port of the server that holds the data now (once it answers) */
    async port() {
      await answering(server.port);
      return server.port;
    },
  };
}

/** A cluster (startCluster()'s nodes): graceful failovers, and kills and sleeps of one node. */
function clusterTarget(nodes) {
  const pickNode = (rand) => nodes[Math.floor(rand() * nodes.length)];
  return {
    faults: {
      async failover(rand) {
        const replicas = [];
        for (const n of nodes) if (((await cliAsync(n.port, "ROLE")) || "").startsWith("slave")) replicas.push(n);
        if (!replicas.length) return;
        const chosen = replicas[Math.floor(rand() * replicas.length)];
        await cliAsync(chosen.port, "CLUSTER", "FAILOVER");
        for (let i = 0; i < 50 && !((await cliAsync(chosen.port, "ROLE")) || "").startsWith("master"); i++)
          await sleep(100);
      },
      async kill(rand) {
        await cliAsync(pickNode(rand).port, "CLIENT", "KILL", "TYPE", "normal");
      },
      async sleep(rand) {
        await cliAsync(pickNode(rand).port, "DEBUG", "SLEEP", (0.1 + rand() * 0.4).toFixed(2));
      },
    },
    async read(...args) {
      for (const n of nodes) await answering(n.port);
      return cliAsync(nodes[0].port, ...args);
    },
  };
}

/**
 * A Sentinel setup (startSentinels(), with AOF: a master that comes back
 * before any switch must not come back empty): SENTINEL FAILOVER, and kill -9
 * of the master (started again once the sentinels promoted a replica: it
 * comes back as a replica). Reads go to the master the sentinels name at the end.
 */
function sentinelTarget(setup) {
  const switched = async (before) => {
    for (let i = 0; i < 300 && setup.masterPort() === before; i++) await sleep(100);
  };
  return {
    // Sentinel starts no new failover of a master within 2 x failover-timeout (5 s) of the last one.
    minGapMs: 11000,
    lossy: ["kill9"],
    faults: {
      async failover() {
        const before = setup.masterPort();
        if (setup.sentinelCli(setup.sentinels[0].port, "sentinel", "failover", setup.name).startsWith("OK"))
          await switched(before);
        return `failover ${before} -> ${setup.masterPort()} at ${Date.now() % 100000}`;
      },
      async kill9() {
        const before = setup.masterPort();
        const master = setup.server(before);
        await master.kill("SIGKILL");
        const killedAt = Date.now() % 100000;
        await switched(before);
        const switchedAt = Date.now() % 100000;
        await master.start();
        return `killed ${before} at ${killedAt}, ${setup.masterPort()} master at ${switchedAt}, ${before} back at ${Date.now() % 100000}`;
      },
    },
    async read(...args) {
      const port = setup.masterPort();
      await answering(port);
      return cliAsync(port, ...args);
    },
    async port() {
      const port = setup.masterPort();
      await answering(port);
      return port;
    },
  };
}

/** The first event that breaks ioredis's state machine, or null. */
function eventGrammarBreak(events) {
  let state = "start";
  for (let i = 0; i < events.length; i++) {
    if (!NEXT[state].includes(events[i])) return `'${events[i]}' after '${state}' (event ${i})`;
    state = events[i];
  }
  return null;
}

/**
 * One run: `makeClient()` gives a client, `target` is standaloneTarget() or
 * clusterTarget(). Returns the figures and the list of problems (empty when
 * everything held). `checkEvents: false` for a cluster client, whose events
 * are not the single connection's state machine.
 */
async function faultRun({ seed, seconds, target, makeClient, workers = 6, checkEvents = true }) {
  const FAULTS = Object.keys(target.faults);
  const rand = prng(seed);
  // the faults come from a stream of their own: the same schedule whatever the workload draws
  const faultRand = prng(seed ^ 0x5eed);
  const client = makeClient();
  const events = [];
  for (const e of Object.keys(NEXT).filter((x) => x !== "start")) client.on(e, () => events.push(e));
  client.on("error", () => undefined);
  const tag = `fault:${seed}:${Math.random().toString(36).slice(2, 8)}`;
  const acked = Array.from({ length: workers }, () => ({ incr: 0, log: [] }));
  const figures = { calls: 0, resolved: 0, rejected: 0, hung: 0, reordered: 0, faults: {}, errors: {} };
  const problems = [];

  /** A call's settlement, bounded: a hang is recorded, never waited for forever. */
  async function settle(promise, label) {
    figures.calls++;
    let timer;
    const limit = new Promise((resolve) => (timer = setTimeout(() => resolve({ hang: true }), SETTLE_LIMIT_MS)));
    const outcome = await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error) => ({ error }),
      ),
      limit,
    ]);
    clearTimeout(timer);
    if (outcome.hang) figures.hung++;
    else if (outcome.error) {
      figures.rejected++;
      const message = outcome.error instanceof Error ? outcome.error.message : `not an Error: ${outcome.error}`;
      const kind = `${label}: ${message}`;
      figures.errors[kind] = (figures.errors[kind] || 0) + 1;
    } else figures.resolved++;
    return outcome;
  }

  let running = true;
  const work = async (w) => {
    // one hash slot per worker, so its MULTI is valid on a cluster
    const counter = `{${tag}:${w}}:ctr`;
    const log = `{${tag}:${w}}:log`;
    for (let n = 0; running; n++) {
      const r = rand();
      const id = `${w}-${n}`;
      if (r < 0.3) {
        if ("value" in (await settle(client.incr(counter), "incr"))) acked[w].incr++;
      } else if (r < 0.55) {
        if ("value" in (await settle(client.rpush(log, id), "rpush"))) acked[w].log.push(id);
      } else if (r < 0.7) {
        const o = await settle(client.pipeline().incr(counter).rpush(log, id).exec(), "pipeline");
        if (o.value) {
          if (!o.value[0][0]) acked[w].incr++;
          if (!o.value[1][0]) acked[w].log.push(id);
        }
      } else if (r < 0.8) {
        const o = await settle(client.multi().incr(counter).rpush(log, id).exec(), "multi");
        if (o.value && !o.value[0][0] && !o.value[1][0]) (acked[w].incr++, acked[w].log.push(id));
      } else if (r < 0.9) {
        await settle(rand() < 0.5 ? client.get(counter) : client.lrange(log, -3, -1), "read");
      } else {
        await settle(client.blpop(`{${tag}:${w}}:empty`, 0.1), "blpop");
      }
    }
  };

  const injector = async () => {
    await sleep(300);
    while (running) {
      await sleep(200 + faultRand() * 1300);
      if (!running) break;
      const fault = FAULTS[Math.floor(faultRand() * FAULTS.length)];
      figures.faults[fault] = (figures.faults[fault] || 0) + 1;
      await target.faults[fault](faultRand);
    }
  };

  const started = Date.now();
  const loops = [...Array.from({ length: workers }, (_, w) => work(w)), injector()];
  await sleep(seconds * 1000);
  running = false;
  await Promise.all(loops);
  figures.ms = Date.now() - started;

  // What the server holds (the last fault may have left it restarting: read waits for it).
  let lost = 0;
  for (let w = 0; w < workers; w++) {
    const counter = Number(await target.read("GET", `{${tag}:${w}}:ctr`)) || 0;
    if (counter < acked[w].incr) {
      lost += acked[w].incr - counter;
      problems.push(`worker ${w}: counter ${counter} < ${acked[w].incr} acknowledged INCRs`);
    }
    const entries = ((await target.read("LRANGE", `{${tag}:${w}}:log`, "0", "-1")) || "").split("\n");
    const logged = new Set(entries);
    let latest = -1;
    for (const entry of entries) {
      const n = Number(entry.slice(entry.indexOf("-") + 1));
      if (n < latest) {
        figures.reordered++;
        problems.push(`worker ${w}: ${entry} logged after ${w}-${latest}, a later call`);
      }
      latest = Math.max(latest, n);
    }
    const missing = acked[w].log.filter((id) => !logged.has(id));
    if (missing.length) {
      lost += missing.length;
      problems.push(`worker ${w}: ${missing.length} acknowledged RPUSHes missing (first ${missing[0]})`);
    }
  }
  figures.ackedLost = lost;
  if (figures.hung) problems.push(`${figures.hung} calls did not settle within ${SETTLE_LIMIT_MS} ms`);

  // Events: the client must be usable again, and quit ends it with 'end'.
  const after = await settle(client.ping(), "ping");
  if (after.value !== "PONG") problems.push(`after the faults, PING gave ${JSON.stringify(after)}`);
  await client.quit().catch(() => client.disconnect());
  await sleep(50);
  figures.events = events.length;
  if (checkEvents) {
    const broken = eventGrammarBreak(events);
    if (broken) problems.push(`events out of ioredis's order: ${broken}; sequence ${events.join(" ")}`);
  }
  if (events[events.length - 1] !== "end")
    problems.push(`the last event was '${events[events.length - 1]}', not 'end'`);
  return { figures, problems };
}

module.exports = { faultRun, eventGrammarBreak, standaloneTarget, clusterTarget, sentinelTarget };
