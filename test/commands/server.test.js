"use strict";
const { family } = require("./differential");

const typeOf = (r) => (Array.isArray(r) ? ["array", r.length > 0 ? typeof r[0] : "empty"] : typeof r);

family("server", 9, [
  [
    "PING and ECHO",
    (c) => Promise.all([c.ping(), c.ping("hello"), c.echo("x"), c.echo(Buffer.from([0xe2, 0x9c, 0x93]))]),
  ],
  ["pingBuffer and echoBuffer", (c) => Promise.all([c.pingBuffer(), c.echoBuffer("x")])],
  ["INFO is text", (c) => c.info().then((t) => [typeof t, t.startsWith("# Server\r\n"), /redis_version:/.test(t)])],
  [
    "INFO sections",
    (c) => Promise.all([c.info("server").then((t) => t.split("\r\n")[0]), c.info("keyspace"), c.info("nosuchsection")]),
  ],
  [
    "CONFIG GET is flat",
    (c) => Promise.all([c.config("GET", "maxmemory"), c.config("GET", "maxmemory*"), c.config("GET", "nosuch")]),
  ],
  [
    "CONFIG SET and errors",
    (c) =>
      Promise.all([c.config("SET", "slowlog-max-len", "128"), c.config("SET", "nosuch", "1").catch((e) => e.message)]),
  ],
  ["CONFIG RESETSTAT", (c) => c.config("RESETSTAT")],
  ["TIME", (c) => c.time().then(typeOf)],
  ["LASTSAVE", (c) => c.lastsave().then(typeOf)],
  ["DBSIZE and FLUSHDB", (c) => Promise.all([c.dbsize(), c.flushdb(), c.dbsize()]), { setup: (o) => o.set("a", 1) }],
  ["CLIENT GETNAME without a name", (c) => c.client("GETNAME")],
  ["CLIENT SETNAME and GETNAME", (c) => Promise.all([c.client("SETNAME", "diff-name"), c.client("GETNAME")])],
  ["CLIENT SETNAME invalid", (c) => c.client("SETNAME", "has space")],
  [
    "CLIENT LIST is text with resp=2",
    (c) => c.client("LIST").then((t) => [typeof t, /resp=2/.test(t), t.endsWith("\n")]),
  ],
  ["CLIENT INFO", (c) => c.client("INFO").then((t) => [typeof t, /^id=\d+ /.test(t)])],
  ["CLIENT ID", (c) => c.client("ID").then(typeOf)],
  [
    "CLIENT NO-EVICT and error",
    (c) => Promise.all([c.client("NO-EVICT", "on"), c.client("NOSUCHSUB").catch((e) => e.message)]),
  ],
  ["COMMAND COUNT and INFO", (c) => Promise.all([c.command("COUNT").then(typeOf), c.command("INFO", "get")])],
  ["COMMAND DOCS shape", (c) => c.command("DOCS", "get").then((r) => [r[0], Array.isArray(r[1]), r[1][0]])],
  ["COMMAND GETKEYS", (c) => c.command("GETKEYS", "mset", "a", "1", "b", "2")],
  [
    "MEMORY USAGE and STATS",
    (c) =>
      Promise.all([
        c.memory("USAGE", "a").then(typeOf),
        c.memory("STATS").then((r) => [r[0], typeof r[1], r.length > 10]),
      ]),
    { setup: (o) => o.set("a", "x") },
  ],
  ["MEMORY DOCTOR", (c) => c.memory("DOCTOR").then(typeOf)],
  ["SLOWLOG", (c) => Promise.all([c.slowlog("RESET"), c.slowlog("LEN"), c.slowlog("GET", 1)])],
  ["LATENCY LATEST and HISTORY", (c) => Promise.all([c.latency("LATEST"), c.latency("HISTORY", "command")])],
  ["ROLE", (c) => c.role()],
  [
    // HELLO 3 after it: ioredis's connection stays on protocol 2 otherwise, and the next cases would see RESP2 replies
    "HELLO 2 is flat",
    (c) => c.hello(2).then(async (r) => (await c.hello(3), [r[0], r[1], r[2], r[4], r[5], r.length])),
  ],
  ["SELECT out of range", (c) => c.select(999)],
  ["ACL WHOAMI, CAT, USERS", (c) => Promise.all([c.acl("WHOAMI"), c.acl("CAT").then(typeOf), c.acl("USERS")])],
  [
    "ACL SETUSER GETUSER DELUSER",
    (c) =>
      Promise.all([
        c.acl("SETUSER", "diffuser", "on", ">pw", "~k*", "+get"),
        c.acl("GETUSER", "diffuser").then((r) => [r[0], r[2], r[4]]),
        c.acl("DELUSER", "diffuser"),
      ]),
  ],
  ["ACL LOG", (c) => c.acl("LOG", "RESET")],
  [
    "ACL DRYRUN",
    (c) =>
      Promise.all([
        c.acl("SETUSER", "dry", "on", "+get"),
        c.acl("DRYRUN", "dry", "get", "x"),
        c.acl("DRYRUN", "dry", "set", "x", "y"),
        c.acl("DELUSER", "dry"),
      ]),
  ],
  [
    "FUNCTION LOAD, LIST, FCALL, DELETE",
    (c) =>
      Promise.all([
        c.function(
          "LOAD",
          "REPLACE",
          "#!lua name=difflib\nredis.register_function('difffn', function(keys, args) return {keys[1], args[1], 2} end)",
        ),
        c.fcall("difffn", 1, "k", "a"),
        c.function("LIST", "LIBRARYNAME", "difflib").then((r) => [r[0][0], r[0][1], r[0][4]]),
        c.function("DELETE", "difflib"),
      ]),
  ],
  [
    "FCALL_RO and errors",
    (c) =>
      Promise.all([
        c.function(
          "LOAD",
          "REPLACE",
          "#!lua name=rolib\nredis.register_function{function_name='rofn', callback=function(keys, args) return args[1] end, flags={'no-writes'}}",
        ),
        c.fcall_ro("rofn", 0, "x"),
        c.fcall("nosuchfn", 0).catch((e) => e.message),
        c.function("DELETE", "rolib"),
      ]),
  ],
  ["FUNCTION STATS shape", (c) => c.function("STATS").then((r) => [r[0], r[1], r[2]])],
  [
    "EVAL returns of every Lua type",
    (c) => c.eval("return {1, 2.7, 'x', false, true, {1, {2}}, redis.status_reply('OK')}", 0),
  ],
  ["EVAL with keys and args", (c) => c.eval("return {KEYS[1], KEYS[2], ARGV[1]}", 2, "k1", "k2", "a1")],
  [
    "EVAL error_reply and runtime errors",
    (c) =>
      Promise.all([
        c.eval("return redis.error_reply('MYERR custom message')", 0).catch((e) => e.message),
        c.eval("return redis.call('INCR', KEYS[1])", 1, "s").catch((e) => e.message),
        c.eval("return nosuchvar", 0).catch((e) => e.message.replace(/script: \w+/, "script: X")),
      ]),
    { setup: (o) => o.set("s", "x") },
  ],
  ["EVALSHA unknown", (c) => c.evalsha("0000000000000000000000000000000000000000", 0)],
  [
    "SCRIPT LOAD EXISTS FLUSH",
    (c) =>
      Promise.all([
        c.script("LOAD", "return 1"),
        c.script("EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0000000000000000000000000000000000000000"),
        c.script("FLUSH"),
        c.script("EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"),
      ]),
  ],
  ["EVAL_RO", (c) => c.eval_ro("return ARGV[1]", 0, "ro")],
  [
    "PUBLISH with no subscribers, PUBSUB",
    (c) =>
      Promise.all([
        c.publish("nobody", "hi"),
        c.pubsub("CHANNELS", "zz-nobody*"),
        c.pubsub("NUMSUB", "nobody"),
        c.pubsub("NUMPAT"),
      ]),
  ],
  ["SPUBLISH on a standalone server", (c) => c.spublish("ch", "m")],
  ["SWAPDB", (c) => Promise.all([c.swapdb(9, 12), c.swapdb(9, 12)])],
  ["DEBUG OBJECT", (c) => c.debug("OBJECT", "a").then((t) => t.split(" ")[0]), { setup: (o) => o.set("a", "1") }],
  ["LOLWUT is text", (c) => c.lolwut().then((t) => typeof t)],
]);
