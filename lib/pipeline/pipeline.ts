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
 * - a transaction (multi): see transaction.ts;
 * - a pipeline with transactions inside (`pipeline().set(..).multi().incr(..)
 *   .exec().get(..).exec()`): `multi()` opens one, the next `exec()` closes it
 *   (and returns the pipeline), as in ioredis; the pipeline then answers "OK"
 *   for MULTI, "QUEUED" (or the queueing error) for each command inside and
 *   the transaction's replies for EXEC, the transaction going out as one
 *   atomic request between the plain parts.
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

/** What a pipeline runs through: its client's chain and executor (client/pipeline-host.ts). */
export interface PipelineHost {
  runCall(
    command: string,
    args: unknown[],
    buffer: boolean,
    placement: CallPlacement,
    onDone?: (error: Error | null, value: unknown) => void,
  ): Promise<unknown>;
  /** a command that must keep a promise (middleware or a script may retry it) */
  needsPromise(command: string): boolean;
  submitTransaction(transaction: Call): Promise<unknown>;
  /** a transaction was refused before it was sent: drop the WATCHes, as the server would */
  transactionDiscarded(): void;
  /** a multi().exec() of `size` commands, traced on ioredis:batch */
  traceBatch<T>(size: number, exec: () => Promise<T>): Promise<T>;
  /** names of commands made by defineCommand (pipelines have them too) */
  definedCommandNames(): string[];
  /**
   * showFriendlyErrorStack: the caller's stack, captured now, as a function
   * that puts it on an error; undefined when the option is off.
   */
  captureCallerStack(): ((error: Error) => Error) | undefined;
}

interface Queued {
  command: string;
  args: unknown[];
  buffer: boolean;
  callback: Callback | undefined;
  /** MULTI / EXEC of a transaction inside a plain pipeline */
  marker?: "multi" | "exec";
  /** showFriendlyErrorStack: puts the stack of the line that queued it on its error */
  friendly?: (error: Error) => Error;
}

/** A run of the queue: plain commands, or a transaction from its MULTI to its EXEC. */
type Segment = { kind: "plain"; items: number[] } | { kind: "transaction"; multiAt: number; execAt: number };

const PLAIN: CallPlacement = { pipeline: {} };
export const QUEUE = Symbol("ioglide.queue");

export class Pipeline {
  readonly isPipeline = true;
  readonly isCluster: boolean;
  readonly options: object;
  // #private: a command defined with any name (defineCommand) cannot clobber them.
  readonly #transaction: boolean;
  readonly #host: PipelineHost;
  #queued: Queued[] = [];
  #result: Promise<PipelineResult | null> | undefined;
  /** a transaction opened by multi() inside this pipeline, not yet closed by exec() */
  #open = false;
  #hasTransactions = false;

  /** `redis`: the client (ioredis's pipeline.redis); `host`: what the pipeline runs through */
  constructor(
    readonly redis: { options: object; readonly isCluster: boolean },
    host: PipelineHost,
    transaction: boolean,
  ) {
    this.#transaction = transaction;
    this.#host = host;
    this.isCluster = redis.isCluster;
    this.options = redis.options;
    // Scripts defined on the client are commands of its pipelines too (own
    // properties, as ioredis sets them: they shadow a getter of the same name).
    for (const name of host.definedCommandNames()) {
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
    // ioredis leaves the errors inside EXEC's reply as its parser made them
    const friendly = this.#transaction || this.#open ? undefined : this.#host.captureCallerStack();
    this.#queued.push({ command, args, buffer, callback, friendly });
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
    if (this.#open) {
      // Closes the transaction multi() opened: queued as EXEC, the pipeline comes back (ioredis's own rule).
      this.#open = false;
      this.#queued.push({ command: "exec", args: [], buffer: false, callback: callback as Callback, marker: "exec" });
      return this as unknown as Promise<PipelineResult | null>;
    }
    // As ioredis: a second exec() sends the commands again but answers with the first results.
    const friendly = this.#host.captureCallerStack();
    let run = this.#transaction
      ? this.#host.traceBatch(this.#queued.length, () => this.#execTransaction())
      : this.#execPipeline();
    if (friendly) {
      // As ioredis: a plain entry's error shows the line that queued its command, exec's error exec's line.
      const queued = this.#queued;
      run = run.then(
        (result) => (result?.forEach((entry, i) => entry[0] && queued[i]?.friendly?.(entry[0])), result),
        (err: Error) => Promise.reject(friendly(err)),
      );
    }
    if (this.#result) run.catch(() => undefined);
    else this.#result = run;
    return callback ? asCallback(this.#result, callback as never) : this.#result;
  }

  /** @deprecated as in ioredis: use exec(). */
  execBuffer(callback?: (err?: Error | null, result?: PipelineResult | null) => void): Promise<PipelineResult | null> {
    return this.exec(callback);
  }

  /** Opens a transaction inside this pipeline; the next exec() closes it. */
  multi(callback?: Callback): this {
    if (this.#transaction) throw new Error("ioglide: multi() inside multi(): transactions do not nest");
    if (this.#open) throw new Error("ioglide: multi() inside a pipeline's open MULTI: transactions do not nest");
    this.#open = true;
    this.#hasTransactions = true;
    this.#queued.push({ command: "multi", args: [], buffer: false, callback, marker: "multi" });
    return this;
  }

  #execPipeline(): Promise<PipelineResult> {
    const queued = this.#queued;
    if (queued.length === 0) return Promise.resolve([]);
    if (this.#hasTransactions) return this.#execWithTransactions();
    return this.#runPlain(queued);
  }

  /** Plain pipelined commands: each through the chain to the ordered lane, in one synchronous loop. */
  #runPlain(queued: Queued[]): Promise<PipelineResult> {
    if (queued.some((q) => this.#host.needsPromise(q.command))) {
      // Middleware expects promises: one per command.
      const runs = queued.map((q) => {
        const reply = this.#host.runCall(q.command, q.args, q.buffer, PLAIN);
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
        this.#host.runCall(q.command, q.args, q.buffer, PLAIN, done)?.then(
          (value) => done(null, value),
          (error: Error) => done(error, undefined),
        );
      });
    });
  }

  /**
   * A pipeline with transactions inside: its segments go out in queue order
   * (in one synchronous loop, so they are contiguous on the ordered lane;
   * one after another when middleware or scripts make calls asynchronous).
   */
  async #execWithTransactions(): Promise<PipelineResult> {
    const results: PipelineResult = new Array(this.#queued.length);
    const runs = this.#segments().map((segment) => () => this.#runSegment(segment, results));
    if (this.#queued.some((q) => !q.marker && this.#host.needsPromise(q.command))) {
      for (const run of runs) await run();
    } else {
      await Promise.all(runs.map((run) => run()));
    }
    return results;
  }

  #segments(): Segment[] {
    const segments: Segment[] = [];
    let plain: number[] = [];
    let multiAt = -1;
    this.#queued.forEach((q, i) => {
      if (q.marker === "multi") {
        if (plain.length > 0) segments.push({ kind: "plain", items: plain });
        plain = [];
        multiAt = i;
      } else if (q.marker === "exec") {
        segments.push({ kind: "transaction", multiAt, execAt: i });
        multiAt = -1;
      } else if (multiAt < 0) {
        plain.push(i);
      }
    });
    if (plain.length > 0) segments.push({ kind: "plain", items: plain });
    return segments;
  }

  #runSegment(segment: Segment, results: PipelineResult): Promise<void> {
    if (segment.kind === "plain") {
      const items = segment.items.map((i) => this.#queued[i]);
      return this.#runPlain(items).then((entries) => entries.forEach((e, n) => (results[segment.items[n]] = e)));
    }
    return this.#runInnerTransaction(segment.multiAt, segment.execAt, results);
  }

  /** The calls of one transaction through the client's chain, collected to go out as one atomic request. */
  #transactionOf(items: Queued[]): TransactionGroup {
    const group = new TransactionGroup(
      items.length,
      (tx) => this.#host.submitTransaction(tx),
      () => this.#host.transactionDiscarded(),
    );
    items.forEach((q, i) => {
      const context: CallPlacement = { pipeline: { collect: (call) => group.arrive(i, call) } };
      this.#host.runCall(q.command, q.args, q.buffer, context).then(
        (value) => group.settledEarly(i, null, value),
        (error: Error) => group.settledEarly(i, error),
      );
    });
    return group;
  }

  /** MULTI ... EXEC inside a pipeline: entries as ioredis gives them (OK, QUEUED, then EXEC's replies). */
  async #runInnerTransaction(multiAt: number, execAt: number, results: PipelineResult): Promise<void> {
    const inner = this.#queued.slice(multiAt + 1, execAt);
    const group = this.#transactionOf(inner);
    const entries: Entry[] = [[null, "OK"]];
    const outcome = await group.outcome;
    inner.forEach((q, i) => {
      const error = outcome.kind === "aborted" ? outcome.errors[i] : null;
      entries.push(error ? failed(error) : [null, queuedReply(q)]);
    });
    if (outcome.kind === "aborted") entries.push(failed(outcome.error));
    else if (outcome.kind === "watch-failed") entries.push([null, null]);
    else entries.push([null, outcome.replies.map((r) => (r.error ? r.error : r.value))]);
    entries.forEach((entry, n) => {
      const q = this.#queued[multiAt + n];
      results[multiAt + n] = entry;
      if (q.callback) asCallback(entry[0] ? Promise.reject(entry[0]) : Promise.resolve(entry[1]), q.callback as never);
    });
  }

  async #execTransaction(): Promise<PipelineResult | null> {
    const queued = this.#queued;
    const group = this.#transactionOf(queued);
    const outcome = await group.outcome;
    // Each command's own callback sees what MULTI answered for it: QUEUED, or its error.
    queued.forEach((q, i) => {
      if (!q.callback) return;
      const error = outcome.kind === "aborted" ? outcome.errors[i] : null;
      asCallback(error ? Promise.reject(error) : Promise.resolve(queuedReply(q)), q.callback as never);
    });
    if (outcome.kind === "watch-failed") return null;
    if (outcome.kind === "aborted") throw outcome.error;
    return outcome.replies.map((r): Entry => (r.error ? failed(r.error) : [null, r.value]));
  }
}

/** What MULTI answered for a queued command: a Buffer for a Buffer twin (getBuffer, ...), as on ioredis. */
function queuedReply(q: Queued): string | Buffer {
  return q.buffer ? Buffer.from("QUEUED") : "QUEUED";
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
