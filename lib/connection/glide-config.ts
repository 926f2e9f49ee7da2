/**
 * ioredis options -> GLIDE client configuration.
 */
import { BYTES_DECODER, GlideClientConfiguration, NO_TIMEOUT_MS, ProtocolVersion } from "../glide";
import { connectHost, ResolvedOptions } from "../options";

export type ConnectionRole = "main" | "blocking" | "subscriber";

/** GLIDE reconnects by itself; keep its backoff short so a returning server is found quickly. */
const RECONNECT_BACKOFF = { numberOfRetries: 4, factor: 100, exponentBase: 2, jitterPercent: 20 };

function caText(ca: unknown): string | Buffer | undefined {
  if (ca === undefined || ca === null) return undefined;
  if (Array.isArray(ca)) return ca.map((c) => (Buffer.isBuffer(c) ? c.toString() : String(c))).join("\n");
  return Buffer.isBuffer(ca) ? ca : String(ca);
}

export function glideConfig(options: ResolvedOptions, role: ConnectionRole): GlideClientConfiguration {
  const tls = options.tls && typeof options.tls === "object" ? (options.tls as Record<string, unknown>) : undefined;
  const config: GlideClientConfiguration = {
    addresses: [{ host: connectHost(options), port: options.port }],
    requestTimeout: NO_TIMEOUT_MS,
    // ioredis 6 speaks RESP3 unless `protocol: 2` (ioredis 5); subscribers need RESP3 in GLIDE.
    protocol: role === "subscriber" || options.protocol !== 2 ? ProtocolVersion.RESP3 : ProtocolVersion.RESP2,
    connectionBackoff: RECONNECT_BACKOFF,
    libName: "ioglide",
    advancedConfiguration: {
      connectionTimeout: options.connectTimeout,
      tcpNoDelay: options.noDelay !== false,
    },
  };
  // No databaseId: GLIDE answers an out-of-range db with a connect timeout. The
  // connection sends SELECT itself after connecting (GLIDE then keeps that db
  // across its reconnects), and a refused SELECT is reported as ioredis does.
  if (options.password) {
    config.credentials = options.username
      ? { username: options.username, password: options.password }
      : { password: options.password };
  }
  // Only the main connection carries the name, so CLIENT LIST shows one named connection per client.
  if (options.connectionName && role === "main") config.clientName = options.connectionName;
  if (options.tls) {
    config.useTLS = true;
    const advanced: { rootCertificates?: string | Buffer; insecure?: boolean } = {};
    const ca = caText(tls?.ca);
    if (ca !== undefined) advanced.rootCertificates = ca;
    if (tls?.rejectUnauthorized === false) advanced.insecure = true;
    config.advancedConfiguration!.tlsAdvancedConfiguration = advanced;
  }
  return config;
}

/**
 * A subscriber: RESP3 (GLIDE's pub/sub needs it), every reply and message as
 * Buffers, and the callback that receives all messages.
 */
export function subscriberConfig(options: ResolvedOptions, deliver: (msg: unknown) => void): GlideClientConfiguration {
  return {
    ...glideConfig(options, "subscriber"),
    defaultDecoder: BYTES_DECODER,
    pubsubSubscriptions: { channelsAndPatterns: {}, callback: deliver },
  };
}
