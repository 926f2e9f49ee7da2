"use strict";
// The cluster the test run starts (3 masters, 1 replica each) is a real,
// healthy cluster that GLIDE's cluster client and ioredis's Cluster both use.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const IORedis = require("ioredis");
const { GlideClusterClient, Logger } = require("@valkey/valkey-glide");
const { clusterAddresses, cli } = require("../support/servers");

const t = suite("cluster helper");
const nodes = clusterAddresses();

t("six nodes: three masters with one replica each, all slots covered", () => {
  assert.is(nodes.length, 6);
  const info = cli(nodes[0].port, "cluster", "info");
  assert.match(info, /cluster_state:ok/);
  assert.match(info, /cluster_slots_assigned:16384/);
  assert.match(info, /cluster_known_nodes:6/);
  const roles = nodes.map((n) => /role:(\w+)/.exec(cli(n.port, "info", "replication"))[1]);
  assert.is(roles.filter((r) => r === "master").length, 3);
  assert.is(roles.filter((r) => r === "slave").length, 3);
});

t("GLIDE's cluster client and ioredis's Cluster read each other's writes across slots", async () => {
  Logger.init("off");
  const glide = await GlideClusterClient.createClient({ addresses: nodes.slice(0, 1), requestTimeout: 5000 });
  const io = new IORedis.Cluster(nodes.slice(0, 1));
  const keys = ["a", "b", "c", "d", "e", "f"].map((k) => `helper:${k}:${process.pid}`);
  for (const k of keys) await glide.set(k, `v-${k}`);
  for (const k of keys) assert.is(await io.get(k), `v-${k}`);
  const slotOf = require("cluster-key-slot"); // installed with ioredis
  const slots = new Set(keys.map((k) => slotOf(k)));
  assert.ok(slots.size > 1, "the keys span several slots");
  glide.close();
  io.disconnect();
});

t.run();
