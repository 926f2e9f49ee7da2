"use strict";
// ACL users, passwords and TLS against real servers; secrets never leak.
const { suite } = require("uvu");
const assert = require("uvu/assert");
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const util = require("util");
const { Redis, IORedis, sleep, settledWithin } = require("../support/clients");
const { startServer, freePort } = require("../support/servers");

const t = suite("security");
const PASSWORD = "pw-" + Math.random().toString(36).slice(2);
let server;
let tls;
const clients = [];
const track = (c) => (clients.push(c), c);

/** A CA and a server certificate for 127.0.0.1/localhost, made with openssl. */
function makeCertificates(dir) {
  const run = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=ioglide-test-ca",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  );
  fs.writeFileSync(path.join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr");
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
    "-out",
    "server.crt",
  );
  return { ca: fs.readFileSync(path.join(dir, "ca.crt")), dir };
}

t.before(async () => {
  server = await startServer({ extraArgs: ["--requirepass", PASSWORD] });
  const admin = new IORedis({ port: server.port, password: PASSWORD });
  await admin.acl("SETUSER", "alice", "on", ">alice-secret", "~alice:*", "+@all");
  admin.disconnect();
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), "ioglide-tls-"));
  const certs = makeCertificates(certDir);
  const tlsPort = await freePort();
  const tlsServer = await startServer({
    extraArgs: [
      "--tls-port",
      String(tlsPort),
      "--tls-cert-file",
      `${certDir}/server.crt`,
      "--tls-key-file",
      `${certDir}/server.key`,
      "--tls-ca-cert-file",
      `${certDir}/ca.crt`,
      "--tls-auth-clients",
      "no",
    ],
  });
  tls = { server: tlsServer, port: tlsPort, ca: certs.ca, certDir };
});

t.after(async () => {
  for (const c of clients) c.disconnect();
  await server.cleanup();
  await tls.server.cleanup();
  fs.rmSync(tls.certDir, { recursive: true, force: true });
});

t("password auth works", async () => {
  const c = track(new Redis({ port: server.port, host: "127.0.0.1", password: PASSWORD }));
  assert.is(await c.ping(), "PONG");
  assert.is(await c.acl("whoami"), "default");
});

t("an ACL user (username + password) works, and its permissions apply", async () => {
  const c = track(new Redis({ port: server.port, host: "127.0.0.1", username: "alice", password: "alice-secret" }));
  const i = track(new IORedis({ port: server.port, host: "127.0.0.1", username: "alice", password: "alice-secret" }));
  assert.is(await c.acl("whoami"), "alice");
  assert.is(await c.set("alice:k", "v"), "OK");
  const mine = await c.set("bob:k", "v").catch((e) => [e.constructor.name, e.message]);
  const theirs = await i.set("bob:k", "v").catch((e) => [e.constructor.name, e.message]);
  assert.equal(mine, theirs);
  assert.match(mine[1], /^NOPERM/);
});

t("credentials in a redis:// URL", async () => {
  const c = track(new Redis(`redis://alice:alice-secret@127.0.0.1:${server.port}/0`));
  assert.is(await c.acl("whoami"), "alice");
});

t("a wrong password: ioredis's error, no secret in messages, inspect or logs", async () => {
  const secret = "wrong-" + Math.random().toString(36).slice(2);
  const c = track(new Redis({ port: server.port, host: "127.0.0.1", password: secret, retryStrategy: () => null }));
  const i = track(new IORedis({ port: server.port, host: "127.0.0.1", password: secret, retryStrategy: () => null }));
  const errors = [[], []];
  c.on("error", (e) => errors[0].push(e));
  i.on("error", (e) => errors[1].push(e));
  const printed = [];
  const origError = console.error;
  console.error = (...a) => printed.push(a.join(" "));
  try {
    const [mine, theirs] = await Promise.all([settledWithin(c.ping(), 8000), settledWithin(i.ping(), 8000)]);
    assert.ok(mine.err && theirs.err, "both reject the pending call");
    await sleep(100);
  } finally {
    console.error = origError;
  }
  assert.ok(errors[0].length > 0 && errors[1].length > 0);
  assert.is(errors[0][0].constructor.name, errors[1][0].constructor.name);
  assert.is(errors[0][0].message, errors[1][0].message);
  assert.match(errors[0][0].message, /^WRONGPASS/);
  for (const e of errors[0]) {
    assert.not.match(e.message, new RegExp(secret));
    assert.not.match(String(e.stack), new RegExp(secret));
  }
  assert.not.match(util.inspect(c), new RegExp(secret));
  assert.not.match(printed.join("\n"), new RegExp(secret));
});

t("TLS with a custom CA (tls.ca) and with a rediss:// URL", async () => {
  const c = track(new Redis({ host: "127.0.0.1", port: tls.port, tls: { ca: tls.ca } }));
  assert.is(await c.ping(), "PONG");
  assert.match(await c.client("info"), /laddr=127\.0\.0\.1:\d+/);
  const u = track(new Redis(`rediss://127.0.0.1:${tls.port}`, { tls: { ca: tls.ca } }));
  assert.is(await u.echo("over tls"), "over tls");
});

t("TLS without the CA is refused (certificate not trusted)", async () => {
  const c = track(
    new Redis({ host: "127.0.0.1", port: tls.port, tls: {}, retryStrategy: () => null, connectTimeout: 2000 }),
  );
  const errs = [];
  c.on("error", (e) => errs.push(e));
  const r = await settledWithin(c.ping(), 8000);
  assert.ok(r.err, "the call rejects");
  assert.ok(errs.length > 0, "an error event was emitted");
});

t("TLS with rejectUnauthorized: false skips verification", async () => {
  const c = track(new Redis({ host: "127.0.0.1", port: tls.port, tls: { rejectUnauthorized: false } }));
  assert.is(await c.ping(), "PONG");
});

t("TLS client certificates are refused at construction (GLIDE cannot present them)", () => {
  assert.throws(
    () => new Redis({ lazyConnect: true, tls: { cert: "x", key: "y" } }),
    /not supported: TLS client certificates/,
  );
});

t.run();
