"use strict";
/**
 * Reply shapers against captured replies, no server: for every case in
 * fixtures/replies.json (GLIDE's reply and ioredis 6's reply to the same call
 * on the same server, captured by scripts/capture-replies.js), ioglide's
 * shaper turns GLIDE's reply into exactly ioredis's, for RESP3 and RESP2,
 * both reply mappings,
 * alone and in a batch, with Strings and Buffers. Every shaper in
 * REPLY_SHAPERS has at least one case.
 */
const { test } = require("uvu");
const assert = require("node:assert");
const fixture = require("./fixtures/replies.json");
const { decode } = require("./fixtures/tagged-json");
const { REPLY_SHAPERS } = require("../../built/commands/replies");
const { NATIVE_REPLY_SHAPERS } = require("../../built/commands/native-replies");
const { specFor, specForArguments } = require("../../built/commands/spec");
const { shapeReply } = require("../../built/middleware/shape");
const { formatDoubleG17, formatDoubleShortest } = require("../../built/commands/reply-values");

const [major, minor] = fixture.server.version.split(".").map(Number);
const formatDouble =
  fixture.server.name === "valkey" || major > 7 || (major === 7 && minor >= 2) ? formatDoubleShortest : formatDoubleG17;

function label(c) {
  return c.command.join(" ");
}

for (const c of fixture.cases) {
  const [name, ...args] = c.command;
  const spec = specForArguments(specFor(name.toLowerCase()), args);
  const ioredisRuns = Object.entries(c.ioredis);
  test(`${label(c)}: shaped like ioredis 6 (${ioredisRuns.map(([k]) => k).join(", ")})`, () => {
    assert.strictEqual(spec.shapeReply, c.shaper === null ? undefined : REPLY_SHAPERS[c.shaper], "the shaper in use");
    assert.strictEqual(spec.shapeNativeReply, NATIVE_REPLY_SHAPERS[spec.name], "the native shaper in use");
    let compared = 0;
    for (const [run, encoded] of ioredisRuns) {
      const expected = decode(encoded);
      const protocol = run.startsWith("p3") ? "resp3" : "resp2";
      const nativeShapes = run.startsWith("p3native"); // replyMapping "resp3"
      const buffer = run.endsWith(".buffer");
      // The decoder ioglide asks GLIDE for: Bytes for Buffers or where the spec says so.
      const decoder = buffer || spec.decodeAsBytes(args) ? "bytes" : "string";
      for (const where of ["", ".batch"]) {
        const got = decode(c.glide[`${protocol}.${decoder}${where}`]);
        const what = `${run} from GLIDE ${protocol}.${decoder}${where}`;
        if ("error" in expected) {
          assert.ok("error" in got, `${what}: ioredis failed (${expected.error}), GLIDE replied`);
          continue;
        }
        assert.ok(!("error" in got), `${what}: GLIDE failed: ${got.error}`);
        const call = { spec, args, buffer, env: { stringNumbers: false, nativeShapes, formatDouble } };
        assert.deepStrictEqual(shapeReply(got.reply, call), expected.reply, what);
        compared++;
      }
    }
    if (compared === 0) {
      // The capturing server refused the call (an option newer than it): nothing to compare.
      globalThis.IOGLIDE_SKIPPED = (globalThis.IOGLIDE_SKIPPED || 0) + 1;
      console.log(`  skipped: ${label(c)}: ${fixture.server.name} ${fixture.server.version} refused it`);
    }
  });
}

test("every reply shaper has a captured case", () => {
  const covered = new Set(fixture.cases.map((c) => c.shaper));
  const missing = Object.keys(REPLY_SHAPERS).filter((k) => !covered.has(k));
  assert.deepStrictEqual(missing, [], "shapers without a case in scripts/capture-replies.js");
});

test.run();
