"use strict";
// A Bull worker in its own process, for the stalled-job test: takes one job,
// tells the parent, and never finishes it (the parent kills this process).
const Queue = require("bull");
const { Client: Redis } = require("./support");

const [name, host, portText] = process.argv.slice(2);
const port = Number(portText);
const createClient = (type, opts) =>
  type === "client"
    ? new Redis({ ...opts, host, port })
    : new Redis({ ...opts, host, port, maxRetriesPerRequest: null, enableReadyCheck: false });
const q = new Queue(name, { createClient, settings: { lockDuration: 1000, stalledInterval: 500 } });
q.process(async () => {
  process.send("started");
  await new Promise(() => undefined); // forever
});
