"use strict";
// One contender fires 100,000 GETs at once; reports successes, time and RSS growth to the parent.
const [who, host, portText] = process.argv.slice(2);
const port = Number(portText);
const N = 100000;

async function client() {
  if (who === "harness") {
    // The measuring harness alone: 100,000 pending promises settled later, no client.
    return { get: () => new Promise((resolve) => setTimeout(resolve, 100, "v")), close: () => undefined };
  }
  if (who === "ioglide") {
    const Redis = require("..");
    const c = new Redis({ host, port });
    await c.ping();
    return { get: (k) => c.get(k), close: () => c.disconnect() };
  }
  if (who === "ioredis") {
    const IORedis = require("ioredis");
    const c = new IORedis({ host, port });
    await c.ping();
    return { get: (k) => c.get(k), close: () => c.disconnect() };
  }
  if (who === "node-redis") {
    const c = require("redis").createClient({ socket: { host, port } });
    await c.connect();
    return { get: (k) => c.get(k), close: () => c.destroy() };
  }
  if (who !== "glide") throw new Error(`unknown contender ${who}`);
  const { GlideClient, Logger } = require("@valkey/valkey-glide");
  Logger.init("off");
  const c = await GlideClient.createClient({ addresses: [{ host, port }] }); // GLIDE's defaults, as a user gets them
  return { get: (k) => c.get(k), close: () => c.close() };
}

(async () => {
  const c = await client();
  global.gc && global.gc();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = Date.now();
  const results = await Promise.allSettled(Array.from({ length: N }, () => c.get("bench:k16")));
  const ms = Date.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const ok = results.filter((r) => r.status === "fulfilled").length;
  process.send({ ok, failed: N - ok, ms, rss: peak - rss0 }, () => {
    c.close();
    setTimeout(() => process.exit(0), 100);
  });
})();
