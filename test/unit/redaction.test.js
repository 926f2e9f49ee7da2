"use strict";
// The credentials an error's `command` hides: ioglide's table against ioredis
// 6.1's own Command.redactSensitiveArgs, argument list by argument list.
const { test } = require("uvu");
const assert = require("uvu/assert");
const { Command } = require("ioredis");
const { specFor } = require("../../built/commands/spec");

const cases = [
  ["auth", ["pw"]],
  ["AUTH", ["user", "pw"]],
  ["hello", ["3", "AUTH", "u", "pw", "SETNAME", "auth"]],
  ["hello", ["AUTH", "u", "pw"]],
  ["hello", ["3", "SETNAME", "auth", "AUTH", "u", "pw"]],
  ["migrate", ["h", "1", "", "0", "10", "COPY", "AUTH", "pw", "KEYS", "auth", "k"]],
  ["migrate", ["h", "1", "k", "0", "10", "AUTH2", "u", "pw"]],
  ["migrate", ["h", "1", "k", "AUTH", "pw"]],
  ["acl", ["SETUSER", "bob", "on", ">pw", "<old", "#abc", "!def", "~*", "+@all"]],
  ["acl", ["GETUSER", ">bob"]],
  ["config", ["SET", "requirepass", "pw", "maxmemory", "1mb"]],
  ["config", ["SET", "requirepass", "pw", "maxmemory"]],
  ["config", ["GET", "requirepass"]],
  ["sentinel", ["SET", "mymaster", "auth-pass", "pw", "quorum", "2", "auth-user", "u"]],
  ["sentinel", ["CONFIG", "SET", "sentinel-pass", "pw"]],
  ["sentinel", ["CONFIG", "SET", "sentinel-pass"]],
  ["sentinel", ["GET-MASTER-ADDR-BY-NAME", "auth-pass"]],
  ["get", ["auth"]],
  ["set", ["k", Buffer.from("pw")]],
];

test("every argument list is redacted as ioredis 6.1 redacts it", () => {
  for (const [name, args] of cases) {
    const redact = specFor(name).redactArgs;
    const ours = redact ? redact(args) : args;
    assert.equal(ours, Command.redactSensitiveArgs(name, args), `${name} ${args.join(" ")}`);
  }
});

test("redaction copies: the arguments sent are not touched", () => {
  const args = ["SET", "requirepass", "pw"];
  specFor("config").redactArgs(args);
  assert.equal(args, ["SET", "requirepass", "pw"]);
});

test.run();
