"use strict";
/**
 * Runs one test file's uvu suites in this process and writes the counts to
 * the file named by IOGLIDE_RESULT_FILE (test/run.js reads it). uvu's own
 * exec() prints a summary but returns nothing; this loop is the same as
 * uvu's, keeping the numbers.
 */
const fs = require("fs");
const path = require("path");

async function main() {
  const file = path.resolve(process.argv[2]);
  globalThis.UVU_DEFER = 1;
  require("uvu");
  globalThis.UVU_QUEUE.push([path.relative(process.cwd(), file)]);
  globalThis.UVU_INDEX = 0;
  require(file);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const group of globalThis.UVU_QUEUE) {
    const name = group.shift();
    if (name) process.stdout.write(name + "\n");
    for (const run of group) {
      const [errors, ran, skip, total] = await run();
      passed += ran;
      failed += total - ran;
      skipped += skip;
      if (errors !== true) process.stdout.write("\n" + errors + "\n");
    }
  }
  // Tests that skip themselves at run time (a server feature missing) say so here.
  const selfSkipped = globalThis.IOGLIDE_SKIPPED || 0;
  passed -= selfSkipped;
  skipped += selfSkipped;
  fs.writeFileSync(process.env.IOGLIDE_RESULT_FILE, JSON.stringify({ passed, failed, skipped }));
  // Clients left open would keep the process alive: say so, then exit anyway.
  setTimeout(() => {
    const handles = process
      ._getActiveHandles()
      .filter((h) => h !== process.stdout && h !== process.stderr && h !== process.stdin);
    const kinds = handles.map(
      (h) =>
        (h.constructor && h.constructor.name) +
        (h.remotePort ? `:${h.remotePort}` : h._idleTimeout > 0 ? `:${h._idleTimeout}ms` : ""),
    );
    process.stderr.write(
      `\n[harness] ${path.basename(file)} still had ${handles.length} open handle(s) 5 s after its tests ended: ${kinds.join(", ")}\n`,
    );
    process.exit(failed ? 1 : 0);
  }, 5000).unref();
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
