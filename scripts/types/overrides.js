/**
 * Declarations the command docs cannot express, added before (or instead
 * of, with `overwrite`) the generated ones: ioredis's object and Map forms
 * of HSET/HMSET/MSET/MSETNX, EXEC's result, HGETALL's Buffer variant.
 */
"use strict";

const MAP = "Map<string | Buffer | number, string | Buffer | number>";

module.exports = {
  // Record keys stay strings in the Buffer variant.
  hgetall: {
    overwrite: true,
    defs: [
      "$1(key: RedisKey, callback?: Callback<Record<string, string>>): Result<Record<string, string>, Context>;",
      "$1Buffer(key: RedisKey, callback?: Callback<Record<string, Buffer>>): Result<Record<string, Buffer>, Context>;",
    ],
  },
  exec: {
    overwrite: true,
    defs: [
      "$1(callback?: Callback<[error: Error | null, result: unknown][] | null>): Promise<[error: Error | null, result: unknown][] | null>;",
    ],
  },
  hset: {
    defs: [
      "$1(key: RedisKey, object: object, callback?: Callback<number>): Result<number, Context>;",
      `$1(key: RedisKey, map: ${MAP}, callback?: Callback<number>): Result<number, Context>;`,
    ],
  },
  hmset: {
    defs: [
      "$1(key: RedisKey, object: object, callback?: Callback<'OK'>): Result<'OK', Context>;",
      `$1(key: RedisKey, map: ${MAP}, callback?: Callback<'OK'>): Result<'OK', Context>;`,
    ],
  },
  mset: {
    defs: [
      "$1(object: object, callback?: Callback<'OK'>): Result<'OK', Context>;",
      `$1(map: ${MAP}, callback?: Callback<'OK'>): Result<'OK', Context>;`,
    ],
  },
  msetnx: {
    defs: [
      "$1(object: object, callback?: Callback<'OK'>): Result<'OK', Context>;",
      `$1(map: ${MAP}, callback?: Callback<'OK'>): Result<'OK', Context>;`,
    ],
  },
};
