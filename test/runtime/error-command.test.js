"use strict";
// ioredis sets `err.command = { name, args }` on every error reply, and 6.1
// redacts credentials in it; the same calls through both clients on one server.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { glide, oracle, closeAll, key } = require("../support/clients");

const t = suite("error command");
t.after(closeAll);

/** What a rejection shows: name, command, and the first words of the message. */
async function shown(promise) {
  try {
    await promise;
    return "resolved";
  } catch (err) {
    return JSON.parse(JSON.stringify({ name: err.name, command: err.command, message: err.message.slice(0, 30) }));
  }
}

const calls = [
  ["a method: lowercase name, prefixed key", (c, k) => c.hget(k, "f")],
  ["call(): the name as given, numbers as strings", (c, k) => c.call("HGET", k, 1)],
  ["a Buffer argument stays a Buffer", (c, k) => c.hgetBuffer(k, Buffer.from("f"))],
  ["an object argument, flattened", (c, k) => c.hset(k, { a: 1 })],
  ["EVAL's numkeys and keys", (c) => c.eval("return redis.error_reply('x')", 1, "k", 2)],
  ["AUTH: every argument redacted", (c) => c.auth("user", "secret")],
  ["call('AUTH'): redacted", (c) => c.call("AUTH", "secret")],
  ["HELLO AUTH: username and password redacted", (c) => c.hello(3, "AUTH", "user", "secret")],
  ["CONFIG SET: values redacted", (c) => c.config("SET", "maxmemory", "not-a-size")],
  ["ACL SETUSER: password rules redacted", (c) => c.acl("SETUSER", "x", "badrule", ">secret")],
  [
    "MIGRATE AUTH2: credentials redacted",
    (c, k) => c.migrate("127.0.0.1", 1, "", 0, 10, "AUTH2", "user", "secret", "KEYS", k),
  ],
];

for (const [name, run] of calls) {
  t(`err.command as ioredis 6.1 gives it: ${name}`, async () => {
    const seen = [];
    const k = key("ec");
    for (const client of [glide({ keyPrefix: "p:" }), oracle({ keyPrefix: "p:" })]) {
      await client.set(k, "string");
      seen.push(await shown(run(client, k)));
    }
    assert.ok(seen[1] !== "resolved", "the oracle call fails");
    assert.equal(seen[0], seen[1]);
    assert.not.match(JSON.stringify(seen[0]), /secret/);
  });
}

t("a pipeline's error carries its command; an error inside EXEC's reply has none, as on ioredis", async () => {
  const seen = [];
  for (const client of [glide(), oracle()]) {
    const k = key("ecp");
    await client.set(k, "string");
    const [[pipelined]] = await client.pipeline().hget(k, "f").exec();
    const [[inside]] = await client.multi().hget(k, "f").exec();
    seen.push([pipelined.command && pipelined.command.name, inside.command]);
  }
  assert.equal(seen[0], ["hget", undefined]);
  assert.equal(seen[0], seen[1]);
});

t.run();
