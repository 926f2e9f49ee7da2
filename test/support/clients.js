"use strict";
/**
 * Clients for tests: ioglide (the built package, as a user requires it) and
 * real ioredis (the oracle), both pointed at the run's shared server unless
 * told otherwise, plus small helpers for differential tests.
 */
const IORedis = require("ioredis");
const Redis = require("../..");
const { standaloneAddress } = require("./servers");

const opened = new Set();

function track(client) {
  opened.add(client);
  client.on("error", () => undefined); // tests that care about errors add their own listener
  return client;
}

/** An ioglide client on the shared server (or `address`). */
function glide(options = {}, address = standaloneAddress()) {
  return track(new Redis({ host: address.host, port: address.port, ...options }));
}

/** A real ioredis client on the shared server (or `address`). */
function oracle(options = {}, address = standaloneAddress()) {
  return track(new IORedis({ host: address.host, port: address.port, ...options }));
}

/** Disconnect every client a test file opened. */
async function closeAll() {
  for (const c of opened) {
    try {
      c.disconnect();
    } catch {
      /* already closed */
    }
  }
  opened.clear();
}

let counter = 0;
/** A key no other test uses (files share one server). */
function key(name = "k") {
  return `t:${process.pid}:${++counter}:${name}`;
}

/** The outcome of a promise as a comparable value: {ok} or {err: {name, message}}. */
async function outcome(promise) {
  try {
    return { ok: await promise };
  } catch (err) {
    return { err: { name: err.constructor.name, message: err.message } };
  }
}

/** Run `fn` on both clients; returns [ioglide outcome, ioredis outcome]. */
async function both(glideClient, oracleClient, fn) {
  const a = await outcome(Promise.resolve().then(() => fn(glideClient)));
  const b = await outcome(Promise.resolve().then(() => fn(oracleClient)));
  return [a, b];
}

/** Record the events a client emits, in order. */
function recordEvents(
  client,
  names = ["connecting", "connect", "ready", "error", "close", "reconnecting", "end", "wait"],
) {
  const seen = [];
  for (const n of names)
    client.on(n, (arg) => seen.push(n === "error" ? `error:${arg && (arg.code || arg.message)}` : n));
  return seen;
}

function once(emitter, event, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args) => {
      clearTimeout(t);
      resolve(args);
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves with 'pending' if `promise` has not settled within `ms`. */
function settledWithin(promise, ms) {
  return Promise.race([
    promise.then(
      (v) => ({ ok: v }),
      (e) => ({ err: e }),
    ),
    sleep(ms).then(() => "pending"),
  ]);
}

module.exports = {
  Redis,
  IORedis,
  glide,
  oracle,
  closeAll,
  key,
  outcome,
  both,
  recordEvents,
  once,
  sleep,
  settledWithin,
};
