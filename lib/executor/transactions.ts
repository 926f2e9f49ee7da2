/**
 * Transactions: MULTI/EXEC on GLIDE's atomic Batch, for multi() pipelines
 * and for multi({ pipeline: false }) (ManualTransaction, below).
 *
 * The calls of a transaction run the normal chain (normalizer, resolver, user
 * middleware, shaper) and stop at the executor, which hands them here instead
 * of to a lane. Once every call has arrived (or failed before reaching the
 * server, e.g. a bad argument), they go out as one atomic request on the
 * ordered lane: GLIDE sends MULTI, the commands and EXEC together, so nothing
 * else can land inside the transaction. Replies are always decoded as Buffers
 * here: a transaction's replies must never be lost to a UTF-8 failure, and
 * the shaper turns them back into strings where ioredis has strings.
 *
 * Outcomes, as ioredis reports them:
 * - EXEC ran: each call's reply or error, shaped;
 * - a WATCHed key changed: EXEC returned null;
 * - a command was rejected while queueing (unknown command, wrong arity):
 *   EXECABORT, with `previousErrors` (GLIDE reports the first such error).
 */
import { Call } from "../chain/call";
import { specFor } from "../commands/spec";
import { CONNECTION_CLOSED_ERROR_MSG, OFFLINE_QUEUE_OFF_MSG, ReplyError, SimpleError, toIoredisError } from "../errors";
import { fail, Outcome, pending, settle, shaped } from "./settle";

export type TransactionOutcome =
  | { kind: "exec"; replies: Outcome[] }
  | { kind: "watch-failed" }
  | { kind: "aborted"; error: ReplyError & { previousErrors?: Error[] }; errors: (Error | null)[] };

/** A call a middleware answered itself, or that failed before reaching the executor. */
type Early = { outcome: Outcome };

const EXEC_SPEC = specFor("exec");

export const EXECABORT_MESSAGE = "EXECABORT Transaction discarded because of previous errors.";

export function execAbortError(previousErrors: Error[]): ReplyError & { previousErrors: Error[] } {
  const err = new SimpleError(EXECABORT_MESSAGE) as ReplyError & { previousErrors: Error[] };
  err.previousErrors = previousErrors;
  return err;
}

function isConnectionRefusal(error: Error): boolean {
  return error.message === CONNECTION_CLOSED_ERROR_MSG || error.message === OFFLINE_QUEUE_OFF_MSG;
}

/** Collects a transaction's calls, then sends them as one atomic request. */
export class TransactionGroup {
  private readonly arrived: (Call | undefined)[];
  private readonly early: (Early | undefined)[];
  private remaining: number;
  readonly outcome: Promise<TransactionOutcome>;
  private finish!: (o: TransactionOutcome) => void;

  /**
   * `discarded`: told when the transaction ends without being sent (a bad
   * argument refused it, or no call was left to send). The server drops the
   * client's WATCHes at EXEC and at EXECABORT; they must go here too, or a
   * later transaction fails on a stale WATCH.
   */
  constructor(
    size: number,
    private readonly send: (transaction: Call) => Promise<unknown>,
    private readonly discarded: () => void = () => undefined,
  ) {
    this.arrived = new Array(size);
    this.early = new Array(size);
    this.remaining = size;
    this.outcome = new Promise((resolve) => (this.finish = resolve));
    if (size === 0) {
      this.discarded();
      this.finish({ kind: "exec", replies: [] });
    }
  }

  /** The executor hands over call `index` (its promise settles when EXEC answers). */
  arrive(index: number, call: Call): void {
    this.arrived[index] = call;
    if (--this.remaining === 0) this.dispatch();
  }

  /** Call `index` settled before reaching the executor (bad argument, a middleware answered). */
  settledEarly(index: number, error: Error | null, value?: unknown): void {
    if (this.arrived[index] || this.early[index] !== undefined) return;
    this.early[index] = { outcome: { error, value } };
    if (--this.remaining === 0) this.dispatch();
  }

  private dispatch(): void {
    const earlyErrors: Error[] = [];
    for (const e of this.early) if (e?.outcome.error) earlyErrors.push(e.outcome.error);
    const calls = this.arrived.filter((c): c is Call => c !== undefined);
    // A client that cannot send (closed, offline queue off) refuses MULTI itself, as ioredis's exec() does.
    const refusal = earlyErrors.find(isConnectionRefusal);
    if (refusal) {
      for (const call of calls) fail(call, refusal);
      this.finish({
        kind: "aborted",
        error: refusal as ReplyError,
        errors: Array.from(this.early, (e) => e?.outcome.error ?? null),
      });
      return;
    }
    if (earlyErrors.length > 0) {
      // As if the server had refused them while queueing: nothing runs, and the WATCHes go.
      this.discarded();
      const error = execAbortError(earlyErrors);
      for (const call of calls) fail(call, error);
      this.finish({ kind: "aborted", error, errors: Array.from(this.early, (e) => e?.outcome.error ?? null) });
      return;
    }
    if (calls.length === 0) {
      // Nothing to send, but EXEC would have run and dropped the WATCHes.
      this.discarded();
      this.finish({ kind: "exec", replies: Array.from(this.early, (e) => e!.outcome) });
      return;
    }
    const transaction = new Call("exec", [], false, EXEC_SPEC, calls[0].env);
    transaction.transaction = calls;
    transaction.decodeAsBytes = true;
    for (const call of calls) call.decodeAsBytes = true;
    this.send(transaction).then(
      (values) => this.onExec(calls, values as unknown[] | null),
      (error: Error) => this.onAbort(calls, error),
    );
  }

  private onExec(calls: Call[], values: unknown[] | null): void {
    if (values === null) {
      for (const call of calls) settle(call, null, null);
      this.finish({ kind: "watch-failed" });
      return;
    }
    let next = 0;
    const replies: Outcome[] = [];
    for (let i = 0; i < this.arrived.length; i++) {
      const call = this.arrived[i];
      if (!call) {
        replies.push(this.early[i]!.outcome);
        continue;
      }
      const value = values[next++];
      const outcome: Outcome =
        value instanceof Error ? { error: toIoredisError(value), value: undefined } : shaped(call, value);
      settle(call, outcome.error, outcome.value);
      replies.push(outcome);
    }
    this.finish({ kind: "exec", replies });
  }

  private onAbort(calls: Call[], error: Error): void {
    if (!(error instanceof ReplyError)) {
      // Not the server refusing the transaction (connection lost, closed): every call gets that error.
      for (const call of calls) fail(call, error);
      this.finish({ kind: "aborted", error: error as ReplyError, errors: Array.from(this.arrived, () => error) });
      return;
    }
    const abort = execAbortError([error]);
    for (const call of calls) fail(call, abort);
    // GLIDE names only the first refused command: find it by name for its callback.
    const culprit = /(?:unknown command '|for ')([^']+)'/.exec(error.message)?.[1]?.toLowerCase();
    let blamed = false;
    const errors: (Error | null)[] = [];
    for (const call of this.arrived) {
      const mine = !blamed && call !== undefined && culprit !== undefined && call.command.toLowerCase() === culprit;
      if (mine) blamed = true;
      errors.push(mine ? error : null);
    }
    this.finish({ kind: "aborted", error: abort, errors });
  }
}

/**
 * `multi({ pipeline: false })`: a transaction on the client itself. ioredis
 * sends MULTI at once and the server answers "QUEUED" to each command until
 * EXEC. Sending a bare MULTI over GLIDE's shared connection would put every
 * other request of the client inside it, so ioglide keeps the commands here,
 * answers "QUEUED" itself, and sends them as one atomic request on `exec()`
 * (`discard()` drops them). Like on ioredis, every call made on the client in
 * between belongs to the transaction.
 */
export class ManualTransaction {
  private readonly calls: Call[] = [];

  constructor(
    private readonly send: (transaction: Call) => Promise<unknown>,
    private readonly done: () => void,
    private readonly discarded: () => void,
  ) {}

  /** A call made while the transaction is open: EXEC and DISCARD end it, others are queued. */
  take(call: Call): Promise<unknown> {
    const control = call.spec.transactionControl;
    if (control === "exec") return this.exec();
    if (control === "discard") {
      this.done();
      return Promise.resolve("OK");
    }
    if (control === "multi") return Promise.reject(new Error("ERR MULTI calls can not be nested"));
    pending(call, undefined).catch(() => undefined); // answered in exec()'s result instead
    this.calls.push(call);
    // ioredis decodes the server's QUEUED as the call asked: a Buffer for getBuffer & co.
    return Promise.resolve(call.buffer ? Buffer.from("QUEUED") : "QUEUED");
  }

  private async exec(): Promise<unknown> {
    this.done();
    const group = new TransactionGroup(this.calls.length, this.send, this.discarded);
    this.calls.forEach((call, i) => group.arrive(i, call));
    const outcome = await group.outcome;
    if (outcome.kind === "watch-failed") return null;
    if (outcome.kind === "aborted") throw outcome.error;
    return outcome.replies.map((r) => (r.error ? [r.error] : [null, r.value]));
  }
}
