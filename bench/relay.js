"use strict";
/**
 * The bench's remote-server mode: a relay (bench/relay.c) between every
 * contender and the server that delays each byte by a fixed time each way,
 * as a server on another host would. It is C because Node's timers cannot
 * wait 100 us, and a relay that spins would take a core from the contenders.
 * Built with the system's C compiler on first use (cached by the source's
 * hash in the temporary directory).
 */
const { spawn, execFileSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const SOURCE = path.join(__dirname, "relay.c");

function relayBinary() {
  const source = fs.readFileSync(SOURCE);
  const hash = crypto.createHash("sha256").update(source).digest("hex").slice(0, 12);
  const binary = path.join(os.tmpdir(), `ioglide-bench-relay-${hash}`);
  if (fs.existsSync(binary)) return binary;
  const compiler = process.env.CC || "cc";
  try {
    execFileSync(compiler, ["-O2", "-o", `${binary}.${process.pid}`, SOURCE], { stdio: "pipe" });
  } catch (err) {
    throw new Error(
      `the remote-server mode needs a C compiler to build bench/relay.c (tried '${compiler}'; set CC): ${err.message}`,
    );
  }
  fs.renameSync(`${binary}.${process.pid}`, binary);
  return binary;
}

/**
 * Start a relay to `host:port` adding `delayUs` microseconds each way.
 * Resolves with `{ host, port, stop() }`: the address the contenders use.
 */
function startRelay(host, port, delayUs) {
  const child = spawn(relayBinary(), ["0", host, String(port), String(Math.round(delayUs))], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`relay exited (${code}) before listening`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      child.removeAllListeners("exit");
      child.stdout.removeAllListeners("data");
      resolve({
        host: "127.0.0.1",
        port: Number(m[1]),
        stop() {
          child.kill("SIGKILL");
        },
      });
    });
  });
}

module.exports = { startRelay };
