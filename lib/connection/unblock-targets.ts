/**
 * CLIENT UNBLOCK across ioglide's connections. With ioredis, `client("ID")`
 * and a blocking call share one connection, so code unblocks a client with
 * the id it read from it. An ioglide client blocks on a connection of its
 * own: this process-wide table maps each standalone client's main connection
 * id (what `client("ID")` answers) to its blocking connection's id, per
 * server, and CLIENT UNBLOCK sent by any ioglide client of this process is
 * aimed at the blocking connection. (A process that is not ioglide's cannot
 * know that id: CLIENT LIST shows it without a name, lib-name=ioglide; only
 * the main connection carries connectionName.)
 */
const targets = new Map<string, () => string | undefined>();

const keyOf = (server: string, id: string): string => `${server}#${id}`;

const noop = (): void => undefined;

/**
 * One client's entry: its main connection's id on its server (`server()`,
 * "host:port"; undefined on a cluster, which has no entry) names its
 * blocking connection (`blockingId()`, when it has one).
 */
export class UnblockEntry {
  private undo = noop;

  constructor(
    private readonly server: () => string | undefined,
    private readonly blockingId: () => string | undefined,
  ) {}

  /** A new main connection, with CLIENT ID `mainId` (undefined when CLIENT is denied). */
  register(mainId: unknown): void {
    this.unregister();
    const server = this.server();
    if (server === undefined || mainId === undefined) return;
    const key = keyOf(server, String(mainId));
    const blockingId = this.blockingId;
    targets.set(key, blockingId);
    this.undo = () => {
      if (targets.get(key) === blockingId) targets.delete(key);
    };
  }

  unregister(): void {
    this.undo();
    this.undo = noop;
  }

  /** The connection a CLIENT UNBLOCK of `id` should reach (some ioglide client's blocking one, for its main id). */
  target(id: string): string {
    const server = this.server();
    return server === undefined ? id : (targets.get(keyOf(server, id))?.() ?? id);
  }
}
