"use strict";
// defineCommand, EVAL/EVALSHA/SCRIPT and FUNCTION, differentially.
const { family } = require("./differential");

const define = (c) => {
  c.defineCommand("echoKeys", { numberOfKeys: 2, lua: "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}" });
  c.defineCommand("dynKeys", { lua: "return {#KEYS, #ARGV, KEYS[1]}" });
  c.defineCommand("incrTwice", {
    numberOfKeys: 1,
    lua: "redis.call('INCR', KEYS[1]); return redis.call('INCR', KEYS[1])",
  });
  c.defineCommand("failing", { numberOfKeys: 0, lua: "return redis.error_reply('MYERR scripted failure')" });
  c.defineCommand("crash", { numberOfKeys: 1, lua: "redis.call('INCR', KEYS[1]); return redis.call('NOSUCHCMD')" });
  c.defineCommand("binary", { numberOfKeys: 1, lua: "return redis.call('GET', KEYS[1])" });
};
const errs = (results) =>
  results &&
  results.map(([e, v]) => (e ? ["err", e.constructor.name, e.message.replace(/script: \w+/, "script: X")] : ["ok", v]));

family("scripts", 7, [
  ["defineCommand with numberOfKeys", (c) => (define(c), c.echoKeys("k1", "k2", "a1", "a2"))],
  ["defined command with one array argument (BullMQ style)", (c) => (define(c), c.echoKeys(["k1", "k2", "a1", "a2"]))],
  [
    "dynamic numberOfKeys",
    (c) => (define(c), Promise.all([c.dynKeys(1, "k", "a", "b"), c.dynKeys(0), c.dynKeys([2, "x", "y", "z"])])),
  ],
  [
    "defined command Buffer variant",
    (c) => (
      define(c),
      c.set("b", Buffer.from([0xff, 1])).then(() => Promise.all([c.binaryBuffer("b"), c.binary("b")]))
    ),
  ],
  [
    "defined command: callback form",
    (c) => (define(c), new Promise((r) => c.echoKeys("a", "b", "c", "d", (e, v) => r([e, v])))),
  ],
  [
    "a script runs once per call (side effects)",
    async (c) => {
      define(c);
      await c.incrTwice("n");
      await c.incrTwice("n");
      return c.get("n");
    },
  ],
  ["error_reply text", (c) => (define(c), c.failing())],
  [
    "runtime error: the script is not run again",
    async (c) => {
      define(c);
      const e = await c.crash("n").catch((x) => x.message.replace(/script: \w+/, "script: X"));
      return [e, await c.get("n")];
    },
  ],
  [
    "after SCRIPT FLUSH the defined command is reloaded and runs once",
    async (c) => {
      define(c);
      await c.incrTwice("n");
      await c.script("FLUSH");
      await c.incrTwice("n");
      return c.get("n");
    },
  ],
  [
    "defined commands in a pipeline",
    (c) => (define(c), c.pipeline().echoKeys("a", "b", "c", "d").incrTwice("n").failing().get("n").exec().then(errs)),
  ],
  [
    "defined commands in a multi",
    (c) => (define(c), c.multi().incrTwice("n").echoKeys("a", "b", "c", "d").get("n").exec().then(errs)),
  ],
  [
    "defined commands in a multi after SCRIPT FLUSH (first use on a connection)",
    async (c) => {
      define(c);
      await c.script("FLUSH");
      return c.multi().incrTwice("m").exec().then(errs);
    },
  ],
  [
    "defined command with too few arguments",
    (c) => (define(c), c.echoKeys("only-one").catch((e) => e.constructor.name)),
  ],
  [
    "EVAL and EVALSHA",
    async (c) => {
      const sha = await c.script("LOAD", "return ARGV[1]");
      return [sha, await c.evalsha(sha, 0, "x"), await c.eval("return ARGV[1]", 0, "y")];
    },
  ],
  ["EVALSHA unknown sha", (c) => c.evalsha("ffffffffffffffffffffffffffffffffffffffff", 0)],
  [
    "EVAL_RO and EVALSHA_RO",
    async (c) => {
      const sha = await c.script("LOAD", "return redis.call('GET', KEYS[1])");
      await c.set("k", "v");
      return [await c.eval_ro("return redis.call('GET', KEYS[1])", 1, "k"), await c.evalsha_ro(sha, 1, "k")];
    },
  ],
  [
    "EVAL_RO refuses writes",
    (c) =>
      c
        .eval_ro("return redis.call('SET', KEYS[1], 'x')", 1, "k")
        .catch((e) => e.message.replace(/script: \w+/, "script: X")),
  ],
  [
    "SCRIPT EXISTS answers 1/0",
    async (c) => {
      const sha = await c.script("LOAD", "return 1");
      return c.script("EXISTS", sha, "ffffffffffffffffffffffffffffffffffffffff");
    },
  ],
  ["SCRIPT KILL with nothing running", (c) => c.script("KILL")],
  ["evalBuffer", (c) => c.evalBuffer("return 'x'", 0)],
  [
    "eval in a pipeline and a multi",
    (c) =>
      Promise.all([
        c.pipeline().eval("return 1", 0).eval("return {1,'a'}", 0).exec(),
        c.multi().eval("return KEYS[1]", 1, "k").exec(),
      ]),
  ],
]);

family(
  "scripts with keyPrefix",
  8,
  [
    ["defined command keys are prefixed, args are not", (c) => (define(c), c.echoKeys("k1", "k2", "a1", "a2"))],
    ["dynamic numberOfKeys with a prefix", (c) => (define(c), c.dynKeys(1, "k", "a"))],
    ["EVAL keys are prefixed", (c) => c.eval("return {KEYS[1], ARGV[1]}", 1, "k", "a")],
    ["defined command in a multi with a prefix", (c) => (define(c), c.multi().echoKeys("a", "b", "c", "d").exec())],
  ],
  { keyPrefix: "sp:" },
);
