/**
 * Argument normalizer: ioredis's rules for turning what the caller passed
 * into the strings and Buffers sent to the server.
 *
 * 1. flatten one level (`del(['a', 'b'])`, `sadd(k, ['x', 'y'])`);
 * 2. the command's argument transform (objects and Maps for HSET, MSET, ...);
 * 3. strings and Buffers as they are; numbers, booleans, bigints through
 *    String(); null and undefined as "" in value positions;
 * 4. keyPrefix on the command's key positions.
 *
 * Where ioredis would send garbage ("[object Object]", "Symbol(x)", a
 * function's source text, "" for a missing key), the call is rejected with a
 * clear error instead: docs/COMPATIBILITY.md lists these differences.
 */
import { isUtf8 } from "buffer";
import type { Call } from "../chain/call";
import type { Stage } from "../chain/middleware";
import { keyPositions, specForArguments } from "../commands/spec";
import { ArgumentError } from "../errors";

function describe(value: unknown): string {
  if (typeof value === "symbol") return "a Symbol";
  if (typeof value === "function") return "a function";
  return "an object";
}

/** Objects whose String() is meaningful (Date, URL, a class with toString) are sent as ioredis sends them. */
function hasOwnStringForm(value: object): boolean {
  return (
    (value as { toString?: unknown }).toString !== Object.prototype.toString &&
    typeof (value as { toString?: unknown }).toString === "function"
  );
}

/**
 * Returns true when an argument was a Buffer that is not valid UTF-8: the
 * client stores binary data, so its string reads switch to Buffer decoding
 * (lib/commands/decoding.ts explains why).
 */
export function normalizeArgs(call: Call, keyPrefix: string | Buffer): boolean {
  let binary = false;
  let args = call.args as unknown[];
  const flat = flattenOnce(args);
  if (flat) args = flat;
  const transform = call.spec.transformArgs;
  if (transform) args = transform(args);
  // Otherwise `args` is the method's own rest array (entry points copy anything else): edit in place.
  let nullish: number[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === "string") continue;
    if (Buffer.isBuffer(arg)) {
      if (!binary && !isUtf8(arg)) binary = true;
      continue;
    }
    switch (typeof arg) {
      case "number":
      case "bigint":
      case "boolean":
        args[i] = String(arg);
        continue;
      case "undefined":
        (nullish ??= []).push(i);
        args[i] = "";
        continue;
      case "object":
        if (arg === null) {
          (nullish ??= []).push(i);
          args[i] = "";
          continue;
        }
        if (Array.isArray(arg) || hasOwnStringForm(arg)) {
          args[i] = String(arg);
          continue;
        }
        break;
    }
    throw new ArgumentError(
      `ioglide: argument ${i + 1} of '${call.command}' is ${describe(arg)}; only strings, numbers and Buffers can be sent`,
    );
  }
  const strings = args as (string | Buffer)[];
  const prefix = keyPrefix.length > 0;
  if (nullish || prefix) {
    const positions = keyPositions(call.spec, strings);
    if (nullish) {
      for (const p of positions) {
        if (nullish.includes(p)) {
          throw new ArgumentError(
            `ioglide: argument ${p + 1} of '${call.command}' is a key and cannot be null or undefined`,
          );
        }
      }
    }
    if (prefix) {
      for (const p of positions) {
        // `hlen([])`: ioredis would prefix the text "undefined"; refused as an undefined key is
        if (p >= strings.length) {
          throw new ArgumentError(`ioglide: argument ${p + 1} of '${call.command}' is a key and is missing`);
        }
        strings[p] = prefixed(keyPrefix, strings[p]);
      }
    }
  }
  call.args = strings;
  // A subcommand with facts of its own (CONFIG GET, SCRIPT FLUSH, ...) gets its own spec.
  if (call.spec.subcommands !== undefined) call.spec = specForArguments(call.spec, strings);
  return binary;
}

/** `args.flat()` (one level, as ioredis), by hand: Array.prototype.flat costs ~100 ns per element. */
function flattenOnce(args: unknown[]): unknown[] | undefined {
  let i = 0;
  while (i < args.length && !Array.isArray(args[i])) i++;
  if (i === args.length) return undefined;
  const out = args.slice(0, i);
  for (; i < args.length; i++) {
    const arg = args[i];
    if (Array.isArray(arg)) for (let j = 0; j < arg.length; j++) out.push(arg[j]);
    else out.push(arg);
  }
  return out;
}

function prefixed(prefix: string | Buffer, key: string | Buffer): string | Buffer {
  if (typeof prefix === "string" && typeof key === "string") return prefix + key;
  return Buffer.concat([
    Buffer.isBuffer(prefix) ? prefix : Buffer.from(prefix),
    Buffer.isBuffer(key) ? key : Buffer.from(key),
  ]);
}

export function argumentNormalizer(keyPrefix: () => string | Buffer, sawBinaryArgument: () => void): Stage {
  return {
    appliesTo: () => true,
    handle(call, next) {
      if (normalizeArgs(call, keyPrefix())) sawBinaryArgument();
      return next(call);
    },
  };
}
