"use strict";
/**
 * One end-to-end queue run: N jobs added in bulk, processed by a worker at a
 * given concurrency, timed until the last one completed. The same code runs
 * with ioglide or ioredis as the client, for Bull 4 and for BullMQ.
 * Used by bench/queues.js and by the demo.
 */

/**
 * Run `jobs` jobs through a Bull queue; returns elapsed ms. `addFirst`: all
 * jobs are added before the worker starts, and only the processing is timed
 * (`onStart` is called as it begins).
 */
async function runBull({ Client, host, port, jobs, concurrency, onProgress, addFirst, onStart }) {
  const Queue = require("bull");
  const clients = [];
  const createClient = (type, opts) => {
    const extra = type === "client" ? {} : { maxRetriesPerRequest: null, enableReadyCheck: false };
    const c = new Client({ ...opts, host, port, ...extra });
    clients.push(c);
    return c;
  };
  const q = new Queue(`bench-bull-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`, {
    createClient,
  });
  let done = 0;
  const finished = new Promise((resolve) => {
    q.on("completed", () => {
      done++;
      if (onProgress) onProgress(done, jobs);
      if (done === jobs) resolve();
    });
  });
  const add = async () => {
    for (let i = 0; i < jobs; i += 1000) {
      await q.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, j) => ({ data: { i: i + j } })));
    }
  };
  if (addFirst) await add();
  if (onStart) await onStart();
  q.process(concurrency, async (job) => job.data.i * 2);
  await q.isReady();
  const t0 = process.hrtime.bigint();
  if (!addFirst) await add();
  await finished;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close();
  await Promise.all(clients.map((c) => (c.status === "end" ? undefined : c.quit().catch(() => c.disconnect()))));
  return ms;
}

/**
 * Run `jobs` jobs through a BullMQ queue; returns elapsed ms. The connections
 * are `new Client(...)`, or what `connect({ host, port })` gives (BullMQ's own
 * GLIDE adapter, say). `addFirst` and `onStart` as for runBull.
 */
async function runBullMQ({ Client, connect, host, port, jobs, concurrency, onProgress, addFirst, onStart }) {
  const { Queue, Worker } = require("bullmq");
  const name = `bench-bullmq-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const open = () => (connect ? connect({ host, port }) : new Client({ host, port, maxRetriesPerRequest: null }));
  const queueConn = open();
  const workerConn = open();
  const queue = new Queue(name, { connection: queueConn });
  let done = 0;
  let resolveDone;
  const finished = new Promise((resolve) => (resolveDone = resolve));
  const add = async () => {
    for (let i = 0; i < jobs; i += 1000) {
      await queue.addBulk(
        Array.from({ length: Math.min(1000, jobs - i) }, (_, j) => ({ name: "j", data: { i: i + j } })),
      );
    }
  };
  if (addFirst) await add();
  if (onStart) await onStart();
  const worker = new Worker(name, async (job) => job.data.i * 2, { connection: workerConn, concurrency });
  worker.on("completed", () => {
    done++;
    if (onProgress) onProgress(done, jobs);
    if (done === jobs) resolveDone();
  });
  await worker.waitUntilReady();
  const t0 = process.hrtime.bigint();
  if (!addFirst) await add();
  await finished;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await Promise.all(
    [queueConn, workerConn].map((c) =>
      c.status === "end" ? undefined : Promise.resolve(c.quit()).catch(() => c.disconnect()),
    ),
  );
  return ms;
}

/** BullMQ's own GLIDE adapter (bullmq's createValkeyGlideClient over a GLIDE client), as its docs set it up. */
function bullmqGlideConnection({ host, port }) {
  const { createValkeyGlideClient } = require("bullmq");
  const { GlideClient } = require("@valkey/valkey-glide");
  return createValkeyGlideClient(GlideClient.createClient({ addresses: [{ host, port }] }));
}

module.exports = { runBull, runBullMQ, bullmqGlideConnection };
