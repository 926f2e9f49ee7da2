/**
 * The value-level translation for `replyMapping: "resp3"`: GLIDE's decoded
 * replies -> the native RESP3 shapes ioredis 6 gives (its decoder with MAP and
 * DOUBLE left unmapped, lib/DataHandler.ts `resp3TypeMapping`):
 *
 * - maps become plain objects with string keys (GLIDE renders a RESP3 map as
 *   records `[{key, value}]`; a Map too), `__proto__`-like keys guarded;
 * - doubles and integers stay numbers, booleans stay booleans, sets become
 *   arrays, big numbers become strings;
 * - Buffers become strings unless the caller asked for Buffers;
 * - with `stringNumbers`, integers and doubles become strings (doubles as the
 *   server prints them).
 *
 * Per-command exceptions (where GLIDE converts a reply by command name into
 * something that is not the server's RESP3 shape) are in native-replies.ts.
 */
import { ShapeContext, isRecord, setOwn } from "./reply-values";

/** The default translation, applied recursively. */
export function native(value: unknown, ctx: ShapeContext): unknown {
  switch (typeof value) {
    case "string":
      return ctx.buffer ? Buffer.from(value) : value;
    case "number":
      return nativeNumber(value, ctx);
    case "bigint":
      return String(value);
    case "object":
      if (value === null) return null;
      if (Buffer.isBuffer(value)) return ctx.buffer ? value : value.toString();
      if (Array.isArray(value)) return nativeArray(value, ctx);
      if (value instanceof Set) return nativeArray([...value], ctx);
      if (value instanceof Map) {
        const entries: [unknown, unknown][] = [];
        value.forEach((v, k) => entries.push([k, v]));
        return objectOf(entries, ctx);
      }
      if (value instanceof Error) return value;
      if (isRecord(value)) return [native(value.key, ctx), native(value.value, ctx)];
      return value;
    default:
      return value;
  }
}

/**
 * An integer or a double, as GLIDE decoded it: ioredis 6.1 parses a RESP3
 * double's text with Number(), the same correctly rounded value GLIDE gives
 * (6.0 summed the decimals digit by digit and could land one unit off).
 * Under `stringNumbers`, the text as the server prints it.
 */
export function nativeNumber(value: number, ctx: ShapeContext, print = ctx.env.formatDouble): unknown {
  if (!ctx.env.stringNumbers) return value;
  return Number.isInteger(value) && Math.abs(value) < 2 ** 53 ? String(value) : print(value);
}

function nativeArray(items: unknown[], ctx: ShapeContext): unknown {
  // GLIDE's records are a RESP3 map (an empty one is indistinguishable from [] here: mapReply knows by command)
  if (items.length > 0 && isRecord(items[0])) return mapReply(items, ctx);
  return plainArray(items, ctx);
}

/**
 * A RESP3 map as ioredis's decoder builds it: string keys, values translated;
 * keys like `__proto__` defined as own properties (ioredis issue #1267).
 */
export function objectOf(
  entries: Iterable<readonly [unknown, unknown]>,
  ctx: ShapeContext,
  value: (v: unknown, ctx: ShapeContext) => unknown = native,
): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const key = Buffer.isBuffer(k) ? k.toString() : String(k);
    setOwn(obj, key, value(v, ctx));
  }
  return obj;
}

/** A reply that is a RESP3 map, even when empty (GLIDE gives `[]` for an empty map). */
export function mapReply(reply: unknown, ctx: ShapeContext): unknown {
  if (Array.isArray(reply) && reply.every(isRecord)) {
    return objectOf(
      reply.map((r) => [r.key, r.value]),
      ctx,
    );
  }
  return Array.isArray(reply) ? plainArray(reply, ctx) : native(reply, ctx);
}

function plainArray(items: unknown[], ctx: ShapeContext): unknown[] {
  const out: unknown[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) out[i] = native(items[i], ctx);
  return out;
}
