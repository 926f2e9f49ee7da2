/**
 * The GLIDE boundary. Every import of @valkey/valkey-glide goes through this
 * module, so the rest of ioglide depends on a small, typed surface and the
 * unavoidable casts live in one place.
 */
import * as glide from "@valkey/valkey-glide";
import type { GlideClientConfiguration, GlideClusterClientConfiguration } from "@valkey/valkey-glide";

// Plain constants, not re-exports: GLIDE's index defines its exports as
// getters, and a getter call per command showed up in profiles.
export const Batch = glide.Batch;
export type Batch = glide.Batch;
export const ClusterBatch = glide.ClusterBatch;
export type ClusterBatch = glide.ClusterBatch;
export const ClosingError = glide.ClosingError;
export const ClusterScanCursor = glide.ClusterScanCursor;
export const ConnectionError = glide.ConnectionError;
export const Decoder = glide.Decoder;
export type Decoder = glide.Decoder;
export const GlideClient = glide.GlideClient;
export const GlideClusterClient = glide.GlideClusterClient;
export const ProtocolVersion = glide.ProtocolVersion;
export const RequestError = glide.RequestError;
export const TimeoutError = glide.TimeoutError;
export const ValkeyError = glide.ValkeyError;
const Logger = glide.Logger;
/** Decoders as plain values (Decoder.String is itself an enum property lookup). */
export const STRING_DECODER = glide.Decoder.String;
export const BYTES_DECODER = glide.Decoder.Bytes;
export type { GlideClientConfiguration, GlideClusterClientConfiguration };

/** The one request shape ioglide sends: command name plus arguments. */
export type Args = (string | Buffer)[];

/** What both GLIDE client classes offer that the executor uses. */
export interface GlideHandle {
  customCommand(args: Args, options?: { decoder?: Decoder; route?: unknown }): Promise<unknown>;
  exec(
    batch: Batch,
    raiseOnError: boolean,
    options?: { decoder?: Decoder; timeout?: number; route?: unknown },
  ): Promise<unknown[] | null>;
  close(errorMessage?: string): void;
}

/**
 * GLIDE's request timeout defaults to 250 ms; ioredis has none. Requests get
 * this ceiling instead (about 24.8 days, the largest value a JS timer and the
 * core both accept), and `commandTimeout` is enforced by ioglide's own timers.
 */
export const NO_TIMEOUT_MS = 2 ** 31 - 1;

let loggerQuieted = false;
/**
 * GLIDE logs WARN and above to stdout until configured. Quiet it once, unless
 * the application configured the logger itself (IOGLIDE_GLIDE_LOG=level keeps
 * GLIDE's own logging at that level for debugging).
 */
export function quietGlideLogger(): void {
  if (loggerQuieted) return;
  loggerQuieted = true;
  const level = process.env.IOGLIDE_GLIDE_LOG;
  // "off" still lets GLIDE print a few lines it logs unconditionally at error level.
  Logger.init((level as "error" | "warn" | "info" | "debug" | "trace" | "off") || "off");
}

/**
 * Close a GLIDE client so that it never holds the process. GLIDE's close()
 * ends its JS<->Rust socket, but the Rust side keeps its end open while any
 * request is still pending there, and a request sent just as the server died
 * waits for a reconnect with no deadline (requestTimeout is NO_TIMEOUT_MS).
 * Measured on 2.5.2: disconnect() and then the server killed left the
 * process alive in 4 runs of 6, where ioredis exits.
 */
export function closeGlide(client: GlideHandle, errorMessage?: string): void {
  client.close(errorMessage);
  releaseGlide(client);
}

/**
 * A closed client no longer counts for Node's event loop. The socket is
 * GLIDE's private field, used only if present: the direct-call release has
 * none.
 */
function releaseGlide(client: GlideHandle): void {
  (client as unknown as { socket?: { unref?(): void } }).socket?.unref?.();
}

export async function createStandalone(config: GlideClientConfiguration): Promise<GlideHandle> {
  return (await glide.GlideClient.createClient(config)) as unknown as GlideHandle;
}

export async function createCluster(config: GlideClusterClientConfiguration): Promise<GlideHandle> {
  return (await glide.GlideClusterClient.createClient(config)) as unknown as GlideHandle;
}
