/**
 * Script cache: commands made by `defineCommand(name, {numberOfKeys, lua})`.
 *
 * A defined command becomes EVALSHA (or EVAL) with ioredis's own strategy:
 * the first call on a connection sends EVAL with the source (so it runs, and
 * the server caches it, in one step, also inside MULTI), later calls send
 * EVALSHA; a NOSCRIPT reply (the server lost its script cache) means the
 * script did not run, so it is sent again as EVAL: once per call, never twice.
 *
 * GLIDE's own `Script`/`invokeScript` is not used: it cannot go into a Batch
 * (no auto-pipelining, no pipelines or transactions), and its native script
 * container only shrinks when `release()` is called exactly once per object.
 * This cache holds plain strings: the definitions, and a bounded set of SHAs
 * known to be loaded on the current connection.
 */
import { isUtf8 } from "buffer";
import { createHash } from "crypto";
import type { Call } from "../chain/call";
import type { Stage } from "../chain/middleware";
import { specFor } from "../commands/spec";
import { ArgumentError } from "../errors";

export interface ScriptDefinition {
  lua: string;
  numberOfKeys?: number | null;
  /**
   * As ioredis: on a Cluster with scaleReads "slave" the script may run on a
   * replica of its first key's slot; elsewhere it changes nothing.
   */
  readOnly?: boolean;
}

/** A defined script. */
export interface DefinedScript {
  readonly name: string;
  readonly lua: string;
  readonly sha: string;
  readonly numberOfKeys: number | null;
  readonly readOnly: boolean;
  readonly cache: ScriptCache;
}

/** SHAs the current connection is known to hold; at most this many are remembered. */
export const LOADED_SCRIPTS_LIMIT = 10000;

const EVAL = specFor("eval");
const EVALSHA = specFor("evalsha");

export class ScriptCache {
  private readonly defined = new Map<string, DefinedScript>();
  private loaded = new Set<string>();
  /** SHAs sent as EVAL since the connection was lost: those go out on the next connection */
  private sentSinceLost = new Set<string>();

  /** (Re)define: like a new ioredis Script, its first call sends the source. */
  define(name: string, definition: ScriptDefinition): void {
    if (!definition || typeof definition.lua !== "string")
      throw new ArgumentError(`ioglide: defineCommand('${name}') needs { lua: string }`);
    const n = definition.numberOfKeys;
    if (n !== undefined && n !== null && (typeof n !== "number" || !Number.isInteger(n) || n < 0)) {
      throw new ArgumentError(`ioglide: defineCommand('${name}'): numberOfKeys must be a non-negative integer`);
    }
    const sha = createHash("sha1").update(definition.lua).digest("hex");
    this.defined.set(name, {
      name,
      lua: definition.lua,
      sha,
      numberOfKeys: typeof n === "number" ? n : null,
      readOnly: definition.readOnly === true,
      cache: this,
    });
    this.loaded.delete(sha);
  }

  has(name: string): boolean {
    return this.defined.has(name);
  }

  names(): string[] {
    return [...this.defined.keys()];
  }

  get(name: string): DefinedScript | undefined {
    return this.defined.get(name);
  }

  isLoaded(sha: string): boolean {
    return this.loaded.has(sha);
  }

  markLoaded(sha: string): void {
    if (this.loaded.size >= LOADED_SCRIPTS_LIMIT) this.loaded = new Set();
    this.loaded.add(sha);
    if (this.sentSinceLost.size < LOADED_SCRIPTS_LIMIT) this.sentSinceLost.add(sha);
  }

  forget(sha: string): void {
    this.loaded.delete(sha);
  }

  /** The connection is gone: what is sent from now on waits for the next one. */
  connectionLost(): void {
    this.sentSinceLost = new Set();
  }

  /**
   * A new connection holds only the scripts whose EVAL waited for it (the
   * offline queue sends them first), as ioredis marks a script loaded per
   * socket when its EVAL is written. If such an EVAL fails instead, the next
   * EVALSHA meets NOSCRIPT and recovers.
   */
  connectionChanged(): void {
    this.loaded = this.sentSinceLost;
    this.sentSinceLost = new Set();
  }

  /** SCRIPT FLUSH: the connection holds no scripts. */
  flushed(): void {
    this.loaded = new Set();
    this.sentSinceLost = new Set();
  }
}

function isNoScript(err: unknown): boolean {
  return err instanceof Error && /^(NOSCRIPT|An error was signalled by the server: - NoScriptError)/.test(err.message);
}

/**
 * The call's retry hook (Call.retry), run by the lanes when it fails: on
 * NOSCRIPT (the script did not run) the call is rewritten to EVAL with its
 * source and goes again, first; anything else is final. Once per call: an
 * EVAL that fails is final.
 */
function recoverFromNoScript(call: Call, script: DefinedScript, error: Error): boolean {
  if (call.spec === EVAL || !isNoScript(error)) return false;
  script.cache.forget(script.sha);
  call.args[0] = script.lua;
  call.spec = EVAL;
  return true;
}

/**
 * A readOnly script on a Cluster that reads from replicas: ioredis sends it to
 * a replica of its first key's slot (the command counts as read-only there).
 * GLIDE routes EVAL/EVALSHA to the primary whatever readFrom says, so the
 * call names the replica route itself. Calls in a pipeline keep their batch's
 * node, as ioredis's pipelines go to one node; keyless calls go where GLIDE sends them.
 */
function onReplica(call: Call): void {
  if (call.pipeline !== undefined || call.route !== undefined) return;
  const numberOfKeys = Number(String(call.args[1]));
  const key = call.args[2];
  if (!(numberOfKeys > 0) || key === undefined) return;
  // GLIDE takes the route's key as a string and hashes its UTF-8 bytes: a key that is not UTF-8 stays on the primary.
  if (typeof key !== "string" && !isUtf8(key)) return;
  call.route = { type: "replicaSlotKey", key: String(key) };
}

/** Rewrite a defined command's call into EVAL or EVALSHA with ioredis's argument rules. */
function toEval(call: Call, script: DefinedScript, cache: ScriptCache, keyPrefix: string | Buffer): void {
  const args = call.args;
  // Dynamic form: the first argument is the key count. Bad counts go to the server, which says why.
  const dynamic = script.numberOfKeys === null;
  const numkeys: string | Buffer = dynamic ? (args[0] ?? "") : String(script.numberOfKeys);
  const numberOfKeys = Number(String(numkeys));
  const rest = dynamic ? (args.slice(1) as (string | Buffer)[]) : args;
  const loaded = cache.isLoaded(script.sha);
  const out: (string | Buffer)[] = [loaded ? script.sha : script.lua, numkeys];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (i < numberOfKeys && keyPrefix.length > 0) {
      out.push(
        typeof keyPrefix === "string" && typeof arg === "string"
          ? keyPrefix + arg
          : Buffer.concat([Buffer.from(keyPrefix), Buffer.from(arg)]),
      );
    } else out.push(arg);
  }
  call.args = out as Call["args"];
  call.spec = loaded ? EVALSHA : EVAL;
  call.retry = (error) => recoverFromNoScript(call, script, error);
  // Optimistic, as ioredis: the EVAL about to go out loads it.
  cache.markLoaded(script.sha);
}

/**
 * The stage rewrites defined commands' calls (and gives them the NOSCRIPT
 * retry hook: no extra promise per script call), and notices SCRIPT FLUSH:
 * the scripts the connection held are gone. Inside MULTI a NOSCRIPT is part
 * of EXEC's reply and cannot be resent.
 */
export function scriptCacheStage(
  cache: ScriptCache,
  keyPrefix: () => string | Buffer,
  readsFromReplicas = false,
): Stage {
  return {
    appliesTo: (command, spec) => cache.has(command) || spec.subcommands?.has("flush") === true,
    handle(call, next) {
      const script = cache.get(call.command);
      if (script) {
        toEval(call, script, cache, keyPrefix());
        if (readsFromReplicas && script.readOnly) onReplica(call);
        return next(call);
      }
      if (!call.spec.flushesScripts) return next(call);
      return next(call).then((reply) => {
        cache.flushed();
        return reply;
      });
    },
  };
}
