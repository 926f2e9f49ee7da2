#!/usr/bin/env node
/**
 * `npm run generate:types`: writes types/commander.d.ts, the typed command
 * methods, from the declarations of the ioredis ioglide tracks
 * (ioredis/built/utils/RedisCommander.d.ts, which ioredis generates with
 * @ioredis/interface-generator from its own command data and a server that
 * documents every command it types). No server is needed, and the result
 * does not depend on which server is on PATH.
 *
 * On top of ioredis's methods:
 * - a Buffer twin wherever ioredis leaves it out (it drops the twin when the
 *   reply holds no string; ioglide's clients have one for every command);
 * - a generic signature (any arguments) for the commands of
 *   @ioredis/commands that ioredis's declarations do not type, and SENTINEL,
 *   so that every command of the table stays callable.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { list } = require("@ioredis/commands");

const HERE = __dirname;
const OUT = path.join(HERE, "..", "..", "types", "commander.d.ts");
const SOURCE = require.resolve("ioredis/built/utils/RedisCommander.d.ts");
const IOREDIS_VERSION = require("ioredis/package.json").version;

/** Replies of the commands ioredis does not type, where they do not depend on the arguments. */
const GENERIC_REPLIES = { delex: "number", digest: "string | null" };

/** The depth change of a line of declarations: (), [] and {} (angle brackets hold arrows). */
function depth(line) {
  let d = 0;
  for (const ch of line.replace(/'[^']*'|"[^"]*"/g, "")) {
    if (ch === "(" || ch === "[" || ch === "{") d++;
    else if (ch === ")" || ch === "]" || ch === "}") d--;
  }
  return d;
}

/** ioredis's file cut in three: the types before the interface, its members, and their names. */
function readIoredis() {
  const lines = fs.readFileSync(SOURCE, "utf8").split("\n");
  const open = lines.findIndex((l) => l.startsWith("interface RedisCommander<"));
  const bodyStart = lines.findIndex((l, i) => i > open && l === "}> {") + 1;
  const bodyEnd = lines.lastIndexOf("}");
  const types = lines
    .slice(0, open)
    .filter((l) => !l.startsWith("/// <reference") && !l.startsWith("import "))
    .join("\n")
    .replace(/^\/\*\*[\s\S]*?\*\/\n/, "");
  /** @type {{ name: string, doc: string[], text: string[] }[]} */
  const members = [];
  let doc = [];
  for (let i = bodyStart; i < bodyEnd; i++) {
    const line = lines[i];
    if (/^ {4}\/\*\*/.test(line)) {
      doc = [];
      while (!lines[i].includes("*/")) doc.push(lines[i++]);
      doc.push(lines[i]);
      continue;
    }
    const match = /^ {4}(?:([a-zA-Z_][a-zA-Z0-9_]*)|\['([^']+)'\])[(<]/.exec(line);
    const name = match?.[1] ?? match?.[2];
    if (!name) throw new Error(`unexpected line ${i + 1} of ${SOURCE}: ${line}`);
    const text = [line];
    let d = depth(line);
    while (d > 0 || !text[text.length - 1].trimEnd().endsWith(";")) {
      const next = lines[++i];
      text.push(next);
      d += depth(next);
    }
    members.push({ name, doc, text });
    doc = [];
  }
  return { types, members };
}

/** The index of the `>` closing the `<` at `open`, skipping arrows (`=>`). */
function closing(text, open) {
  let d = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "<") d++;
    else if (text[i] === ">" && text[i - 1] !== "=" && --d === 0) return i;
  }
  return text.length;
}

/** A member's reply types (in Callback<>, Result<>, Promise<>) with strings as Buffers; Record keys stay strings. */
function bufferReply(text) {
  let out = "";
  let from = 0;
  const re = /\b(?:Callback|Result|Promise)</g;
  for (let m; (m = re.exec(text));) {
    const open = m.index + m[0].length - 1;
    const end = closing(text, open);
    out += text.slice(from, open) + text.slice(open, end).replace(/(?<!Record<)\bstring\b/g, "Buffer");
    from = end;
    re.lastIndex = end;
  }
  return out + text.slice(from);
}

/** Any arguments, for the commands ioredis's declarations do not type. */
function genericMethod(name) {
  const reply = GENERIC_REPLIES[name] ?? "unknown";
  const variants = [
    [name, reply],
    [`${name}Buffer`, reply.replace(/string/g, "Buffer")],
  ];
  const lines = variants.flatMap(([method, type]) => {
    const id = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(method) ? method : `['${method}']`;
    return [
      `  ${id}(...args: [...args: (RedisValue | RedisValue[])[], callback: Callback<${type}>]): Result<${type}, Context>;`,
      `  ${id}(...args: (RedisValue | RedisValue[] | Callback<${type}> | undefined)[]): Result<${type}, Context>;`,
    ];
  });
  return [`  /** ${name.toUpperCase()}: not typed by ioredis ${IOREDIS_VERSION}: any arguments. */`, ...lines];
}

/** ioredis's 4-space indentation as this repository's 2. */
const reindent = (line) => line.replace(/^( {4})+/, (s) => " ".repeat(s.length / 2));

function main() {
  const { types, members } = readIoredis();
  const typed = new Set(members.map((m) => m.name));
  const out = [];
  for (const member of members) {
    if (member.name === "call" || member.name === "callBuffer") continue; // the template's
    out.push(...member.doc.map(reindent), ...member.text.map(reindent));
    const twin = `${member.name}Buffer`;
    const command = member.name.toLowerCase();
    if (list.includes(command) && !member.name.endsWith("Buffer") && !typed.has(twin))
      out.push(...member.text.map((l) => reindent(bufferReply(l.replace(member.name, twin)))));
  }
  // MONITOR and MULTI are methods of the client of its own.
  const untyped = [...list, "sentinel"].filter((c) => c !== "monitor" && c !== "multi" && !typed.has(c)).sort();
  for (const name of untyped) out.push("", ...genericMethod(name));
  const template = fs.readFileSync(path.join(HERE, "commander.template.d.ts"), "utf8");
  const header = `// Generated from the declarations of ioredis ${IOREDIS_VERSION} (${typed.size} methods), ${untyped.length} commands generic.\n/* eslint-disable */\n`;
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(
    OUT,
    header +
      template
        .replace("/* IOREDIS TYPES */", () => types.trim())
        .replace("  /* GENERATED METHODS */", () => out.join("\n")),
  );
  console.log(
    `wrote ${path.relative(process.cwd(), OUT)}: ioredis ${IOREDIS_VERSION}'s methods, generic: ${untyped.join(", ")}`,
  );
}

main();
