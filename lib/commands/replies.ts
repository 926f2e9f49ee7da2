/**
 * Reply shapers, per command: GLIDE converts some replies by command name
 * (records, parsed doubles, booleans); these turn them back into exactly what
 * ioredis returns. A command without an entry gets `generic` (reply-values.ts).
 *
 * To find where a command's reply is shaped, search this file for its name.
 */
import { ShapeContext, double, generic, isRecord, text } from "./reply-values";

export type ReplyShaper = (reply: unknown, ctx: ShapeContext) => unknown;

/** [member, score, member, score, ...] from records, pairs or a flat list. */
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
  (word: string): ReplyShaper =>
  (reply, ctx) =>
    hasArg(ctx, word) ? withScores(reply, ctx) : generic(reply, ctx);

function hasArg(ctx: ShapeContext, word: string): boolean {
  for (const a of ctx.args) if (a.length === word.length && String(a).toUpperCase() === word) return true;
  return false;
}

/** A single double, or null. */
const oneDouble: ReplyShaper = (reply, ctx) => (reply === null ? null : double(reply, ctx));

/** An array of doubles (nulls kept). */
const doubles: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply) ? reply.map((v) => (v === null ? null : double(v, ctx))) : generic(reply, ctx);

/** HGETALL: ioredis builds an object (and guards keys like __proto__). */
const hashObject: ReplyShaper = (reply, ctx) => {
  const flat = generic(reply, ctx);
  if (!Array.isArray(flat)) return flat;
  const obj: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const key = String(flat[i]);
    const value = flat[i + 1];
    if (key in obj) Object.defineProperty(obj, key, { value, configurable: true, enumerable: true, writable: true });
    else obj[key] = value;
  }
  return obj;
};

/** A stream entry: GLIDE gives {key: id, value: [[field, value], ...]}; ioredis [id, [field, value, ...]]. */
function streamEntry(entry: unknown, ctx: ShapeContext): unknown {
  if (isRecord(entry)) {
    const fields = entry.value;
    return [text(entry.key, ctx), fields === null ? null : flatPairs(fields, ctx)];
  }
  if (Array.isArray(entry) && entry.length === 2 && Array.isArray(entry[1])) {
    return [text(entry[0], ctx), flatPairs(entry[1], ctx)];
  }
  return generic(entry, ctx);
}

function flatPairs(fields: unknown, ctx: ShapeContext): unknown {
  if (!Array.isArray(fields)) return generic(fields, ctx);
  const out: unknown[] = [];
  for (const pair of fields) {
    if (Array.isArray(pair)) for (const v of pair) out.push(generic(v, ctx));
    else if (isRecord(pair)) out.push(generic(pair.key, ctx), generic(pair.value, ctx));
    else out.push(generic(pair, ctx));
  }
  return out;
}

const streamEntries: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply) ? reply.map((e) => streamEntry(e, ctx)) : generic(reply, ctx);

/** XREAD / XREADGROUP: [[stream, [[id, [f, v, ...]], ...]], ...] or null. */
const streamsRead: ReplyShaper = (reply, ctx) => {
  if (reply === null) return null;
  const streams: unknown[] = [];
  const pushStream = (name: unknown, entries: unknown) => streams.push([text(name, ctx), streamEntries(entries, ctx)]);
  if (reply instanceof Map) reply.forEach((entries, name) => pushStream(name, entries));
  else if (Array.isArray(reply)) {
    for (const s of reply) {
      if (isRecord(s)) pushStream(s.key, s.value);
      else if (Array.isArray(s)) pushStream(s[0], s[1]);
    }
  } else if (typeof reply === "object") {
    for (const [name, entries] of Object.entries(reply as Record<string, unknown>)) pushStream(name, entries);
  } else return generic(reply, ctx);
  return streams;
};

/** XAUTOCLAIM: [next-id, entries, deleted-ids]. */
const xautoclaim: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return generic(reply, ctx);
  const [next, entries, deleted] = reply;
  const justId = hasArg(ctx, "JUSTID");
  const out: unknown[] = [text(next, ctx), justId ? generic(entries, ctx) : streamEntries(entries, ctx)];
  if (reply.length > 2) out.push(generic(deleted, ctx));
  return out;
};

/** BZPOPMIN / BZPOPMAX: [key, member, score] or null. */
const keyMemberScore: ReplyShaper = (reply, ctx) => {
  if (!Array.isArray(reply)) return generic(reply, ctx);
  return [text(reply[0], ctx), text(reply[1], ctx), double(reply[2], ctx)];
};

/** ZMPOP / BZMPOP: [key, [[member, score], ...]] or null. */
const keyAndScoredMembers: ReplyShaper = (reply, ctx) => {
  if (reply === null) return null;
  let key: unknown;
  let members: unknown;
  if (Array.isArray(reply)) [key, members] = reply;
  else if (isRecord(reply)) ({ key, value: members } = reply);
  else if (typeof reply === "object") [[key, members]] = Object.entries(reply as object);
  else return generic(reply, ctx);
  const pairs: unknown[] = [];
  if (Array.isArray(members)) {
    for (const m of members) {
      if (Array.isArray(m)) pairs.push([text(m[0], ctx), double(m[1], ctx)]);
      else if (isRecord(m)) pairs.push([text(m.key, ctx), double(m.value, ctx)]);
    }
  } else if (members && typeof members === "object") {
    for (const [m, s] of Object.entries(members)) pairs.push([text(m, ctx), double(s, ctx)]);
  }
  return [text(key, ctx), pairs];
};

/** ZRANK / ZREVRANK with WITHSCORE: [rank, "score"]. */
const rankWithScore: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply) ? [generic(reply[0], ctx), double(reply[1], ctx)] : generic(reply, ctx);

/** GEOPOS: coordinates printed with 17 decimals, as Redis does. */
const geoCoordinates = (v: unknown, ctx: ShapeContext): unknown =>
  typeof v === "number" ? text(v.toFixed(17), ctx) : generic(v, ctx);
const geopos: ReplyShaper = (reply, ctx) =>
  Array.isArray(reply)
    ? reply.map((p) => (Array.isArray(p) ? p.map((c) => geoCoordinates(c, ctx)) : generic(p, ctx)))
    : generic(reply, ctx);

/** GEODIST: Redis prints distances with 4 decimals. */
const geoDistance: ReplyShaper = (reply, ctx) =>
  typeof reply === "number" ? text(reply.toFixed(4), ctx) : generic(reply, ctx);

/**
 * GEOSEARCH / GEORADIUS* with WITHDIST / WITHHASH / WITHCOORD: ioredis gets
 * [member, dist?, hash?, [lon, lat]?] per match. GLIDE converts GEOSEARCH by
 * name into [member, [dist?, hash?, [lon, lat]?]] with numbers (`nested`);
 * GEORADIUS* come as the server sent them, flat (RESP2: strings, RESP3
 * coordinates as doubles).
 */
const geoMatches =
  (nested: boolean): ReplyShaper =>
  (reply, ctx) => {
    if (!Array.isArray(reply)) return generic(reply, ctx);
    const withDist = hasArg(ctx, "WITHDIST");
    const withHash = hasArg(ctx, "WITHHASH");
    const withCoord = hasArg(ctx, "WITHCOORD");
    if (!withDist && !withHash && !withCoord) return generic(reply, ctx);
    return reply.map((item) => {
      if (!Array.isArray(item)) return generic(item, ctx);
      const extras = nested && Array.isArray(item[1]) ? item[1] : item.slice(1);
      const out: unknown[] = [text(item[0], ctx)];
      let i = 0;
      if (withDist) out.push(geoDistance(extras[i++], ctx));
      if (withHash) out.push(generic(extras[i++], ctx));
      if (withCoord) {
        const c = extras[i++];
        out.push(Array.isArray(c) ? c.map((x) => geoCoordinates(x, ctx)) : generic(c, ctx));
      }
      return out;
    });
  };

/** A double that Redis prints in the INCRBYFLOAT style (fixed notation). */
const floatIncrement: ReplyShaper = (reply, ctx) => {
  if (typeof reply !== "number") return generic(reply, ctx);
  let s = String(reply);
  if (s.includes("e")) s = BigInt(Math.trunc(reply)).toString(); // Redis never prints exponents here
  return text(s, ctx);
};

/**
 * FUNCTION STATS: GLIDE answers per node ({"host:port": stats}) even on a
 * standalone client; ioredis gets the one node's stats.
 */
const functionStats: ReplyShaper = (reply, ctx) => {
  let stats = reply;
  if (Array.isArray(reply) && reply.length === 1 && isRecord(reply[0])) stats = reply[0].value;
  else if (reply instanceof Map && reply.size === 1) stats = [...reply.values()][0];
  else if (isRecord(reply)) stats = reply.value;
  return generic(stats, ctx);
};

/**
 * PUBSUB NUMSUB / SHARDNUMSUB: GLIDE gives a map ({channel: count}, in its
 * own order); ioredis gets [channel, count, ...] in the order asked.
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

export const REPLY_SHAPERS: Record<string, ReplyShaper> = {
  // pub/sub
  "pubsub numsub": numsubReply,
  "pubsub shardnumsub": numsubReply,
  // scripting
  "function stats": functionStats,
  // hashes
  hgetall: hashObject,
  hrandfield: (reply, ctx) => (hasArg(ctx, "WITHVALUES") ? flatPairs(reply, ctx) : generic(reply, ctx)),
  hincrbyfloat: floatIncrement,
  // strings
  incrbyfloat: floatIncrement,
  // sorted sets
  zscore: oneDouble,
  zincrby: oneDouble,
  zmscore: doubles,
  zadd: (reply, ctx) => (hasArg(ctx, "INCR") ? oneDouble(reply, ctx) : generic(reply, ctx)),
  zrange: scoresIf("WITHSCORES"),
  zrangebyscore: scoresIf("WITHSCORES"),
  zrevrange: scoresIf("WITHSCORES"),
  zrevrangebyscore: scoresIf("WITHSCORES"),
  zunion: scoresIf("WITHSCORES"),
  zinter: scoresIf("WITHSCORES"),
  zdiff: scoresIf("WITHSCORES"),
  zrandmember: scoresIf("WITHSCORES"),
  zpopmin: withScores,
  zpopmax: withScores,
  bzpopmin: keyMemberScore,
  bzpopmax: keyMemberScore,
  zmpop: keyAndScoredMembers,
  bzmpop: keyAndScoredMembers,
  zrank: (reply, ctx) => (hasArg(ctx, "WITHSCORE") ? rankWithScore(reply, ctx) : generic(reply, ctx)),
  zrevrank: (reply, ctx) => (hasArg(ctx, "WITHSCORE") ? rankWithScore(reply, ctx) : generic(reply, ctx)),
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
  xclaim: (reply, ctx) => (hasArg(ctx, "JUSTID") ? generic(reply, ctx) : streamEntries(reply, ctx)),
  xread: streamsRead,
  xreadgroup: streamsRead,
  xautoclaim: xautoclaim,
};
