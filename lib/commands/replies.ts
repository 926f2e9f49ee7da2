/**
 * Reply shapers, per command: GLIDE converts some replies by command name
 * (records, parsed doubles, booleans); these turn them back into exactly what
 * ioredis returns. A command without an entry gets `generic` (reply-values.ts).
 *
 * To find where a command's reply is shaped, search this file for its name.
 * Each shaper says which shape GLIDE actually returns (GLIDE 2.5.2, Redis
 * 7.0 and Valkey 8, RESP3 and RESP2, customCommand alone and in a batch: the
 * same). test/unit/fixtures/replies.json holds the captured replies and the
 * unit tier checks every shaper against ioredis 6's reply to the same call
 * (regenerate with `npm run capture:replies`).
 */
import {
  OptionsFrom,
  ShapeContext,
  afterKeys,
  double,
  doubleText,
  generic,
  hasArg,
  isRecord,
  setOwn,
  text,
  zaddIncr,
} from "./reply-values";

export type ReplyShaper = (reply: unknown, ctx: ShapeContext) => unknown;

/**
 * [member, score, member, score, ...]. GLIDE returns records
 * [{key: member, value: 1.5}] for ZRANGE/ZUNION/ZINTER/ZDIFF/ZPOPMIN/ZPOPMAX
 * (converted by name); pairs [[member, 1.5]] for ZRANGEBYSCORE, ZREVRANGE*
 * and ZRANDMEMBER on RESP3 (the server's own shape); on RESP2 those come
 * flat with the scores as strings.
 */
const withScores: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return generic(reply, ctx);
  const out: unknown[] = [];
  for (const item of reply) {
    if (isRecord(item)) out.push(text(item.key, ctx), double(item.value, ctx));
    else if (Array.isArray(item) && item.length === 2) out.push(text(item[0], ctx), double(item[1], ctx));
    else out.push(typeof item === "number" ? double(item, ctx) : generic(item, ctx));
  }
  return out;
};

/** Scores only where the caller asked WITHSCORES (or the command always has them). */
const scoresIf =
  (word: string, from: OptionsFrom): ReplyShaper =>
  (reply, ctx) =>
    hasArg(ctx, word, from) ? withScores(reply, ctx) : generic(reply, ctx);

/** A single double, or null. GLIDE: a number (ZSCORE, ZINCRBY, ZADD INCR), also on RESP2. */
const oneDouble: ReplyShaper = (reply, ctx) => (reply === null ? null : double(reply, ctx));

/** An array of doubles (nulls kept). GLIDE: [1.5, null, 0.1] for ZMSCORE. */
const doubles: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply) ? reply.map((v) => (v === null ? null : double(v, ctx))) : generic(reply, ctx);

function hashFromFlat(flat: unknown): unknown {
  if (!Array.isArray(flat)) return flat;
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) setOwn(obj, String(flat[i]), flat[i + 1]);
  return obj;
}

/**
 * HGETALL: ioredis builds an object (and guards keys like __proto__). GLIDE:
 * records [{key: field, value}] ([] for a missing key), also on RESP2.
 */
const hashObject: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return hashFromFlat(generic(reply, ctx));
  // straight from GLIDE's records, no flat array in between
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < reply.length; i++) {
    const item = reply[i];
    if (!isRecord(item)) return hashFromFlat(generic(reply, ctx));
    const { key, value } = item;
    setOwn(
      obj,
      typeof key === "string" ? key : String(generic(key, ctx)),
      typeof value === "string" && !ctx.buffer ? value : generic(value, ctx),
    );
  }
  return obj;
};

/**
 * A stream entry. GLIDE: a record {key: id, value: [[field, value], ...]}
 * (XRANGE, XREVRANGE, XCLAIM, XAUTOCLAIM, inside XREAD); ioredis: [id, [field, value, ...]].
 */
function streamEntry(entry: unknown, ctx: ShapeContext): unknown {
  if (!isRecord(entry)) return generic(entry, ctx);
  const fields = entry.value;
  return [text(entry.key, ctx), fields === null ? null : flatPairs(fields, ctx)];
}

function flatPairs(fields: unknown, ctx: ShapeContext): unknown {
  if (!Array.isArray(fields)) return generic(fields, ctx);
  const out: unknown[] = [];
  for (const pair of fields) {
    if (Array.isArray(pair)) for (const v of pair) out.push(generic(v, ctx));
    else out.push(generic(pair, ctx));
  }
  return out;
}

const streamEntries: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply) ? reply.map((e) => streamEntry(e, ctx)) : generic(reply, ctx);

/**
 * XREAD / XREADGROUP: [[stream, [[id, [f, v, ...]], ...]], ...] or null.
 * GLIDE: records [{key: stream, value: [entry records]}], or null.
 */
const streamsRead: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return generic(reply, ctx);
  return reply.map((stream) =>
    isRecord(stream) ? [text(stream.key, ctx), streamEntries(stream.value, ctx)] : generic(stream, ctx),
  );
};

/** XAUTOCLAIM: [next-id, entries, deleted-ids]. GLIDE: ["0-0", [entry records] (ids with JUSTID), []]. */
const xautoclaim: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return generic(reply, ctx);
  const [next, entries, deleted] = reply;
  const justId = hasArg(ctx, "JUSTID", 5);
  const out: unknown[] = [text(next, ctx), justId ? generic(entries, ctx) : streamEntries(entries, ctx)];
  if (reply.length > 2) out.push(generic(deleted, ctx));
  return out;
};

/** BZPOPMIN / BZPOPMAX: [key, member, score] or null. GLIDE: ["z", "m3", 0.1] (the score a number). */
const keyMemberScore: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return generic(reply, ctx);
  return [text(reply[0], ctx), text(reply[1], ctx), double(reply[2], ctx)];
};

/** ZMPOP / BZMPOP: [key, [[member, score], ...]] or null. GLIDE: ["z", [{key: member, value: 0.1}]], or null. */
const keyAndScoredMembers: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return generic(reply, ctx);
  const [key, members] = reply;
  if (!Array.isArray(members)) return generic(reply, ctx);
  const pairs = members.map((m) => (isRecord(m) ? [text(m.key, ctx), double(m.value, ctx)] : generic(m, ctx)));
  return [text(key, ctx), pairs];
};

/** ZRANK / ZREVRANK with WITHSCORE (Redis 7.2+): [rank, "score"]. GLIDE: [rank, score] (not captured on 7.0). */
const rankWithScore: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply) ? [generic(reply[0], ctx), double(reply[1], ctx)] : generic(reply, ctx);

/** GEOPOS: coordinates printed with 17 decimals, as Redis does. GLIDE: [[13.36..., 38.11...], null] (numbers). */
const geoCoordinates = (v: unknown, ctx: ShapeContext): unknown =>
  typeof v === "number" ? doubleText(v.toFixed(17), ctx) : generic(v, ctx);
const geopos: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply)
    ? reply.map((p) => (Array.isArray(p) ? p.map((c) => geoCoordinates(c, ctx)) : generic(p, ctx)))
    : generic(reply, ctx);

/** GEODIST: Redis prints distances with 4 decimals. GLIDE: a number (166.2742). */
export const geoDistance: ReplyShaper = (reply, ctx) =>
  typeof reply === "number" ? text(reply.toFixed(4), ctx) : generic(reply, ctx);

/**
 * GEOSEARCH / GEORADIUS* with WITHDIST / WITHHASH / WITHCOORD: ioredis gets
 * [member, dist?, hash?, [lon, lat]?] per match. GLIDE converts GEOSEARCH by
 * name into [member, [dist?, hash?, [lon, lat]?]] with numbers (`nested`);
 * GEORADIUS* come as the server sent them, flat (RESP2: strings, RESP3
 * coordinates as doubles).
 */
/** How a geo match's parts are translated: the legacy shapes here, the native ones in native-replies.ts. */
export interface GeoParts {
  value: (v: unknown, ctx: ShapeContext) => unknown;
  coordinate: (v: unknown, ctx: ShapeContext) => unknown;
}

export const geoMatchesOf =
  (nested: boolean, parts: GeoParts): ReplyShaper =>
  (reply, ctx) => {
    const { value, coordinate } = parts;
    if (!Array.isArray(reply)) return value(reply, ctx);
    const withDist = hasArg(ctx, "WITHDIST");
    const withHash = hasArg(ctx, "WITHHASH");
    const withCoord = hasArg(ctx, "WITHCOORD");
    if (!withDist && !withHash && !withCoord) return value(reply, ctx);
    return reply.map((item) => {
      if (!Array.isArray(item)) return value(item, ctx);
      const extras = nested && Array.isArray(item[1]) ? item[1] : item.slice(1);
      const out: unknown[] = [text(item[0], ctx)];
      let i = 0;
      if (withDist) out.push(geoDistance(extras[i++], ctx));
      if (withHash) out.push(value(extras[i++], ctx));
      if (withCoord) {
        const c = extras[i++];
        out.push(Array.isArray(c) ? c.map((x) => coordinate(x, ctx)) : value(c, ctx));
      }
      return out;
    });
  };
const LEGACY_GEO: GeoParts = { value: generic, coordinate: geoCoordinates };
const geoMatches = (nested: boolean): ReplyShaper => geoMatchesOf(nested, LEGACY_GEO);

/**
 * A double that Redis prints in the INCRBYFLOAT style (fixed notation).
 * GLIDE: a number (1.1; 5e20 for "500000000000000000000"), also on RESP2.
 */
export const floatIncrement: ReplyShaper = (reply, ctx) => {
  if (typeof reply !== "number") return generic(reply, ctx);
  let s = String(reply);
  if (s.includes("e")) s = BigInt(Math.trunc(reply)).toString(); // Redis never prints exponents here
  return text(s, ctx);
};

/**
 * FUNCTION STATS: GLIDE answers per node even on a standalone client:
 * [{key: "host:port", value: [stats records]}]; ioredis gets the one node's stats.
 */
const functionStats: ReplyShaper = (reply, ctx) => {
  const oneNode = Array.isArray(reply) && reply.length === 1 && isRecord(reply[0]);
  return generic(oneNode ? reply[0].value : reply, ctx);
};

/**
 * PUBSUB NUMSUB / SHARDNUMSUB: GLIDE gives records [{key: channel, value:
 * count}] in its own order; ioredis gets [channel, count, ...] in the order asked.
 */
const numsubReply: ReplyShaper = (reply, ctx) => {
  const flat = generic(reply, ctx);
  if (!Array.isArray(flat)) return flat;
  const counts = new Map<string, unknown>();
  for (let i = 0; i < flat.length; i += 2) counts.set(String(flat[i]), flat[i + 1]);
  const out: unknown[] = [];
  for (const name of ctx.args.slice(1)) out.push(text(name, ctx), counts.get(String(name)) ?? generic(0, ctx));
  return out;
};

/**
 * INCR, INCRBY, DECR, DECRBY, HINCRBY: an integer; under stringNumbers the
 * server's text (exact-counters.ts reads it back as a bulk string), a string
 * even for the Buffer variants, as ioredis gives integer replies.
 */
export const counter: ReplyShaper = (reply, ctx) =>
  typeof reply === "string" || Buffer.isBuffer(reply) ? reply.toString() : generic(reply, ctx);

/** The counters, shaped alike under both reply mappings. */
export const COUNTER_SHAPERS: Record<string, ReplyShaper> = {
  incr: counter,
  incrby: counter,
  decr: counter,
  decrby: counter,
  hincrby: counter,
};

export const REPLY_SHAPERS: Record<string, ReplyShaper> = {
  ...COUNTER_SHAPERS,
  // pub/sub
  "pubsub numsub": numsubReply,
  "pubsub shardnumsub": numsubReply,
  // scripting
  "function stats": functionStats,
  // hashes
  hgetall: hashObject,
  // GLIDE: pairs [["a", "1"]] WITHVALUES
  hrandfield: (reply, ctx) => (hasArg(ctx, "WITHVALUES", 2) ? flatPairs(reply, ctx) : generic(reply, ctx)),
  hincrbyfloat: floatIncrement,
  // strings
  incrbyfloat: floatIncrement,
  // sorted sets
  zscore: oneDouble,
  zincrby: oneDouble,
  zmscore: doubles,
  zadd: (reply, ctx) => (zaddIncr(ctx) ? oneDouble(reply, ctx) : generic(reply, ctx)),
  zrange: scoresIf("WITHSCORES", 3),
  zrangebyscore: scoresIf("WITHSCORES", 3),
  zrevrange: scoresIf("WITHSCORES", 3),
  zrevrangebyscore: scoresIf("WITHSCORES", 3),
  zunion: scoresIf("WITHSCORES", afterKeys),
  zinter: scoresIf("WITHSCORES", afterKeys),
  zdiff: scoresIf("WITHSCORES", afterKeys),
  zrandmember: scoresIf("WITHSCORES", 2),
  zpopmin: withScores,
  zpopmax: withScores,
  bzpopmin: keyMemberScore,
  bzpopmax: keyMemberScore,
  zmpop: keyAndScoredMembers,
  bzmpop: keyAndScoredMembers,
  zrank: (reply, ctx) => (hasArg(ctx, "WITHSCORE", 2) ? rankWithScore(reply, ctx) : generic(reply, ctx)),
  zrevrank: (reply, ctx) => (hasArg(ctx, "WITHSCORE", 2) ? rankWithScore(reply, ctx) : generic(reply, ctx)),
  // geo
  geopos: geopos,
  geodist: geoDistance,
  geosearch: geoMatches(true),
  georadius: geoMatches(false),
  georadiusbymember: geoMatches(false),
  georadius_ro: geoMatches(false),
  georadiusbymember_ro: geoMatches(false),
  // streams
  xrange: streamEntries,
  xrevrange: streamEntries,
  xclaim: (reply, ctx) => (hasArg(ctx, "JUSTID", 5) ? generic(reply, ctx) : streamEntries(reply, ctx)),
  xread: streamsRead,
  xreadgroup: streamsRead,
  xautoclaim: xautoclaim,
};
