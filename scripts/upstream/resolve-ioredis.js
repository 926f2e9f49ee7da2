/**
 * Preloaded (`node --require`) into an upstream suite's processes: the bare
 * name `ioredis` (and `ioredis/built/...`) resolves to ioglide, so a library
 * that does `require("ioredis")` itself runs on ioglide, unmodified.
 * IOGLIDE_ROOT names the ioglide package to use.
 */
"use strict";
const Module = require("module");
const path = require("path");

const root = process.env.IOGLIDE_ROOT || path.resolve(__dirname, "../..");
const main = require.resolve(root);
const original = Module._resolveFilename;

Module._resolveFilename = function resolveIoredisToIoglide(request, parent, ...rest) {
  if (request === "ioredis") return main;
  if (request.startsWith("ioredis/"))
    return original.call(this, path.join(root, request.slice("ioredis/".length)), parent, ...rest);
  return original.call(this, request, parent, ...rest);
};
