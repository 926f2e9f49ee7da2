/**
 * Argument orders that differ from the docs' order in ioredis's typings
 * (the server accepts options in any order; ioredis's overloads put them so).
 */
"use strict";

const first =
  (...names) =>
  (args) =>
    [...args].sort((a, b) => rank(a, names) - rank(b, names));
const rank = (arg, names) => {
  const i = names.indexOf(arg.name);
  return i < 0 ? names.length : i;
};

module.exports = {
  // SET key value [EX seconds | PX ... | KEEPTTL] [NX | XX] [GET]
  set: first("key", "value", "expiration", "condition", "get"),
};
