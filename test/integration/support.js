"use strict";
/** Helpers for the library integration tests. */

/** Poll until `check()` (sync or async) is truthy, or fail after `ms`. */
async function waitFor(check, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms: ${check}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Collect what libraries print through console.warn/console.error from now
 * on (still printed). Returns a function giving the lines so far.
 */
function watchConsole() {
  const lines = [];
  for (const level of ["warn", "error"]) {
    const original = console[level];
    console[level] = (...args) => {
      lines.push(args.map(String).join(" "));
      original.apply(console, args);
    };
  }
  return () => lines.slice();
}

/**
 * The client class under test: ioglide, or real ioredis when
 * IOGLIDE_INTEGRATION_ORACLE=1 (to check that a test's expectations hold on ioredis).
 */
const Client = process.env.IOGLIDE_INTEGRATION_ORACLE === "1" ? require("ioredis") : require("../..");

module.exports = { waitFor, watchConsole, Client };
