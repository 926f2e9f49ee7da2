"use strict";
/**
 * The test command (`npm test`): starts the shared servers (a standalone
 * server, and a 3-master cluster with replicas when cluster tests are
 * selected), runs each test file in its own process, and ends with one line:
 * `N passed, M failed` (and `K skipped`). Exit code 1 on any failure.
 *
 *   node test/run.js [substring ...]   run only files whose path contains one
 *   node test/run.js test/unit         the unit tier: no server, a few seconds
 */
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startServer, startCluster, startContainer, dockerReachable } = require("./support/servers");

const FILE_TIMEOUT_MS = Number(process.env.IOGLIDE_FILE_TIMEOUT_MS || 300000);

function findTests(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "support") out.push(...findTests(full));
    else if (entry.isFile() && entry.name.endsWith(".test.js")) out.push(full);
  }
  return out.sort();
}

function runFile(file, env) {
  return new Promise((resolve) => {
    const resultFile = path.join(os.tmpdir(), `ioglide-result-${process.pid}-${path.basename(file)}.json`);
    fs.rmSync(resultFile, { force: true });
    const child = spawn(process.execPath, [path.join(__dirname, "support", "harness.js"), file], {
      env: { ...process.env, ...env, IOGLIDE_RESULT_FILE: resultFile },
      stdio: "inherit",
    });
    const timer = setTimeout(() => {
      console.error(`\n[run] ${file} exceeded ${FILE_TIMEOUT_MS} ms: killed`);
      child.kill("SIGKILL");
    }, FILE_TIMEOUT_MS);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      let result = { passed: 0, failed: 1, skipped: 0, crashed: true };
      try {
        result = JSON.parse(fs.readFileSync(resultFile, "utf8"));
        fs.rmSync(resultFile, { force: true });
      } catch {
        console.error(`[run] ${file} ended (code ${code}, signal ${signal}) without results: counted as 1 failure`);
      }
      resolve(result);
    });
  });
}

async function main() {
  const filters = process.argv.slice(2);
  const root = __dirname;
  let files = findTests(root);
  if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
  const needsCluster = files.some((f) => f.includes(`${path.sep}cluster${path.sep}`) || f.includes("cluster"));
  // The unit tier (test/unit) needs no server: `npm run test:unit` starts none.
  const needsServer = files.some((f) => !f.includes(`${path.sep}unit${path.sep}`));

  const cleanups = [];
  const env = {};
  const started = Date.now();
  try {
    if (needsServer && !process.env.IOGLIDE_TEST_SERVER) {
      const server =
        process.env.IOGLIDE_TEST_PROVIDER === "testcontainers" && dockerReachable()
          ? await startContainer()
          : await startServer();
      cleanups.push(() => server.cleanup());
      env.IOGLIDE_TEST_SERVER = `${server.host}:${server.port}`;
    }
    if (needsCluster && !process.env.IOGLIDE_TEST_CLUSTER) {
      const cluster = await startCluster({ masters: 3, replicas: 1 });
      cleanups.push(() => cluster.cleanup());
      env.IOGLIDE_TEST_CLUSTER = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(",");
    }
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const perFile = [];
    for (const file of files) {
      const t0 = Date.now();
      const r = await runFile(file, env);
      passed += r.passed;
      failed += r.failed;
      skipped += r.skipped;
      perFile.push([path.relative(process.cwd(), file), r, Date.now() - t0]);
    }
    console.log("\nPer file:");
    for (const [file, r, ms] of perFile) {
      console.log(
        `  ${r.failed ? "FAIL" : "ok  "} ${file}  ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ""}  (${(ms / 1000).toFixed(1)} s)`,
      );
    }
    console.log(`\nTotal time ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
    process.exitCode = failed > 0 || files.length === 0 ? 1 : 0;
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
