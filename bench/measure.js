"use strict";
/** What every bench script measures with: a closed loop and the median of its rounds. */

/** `concurrency` workers, each awaiting its call before the next, for `ms`: ops/s. */
async function closedLoop(concurrency, ms, fn) {
  let ops = 0;
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await fn();
        ops++;
      }
    }),
  );
  return ops / (ms / 1000);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The bench's data: a 16-byte value, 100 keys for MGET, a 100-field hash, a script that GETs. */
const VALUE16 = "v".repeat(16);
const SCRIPT = "return redis.call('GET', KEYS[1])";
const MGET_KEYS = Array.from({ length: 100 }, (_, i) => `bench:m:${i}`);

/** Writes the data through `redis` (an ioredis client) and defines `benchGet` on each of `clients`. */
async function seedBenchData(redis, clients) {
  await redis.set("bench:k16", VALUE16);
  await redis.mset(...MGET_KEYS.flatMap((k) => [k, VALUE16]));
  const hash = {};
  for (let i = 0; i < 100; i++) hash[`field:${i}`] = `value:${i}`;
  await redis.del("bench:h100");
  await redis.hset("bench:h100", hash);
  for (const c of clients) c.defineCommand("benchGet", { numberOfKeys: 1, lua: SCRIPT });
}

module.exports = { closedLoop, median, seedBenchData, VALUE16, SCRIPT, MGET_KEYS };
