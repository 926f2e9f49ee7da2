/**
 * What a new main connection does before it is ready, as ioredis does it:
 * SELECT the database (a refusal is an 'error' event, the client carries on
 * in db 0), the ready check (INFO, waiting while the server loads its data),
 * READONLY when asked; and its CLIENT ID (a new id later means GLIDE
 * reconnected behind our back), learned in the same round trip as INFO.
 */
import type { GlideHandle } from "../glide";
import { serverErrorText, SimpleError } from "../errors";
import type { ResolvedOptions } from "../options";
import { realSetTimeout } from "../timers";
import type { Topology } from "./topology";
import { parseInfo, ServerInfo } from "./server-info";

export interface HandshakeResult {
  /** INFO as of this connection (null when INFO is denied by ACL) */
  info: ServerInfo | null;
  /** CLIENT ID of the connection (undefined on a cluster, or when CLIENT is denied) */
  id: unknown;
}

export interface HandshakeContext {
  readonly options: ResolvedOptions;
  readonly topology: Topology;
  readonly db: number;
  /** a refused SELECT, as an error event */
  error(error: Error): void;
  /** false once this connection attempt is abandoned */
  current(): boolean;
}

/** One request through GLIDE with a deadline: proves the connection works; its CLIENT ID (standalone). */
export async function verify(client: GlideHandle, topology: Topology, timeoutMs: number): Promise<unknown> {
  const batch = topology.newBatch(false);
  batch.customCommand(topology.tracksIdentity ? ["CLIENT", "ID"] : ["PING"]);
  const [id] = (await client.exec(batch, false, { timeout: timeoutMs })) ?? [];
  return id instanceof Error || !topology.tracksIdentity ? undefined : id;
}

export async function handshake(client: GlideHandle, ctx: HandshakeContext): Promise<HandshakeResult> {
  const { options, topology } = ctx;
  if (ctx.db && topology.supportsSelect) {
    try {
      await client.customCommand(["SELECT", String(ctx.db)]);
    } catch (err) {
      ctx.error(new SimpleError(serverErrorText((err as Error).message)));
    }
  }
  // CLIENT may be denied by ACL: the heartbeat then only measures time.
  const id = verify(client, topology, options.connectTimeout).catch(() => undefined);
  let info: ServerInfo | null = null;
  for (;;) {
    try {
      const command = options.enableReadyCheck ? ["INFO"] : ["INFO", "SERVER"];
      info = parseInfo(String(await client.customCommand(command, topology.infoRoute)));
    } catch (err) {
      if (/NOPERM/.test((err as Error).message)) break;
      throw err;
    }
    if (!options.enableReadyCheck || !info.loading) break;
    const max = Number(options.maxLoadingRetryTime) || 10000;
    const wait = Math.min(max, info.loadingEtaMs);
    await new Promise((resolve) => realSetTimeout(resolve, wait));
    if (!ctx.current()) break;
  }
  const result = { info, id: await id };
  if (options.readOnly) await client.customCommand(["READONLY"]).catch(() => undefined);
  return result;
}
