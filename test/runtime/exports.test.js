"use strict";
// The package loads the way ioredis does, from CommonJS and from ESM.
const { test } = require("uvu");
const assert = require("uvu/assert");
const { execFileSync } = require("child_process");
const path = require("path");

const root = path.join(__dirname, "..", "..");

test("require() returns the class, with .default, .Redis and ReplyError on it", () => {
  const Redis = require(root);
  assert.type(Redis, "function");
  assert.is(Redis.default, Redis);
  assert.is(Redis.Redis, Redis);
  assert.type(Redis.ReplyError, "function");
  const { Redis: Named } = require(root);
  assert.is(Named, Redis);
  assert.ok(new Redis({ lazyConnect: true }) instanceof Redis);
});

test("ESM: default and named imports", () => {
  const script = `import Redis, { Redis as R2, ReplyError } from ${JSON.stringify(path.join(root, "built", "index.mjs"))};
    const c = new Redis({ lazyConnect: true });
    console.log(typeof Redis, Redis === R2, typeof ReplyError, c.status);`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.is(out.trim(), "function true function wait");
});

test("type declarations are shipped", () => {
  const fs = require("fs");
  const pkg = require(path.join(root, "package.json"));
  assert.ok(fs.existsSync(path.join(root, pkg.types)), pkg.types);
  const dts = fs.readFileSync(path.join(root, "built", "redis.d.ts"), "utf8");
  assert.match(dts, /class Redis<ReplyMapping extends ReplyMappingMode = "legacy"> extends CommandClient</);
  const shared = fs.readFileSync(path.join(root, "built", "client", "command-client.d.ts"), "utf8");
  assert.match(shared, /use\(middleware: Middleware\)/);
});

test.run();
