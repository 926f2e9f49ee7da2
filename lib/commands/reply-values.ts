/**
 * The value-level translation from GLIDE's decoded replies to ioredis's RESP2
 * shapes, shared by every per-command shaper in replies.ts:
 *
 * - GLIDE records `[{key, value}]` and Maps become flat `[key, value, ...]`;
 * - RESP booleans become 1/0, Sets become arrays, bigints become numbers;
 * - Buffers become strings (lossy UTF-8, as ioredis) unless the caller asked
 *   for Buffers, and then status strings become Buffers too;
 * - with `stringNumbers`, integers become strings.
 */
export interface ShapeContext {
  /** normalized arguments of the call (after the command name) */
  readonly args: readonly (string | Buffer)[];
  /** the caller asked for Buffers (an xxxBuffer method or callBuffer) */
  readonly buffer: boolean;
  readonly env: ShapeEnv;
}

/** Per-client settings the shaper needs. */
export interface ShapeEnv {
  stringNumbers: boolean;
  /** `replyMapping: "resp3"`: ioredis 6's native RESP3 shapes (native-replies.ts) */
  nativeShapes: boolean;
  /**
   * RESP3 doubles arrive as strings even for Buffer calls: protocol 3 with
   * stringNumbers (ioredis maps DOUBLE to String then; under protocol 2 a
   * double is a bulk string, a Buffer for the Buffer variants)
   */
  stringDoubles: boolean;
  /** how the connected server prints a double (depends on its version) */
  formatDouble: (value: number) => string;
}

/** A client's ShapeEnv, from its options (formatDouble until INFO tells the server's version). */
export function shapeEnv(options: { stringNumbers?: boolean; replyMapping?: string; protocol?: number }): ShapeEnv {
  return {
    stringNumbers: !!options.stringNumbers,
    nativeShapes: options.replyMapping === "resp3",
    stringDoubles: !!options.stringNumbers && options.protocol !== 2,
    formatDouble: formatDoubleG17,
  };
}

export interface GlideRecord {
  key: unknown;
  value: unknown;
}

export function isRecord(value: unknown): value is GlideRecord {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    "key" in value &&
    "value" in value
  );
}

const PROTOTYPE = Object.prototype;
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * `obj[key] = value` as ioredis builds a reply object: a key the prototype
 * already has (`__proto__`, `constructor`, ...) becomes an own property
 * (ioredis issue #1267). Checked against Object.prototype, not with `key in
 * obj`: on an object of many keys that lookup cost HGETALL a third of its
 * shaping time.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__" || hasOwn.call(PROTOTYPE, key))
    Object.defineProperty(obj, key, { value, configurable: true, enumerable: true, writable: true });
  else obj[key] = value;
}

/** Where a command's options may start: an index, or one that depends on the call. */
export type OptionsFrom = number | ((ctx: ShapeContext) => number);

/** ZUNION/ZINTER/ZDIFF numkeys key [key ...] [options]: the options follow the keys. */
export const afterKeys = (ctx: ShapeContext): number => 1 + (Number(String(ctx.args[0])) || 0);

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...: INCR among the leading options only. */
const ZADD_OPTIONS = new Set(["NX", "XX", "GT", "LT", "CH", "INCR"]);
export function zaddIncr(ctx: ShapeContext): boolean {
  for (let i = 1; i < ctx.args.length; i++) {
    const word = String(ctx.args[i]).toUpperCase();
    if (word === "INCR") return true;
    if (!ZADD_OPTIONS.has(word)) return false;
  }
  return false;
}

/**
 * Whether the call has the option `word` (uppercase), looked for from
 * argument `from` on: the key and the fixed arguments before it are not
 * options (a member or key named "incr" or "withscores" is not one).
 */
export function hasArg(ctx: ShapeContext, word: string, from: OptionsFrom = 1): boolean {
  const args = ctx.args;
  if (typeof from === "function") from = from(ctx);
  for (let i = from; i < args.length; i++) {
    const a = args[i];
    if (a.length === word.length && String(a).toUpperCase() === word) return true;
  }
  return false;
}

/** A bulk or status string as the caller wants it. */
export function text(value: unknown, ctx: ShapeContext): unknown {
  if (ctx.buffer) return typeof value === "string" ? Buffer.from(value) : value;
  return Buffer.isBuffer(value) ? value.toString() : value;
}

/** A number that ioredis receives as an integer reply. */
function integer(value: number | bigint, ctx: ShapeContext): unknown {
  if (ctx.env.stringNumbers) return String(value);
  return typeof value === "bigint" ? Number(value) : value;
}

/** A double (a RESP3 double, or a RESP2 bulk string) that GLIDE parsed into a number: the server's text. */
export function double(value: unknown, ctx: ShapeContext): unknown {
  if (typeof value === "number") return doubleText(ctx.env.formatDouble(value), ctx);
  return generic(value, ctx);
}

/** A double's text as the caller gets it: a Buffer for Buffer calls, unless doubles are strings (stringDoubles). */
export function doubleText(text: string, ctx: ShapeContext): unknown {
  return ctx.buffer && !ctx.env.stringDoubles ? Buffer.from(text) : text;
}

/** The default translation, applied recursively. */
export function generic(value: unknown, ctx: ShapeContext): unknown {
  switch (typeof value) {
    case "string":
      return ctx.buffer ? Buffer.from(value) : value;
    case "number":
    case "bigint":
      return integer(value, ctx);
    case "boolean":
      return integer(value ? 1 : 0, ctx); // an integer reply GLIDE turned into a boolean: a string with stringNumbers
    case "object":
      if (value === null) return null;
      if (Buffer.isBuffer(value)) return ctx.buffer ? value : value.toString();
      if (Array.isArray(value)) return genericArray(value, ctx);
      if (value instanceof Set) return genericArray([...value], ctx);
      if (value instanceof Map) {
        const flat: unknown[] = [];
        value.forEach((v, k) => flat.push(generic(k, ctx), generic(v, ctx)));
        return flat;
      }
      if (value instanceof Error) return value;
      if (isRecord(value)) return [generic(value.key, ctx), generic(value.value, ctx)];
      return value;
    default:
      return value;
  }
}

function genericArray(items: unknown[], ctx: ShapeContext): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (isRecord(item)) out.push(generic(item.key, ctx), generic(item.value, ctx));
    else out.push(generic(item, ctx));
  }
  return out;
}

/** `%.17g`, the way Redis < 7.2 prints doubles. */
export function formatDoubleG17(n: number): string {
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (Number.isNaN(n)) return "nan";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const [mantissa, expText] = n.toExponential(16).split("e");
  const exp = parseInt(expText, 10);
  if (exp < -4 || exp >= 17) {
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${stripZeros(mantissa)}e${sign}${digits}`;
  }
  return stripZeros(n.toFixed(16 - exp));
}

/**
 * Shortest round-trip digits laid out as Redis >= 7.2 and Valkey print
 * doubles (fpconv_dtoa's emit_digits): plain integers up to 7 extra zeros,
 * plain decimals down to 6 leading zeros, otherwise d.ddde+x / d.ddde-x.
 */
export function formatDoubleShortest(n: number): string {
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (Number.isNaN(n)) return "nan";
  if (n === 0) return "0";
  const neg = n < 0;
  const [mantissa, expText] = Math.abs(n).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const ndigits = digits.length;
  const sciExp = parseInt(expText, 10);
  const K = sciExp - (ndigits - 1); // value = digits * 10^K
  const exp = Math.abs(sciExp);
  const sign = neg ? "-" : "";
  if (K >= 0 && exp < ndigits + 7) return sign + digits + "0".repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const offset = ndigits + K;
    if (offset <= 0) return `${sign}0.${"0".repeat(-offset)}${digits}`;
    return `${sign}${digits.slice(0, offset)}.${digits.slice(offset)}`;
  }
  const head = ndigits > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${head}e${sciExp < 0 ? "-" : "+"}${exp}`;
}

function stripZeros(fixed: string): string {
  if (fixed.indexOf(".") < 0) return fixed;
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (fixed.charCodeAt(end - 1) === 46 /* . */) end--;
  return fixed.slice(0, end);
}
