"use strict";
// The typing tier: ioglide's published declarations compiled by tsc under
// strict with skipLibCheck off (no server needed).
const { suite } = require("uvu");
const assert = require("uvu/assert");
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const t = suite("types");
const here = __dirname;
const tsc = require.resolve("typescript/bin/tsc");

/** tsc -p <config>: the error lines (none when it compiles). */
function compile(config) {
  const run = spawnSync(process.execPath, [tsc, "-p", path.join(here, config)], { cwd: here, encoding: "utf8" });
  return (run.stdout + run.stderr).split("\n").filter((line) => /error TS\d+/.test(line));
}

t("the declarations compile under strict with skipLibCheck off, and the API assertions hold", () => {
  assert.equal(compile("tsconfig.json"), []);
});

// ioredis 6.1's own declarations import redis-errors, which has no types (TS7016 under
// skipLibCheck: false): the reference compile skips library checks; ioglide's does not.
t("a program written for ioredis 6 compiles against ioredis itself", () => {
  assert.equal(compile("tsconfig.drop-in-ioredis.json"), []);
});

t("the same program compiles with only the import resolved to ioglide", () => {
  assert.equal(compile("tsconfig.drop-in.json"), []);
});

// types/commander.d.ts is generated from ioredis's own declarations (npm run generate:types):
// no method may drift from them.
t("every ioredis 6 command method is typed at least as ioredis types it", () => {
  const source = fs.readFileSync(require.resolve("ioredis/built/utils/RedisCommander.d.ts"), "utf8");
  const names = [...new Set([...source.matchAll(/^ {4}([a-zA-Z_][a-zA-Z0-9_]*)[(<]/gm)].map((m) => m[1]))].sort();
  assert.ok(names.length > 300, `read ${names.length} methods from ioredis's declarations`);
  // One line per method: ioglide's is usable wherever ioredis's is (each ioredis overload is
  // matched by one of ioglide's, with a reply type assignable to ioredis's).
  const lines = names.map((n) => `export const m_${n}: IORedis["${n}"] = null as unknown as Ioglide["${n}"];`);
  const file = path.join(here, ".parity.generated.ts");
  fs.writeFileSync(
    file,
    ['import type IORedis from "ioredis";', 'import type Ioglide from "ioglide";', ...lines, ""].join("\n"),
  );
  const config = path.join(here, ".tsconfig.parity.json");
  fs.writeFileSync(config, JSON.stringify({ extends: "./tsconfig.json", files: [".parity.generated.ts"] }));
  try {
    const errors = compile(".tsconfig.parity.json");
    const differing = [
      ...new Set(
        errors
          .map((e) => /\.parity\.generated\.ts\((\d+)/.exec(e))
          .filter(Boolean)
          .map((m) => names[Number(m[1]) - 3]),
      ),
    ].sort();
    assert.equal(differing, [], `differing now: ${differing.join(", ")}`);
  } finally {
    fs.rmSync(file, { force: true });
    fs.rmSync(config, { force: true });
  }
});

t.run();
