"use strict";
// Bull 4, unchanged, with ioglide clients from createClient(type, opts).
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { fork } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const Queue = require("bull");
const { standaloneAddress } = require("../support/servers");
const { watchConsole, waitFor, Client: Redis } = require("./support");

const t = suite("bull");
const { host, port } = standaloneAddress();
const printed = watchConsole();
const made = [];

/** Bull's createClient: ioglide for client, subscriber and bclient (as Bull's docs show for ioredis). */
function createClient(type, redisOpts) {
  const opts = { ...redisOpts, host, port };
  const c =
    type === "client" ? new Redis(opts) : new Redis({ ...opts, maxRetriesPerRequest: null, enableReadyCheck: false });
  made.push(c);
  return c;
}
let n = 0;
const queue = (opts = {}) => new Queue(`bull-${process.pid}-${++n}`, { createClient, ...opts });

t.after(() => {
  for (const c of made) if (c.status !== "end") c.disconnect();
});

t("add, process, complete, fail; local events", async () => {
  const q = queue();
  const completed = [];
  const failed = [];
  q.on("completed", (job, result) => completed.push(result));
  q.on("failed", (job, err) => failed.push(err.message));
  q.process(3, async (job) => {
    if (job.data.i === 4) throw new Error("four");
    return job.data.i * 10;
  });
  await q.addBulk(Array.from({ length: 10 }, (_, i) => ({ data: { i } })));
  await waitFor(() => completed.length + failed.length === 10);
  assert.equal(failed, ["four"]);
  assert.equal(
    completed.sort((a, b) => a - b),
    [0, 10, 20, 30, 50, 60, 70, 80, 90],
  );
  assert.equal(await q.getJobCounts(), { waiting: 0, active: 0, completed: 9, failed: 1, delayed: 0, paused: 0 });
  await q.close();
});

t("global events (pub/sub) and job.finished()", async () => {
  const q = queue();
  const seen = [];
  q.on("global:completed", (jobId, result) => seen.push([String(jobId), JSON.parse(result)]));
  q.process(async (job) => ({ doubled: job.data.v * 2 }));
  await q.isReady();
  const job = await q.add({ v: 21 });
  assert.equal(await job.finished(), { doubled: 42 });
  await waitFor(() => seen.length === 1);
  assert.equal(seen[0], [String(job.id), { doubled: 42 }]);
  await q.close();
});

t("retries with backoff", async () => {
  const q = queue();
  let attempts = 0;
  q.process(async () => {
    attempts++;
    if (attempts < 3) throw new Error("again");
    return "done";
  });
  const job = await q.add({}, { attempts: 4, backoff: { type: "fixed", delay: 50 } });
  assert.is(await job.finished(), "done");
  assert.is(attempts, 3);
  await q.close();
});

t("delayed, repeatable, and prioritized jobs", async () => {
  const q = queue();
  const order = [];
  const t0 = Date.now();
  await q.add({ name: "low" }, { priority: 9 });
  await q.add({ name: "high" }, { priority: 1 });
  await q.add({ name: "delayed" }, { delay: 400 });
  await q.add({ name: "rep" }, { repeat: { every: 200, limit: 3 } });
  q.process(1, async (job) => order.push([job.data.name, Date.now() - t0]));
  await waitFor(() => order.filter(([x]) => x === "rep").length === 3 && order.some(([x]) => x === "delayed"), 8000);
  const names = order.map(([x]) => x);
  assert.ok(names.indexOf("high") < names.indexOf("low"), names.join(","));
  assert.ok(order.find(([x]) => x === "delayed")[1] >= 380);
  await q.close();
});

t("rate limiter", async () => {
  const q = queue({ limiter: { max: 2, duration: 300 } });
  const times = [];
  q.process(5, async () => times.push(Date.now()));
  await q.addBulk(Array.from({ length: 6 }, () => ({ data: {} })));
  await waitFor(() => times.length === 6, 8000);
  assert.ok(times[5] - times[0] >= 550, `spread ${times[5] - times[0]} ms`);
  await q.close();
});

t("pause and resume, local and global; progress", async () => {
  const q = queue();
  const progress = [];
  q.on("progress", (job, p) => progress.push(p));
  const ran = [];
  q.process(async (job) => {
    await job.progress(50);
    ran.push(job.data.k);
  });
  await q.isReady();
  await q.pause(true); // local: this worker stops taking jobs
  await q.add({ k: "while locally paused" });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(ran, []);
  await q.resume(true);
  await waitFor(() => ran.length === 1);
  await q.pause(); // global
  assert.ok(await q.isPaused());
  await q.add({ k: "while globally paused" });
  await new Promise((r) => setTimeout(r, 300));
  assert.is(ran.length, 1);
  assert.is((await q.getJobCounts()).paused, 1);
  await q.resume();
  await waitFor(() => ran.length === 2);
  assert.equal(progress, [50, 50]);
  await q.close();
});

t("getters, clean, obliterate", async () => {
  const q = queue();
  q.process(async (job) => job.data);
  const jobs = await q.addBulk([{ data: 1 }, { data: 2 }]);
  await Promise.all(jobs.map((j) => j.finished()));
  assert.is((await q.getCompleted()).length, 2);
  const fetched = await q.getJob(jobs[0].id);
  assert.is(fetched.returnvalue, 1);
  const cleaned = await q.clean(0, "completed");
  assert.is(cleaned.length, 2);
  await q.add({ leftover: true });
  await q.pause();
  await q.obliterate({ force: true });
  assert.equal(await q.getJobCounts(), { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0, paused: 0 });
  await q.close();
});

t("sandboxed processor (a processor file run in a child process)", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ioglide-bull-"));
  const file = path.join(dir, "processor.js");
  fs.writeFileSync(file, "module.exports = async (job) => ({ pid: process.pid, value: job.data.v + 1 });\n");
  const q = queue();
  q.process(file);
  const job = await q.add({ v: 41 });
  const result = await job.finished();
  assert.is(result.value, 42);
  assert.is.not(result.pid, process.pid);
  await q.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

t("a worker process dies mid-job: the stalled job is recovered and completed elsewhere", async () => {
  const name = `bull-stalled-${process.pid}`;
  const settings = { lockDuration: 1000, stalledInterval: 500, maxStalledCount: 2 };
  const q = new Queue(name, { createClient, settings });
  await q.obliterate({ force: true }).catch(() => undefined);
  const job = await q.add({ work: "long" });
  const worker = fork(path.join(__dirname, "bull-worker.js"), [name, host, String(port)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise((resolve) => worker.once("message", resolve)); // it started the job
  worker.kill("SIGKILL");
  const recovered = [];
  q.on("stalled", () => recovered.push("stalled"));
  q.process(async (j) => `recovered ${j.id}`);
  assert.is(await job.finished(), `recovered ${job.id}`);
  await q.close();
});

t("queue.close(): clients from createClient stay the user's (as with ioredis) and quit cleanly", async () => {
  const before = made.length;
  const q = queue();
  q.process(async () => "x");
  await (await q.add({})).finished();
  await q.close();
  const mine = made.slice(before);
  assert.ok(mine.length >= 2);
  await Promise.all(mine.filter((c) => c.status !== "end").map((c) => c.quit().catch(() => undefined)));
  await waitFor(() => mine.every((c) => c.status === "end"), 3000);
});

t("nothing printed by Bull about the client", () => {
  assert.equal(printed(), []);
});

t.run();
