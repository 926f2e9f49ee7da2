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

module.exports = { closedLoop, median };
