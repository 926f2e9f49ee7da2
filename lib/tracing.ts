/**
 * ioredis 6's tracing channels (`node:diagnostics_channel`), under its names,
 * so APM tools that subscribe to ioredis (Datadog, Sentry, OpenTelemetry's
 * diagnostics-channel instrumentations) see ioglide's calls unconfigured:
 *
 * - `ioredis:command`: one per call, when it is sent (an offline-queued call
 *   when it is flushed; never again for an internal resend);
 * - `ioredis:batch`: one per `multi().exec()`;
 * - `ioredis:connect`: one per connection attempt.
 *
 * Each is a TracingChannel: start/end/asyncStart/asyncEnd/error with
 * `result` or `error` set on the context. With no subscriber the cost is one
 * property read per request.
 */
import * as dc from "node:diagnostics_channel";
import type { Call } from "./chain/call";
import { generic } from "./commands/reply-values";

// Argument sanitization rules of ioredis 6 (lib/tracing.ts), adapted there from
// @opentelemetry/redis-common (Apache 2.0). How many arguments after the command
// name are shown; -1: all. Unlisted commands show none (AUTH, HELLO, unknown ones).
const SERIALIZATION_SUBSETS: ReadonlyArray<{ regex: RegExp; args: number }> = [
  { regex: /^ECHO/i, args: 0 },
  { regex: /^(GETSET|LPUSH|MSET|PFA|PSETEX|PUBLISH|RPUSH|SADD|SET|SPUBLISH|XADD|ZADD)/i, args: 1 },
  { regex: /^(HSET|HMSET|LSET|LINSERT)/i, args: 2 },
  {
    regex:
      /^(ACL|BIT|B[LRZ]|CLIENT|CLUSTER|CONFIG|COMMAND|DECR|DEL|EVAL|EX|FUNCTION|GEO|GET|HINCR|HMGET|HSCAN|INCR|L[TRLM]|MEMORY|P[EFISTU]|RPOP|S[CDIMORSU]|XACK|X[CDGILPRT]|Z[CDILMPRS])/i,
    args: -1,
  },
];

/** The arguments as a trace shows them: the safe leading ones as strings, the rest "?". */
export function sanitizeArgs(commandName: string, args: readonly unknown[]): string[] {
  let allowed = 0;
  for (const subset of SERIALIZATION_SUBSETS) {
    if (subset.regex.test(commandName)) {
      allowed = subset.args;
      break;
    }
  }
  if (allowed === -1) return args.map((a) => String(a));
  return args.map((a, i) => (i < allowed ? String(a) : "?"));
}

export interface CommandTraceContext {
  command: string;
  args: string[];
  database: number;
  serverAddress: string;
  serverPort: number | undefined;
}

export interface BatchOperationContext {
  batchMode: "MULTI";
  batchSize: number;
  database: number;
  serverAddress: string;
  serverPort: number | undefined;
}

export interface ConnectTraceContext {
  serverAddress: string;
  serverPort: number | undefined;
  connectionEpoch: number;
}

/** Where a client's calls go, as the trace contexts name it (ioredis: host or path, port or undefined). */
export interface TraceTarget {
  serverAddress: string;
  serverPort: number | undefined;
}

interface Channel<Context extends object> {
  readonly hasSubscribers: boolean;
  tracePromise<T>(fn: () => Promise<T>, context: Context): Promise<T>;
}

const channel = <C extends object>(name: string): Channel<C> => dc.tracingChannel(name) as unknown as Channel<C>;
const commandChannel = channel<CommandTraceContext>("ioredis:command");
const batchChannel = channel<BatchOperationContext>("ioredis:batch");
const connectChannel = channel<ConnectTraceContext>("ioredis:connect");

const noop = (): void => undefined;

/**
 * Trace a command whose outcome `outcome` will settle. The traced promise is
 * the channel's; its rejection is the caller's to see, not an unhandled one.
 */
export function traceCommand(outcome: Promise<unknown>, context: () => CommandTraceContext): void {
  if (!commandChannel.hasSubscribers) return;
  commandChannel.tracePromise(() => outcome, context()).catch(noop);
}

export function traceBatch<T>(fn: () => Promise<T>, context: () => BatchOperationContext): Promise<T> {
  if (!batchChannel.hasSubscribers) return fn();
  const traced = batchChannel.tracePromise(fn, context());
  traced.catch(noop);
  return traced;
}

/** Trace one connection attempt, settled by `outcome` (ready, or the attempt failed). */
export function traceConnect(outcome: () => Promise<void>, context: () => ConnectTraceContext): void {
  if (!connectChannel.hasSubscribers) return;
  connectChannel.tracePromise(outcome, context()).catch(noop);
}

/** Where a client's calls go now: its database and server, as the contexts name them. */
export type TraceScope = () => TraceTarget & { database: number };

/** The outcome of a call, as a promise (settle.ts tells it). */
function outcomeOf(call: Call): Promise<unknown> {
  return new Promise((resolve, reject) => {
    call.observe = (error, value) => (error ? reject(error) : resolve(value));
  });
}

/**
 * The name ioredis's trace shows: the command as the caller wrote it, or what
 * a defined script became (eval, evalsha).
 */
function sentName(call: Call): string {
  return call.command.toLowerCase() === call.spec.command ? call.command : call.spec.command;
}

/** One client's command traces: told by the lanes (and the pub/sub router) as calls go out. */
export class CallTracer {
  constructor(private readonly scope: TraceScope) {}

  /** Is anyone listening? (the lanes ask before building anything) */
  get active(): boolean {
    return commandChannel.hasSubscribers;
  }

  /**
   * `call` is going out. Traced once: a call sent again (NOSCRIPT recovery,
   * a redirect, a reconnect) is not traced again. A MULTI/EXEC request shows
   * as ioredis sends it: multi, each command (QUEUED), exec.
   */
  sent(call: Call, outcome?: Promise<unknown>): void {
    if (call.traced || !commandChannel.hasSubscribers) return;
    call.traced = true;
    const settled = outcome ?? outcomeOf(call);
    const inner = call.transaction;
    if (inner === undefined) {
      // As ioredis: a SELECT's own trace already names the database it selects.
      const db = call.spec.selectsDatabase ? Number(String(call.args[0])) : NaN;
      this.#trace(settled, sentName(call), call.args, Number.isInteger(db) ? db : undefined);
      return;
    }
    settled.catch(noop);
    const ok = () => "OK";
    this.#trace(settled.then(ok, ok), "multi", []);
    for (const c of inner) {
      c.traced = true;
      this.#trace(
        settled.then(() => "QUEUED"),
        sentName(c),
        c.args,
      );
    }
    // EXEC's own reply as ioredis's parser gives it (the transaction's replies come as Buffers).
    const env = call.env;
    this.#trace(
      settled.then((replies) => generic(replies, { args: [], buffer: false, env })),
      "exec",
      [],
    );
  }

  #trace(outcome: Promise<unknown>, command: string, args: readonly unknown[], database?: number): void {
    traceCommand(outcome, () => {
      const scope = this.scope();
      if (database !== undefined) scope.database = database;
      return { command, args: sanitizeArgs(command, args), ...scope };
    });
  }

  /** A multi().exec() of `batchSize` commands. */
  batch<T>(batchSize: number, fn: () => Promise<T>): Promise<T> {
    return traceBatch(fn, () => ({ batchMode: "MULTI" as const, batchSize, ...this.scope() }));
  }
}
