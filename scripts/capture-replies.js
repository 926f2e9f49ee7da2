#!/usr/bin/env node
/**
 * Captures the fixtures of the reply-shaper unit test
 * (test/unit/fixtures/replies.json): for each case, the reply GLIDE gives to
 * `customCommand` (alone and inside a batch; String and Bytes decoders; RESP3
 * and RESP2) and the reply ioredis 6 gives to the same named method (protocol
 * 3 and 2, protocol 3 with `replyMapping: "resp3"` as "p3native", and the
 * xxxBuffer twin) on the same server, after the same set-up.
 *
 *   node scripts/capture-replies.js            # a server started here (valkey-server or redis-server on PATH)
 *   IOGLIDE_SERVER_BIN=/path/to/valkey-server node scripts/capture-replies.js
 *
 * The unit tier then checks, without a server, that ioglide's shaper turns
 * each GLIDE reply into the ioredis reply. Cases the server refuses (a newer
 * option on an older server) are kept with the server's error, and the test
 * names them as skipped.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { GlideClient, Batch, Decoder, ProtocolVersion } = require("@valkey/valkey-glide");
const Redis = require("ioredis");
const { startServer } = require("../test/support/servers");
const { encode } = require("../test/unit/fixtures/tagged-json");

const OUT = path.join(__dirname, "..", "test", "unit", "fixtures", "replies.json");

const Z = [["ZADD", "z", "1.5", "m1", "2", "m2", "0.1", "m3"]];
const H = [["HSET", "h", "a", "1", "b", "2"]];
const GEO = [["GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"]];
const STREAM = [
  ["XADD", "s", "1-1", "f", "v"],
  ["XADD", "s", "1-2", "f2", "v2", "f3", "v3"],
  ["XGROUP", "CREATE", "s", "g", "0"],
  ["XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"],
];

/**
 * One case per shaper (REPLY_SHAPERS in lib/commands/replies.ts), plus the
 * shapes the generic translation handles. `method` is ioredis's method,
 * `args` what it is called with (and what GLIDE receives after the name).
 */
const CASES = [
  { shaper: "pubsub numsub", method: "pubsub", args: ["NUMSUB", "c2", "c1"], subscribe: true },
  { shaper: "pubsub shardnumsub", method: "pubsub", args: ["SHARDNUMSUB", "sc2", "sc1"], subscribe: true },
  { shaper: "function stats", method: "function", args: ["STATS"] },
  { shaper: "hgetall", method: "hgetall", args: ["h"], setup: H, buffer: true },
  { shaper: "hgetall", method: "hgetall", args: ["missing"] },
  { shaper: "hrandfield", method: "hrandfield", args: ["h1", "1", "WITHVALUES"], setup: [["HSET", "h1", "a", "1"]] },
  { shaper: "hrandfield", method: "hrandfield", args: ["h1"], setup: [["HSET", "h1", "a", "1"]] },
  { shaper: "hincrbyfloat", method: "hincrbyfloat", args: ["h", "a", "0.1"], setup: H, buffer: true },
  { shaper: "incrbyfloat", method: "incrbyfloat", args: ["k", "0.1"], setup: [["SET", "k", "1"]] },
  { shaper: "incrbyfloat", method: "incrbyfloat", args: ["k", "5e20"] },
  { shaper: "zscore", method: "zscore", args: ["z", "m1"], setup: Z, buffer: true },
  { shaper: "zscore", method: "zscore", args: ["z", "nope"], setup: Z },
  { shaper: "zincrby", method: "zincrby", args: ["z", "0.2", "m3"], setup: Z },
  { shaper: "zmscore", method: "zmscore", args: ["z", "m1", "nope", "m3"], setup: Z },
  { shaper: "zadd", method: "zadd", args: ["z", "INCR", "1", "m1"], setup: Z },
  { shaper: "zadd", method: "zadd", args: ["z", "1", "m9"], setup: Z },
  { shaper: "zrange", method: "zrange", args: ["z", "0", "-1", "WITHSCORES"], setup: Z, buffer: true },
  { shaper: "zrange", method: "zrange", args: ["z", "0", "-1"], setup: Z },
  { shaper: "zrangebyscore", method: "zrangebyscore", args: ["z", "-inf", "+inf", "WITHSCORES"], setup: Z },
  { shaper: "zrevrange", method: "zrevrange", args: ["z", "0", "1", "WITHSCORES"], setup: Z },
  { shaper: "zrevrangebyscore", method: "zrevrangebyscore", args: ["z", "+inf", "-inf", "WITHSCORES"], setup: Z },
  { shaper: "zunion", method: "zunion", args: ["1", "z", "WITHSCORES"], setup: Z },
  { shaper: "zinter", method: "zinter", args: ["1", "z", "WITHSCORES"], setup: Z },
  { shaper: "zdiff", method: "zdiff", args: ["1", "z", "WITHSCORES"], setup: Z },
  { shaper: "zrandmember", method: "zrandmember", args: ["z1", "1", "WITHSCORES"], setup: [["ZADD", "z1", "3", "a"]] },
  { shaper: "zpopmin", method: "zpopmin", args: ["z"], setup: Z },
  { shaper: "zpopmax", method: "zpopmax", args: ["z", "2"], setup: Z, buffer: true },
  { shaper: "bzpopmin", method: "bzpopmin", args: ["z", "0"], setup: Z },
  { shaper: "bzpopmax", method: "bzpopmax", args: ["z", "0"], setup: Z, buffer: true },
  { shaper: "zmpop", method: "zmpop", args: ["1", "z", "MIN", "COUNT", "2"], setup: Z },
  { shaper: "zmpop", method: "zmpop", args: ["1", "missing", "MIN"] },
  { shaper: "bzmpop", method: "bzmpop", args: ["0", "1", "z", "MAX"], setup: Z },
  { shaper: "zrank", method: "zrank", args: ["z", "m2", "WITHSCORE"], setup: Z },
  { shaper: "zrank", method: "zrank", args: ["z", "m2"], setup: Z },
  { shaper: "zrevrank", method: "zrevrank", args: ["z", "m2", "WITHSCORE"], setup: Z },
  { shaper: "geopos", method: "geopos", args: ["g", "Palermo", "nowhere"], setup: GEO, buffer: true },
  { shaper: "geodist", method: "geodist", args: ["g", "Palermo", "Catania", "km"], setup: GEO },
  {
    shaper: "geosearch",
    method: "geosearch",
    args: ["g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "WITHCOORD", "WITHDIST", "WITHHASH"],
    setup: GEO,
  },
  {
    shaper: "geosearch",
    method: "geosearch",
    args: ["g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"],
    setup: GEO,
  },
  {
    shaper: "geosearch",
    method: "geosearch",
    args: ["g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "WITHCOORD"],
    setup: GEO,
    buffer: true,
  },
  {
    shaper: "geosearch",
    method: "geosearch",
    args: ["g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "WITHDIST", "WITHHASH"],
    setup: GEO,
  },
  {
    shaper: "geosearch",
    method: "geosearch",
    args: ["g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHHASH"],
    setup: GEO,
  },
  {
    shaper: "georadius",
    method: "georadius",
    args: ["g", "15", "37", "200", "km", "WITHCOORD", "ASC"],
    setup: GEO,
    buffer: true,
  },
  { shaper: "georadius", method: "georadius", args: ["g", "15", "37", "200", "km", "WITHDIST", "ASC"], setup: GEO },
  {
    shaper: "georadiusbymember",
    method: "georadiusbymember",
    args: ["g", "Palermo", "200", "km", "WITHCOORD", "ASC"],
    setup: GEO,
  },
  {
    shaper: "georadius_ro",
    method: "georadius_ro",
    args: ["g", "15", "37", "200", "km", "WITHHASH", "ASC"],
    setup: GEO,
  },
  {
    shaper: "georadiusbymember_ro",
    method: "georadiusbymember_ro",
    args: ["g", "Palermo", "200", "km", "WITHDIST", "WITHCOORD", "ASC"],
    setup: GEO,
  },
  { shaper: "xrange", method: "xrange", args: ["s", "-", "+"], setup: STREAM, buffer: true },
  { shaper: "xrevrange", method: "xrevrange", args: ["s", "+", "-", "COUNT", "1"], setup: STREAM },
  { shaper: "xclaim", method: "xclaim", args: ["s", "g", "c2", "0", "1-1"], setup: STREAM },
  { shaper: "xclaim", method: "xclaim", args: ["s", "g", "c2", "0", "1-1", "JUSTID"], setup: STREAM },
  { shaper: "xread", method: "xread", args: ["STREAMS", "s", "0"], setup: STREAM, buffer: true },
  { shaper: "xread", method: "xread", args: ["STREAMS", "s", "9-9"], setup: STREAM },
  { shaper: "xreadgroup", method: "xreadgroup", args: ["GROUP", "g", "c1", "STREAMS", "s", "0"], setup: STREAM },
  { shaper: "xautoclaim", method: "xautoclaim", args: ["s", "g", "c2", "0", "0-0"], setup: STREAM },
  { shaper: "xautoclaim", method: "xautoclaim", args: ["s", "g", "c2", "0", "0-0", "JUSTID"], setup: STREAM },
  // The generic translation (no shaper of its own).
  { shaper: null, method: "config", args: ["GET", "maxmemory-policy"] },
  { shaper: null, method: "smembers", args: ["set"], setup: [["SADD", "set", "only"]] },
  { shaper: null, method: "lrange", args: ["l", "0", "-1"], setup: [["RPUSH", "l", "a", "b"]], buffer: true },
  { shaper: null, method: "get", args: ["k"], setup: [["SET", "k", "v"]], buffer: true },
  { shaper: null, method: "get", args: ["nope"] },
  { shaper: "incr", method: "incr", args: ["n"] },
  { shaper: "incrby", method: "incrby", args: ["n", "5"] },
  { shaper: "decr", method: "decr", args: ["n"] },
  { shaper: "decrby", method: "decrby", args: ["n", "5"] },
  { shaper: "hincrby", method: "hincrby", args: ["h", "a", "5"], setup: H },
  { shaper: null, method: "ping", args: [], buffer: true },
  { shaper: null, method: "hmget", args: ["h", "a", "nope"], setup: H },
  { shaper: null, method: "xinfo", args: ["GROUPS", "s"], setup: STREAM },
  { shaper: null, method: "scan", args: ["0", "COUNT", "100"], setup: [["SET", "k", "v"]] },
  // GLIDE converts these by name (booleans, records) where the server sends integers or arrays:
  // the native (replyMapping "resp3") shapers give the server's shape back.
  { shaper: null, method: "hexists", args: ["h", "a"], setup: H },
  { shaper: null, method: "expire", args: ["h", "100"], setup: H },
  { shaper: null, method: "smismember", args: ["set", "only", "nope"], setup: [["SADD", "set", "only"]] },
  { shaper: null, method: "script", args: ["EXISTS", "abc"] },
  { shaper: null, method: "lmpop", args: ["1", "l", "LEFT", "COUNT", "2"], setup: [["RPUSH", "l", "a", "b"]] },
  { shaper: null, method: "xinfo", args: ["STREAM", "s"], setup: STREAM },
  { shaper: null, method: "smembers", args: ["missing"] },
];

function packageVersion(name) {
  const file = path.join(__dirname, "..", "node_modules", name, "package.json");
  return JSON.parse(fs.readFileSync(file, "utf8")).version;
}

async function settle(promise) {
  try {
    return { reply: await promise };
  } catch (err) {
    return { error: err.message };
  }
}

async function main() {
  const server = await startServer();
  const address = { host: server.host, port: server.port };
  const setupClient = new Redis({ ...address, protocol: 2 });
  const subscriber = new Redis({ ...address, protocol: 2 });
  await subscriber.subscribe("c2");
  await subscriber.ssubscribe("sc2").catch(() => undefined);
  const info = await setupClient.info("server");
  const version = /(?:valkey_version|redis_version):(\S+)/.exec(info);
  const serverName = /valkey_version/.test(info) ? "valkey" : "redis";
  await setupClient
    .function("LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)")
    .catch(() => 0);

  const glide = {
    resp3: await GlideClient.createClient({ addresses: [address], protocol: ProtocolVersion.RESP3 }),
    resp2: await GlideClient.createClient({ addresses: [address], protocol: ProtocolVersion.RESP2 }),
  };
  const ioredis = {
    3: new Redis({ ...address, protocol: 3 }),
    2: new Redis({ ...address, protocol: 2 }),
    "3native": new Redis({ ...address, protocol: 3, replyMapping: "resp3" }),
  };

  const cases = [];
  for (const c of CASES) {
    const name = c.method.toUpperCase();
    const run = async (fn) => {
      // Same data before every capture: the command may change it (ZPOPMIN, XCLAIM).
      await setupClient.flushdb();
      for (const cmd of c.setup || []) await setupClient.call(...cmd);
      return settle(fn());
    };
    const out = { shaper: c.shaper, command: [name, ...c.args], glide: {}, ioredis: {} };
    for (const protocol of ["resp3", "resp2"]) {
      for (const decoder of ["string", "bytes"]) {
        const opts = { decoder: decoder === "bytes" ? Decoder.Bytes : Decoder.String };
        out.glide[`${protocol}.${decoder}`] = encode(
          await run(() => glide[protocol].customCommand([name, ...c.args], opts)),
        );
        out.glide[`${protocol}.${decoder}.batch`] = encode(
          await run(async () => {
            const batch = new Batch(false);
            batch.customCommand([name, ...c.args]);
            const replies = await glide[protocol].exec(batch, true, opts);
            if (replies[0] instanceof Error) throw replies[0];
            return replies[0];
          }),
        );
      }
    }
    for (const protocol of ["3", "2", "3native"]) {
      out.ioredis[`p${protocol}`] = encode(await run(() => ioredis[protocol][c.method](...c.args)));
      if (c.buffer) {
        out.ioredis[`p${protocol}.buffer`] = encode(await run(() => ioredis[protocol][`${c.method}Buffer`](...c.args)));
      }
    }
    cases.push(out);
  }

  const fixture = {
    note: "captured by scripts/capture-replies.js: do not edit by hand",
    server: { name: serverName, version: version ? version[1] : "unknown" },
    glideVersion: packageVersion("@valkey/valkey-glide"),
    ioredisVersion: packageVersion("ioredis"),
    cases,
  };
  // One line per case: a new capture's diff shows which replies changed.
  const { cases: all, ...head } = fixture;
  const body = all.map((c) => JSON.stringify(c)).join(",\n");
  fs.writeFileSync(OUT, `${JSON.stringify(head).slice(0, -1)},"cases":[\n${body}\n]}\n`);
  console.log(
    `${cases.length} cases written to ${path.relative(process.cwd(), OUT)} (${serverName} ${fixture.server.version})`,
  );

  for (const client of [setupClient, subscriber, ...Object.values(ioredis)]) client.disconnect();
  for (const client of Object.values(glide)) client.close();
  await server.cleanup();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
