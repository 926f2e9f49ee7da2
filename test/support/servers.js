"use strict";
/**
 * Real servers for the tests: `valkey-server` or `redis-server` started on
 * free ports (standalone, or a cluster of masters with replicas) in their own
 * temporary directories, and stopped again. Nothing here depends on a server
 * started by hand, and two runs at once do not collide (the OS picks ports).
 *
 * Alternatives:
 * - IOGLIDE_TEST_SERVER=host:port uses an existing standalone server instead;
 * - IOGLIDE_TEST_CLUSTER=host:port[,host:port...] an existing cluster;
 * - IOGLIDE_TEST_PROVIDER=testcontainers starts `valkey/valkey` in Docker via
 *   testcontainers (needs a reachable Docker engine).
 */
const { spawn, spawnSync, execFileSync } = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");

const running = new Set();
function killAll() {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
}
process.on("exit", killAll);
// Interrupted (Ctrl-C, a CI timeout): stop the servers too, then die as asked.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

function which(binary) {
  const r = spawnSync("sh", ["-c", `command -v ${binary}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function serverBinary() {
  const bin = process.env.IOGLIDE_SERVER_BIN || which("valkey-server") || which("redis-server");
  if (!bin) throw new Error("no valkey-server or redis-server on PATH (apt-get install -y redis-server)");
  return bin;
}

function cliBinary() {
  const bin = process.env.IOGLIDE_CLI_BIN || which("valkey-cli") || which("redis-cli");
  if (!bin) throw new Error("no valkey-cli or redis-cli on PATH");
  return bin;
}

/** A port the OS says is free now (and, for cluster nodes, whose bus port +10000 is free too). */
async function freePort({ withBus = false } = {}) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
    if (port === 6379 || port === 16379) continue;
    if (!withBus) return port;
    if (port + 10000 > 65535) continue;
    if (await portIsFree(port + 10000)) return port;
  }
  throw new Error("could not find a free port");
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

function ping(port, timeoutMs = 300) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let data = "";
    const done = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      data += d;
      if (data.includes("\r\n"))
        done(data.startsWith("+PONG") || data.startsWith("-NOAUTH") || data.startsWith("-LOADING"));
    });
    socket.on("error", () => done(false));
  });
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A server process on a free port. `extraArgs` are passed to the server
 * (e.g. ["--requirepass", "x"]). The returned handle can stop, kill and
 * restart it (same port, same arguments).
 */
async function startServer({ extraArgs = [], withBus = false, port: fixedPort } = {}) {
  const bin = serverBinary();
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = fixedPort || (await freePort({ withBus }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ioglide-test-${process.pid}-${port}-`));
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--enable-debug-command",
      "yes",
      ...extraArgs,
    ];
    const server = {
      host: "127.0.0.1",
      port,
      dir,
      args,
      child: null,
      async start() {
        const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
        let log = "";
        child.stdout.on("data", (d) => (log = (log + d).slice(-4000)));
        child.stderr.on("data", (d) => (log = (log + d).slice(-4000)));
        running.add(child);
        child.once("exit", () => running.delete(child));
        server.child = child;
        const exited = new Promise((resolve) => child.once("exit", () => resolve(true)));
        const up = waitFor(() => ping(port), 10000, `server on ${port}`).then(() => false);
        if (await Promise.race([up, exited]))
          throw Object.assign(new Error(`server on ${port} exited: ${log}`), { log });
        return server;
      },
      /** SIGTERM and wait for exit */
      async stop() {
        await server.kill("SIGTERM");
      },
      /** send a signal (SIGKILL by default) and wait for the process to exit */
      async kill(signal = "SIGKILL") {
        const child = server.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((resolve) => child.once("exit", resolve));
        child.kill(signal);
        await gone;
      },
      async restart() {
        await server.kill("SIGKILL");
        await server.start();
      },
      async cleanup() {
        await server.kill("SIGKILL");
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    try {
      return await server.start();
    } catch (err) {
      await server.cleanup();
      if (fixedPort || !/Address already in use|exited/.test(String(err.message))) throw err;
    }
  }
  throw new Error("could not start a server");
}

/** The shared standalone server of a test run (started by test/run.js, or given by env). */
function standaloneAddress() {
  const given = process.env.IOGLIDE_TEST_SERVER;
  if (!given) throw new Error("IOGLIDE_TEST_SERVER is not set: run the tests with `npm test`");
  const [host, port] = given.split(":");
  return { host, port: Number(port) };
}

function cli(port, ...args) {
  return execFileSync(cliBinary(), ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8" });
}

/**
 * A cluster: `masters` masters with `replicas` replicas each, created with
 * `redis-cli --cluster create`, waited for until every node reports
 * cluster_state:ok and agrees on all slots.
 */
async function startCluster({ masters = 3, replicas = 1, extraArgs = [] } = {}) {
  const nodes = [];
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      nodes.push(
        await startServer({
          withBus: true,
          extraArgs: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "2000",
            ...extraArgs,
          ],
        }),
      );
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    execFileSync(
      cliBinary(),
      ["--cluster", "create", ...addresses, "--cluster-replicas", String(replicas), "--cluster-yes"],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await waitFor(
      () =>
        nodes.every((n) => {
          try {
            return (
              /cluster_state:ok/.test(cli(n.port, "cluster", "info")) &&
              /cluster_slots_assigned:16384/.test(cli(n.port, "cluster", "info"))
            );
          } catch {
            return false;
          }
        }),
      30000,
      "cluster_state:ok",
    );
    // Replicas must have finished their first sync before tests rely on them.
    await waitFor(
      () =>
        nodes.every((n) => {
          const info = cli(n.port, "info", "replication");
          return /role:master/.test(info) || /master_link_status:up/.test(info);
        }),
      30000,
      "replicas in sync",
    );
    // And every node lists every replica in CLUSTER SLOTS: a client learns the topology from there,
    // and one that connects before a replica is listed may not read from it for a long time (GLIDE).
    await waitFor(
      () =>
        nodes.every((n) => {
          const slots = cli(n.port, "cluster", "slots");
          return nodes.every((m) => new RegExp(`^${m.port}$`, "m").test(slots));
        }),
      30000,
      "replicas listed in CLUSTER SLOTS",
    );
    return {
      nodes,
      startupNodes: nodes.slice(0, masters).map((n) => ({ host: n.host, port: n.port })),
      masters() {
        return nodes.filter((n) => /role:master/.test(cli(n.port, "info", "replication")));
      },
      cli,
      async cleanup() {
        await Promise.all(nodes.map((n) => n.cleanup()));
      },
    };
  } catch (err) {
    await Promise.all(nodes.map((n) => n.cleanup()));
    throw err;
  }
}

/** The shared cluster of a test run, if one was started or given. */
function clusterAddresses() {
  const given = process.env.IOGLIDE_TEST_CLUSTER;
  if (!given) return null;
  return given.split(",").map((a) => {
    const [host, port] = a.split(":");
    return { host, port: Number(port) };
  });
}

/**
 * A Sentinel setup: a master, `replicas` replicas and `sentinels` sentinels
 * (`redis-server <conf> --sentinel`), all on free ports, watching the master
 * as `name` with quorum 2 and a 1 s down-after. Resolves once every
 * sentinel knows the replicas and the other sentinels. `sentinelPassword`
 * makes the sentinels require AUTH; `extraArgs` go to the master and the
 * replicas (persistence, say).
 */
async function startSentinels({
  name = "mymaster",
  replicas = 2,
  sentinels = 3,
  sentinelPassword,
  extraArgs = [],
} = {}) {
  const master = await startServer({ extraArgs });
  const replicaServers = [];
  for (let i = 0; i < replicas; i++) {
    replicaServers.push(
      await startServer({ extraArgs: [...extraArgs, "--replicaof", "127.0.0.1", String(master.port)] }),
    );
  }
  const bin = serverBinary();
  const sentinelProcs = [];
  for (let i = 0; i < sentinels; i++) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ioglide-sentinel-${process.pid}-${port}-`));
    const conf = path.join(dir, "sentinel.conf");
    fs.writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        ...(sentinelPassword ? [`requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`] : []),
        "",
      ].join("\n"),
    );
    const child = spawn(bin, [conf, "--sentinel"], { stdio: "ignore" });
    running.add(child);
    child.once("exit", () => running.delete(child));
    sentinelProcs.push({ host: "127.0.0.1", port, dir, child });
    await waitFor(() => ping(port), 10000, `sentinel on ${port}`);
  }
  const auth = sentinelPassword ? ["-a", sentinelPassword, "--no-auth-warning"] : [];
  const sentinelCli = (port, ...args) => cli(port, ...auth, ...args);
  await waitFor(
    () =>
      sentinelProcs.every((s) => {
        const known = (sub) => (sentinelCli(s.port, "sentinel", sub, name).match(/^name$/gm) || []).length;
        return known("replicas") === replicas && known("sentinels") === sentinels - 1;
      }),
    30000,
    "sentinels to know the replicas and each other",
  );
  const servers = [master, ...replicaServers];
  return {
    name,
    servers,
    sentinels: sentinelProcs.map(({ host, port }) => ({ host, port })),
    sentinelCli,
    /** the master's port, as the first sentinel reports it now */
    masterPort() {
      return Number(sentinelCli(sentinelProcs[0].port, "sentinel", "get-master-addr-by-name", name).split("\n")[1]);
    },
    server(port) {
      return servers.find((s) => s.port === port);
    },
    async cleanup() {
      for (const s of sentinelProcs) {
        const gone = new Promise((resolve) => s.child.once("exit", resolve));
        s.child.kill("SIGKILL");
        await gone;
        fs.rmSync(s.dir, { recursive: true, force: true });
      }
      for (const s of servers) await s.cleanup();
    },
  };
}

/** Where Docker is reachable, a `valkey/valkey` container via testcontainers. */
async function startContainer(image = process.env.IOGLIDE_TEST_IMAGE || "valkey/valkey:8") {
  const { GenericContainer, Wait } = require("testcontainers");
  const container = await new GenericContainer(image)
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
  return {
    host: container.getHost(),
    port: container.getMappedPort(6379),
    async cleanup() {
      await container.stop();
    },
  };
}

function dockerReachable() {
  if (process.env.DOCKER_HOST) return true;
  try {
    return fs.statSync("/var/run/docker.sock").isSocket();
  } catch {
    return false;
  }
}

module.exports = {
  startServer,
  startSentinels,
  startCluster,
  startContainer,
  dockerReachable,
  standaloneAddress,
  clusterAddresses,
  freePort,
  cli,
  cliBinary,
  serverBinary,
  waitFor,
};
