/**
 * `redis.pipeline()` and `redis.multi()`: ioredis's Pipeline.
 *
 * Commands are queued (every command and Buffer variant, synthesized by the
 * same dispatch Proxy as the client, plus defined scripts) and sent by
 * `exec()`:
 * - a pipeline: each command runs the client's chain and goes to the ordered
 *   lane, all in one synchronous loop, so they are contiguous there and are
 *   auto-pipelined like any other calls; blocking commands stay in that
 *   order on the main connection, as in ioredis;
 * - a transaction (multi): see transaction.ts.
 * `exec()` resolves `[[err, reply], ...]` (null when a WATCHed key changed).
 */
import asCallback from "standard-as-callback";
import type { CallPlacement, Call } from "../chain/call";
import { isCommandName } from "../commands/spec";
import { installDispatchProxy } from "../dispatch/proxy";
import { TransactionGroup } from "../executor/transactions";
import type { ChainableCommander } from "../../types/commander";

type Callback = (err: Error | null, value?: unknown) => void;
/** What exec() resolves: per command `[null, reply]`, or `[error]` (a one-element array, as ioredis builds it). */
export type PipelineResult = [error: Error | null, result: unknown][];
type Entry = PipelineResult[number];
const failed = (error: Error): Entry => [error] as unknown as Entry;

/** What a pipeline needs from its client. */
export interface PipelineHost {
  options: object;
  readonly isCluster: boolean;
  runCall(
    command: string,
    args: unknown[],
    buffer: boolean,
    placement: CallPlacement,
    onDone?: (error: Error | null, value: unknown) => void,
  ): Promise<unknown>;
  needsPromise(command: string): boolean;
  submitTransaction(transaction: Call): Promise<unknown>;
  /** a multi().exec() of `size` commands, traced on ioredis:batch */
  traceBatch<T>(size: number, exec: () => Promise<T>): Promise<T>;
  definedCommandNames(): string[];
}

interface Queued {
  command: string;
  args: unknown[];
  buffer: boolean;
  callback: Callback | undefined;
}

const PLAIN: CallPlacement = { pipeline: {} };
export const QUEUE = Symbol("ioglide.queue");

export class Pipeline {
  readonly isPipeline = true;
  readonly isCluster: boolean;
  readonly options: object;
  // #private: a command defined with any name (defineCommand) cannot clobber them.
  readonly #transaction: boolean;
  readonly #redis: PipelineHost;
  #queued: Queued[] = [];
  #result: Promise<PipelineResult | null> | undefined;

  constructor(
    readonly redis: PipelineHost,
    transaction: boolean,
  ) {
    this.#transaction = transaction;
    this.#redis = redis;
    this.isCluster = redis.isCluster;
    this.options = redis.options;
    // Scripts defined on the client are commands of its pipelines too (own
    // properties, as ioredis sets them: they shadow a getter of the same name).
    for (const name of redis.definedCommandNames()) {
      Object.defineProperty(this, name, { value: queueMethod(name, false), writable: true, configurable: true });
      Object.defineProperty(this, name + "Buffer", {
        value: queueMethod(name, true),
        writable: true,
        configurable: true,
      });
    }
  }

  get length(): number {
    return this.#queued.length;
  }

  [QUEUE](command: string, args: unknown[], buffer: boolean): this {
    const callback = typeof args[args.length - 1] === "function" ? (args.pop() as Callback) : undefined;
    this.#queued.push({ command, args, buffer, callback });
    return this;
  }

  /** ioredis's addBatch: [[name, ...args], ...] */
  addBatch(commands: unknown[][]): this {
    for (const [name, ...args] of commands) {
      const method = (this as unknown as Record<string, unknown>)[name as string];
      if (typeof method !== "function") throw new Error(`ioglide: unknown command '${String(name)}' in pipeline`);
      (method as (...a: unknown[]) => unknown).apply(this, args);
    }
    return this;
  }

  /** `call(name, ...args)` / `callBuffer`: any command, queued. */
  call(command: string, ...args: unknown[]): this {
    return this[QUEUE](command, args, false);
  }

  callBuffer(command: string, ...args: unknown[]): this {
    return this[QUEUE](command, args, true);
  }

  exec(callback?: (err?: Error | null, result?: PipelineResult | null) => void): Promise<PipelineResult | null> {
    // As ioredis: a second exec() sends the commands again but answers with the first results.
    const run = this.#transaction
      ? this.#redis.traceBatch(this.#queued.length, () => this.#execTransaction())
      : this.#execPipeline();
    if (this.#result) run.catch(() => undefined);
    else this.#result = run;
    return callback ? asCallback(this.#result, callback as never) : this.#result;
  }

  /** @deprecated as in ioredis: use exec(). */
  execBuffer(callback?: (err?: Error | null, result?: PipelineResult | null) => void): Promise<PipelineResult | null> {
    return this.exec(callback);
  }

  multi(): never {
    throw new Error("ioglide: not supported: MULTI inside a pipeline; use redis.multi()");
  }

  #execPipeline(): Promise<PipelineResult> {
    const queued = this.#queued;
    if (queued.length === 0) return Promise.resolve([]);
    if (queued.some((q) => this.#redis.needsPromise(q.command))) {
      // Middleware expects promises: one per command.
      const runs = queued.map((q) => {
        const reply = this.#redis.runCall(q.command, q.args, q.buffer, PLAIN);
        if (q.callback) asCallback(reply, q.callback as never);
        return reply.then(
          (value): Entry => [null, value],
          (error: Error): Entry => failed(error),
        );
      });
      return Promise.all(runs);
    }
    return new Promise((resolve) => {
      const results: PipelineResult = new Array(queued.length);
      let left = queued.length;
      queued.forEach((q, i) => {
        const done = (error: Error | null, value: unknown) => {
          results[i] = error ? failed(error) : [null, value];
          if (q.callback) asCallback(error ? Promise.reject(error) : Promise.resolve(value), q.callback as never);
          if (--left === 0) resolve(results);
        };
        // A promise comes back only when the command failed before reaching a lane.
        this.#redis.runCall(q.command, q.args, q.buffer, PLAIN, done)?.then(
          (value) => done(null, value),
          (error: Error) => done(error, undefined),
        );
      });
    });
  }

  async #execTransaction(): Promise<PipelineResult | null> {
    const queued = this.#queued;
    const group = new TransactionGroup(queued.length, (tx) => this.#redis.submitTransaction(tx));
    queued.forEach((q, i) => {
      const context: CallPlacement = { pipeline: { collect: (call) => group.arrive(i, call) } };
      this.#redis.runCall(q.command, q.args, q.buffer, context).then(
        (value) => group.settledEarly(i, null, value),
        (error: Error) => group.settledEarly(i, error),
      );
    });
    const outcome = await group.outcome;
    // Each command's own callback sees what MULTI answered for it: QUEUED, or its error.
    queued.forEach((q, i) => {
      if (!q.callback) return;
      const error = outcome.kind === "aborted" ? outcome.errors[i] : null;
      asCallback(error ? Promise.reject(error) : Promise.resolve("QUEUED"), q.callback as never);
    });
    if (outcome.kind === "watch-failed") return null;
    if (outcome.kind === "aborted") throw outcome.error;
    return outcome.replies.map((r): Entry => (r.error ? failed(r.error) : [null, r.value]));
  }
}

/** Every command of a pipeline returns the pipeline (types/commander.d.ts, generated). */
export interface Pipeline extends ChainableCommander {}

function queueMethod(command: string, buffer: boolean) {
  return function (this: Pipeline, ...args: unknown[]): Pipeline {
    return this[QUEUE](command, args, buffer);
  };
}

installDispatchProxy(Pipeline.prototype, (name) => {
  if (isCommandName(name)) return queueMethod(name, false);
  if (name.endsWith("Buffer") && isCommandName(name.slice(0, -6))) return queueMethod(name.slice(0, -6), true);
  return undefined;
});
