const IORedis = require("ioredis");
const G = require("../");
(async () => {
  for (const [label, C] of [["ioredis", IORedis], ["ioglide", G]]) {
    const r = new C({ port: 6499, keyPrefix: "p:" });
    await r.set("s", "x");
    const out = [];
    const grab = async (f) => { try { await f(); out.push("no error"); } catch (e) { out.push(JSON.stringify({ n: e.name, c: e.command, m: e.message.slice(0, 40) })); } };
    await grab(() => r.hget("s", "f"));
    await grab(() => r.call("HGET", "s", 1));
    await grab(() => r.hgetBuffer("s", Buffer.from("f")));
    await grab(() => r.auth("u", "secret"));
    await grab(() => r.call("AUTH", "secret"));
    await grab(() => r.config("SET", "maxmemory", "abc"));
    await grab(() => r.incrby("s", 5));
    await grab(() => r.eval("return redis.error_reply('x')", 1, "k", 2));
    await grab(() => r.pipeline().hget("s", "f").exec().then((res) => { throw res[0][0]; }));
    await grab(() => r.multi().hget("s", "f").exec());
    await grab(() => r.multi().hget("s", "f").exec().then((res) => { throw res[0][0]; }));
    await grab(() => r.hset("s", { a: 1 }));
    await grab(() => r.acl("SETUSER", "bob", "on", ">pw", "~*"));
    await grab(() => r.hello(3, "AUTH", "u", "pw"));
    console.log(label); for (const o of out) console.log("  ", o);
    r.disconnect();
  }
})();
