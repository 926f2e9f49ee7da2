"use strict";
/**
 * Differential command tests: each case runs once through ioglide and once
 * through real ioredis, on the same server, from the same data (set up by
 * ioredis after FLUSHDB), and the outcomes (reply, or error class and
 * message) must be deep-equal. Callback forms are checked on a sample.
 *
 * A case is [label, run] or [label, run, options]:
 *   run(client)        the call(s) under test; may return several replies as an array
 *   setup(oracle)      data to create first (through ioredis)
 *   norm(reply)        normalize a non-deterministic reply before comparing
 *   min: "7.2"         needs this server version: skipped with the reason printed
 *   differs: "reason"  a deliberate difference; `expect(ours, theirs)` asserts what ioglide does
 *
 * Results go to test/.results/<family>.json; `npm run compat` turns them into
 * docs/COMPATIBILITY.md.
 */
const { suite } = require("uvu");
const assert = require("uvu/assert");
const fs = require("fs");
const path = require("path");
const { glide, oracle, closeAll } = require("../support/clients");

function serverVersion(info) {
  const v = /(?:valkey|redis)_version:([\d.]+)/.exec(info);
  return v ? v[1].split(".").map(Number) : [0, 0, 0];
}

function atLeast(version, min) {
  const m = min.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((version[i] || 0) > (m[i] || 0)) return true;
    if ((version[i] || 0) < (m[i] || 0)) return false;
  }
  return true;
}

/** A comparable form of an outcome: Buffers tagged, Errors by class and message. */
function comparable(value) {
  if (Buffer.isBuffer(value)) return { buffer: value.toString("hex") };
  if (value instanceof Error) return { error: value.constructor.name, message: value.message };
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === "object") {
    const out = {};
    for (const k of Object.keys(value)) out[k] = comparable(value[k]);
    return out;
  }
  return value;
}

async function outcome(run, client, norm) {
  try {
    let reply = await run(client);
    if (norm) reply = norm(reply);
    return { ok: comparable(reply) };
  } catch (err) {
    return { err: comparable(err) };
  }
}

/**
 * Register a family of differential cases as uvu suites: protocol 3 (ioredis
 * 6's default), protocol 2, and protocol 3 with `replyMapping: "resp3"`.
 * `db` keeps families apart on the shared server; `clientOptions` go to both
 * clients (keyPrefix, stringNumbers, ...); setup then runs with them too.
 */
function family(name, db, cases, clientOptions = {}) {
  register(name, db, cases, clientOptions, true);
  // ioredis 5's behaviour, as ioredis 6 keeps it reachable: the same cases with `protocol: 2` on both sides.
  register(`${name} (protocol 2)`, db, cases, { ...clientOptions, protocol: 2 }, false);
  // ioredis 6's native RESP3 shapes (maps as objects, doubles as numbers, ...).
  register(`${name} (replyMapping resp3)`, db, cases, { ...clientOptions, replyMapping: "resp3" }, false);
}

function register(name, db, cases, clientOptions, reporting) {
  const t = suite(name);
  let g;
  let o;
  let version;
  const report = [];
  t.before(async () => {
    g = glide({ db, ...clientOptions });
    o = oracle({ db, ...clientOptions });
    version = serverVersion(await o.info("server"));
  });
  t.after(async () => {
    if (!reporting) return closeAll();
    const dir = path.join(__dirname, "..", ".results");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({ family: name, version: version.join("."), cases: report }, null, 1),
    );
    await closeAll();
  });
  for (const [label, run, options = {}] of cases) {
    t(label, async () => {
      if (options.min && !atLeast(version, options.min)) {
        console.log(`\n    skipped "${label}": needs server ${options.min}+, this one is ${version.join(".")}`);
        report.push({ label, status: "skipped", reason: `needs ${options.min}+` });
        globalThis.IOGLIDE_SKIPPED = (globalThis.IOGLIDE_SKIPPED || 0) + 1; // the harness counts it as skipped, not passed
        return;
      }
      const results = [];
      for (const client of [g, o]) {
        await o.flushdb();
        if (options.setup) await options.setup(o);
        results.push(await outcome(run, client, options.norm));
      }
      const [ours, theirs] = results;
      if (options.differs) {
        report.push({ label, status: "differs", reason: options.differs });
        options.expect(ours, theirs);
        return;
      }
      report.push({ label, status: "same" });
      assert.equal(ours, theirs);
    });
  }
  t.run();
}

module.exports = { family, comparable };
