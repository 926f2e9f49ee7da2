/**
 * Reply shapers for `replyMapping: "resp3"`, per command: where GLIDE converts
 * a reply by command name into something other than what the server sent
 * under RESP3, these give back ioredis 6's native shape. A command without an
 * entry gets `native` (native-values.ts). The legacy shapers are in
 * replies.ts; each entry here names the GLIDE shape it starts from (GLIDE
 * 2.5.2 on RESP3).
 *
 * Which commands GLIDE converts is GLIDE's own list
 * (glide-core/src/client/value_conversion.rs, `expected_type_for_cmd`):
 * every command in it has an entry here, or a comment saying the native
 * translation already gives the server's shape.
 */
import { COUNTER_SHAPERS, ReplyShaper, floatIncrement, geoDistance, geoMatchesOf } from "./replies";
import { OptionsFrom, ShapeContext, afterKeys, hasArg, isRecord, text } from "./reply-values";
import { mapReply, native, nativeNumber, objectOf } from "./native-values";

/** A (member, score) pair: the server sends [member, score]; GLIDE makes some of them records. */
const scorePair = (item: unknown, ctx: ShapeContext): unknown =>
  isRecord(item) ? [native(item.key, ctx), native(item.value, ctx)] : native(item, ctx);

/**
 * WITHSCORES replies: [[member, score], ...] (scores as doubles). GLIDE gives
 * records [{key: member, value: 1.5}] for ZRANGE/ZUNION/ZINTER/ZDIFF and
 * ZPOPMIN/ZPOPMAX, the server's pairs for the others.
 */
const scorePairs: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply) ? reply.map((item) => scorePair(item, ctx)) : native(reply, ctx);

const scorePairsIf =
  (word: string, from: OptionsFrom): ReplyShaper =>
  (reply, ctx) =>
    hasArg(ctx, word, from) ? scorePairs(reply, ctx) : native(reply, ctx);

/**
 * ZPOPMIN / ZPOPMAX: with a count, pairs; without one the server sends a flat
 * [member, score]. GLIDE: records [{key: member, value: score}] either way.
 */
const popScored: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return native(reply, ctx);
  if (ctx.args.length > 1) return scorePairs(reply, ctx);
  const one = reply[0];
  return isRecord(one) ? [native(one.key, ctx), native(one.value, ctx)] : native(reply, ctx);
};

/** ZMPOP / BZMPOP: [key, [[member, score], ...]]. GLIDE: ["z", [{key: member, value: 0.1}]]. */
const keyAndScorePairs: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply) || !Array.isArray(reply[1])) return native(reply, ctx);
  return [native(reply[0], ctx), scorePairs(reply[1], ctx)];
};

/**
 * A stream entry: [id, [field, value, ...]]. GLIDE: a record {key: id,
 * value: [[field, value], ...]} (XRANGE, XREVRANGE, XCLAIM, XAUTOCLAIM, in XREAD).
 */
function streamEntry(entry: unknown, ctx: ShapeContext): unknown {
  if (!isRecord(entry)) return native(entry, ctx);
  const fields = entry.value;
  if (!Array.isArray(fields)) return [native(entry.key, ctx), native(fields, ctx)];
  const flat: unknown[] = [];
  for (const pair of fields) {
    if (Array.isArray(pair)) for (const v of pair) flat.push(native(v, ctx));
    else flat.push(native(pair, ctx));
  }
  return [native(entry.key, ctx), flat];
}

const streamEntries: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply) ? reply.map((e) => streamEntry(e, ctx)) : native(reply, ctx);

/** XREAD / XREADGROUP: a map {stream: entries} or null. GLIDE: records [{key: stream, value: [entry records]}]. */
const streamsRead: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply) || !reply.every(isRecord)) return native(reply, ctx);
  return objectOf(
    reply.map((r) => [r.key, r.value]),
    ctx,
    streamEntries,
  );
};

/** XAUTOCLAIM: [next-id, entries, deleted-ids]. GLIDE: ["0-0", [entry records], []]. */
const xautoclaim: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply) || hasArg(ctx, "JUSTID", 5)) return native(reply, ctx);
  return reply.map((part, i) => (i === 1 ? streamEntries(part, ctx) : native(part, ctx)));
};

/** FUNCTION STATS: GLIDE answers per node even on a standalone client: [{key: "host:port", value: stats}]. */
const functionStats: ReplyShaper = (reply, ctx) => {
  const oneNode = Array.isArray(reply) && reply.length === 1 && isRecord(reply[0]);
  return mapReply(oneNode ? reply[0].value : reply, ctx);
};

/** GLIDE turns these integer replies (1/0) into booleans by name; the server sends integers. */
const integerBooleans: ReplyShaper = (reply, ctx) => {
  const integer = (v: unknown) => native(typeof v === "boolean" ? (v ? 1 : 0) : v, ctx);
  return Array.isArray(reply) ? reply.map(integer) : integer(reply);
};

/** LMPOP / BLMPOP: [key, [elements]]. GLIDE: a record [{key, value: [elements]}] (or a map). */
const keyAndElements: ReplyShaper = (reply, ctx) => {
  const entries = Array.isArray(reply)
    ? reply
    : reply instanceof Map
      ? [...reply].map(([key, value]) => ({ key, value }))
      : null;
  if (entries === null || entries.length !== 1 || !isRecord(entries[0])) return native(reply, ctx);
  return [native(entries[0].key, ctx), native(entries[0].value, ctx)];
};

/** PUBSUB NUMSUB / SHARDNUMSUB: [channel, count, ...] in the order asked. GLIDE: a map in its own order. */
const numsub: ReplyShaper = (reply, ctx) => {
  const counts = new Map<string, unknown>();
  if (Array.isArray(reply)) for (const r of reply) if (isRecord(r)) counts.set(String(r.key), r.value);
  const out: unknown[] = [];
  for (const name of ctx.args.slice(1)) out.push(text(name, ctx), native(counts.get(String(name)) ?? 0, ctx));
  return out;
};

/** HELLO: a map, or the flat RESP2 array when it switched the connection to protocol 2. GLIDE: records either way. */
const hello: ReplyShaper = (reply, ctx) => {
  if (String(ctx.args[0]) !== "2" || !Array.isArray(reply)) return mapReply(reply, ctx);
  const flat: unknown[] = [];
  for (const r of reply) if (isRecord(r)) flat.push(native(r.key, ctx), native(r.value, ctx));
  return flat;
};

/** GEO coordinates: the server prints them with 17 decimals. GLIDE: numbers. */
const coordinate = (v: unknown, ctx: ShapeContext): unknown =>
  typeof v === "number" ? nativeNumber(v, ctx, (n) => n.toFixed(17)) : native(v, ctx);

/** GEOPOS: [[lon, lat] | null]. GLIDE: [[13.36..., 38.11...], null]. */
const geopos: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply)
    ? reply.map((p) => (Array.isArray(p) ? p.map((c) => coordinate(c, ctx)) : native(p, ctx)))
    : native(reply, ctx);

/**
 * GEOSEARCH / GEORADIUS* with WITHDIST / WITHHASH / WITHCOORD: [member,
 * "dist", hash, [lon, lat]] per match (the distance a bulk string, the
 * coordinates doubles). GLIDE nests GEOSEARCH's by name (replies.ts).
 */
const NATIVE_GEO = { value: native, coordinate };
const geoMatches = (nested: boolean): ReplyShaper => geoMatchesOf(nested, NATIVE_GEO);

export const NATIVE_REPLY_SHAPERS: Record<string, ReplyShaper> = {
  // RESP3 maps, also when empty (GLIDE: [] for an empty map). CLIENT TRACKINGINFO,
  // LCS IDX, MEMORY STATS, XINFO (GROUPS, CONSUMERS, STREAM) and FUNCTION LIST
  // are maps or arrays of maps that `native` already turns into objects.
  hgetall: mapReply,
  "config get": mapReply,
  hello: hello,
  "function stats": functionStats,
  // integers GLIDE turns into booleans
  hexists: integerBooleans,
  hsetnx: integerBooleans,
  expire: integerBooleans,
  expireat: integerBooleans,
  pexpire: integerBooleans,
  pexpireat: integerBooleans,
  sismember: integerBooleans,
  smismember: integerBooleans,
  persist: integerBooleans,
  smove: integerBooleans,
  pfadd: integerBooleans,
  renamenx: integerBooleans,
  move: integerBooleans,
  copy: integerBooleans,
  msetnx: integerBooleans,
  "xgroup destroy": integerBooleans,
  "xgroup createconsumer": integerBooleans,
  "script exists": integerBooleans,
  // counters: the server's text under stringNumbers (exact-counters.ts), a string even for Buffers
  ...COUNTER_SHAPERS,
  // the server sends a bulk string; GLIDE parses it into a number
  hincrbyfloat: floatIncrement,
  incrbyfloat: floatIncrement,
  geodist: geoDistance,
  // lists
  lmpop: keyAndElements,
  blmpop: keyAndElements,
  // pub/sub
  "pubsub numsub": numsub,
  "pubsub shardnumsub": numsub,
  // sorted sets (ZSCORE, ZMSCORE, ZINCRBY, ZADD INCR, ZRANK WITHSCORE and
  // BZPOPMIN/MAX are doubles, which `native` keeps as numbers; ZRANGEBYSCORE,
  // ZREVRANGE* and ZRANDMEMBER come as the server's pairs)
  zrange: scorePairsIf("WITHSCORES", 3),
  zunion: scorePairsIf("WITHSCORES", afterKeys),
  zinter: scorePairsIf("WITHSCORES", afterKeys),
  zdiff: scorePairsIf("WITHSCORES", afterKeys),
  zpopmin: popScored,
  zpopmax: popScored,
  zmpop: keyAndScorePairs,
  bzmpop: keyAndScorePairs,
  // geo
  geopos: geopos,
  geosearch: geoMatches(true),
  georadius: geoMatches(false),
  georadiusbymember: geoMatches(false),
  georadius_ro: geoMatches(false),
  georadiusbymember_ro: geoMatches(false),
  // streams
  xrange: streamEntries,
  xrevrange: streamEntries,
  xclaim: (reply, ctx) => (hasArg(ctx, "JUSTID", 5) ? native(reply, ctx) : streamEntries(reply, ctx)),
  xread: streamsRead,
  xreadgroup: streamsRead,
  xautoclaim: xautoclaim,
};
