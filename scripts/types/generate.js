#!/usr/bin/env node
/**
 * `npm run generate:types`: writes types/commander.d.ts, the typed command
 * methods, from a server's COMMAND DOCS with @ioredis/interface-generator
 * and this folder's maps (type-maps.js, return-types.js, overrides.js,
 * argument-types.js, sort-arguments.js) and template (commander.template.d.ts).
 *
 * The server: IOGLIDE_TYPES_SERVER=host:port, else one started here
 * (IOGLIDE_SERVER_BIN names the binary; else valkey-server or redis-server
 * from PATH).
 * A newer server documents more commands and options; commands the server
 * does not document get a generic signature (any arguments, reply unknown)
 * so that every command of the table stays callable.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { getCommanderInterface } = require("@ioredis/interface-generator");
const { list } = require("@ioredis/commands");
const IORedis = require("ioredis");
const { startServer } = require("../../test/support/servers");

const HERE = __dirname;
const OUT = path.join(HERE, "..", "..", "types", "commander.d.ts");

async function server() {
  if (process.env.IOGLIDE_TYPES_SERVER) {
    const [host, port] = process.env.IOGLIDE_TYPES_SERVER.split(":");
    return { host, port: Number(port), cleanup: async () => undefined };
  }
  return startServer();
}

/** Commands the server documents (COMMAND DOCS answers something for them). */
async function documented(address, commands) {
  const r = new IORedis({ host: address.host, port: address.port, protocol: 2 });
  try {
    const out = new Set();
    for (const name of commands) {
      const docs = await r.command("DOCS", name);
      if (Array.isArray(docs) && docs.length > 0) out.add(name);
    }
    const info = await r.info("server");
    return { known: out, version: /(?:valkey|redis)_version:(\S+)/.exec(info)?.[0] ?? "unknown" };
  } finally {
    r.disconnect();
  }
}

/**
 * Any arguments, for commands the server did not document; the reply type
 * is the one return-types.js gives when it does not depend on the arguments.
 */
function genericMethod(name, returnTypes) {
  const known = typeof returnTypes[name] === "string" ? returnTypes[name] : "unknown";
  const variants = [
    [name, known],
    [`${name}Buffer`, known.replace(/string/g, "Buffer")],
  ];
  const lines = variants.flatMap(([method, reply]) => {
    const id = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(method) ? method : `['${method}']`;
    return [
      `  ${id}(...args: [...args: (RedisValue | RedisValue[])[], callback: Callback<${reply}>]): Result<${reply}, Context>;`,
      `  ${id}(...args: (RedisValue | RedisValue[] | Callback<${reply}> | undefined)[]): Result<${reply}, Context>;`,
    ];
  });
  return `\n  /** ${name.toUpperCase()}: not documented by the server the types were generated from: any arguments. */\n${lines.join("\n")}`;
}

async function main() {
  const address = await server();
  try {
    // ioredis's command list, plus SENTINEL; MONITOR and MULTI are methods of the client of their own.
    const commands = [...list.filter((c) => c !== "monitor" && c !== "multi"), "sentinel"].sort();
    const { known, version } = await documented(address, commands);
    const returnTypes = require("./return-types");
    const generated = await getCommanderInterface({
      commands: commands.filter((c) => known.has(c)),
      complexityLimit: 50,
      redisOpts: { host: address.host, port: address.port, protocol: 2 },
      overrides: require("./overrides"),
      returnTypes,
      argumentTypes: require("./argument-types"),
      sortArguments: require("./sort-arguments"),
      typeMaps: require("./type-maps"),
      ignoredBufferVariant: [],
    });
    const generic = commands
      .filter((c) => !known.has(c))
      .map((c) => genericMethod(c, returnTypes))
      .join("\n");
    const template = fs.readFileSync(path.join(HERE, "commander.template.d.ts"), "utf8");
    const header = `// Generated from the COMMAND DOCS of ${version} (${known.size} of ${commands.length} commands documented).\n`;
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, header + template.replace("/* GENERATED METHODS */", () => generated + "\n" + generic));
    console.log(
      `wrote ${path.relative(process.cwd(), OUT)}: ${known.size} commands from ${version}, ${commands.length - known.size} generic (${commands.filter((c) => !known.has(c)).join(", ")})`,
    );
  } finally {
    await address.cleanup();
  }
}

// Exit when done: the generator leaves its own client connected.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
