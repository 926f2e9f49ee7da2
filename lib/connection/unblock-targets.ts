/**
 * CLIENT UNBLOCK across ioglide's connections. With ioredis, `client("ID")`
 * and a blocking call share one connection, so code unblocks a client with
 * the id it read from it. An ioglide client blocks on a connection of its
 * own: this process-wide table maps each standalone client's main connection
 * id (what `client("ID")` answers) to its blocking connection's id, per
 * server, and CLIENT UNBLOCK sent by any ioglide client of this process is
 * aimed at the blocking connection. (A process that is not ioglide's cannot
 * know that id: CLIENT LIST shows it, with the same name.)
 */
const targets = new Map<string, () => string | undefined>();

const keyOf = (server: string, id: string): string => `${server}#${id}`;

/** `mainId` on `server` blocks on the connection `blockingId()` names (when it has one). Returns the undo. */
export function registerUnblockTarget(
  server: string,
  mainId: string,
  blockingId: () => string | undefined,
): () => void {
  const key = keyOf(server, mainId);
  targets.set(key, blockingId);
  return () => {
    if (targets.get(key) === blockingId) targets.delete(key);
  };
}

/** The connection CLIENT UNBLOCK `id` should reach on `server`. */
export function unblockTarget(server: string, id: string): string {
  return targets.get(keyOf(server, id))?.() ?? id;
}
