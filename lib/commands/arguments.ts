/**
 * Argument transforms, per command, exactly as ioredis applies them (after
 * flattening one level, before arguments are turned into strings): objects and
 * Maps become field/value lists for HSET, HMSET, MSET and MSETNX.
 */
export type ArgumentTransform = (args: unknown[]) => unknown[];

function entries(value: unknown): unknown[] | undefined {
  if (value instanceof Map) {
    const out: unknown[] = [];
    value.forEach((v, k) => out.push(k, v));
    return out;
  }
  if (typeof value === "object" && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value)) {
    const out: unknown[] = [];
    for (const key of Object.keys(value)) out.push(key, (value as Record<string, unknown>)[key]);
    return out;
  }
  return undefined;
}

/** MSET {a: 1, b: 2} / MSET Map */
const pairsOnly: ArgumentTransform = (args) => (args.length === 1 ? (entries(args[0]) ?? args) : args);

/** HSET key {f: v} / HSET key Map */
const keyThenPairs: ArgumentTransform = (args) => {
  if (args.length !== 2) return args;
  const pairs = entries(args[1]);
  return pairs ? [args[0], ...pairs] : args;
};

export const ARGUMENT_TRANSFORMS: Record<string, ArgumentTransform> = {
  mset: pairsOnly,
  msetnx: pairsOnly,
  hset: keyThenPairs,
  hmset: keyThenPairs,
};
