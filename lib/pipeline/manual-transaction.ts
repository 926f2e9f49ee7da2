/**
 * `multi({ pipeline: false })`: a transaction on the client itself. ioredis
 * sends MULTI at once and the server answers "QUEUED" to each command until
 * EXEC. Sending a bare MULTI over GLIDE's shared connection would put every
 * other request of the client inside it, so ioglide keeps the commands here,
 * answers "QUEUED" itself, and sends them as one atomic request on `exec()`
 * (`discard()` drops them). Like on ioredis, every call made on the client in
 * between belongs to the transaction.
 */
import type { Call } from "../chain/call";
import { pending } from "../executor/settle";
import { TransactionGroup } from "./transaction";

export class ManualTransaction {
  private readonly calls: Call[] = [];

  constructor(
    private readonly send: (transaction: Call) => Promise<unknown>,
    private readonly done: () => void,
  ) {}

  /** A call made while the transaction is open: EXEC and DISCARD end it, others are queued. */
  take(call: Call): Promise<unknown> {
    const name = call.spec.name;
    if (name === "exec") return this.exec();
    if (name === "discard") {
      this.done();
      return Promise.resolve("OK");
    }
    if (name === "multi") return Promise.reject(new Error("ERR MULTI calls can not be nested"));
    pending(call, undefined).catch(() => undefined); // answered in exec()'s result instead
    this.calls.push(call);
    return Promise.resolve("QUEUED");
  }

  private async exec(): Promise<unknown> {
    this.done();
    const group = new TransactionGroup(this.calls.length, this.send);
    this.calls.forEach((call, i) => group.arrive(i, call));
    const outcome = await group.outcome;
    if (outcome.kind === "watch-failed") return null;
    if (outcome.kind === "aborted") throw outcome.error;
    return outcome.replies.map((r) => (r.error ? [r.error] : [null, r.value]));
  }
}
