/**
 * The executor: the last stage of every chain. It applies ioredis's rules
 * for where a call may go now (offline queue, enableOfflineQueue, a closed
 * client, subscriber mode, an open multi({pipeline: false})), then hands the
 * call to a lane, or to the transaction collecting it; and it keeps what some
 * commands change on the connection (SELECT, SCRIPT FLUSH, reconnectOnError).
 */
import type { Call } from "../chain/call";
import type { Connection } from "../connection/connection";
import { CONNECTION_CLOSED_ERROR_MSG, OFFLINE_QUEUE_OFF_MSG, ReplyError, SimpleError } from "../errors";
import type { ResolvedOptions } from "../options";
import { ManualTransaction } from "../pipeline/manual-transaction";
import { pending } from "./settle";

/** What the executor needs from its client. */
export interface ExecutorHost {
  readonly status: string;
  readonly connection: Connection;
  /** subscriber mode: an error for commands ioredis refuses there */
  refuseInSubscriberMode(command: string): Error | undefined;
  /** SCRIPT FLUSH ran: defined scripts must be sent with their source again */
  scriptsFlushed(): void;
  emit(event: string, ...args: unknown[]): boolean;
}

export class Executor {
  private manualTransaction: ManualTransaction | undefined;

  constructor(
    private readonly host: ExecutorHost,
    private readonly options: ResolvedOptions,
  ) {}

  /** ioredis's rules for a call made while the connection is not ready; an error to reject with, if any. */
  private offlineRefusal(): Error | undefined {
    const status = this.host.status;
    // A graceful close is under way: like ioredis's ended stream, not writable.
    if (status === "ready" && !this.host.connection.isClosing) return undefined;
    if (status === "end") return new Error(CONNECTION_CLOSED_ERROR_MSG);
    if (status === "wait") this.host.connection.connect().catch(() => undefined);
    if (this.options.enableOfflineQueue === false) return new Error(OFFLINE_QUEUE_OFF_MSG);
    return undefined;
  }

  execute(call: Call): Promise<unknown> {
    const refused = this.offlineRefusal() ?? this.host.refuseInSubscriberMode(call.spec.name);
    if (refused) return Promise.reject(refused);
    if (call.batch?.collect) {
      const reply = pending(call, this.options.commandTimeout as number | undefined);
      call.batch.collect(call);
      return reply;
    }
    if (this.manualTransaction) return this.manualTransaction.take(call);
    if (call.spec.name === "multi") return this.startManualTransaction();
    const lanes = this.host.connection;
    const sent = call.blocking ? lanes.blocking.submit(call) : lanes.ordered.submit(call);
    if (call.spec.name === "select") return sent.then((reply) => this.afterSelect(call, reply));
    if (call.spec.name === "script" && /^flush$/i.test(String(call.args[0]))) this.host.scriptsFlushed();
    if (this.options.reconnectOnError) return sent.catch((err) => this.afterReplyError(call, err));
    return sent;
  }

  /** A MULTI/EXEC request for the ordered lane (lib/pipeline/transaction.ts). */
  submitTransaction(transaction: Call): Promise<unknown> {
    const refused = this.offlineRefusal();
    if (refused) return Promise.reject(refused);
    return this.host.connection.ordered.submit(transaction);
  }

  /** multi({ pipeline: false }): calls answer "QUEUED" until exec() (lib/pipeline/manual-transaction.ts). */
  startManualTransaction(): Promise<"OK"> {
    if (this.manualTransaction) return Promise.reject(new SimpleError("ERR MULTI calls can not be nested"));
    this.manualTransaction = new ManualTransaction(
      (tx) => this.submitTransaction(tx),
      () => (this.manualTransaction = undefined),
    );
    return Promise.resolve("OK");
  }

  private afterSelect(call: Call, reply: unknown): unknown {
    const db = parseInt(String(call.args[0]), 10);
    const connection = this.host.connection;
    if (Number.isInteger(db) && db !== connection.db) {
      connection.selected(db);
      this.host.emit("select", db);
    }
    return reply;
  }

  /** ioredis's reconnectOnError: true/1 reconnect, 2 reconnect and resend. */
  private afterReplyError(call: Call, err: Error): Promise<unknown> {
    if (!(err instanceof ReplyError) || call.spec.name === "client") throw err;
    const decision = this.options.reconnectOnError!(err);
    const reconnect = decision === 2 || decision === true || decision === 1;
    if (reconnect && this.host.status !== "reconnecting") this.host.connection.disconnect(true);
    if (decision === 2) return this.execute(call);
    throw err;
  }
}
