"use strict";
/**
 * Argument lists that replace what the command docs give, per command (none
 * needed so far: the docs and the overrides cover ioredis's forms).
 */
module.exports = {};
