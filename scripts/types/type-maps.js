/**
 * How COMMAND DOCS argument types become TypeScript parameter types, with
 * ioredis's conventions: keys are RedisKey, integers and doubles accept
 * numbers or strings, strings accept Buffers, and arguments that usually
 * carry stored values (or ids and bounds) accept numbers too.
 */
"use strict";

const ACCEPTS_NUMBERS = new Set([
  "element",
  "end",
  "id",
  "ifeqValue",
  "ifneValue",
  "lastId",
  "lastid",
  "max",
  "maxDeletedId",
  "member",
  "min",
  "minIdleTime",
  "nodeId",
  "pivot",
  "replicationid",
  "serializedValue",
  "start",
  "taskId",
  "threshold",
  "value",
]);

module.exports = {
  key: "RedisKey",
  string: (name) => (ACCEPTS_NUMBERS.has(name) ? "string | Buffer | number" : "string | Buffer"),
  pattern: "string",
  number: "number | string",
};
