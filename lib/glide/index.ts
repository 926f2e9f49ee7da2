/**
 * The GLIDE boundary. Every import of @valkey/valkey-glide goes through this
 * module, so the rest of ioglide depends on a small, typed surface and the
 * unavoidable casts live in one place.
 */
import {
  Batch,
  ClosingError,
  ConnectionError,
  Decoder,
  GlideClient,
  GlideClusterClient,
  Logger,
  ProtocolVersion,
  RequestError,
  TimeoutError,
  ValkeyError,
} from "@valkey/valkey-glide";
import type { GlideClientConfiguration, GlideClusterClientConfiguration } from "@valkey/valkey-glide";

export {
  Batch,
  ClosingError,
  ConnectionError,
  Decoder,
  GlideClient,
  GlideClusterClient,
  ProtocolVersion,
  RequestError,
  TimeoutError,
  ValkeyError,
};
export type { GlideClientConfiguration, GlideClusterClientConfiguration };

/** The one request shape ioglide sends: command name plus arguments. */
export type Args = (string | Buffer)[];

/** What both GLIDE client classes offer that the executor uses. */
export interface GlideHandle {
  customCommand(args: Args, options?: { decoder?: Decoder }): Promise<unknown>;
  exec(batch: Batch, raiseOnError: boolean, options?: { decoder?: Decoder; timeout?: number }): Promise<unknown[] | null>;
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

export async function createStandalone(config: GlideClientConfiguration): Promise<GlideHandle> {
  return (await GlideClient.createClient(config)) as unknown as GlideHandle;
}

export async function createCluster(config: GlideClusterClientConfiguration): Promise<GlideHandle> {
  return (await GlideClusterClient.createClient(config)) as unknown as GlideHandle;
}
