"use strict";
// Socket.IO's redis adapter, unchanged, on ioglide pub/sub clients: two
// servers that see each other's broadcasts, rooms, sockets and events.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { createServer } = require("http");
const { Server } = require("socket.io");
const { io: connectClient } = require("socket.io-client");
const { createAdapter } = require("@socket.io/redis-adapter");
const { standaloneAddress } = require("../support/servers");
const { watchConsole, waitFor, Client: Redis } = require("./support");

const t = suite("socket.io redis adapter");
const { host, port } = standaloneAddress();
const printed = watchConsole();
const servers = [];
const clients = [];
const redisClients = [];

async function startNode() {
  const pub = new Redis({ host, port });
  const sub = pub.duplicate();
  redisClients.push(pub, sub);
  const http = createServer();
  const io = new Server(http, { adapter: createAdapter(pub, sub, { key: `sio-${process.pid}` }) });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  servers.push({ io, http });
  return { io, port: http.address().port };
}

async function connect(node) {
  const socket = connectClient(`http://127.0.0.1:${node.port}`, { transports: ["websocket"], forceNew: true });
  clients.push(socket);
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

let a, b;
t.before(async () => {
  a = await startNode();
  b = await startNode();
  await new Promise((r) => setTimeout(r, 200)); // subscriptions in place
});

t.after(async () => {
  for (const s of clients) s.disconnect();
  for (const { io } of servers) await new Promise((r) => io.close(r));
  for (const c of redisClients) c.disconnect();
});

t("a broadcast from one server reaches clients of both", async () => {
  const c1 = await connect(a);
  const c2 = await connect(b);
  const got = [];
  c1.on("news", (m) => got.push(["c1", m]));
  c2.on("news", (m) => got.push(["c2", m]));
  a.io.emit("news", "hello all");
  await waitFor(() => got.length === 2);
  assert.equal(got.sort(), [
    ["c1", "hello all"],
    ["c2", "hello all"],
  ]);
});

t("rooms across servers", async () => {
  const inRoom = await connect(b);
  const outside = await connect(b);
  const sockets = await b.io.fetchSockets();
  const target = sockets.find((s) => s.id === inRoom.id);
  target.join("room-1");
  const got = [];
  inRoom.on("room-msg", (m) => got.push(["in", m]));
  outside.on("room-msg", (m) => got.push(["out", m]));
  a.io.to("room-1").emit("room-msg", "only the room");
  await waitFor(() => got.length === 1);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(got, [["in", "only the room"]]);
});

t("fetchSockets sees the sockets of both servers", async () => {
  const all = await a.io.fetchSockets();
  const ids = new Set(all.map((s) => s.id));
  for (const c of clients) if (c.connected) assert.ok(ids.has(c.id), `socket ${c.id} is seen from server a`);
});

t("serverSideEmit with an acknowledgement from the other server", async () => {
  b.io.on("ping-servers", (value, ack) => ack(`pong ${value}`));
  const replies = await new Promise((resolve, reject) =>
    a.io.serverSideEmit("ping-servers", 7, (err, r) => (err ? reject(err) : resolve(r))),
  );
  assert.equal(replies, ["pong 7"]);
});

t("binary payloads cross servers", async () => {
  const c = await connect(b);
  const got = new Promise((resolve) => c.on("bin", resolve));
  a.io.emit("bin", Buffer.from([0xff, 0x00, 0xfe]));
  const data = await got;
  assert.equal(Buffer.from(data), Buffer.from([0xff, 0x00, 0xfe]));
});

t("nothing printed about the client", () => {
  assert.equal(printed(), []);
});

t.run();
