/**
 * ioredis's constructor forms and options: parsed the way ioredis parses them,
 * with ioredis's defaults filled in (libraries read `client.options`), and
 * checked for what GLIDE cannot honour, which fails at construction.
 */
import type { ConnectionOptions as TlsOptions } from "tls";

export type RetryStrategy = (times: number) => number | void | null;

export interface ResolvedOptions {
  host: string;
  port: number;
  path?: string | null;
  family?: number;
  username?: string | null;
  password?: string | null;
  db: number;
  tls?: TlsOptions | boolean | null;
  connectionName?: string | null;
  keyPrefix: string | Buffer;
  lazyConnect: boolean;
  connectTimeout: number;
  commandTimeout?: number;
  blockingTimeout?: number;
  blockingTimeoutGrace: number;
  enableReadyCheck: boolean;
  enableOfflineQueue: boolean;
  maxRetriesPerRequest: number | null;
  retryStrategy: RetryStrategy | null;
  reconnectOnError: ((err: Error) => boolean | 1 | 2) | null;
  autoResubscribe: boolean;
  autoResendUnfulfilledCommands: boolean;
  readOnly: boolean;
  stringNumbers: boolean;
  /** 3 (ioredis 6's default): RESP3 on the wire; 2: ioredis 5's RESP2 */
  protocol: 2 | 3;
  /** "legacy" (default): RESP2-shaped replies whatever the protocol; "resp3": native RESP3 shapes (protocol 3 only) */
  replyMapping: "legacy" | "resp3";
  scripts?: Record<string, { lua: string; numberOfKeys?: number; readOnly?: boolean }>;
  [option: string]: unknown;
}

/** ioredis 6's defaults, as `new Redis().options` shows them. */
export const DEFAULT_REDIS_OPTIONS: Readonly<ResolvedOptions> = Object.freeze({
  port: 6379,
  host: "localhost",
  family: 0,
  connectTimeout: 10000,
  disconnectTimeout: 2000,
  // ioredis 6: exponential backoff from 50 ms, capped at 5 s, plus up to 200 ms of jitter.
  retryStrategy(times: number) {
    const jitter = Math.floor(Math.random() * 200);
    const delay = Math.min(Math.pow(2, times - 1) * 50, 5000);
    return delay + jitter;
  },
  keepAlive: 30000,
  noDelay: true,
  connectionName: null,
  disableClientInfo: false,
  clientInfoTag: undefined,
  sentinels: null,
  name: null,
  role: "master",
  sentinelRetryStrategy(times: number) {
    return Math.min(times * 10, 1000);
  },
  sentinelReconnectStrategy() {
    return 60000;
  },
  natMap: null,
  enableTLSForSentinelMode: false,
  updateSentinels: true,
  failoverDetector: false,
  username: null,
  password: null,
  db: 0,
  enableOfflineQueue: true,
  enableReadyCheck: true,
  autoResubscribe: true,
  autoResendUnfulfilledCommands: true,
  lazyConnect: false,
  keyPrefix: "",
  reconnectOnError: null,
  readOnly: false,
  stringNumbers: false,
  protocol: 3,
  replyMapping: "legacy",
  maxRetriesPerRequest: 20,
  maxLoadingRetryTime: 10000,
  enableAutoPipelining: false,
  autoPipeliningIgnoredCommands: [],
  sentinelMaxConnections: 10,
  blockingTimeoutGrace: 100,
  // ioredis 6.1's Smart Client Handoff options. GLIDE does not register for maintenance
  // notifications: "auto" behaves as on a server without them, and the relaxed timeouts
  // (which only apply inside a maintenance window) never apply; "enabled" is refused.
  maintNotifications: "auto",
  maintEndpointType: "auto",
  maintRelaxedCommandTimeout: 10000,
  maintRelaxedSocketTimeout: 10000,
});

/** `defaults(target, source)`: fill only what target lacks (lodash semantics, as ioredis). */
function fillMissing(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(source)) {
    if (target[key] === undefined) target[key] = source[key];
  }
}

function isInt(value: string): boolean {
  const x = parseFloat(value);
  return !isNaN(value as unknown as number) && (x | 0) === x;
}

/** ioredis's `parseURL`: redis://, rediss://, host:port, a port string, or a socket path. */
export function parseURL(url: string): Record<string, unknown> {
  if (isInt(url)) return { port: url };
  const hasProtocol = /^rediss?:\/\//i.test(url);
  const isProtocolRelative = url.startsWith("//");
  if (url[0] === "/" && !isProtocolRelative) {
    const q = url.indexOf("?");
    const result: Record<string, unknown> = { path: q === -1 ? url : url.slice(0, q) };
    if (q !== -1)
      new URLSearchParams(url.slice(q + 1)).forEach((v, k) => fillMissing(result, { [k]: queryItem(k, v) }));
    return result;
  }
  const parsed = new URL(hasProtocol ? url : isProtocolRelative ? "redis:" + url : "redis://" + url);
  const query: Record<string, unknown> = {};
  parsed.searchParams.forEach((value, key) => {
    query[key] = queryItem(key, value);
  });
  const result: Record<string, unknown> = {};
  if (parsed.username || parsed.password) {
    result.username = decodeURIComponent(parsed.username);
    result.password = decodeURIComponent(parsed.password);
  }
  if (parsed.pathname && parsed.pathname !== "/") {
    if (hasProtocol || isProtocolRelative) {
      if (parsed.pathname.length > 1) result.db = parsed.pathname.slice(1);
    } else {
      result.path = parsed.pathname;
    }
  }
  if (parsed.hostname) result.host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (parsed.port) result.port = parsed.port;
  fillMissing(result, query);
  return result;
}

function queryItem(key: string, value: string): unknown {
  if (key === "family") {
    const n = Number.parseInt(value, 10);
    if (!Number.isNaN(n)) return n;
  }
  return value;
}

/** ioredis's `parseOptions(arg1, arg2, arg3)`: every constructor form. */
export function parseConstructorArgs(args: unknown[], defaults: Readonly<Record<string, unknown>>): ResolvedOptions {
  const options: Record<string, unknown> = {};
  let isTls = false;
  for (const arg of args) {
    if (arg === null || arg === undefined) continue;
    if (typeof arg === "object") fillMissing(options, arg as Record<string, unknown>);
    else if (typeof arg === "string") {
      fillMissing(options, parseURL(arg));
      if (arg.startsWith("rediss://")) isTls = true;
    } else if (typeof arg === "number") options.port = arg;
    else throw new Error("Invalid argument " + String(arg));
  }
  if (isTls) fillMissing(options, { tls: true });
  fillMissing(options, defaults as Record<string, unknown>);
  if (typeof options.port === "string") options.port = parseInt(options.port, 10);
  // ioredis 6 compares with === 3 (a string "3" counts as 3 on its way through parseInt, as here).
  if (typeof options.protocol === "string") options.protocol = parseInt(options.protocol, 10) as 2 | 3;
  if (typeof options.db === "string") options.db = parseInt(options.db, 10);
  // ioredis 6.1 always sets it (a copy of what was given), so the key is there.
  if (!("himportFieldsets" in options)) options.himportFieldsets = undefined;
  return options as ResolvedOptions;
}

/**
 * The host to connect to: a null or empty `host` means "localhost", as for
 * Node's net.connect, which ioredis hands it to (Bull passes `host: null`
 * for a bare port string); `client.options.host` keeps what was given.
 */
export function connectHost(options: ResolvedOptions): string {
  return options.host || "localhost";
}

/**
 * Options GLIDE cannot honour. Each fails at construction with the reason,
 * rather than being silently ignored.
 */
export function assertSupported(options: ResolvedOptions): void {
  const fail = (what: string): never => {
    throw new Error(`ioglide: not supported: ${what}`);
  };
  if (options.sentinels) {
    // ioredis's own checks and texts (SentinelConnector).
    if (!Array.isArray(options.sentinels) || options.sentinels.length === 0)
      throw new Error("Requires at least one sentinel to connect to.");
    if (!options.name) throw new Error("Requires the name of master.");
    // Measured on GLIDE 2.5.2: a replica alone is refused ("No primary node found"); a replica beside its
    // master with readFrom "preferReplica" gets single read commands only (every batch goes to the master,
    // and writes succeed there, where ioredis's replica answers READONLY).
    if (options.role === "slave")
      fail(
        'role "slave" with sentinels (GLIDE\'s standalone client will not connect to a replica alone: "No primary node found")',
      );
  }
  if (options.Connector) fail("a custom Connector (GLIDE owns the connection)");
  if (options.path) fail("Unix socket paths (GLIDE connects over TCP only)");
  if (options.monitor) fail("monitor mode");
  if (options.maintNotifications === "enabled")
    fail('maintNotifications "enabled" (GLIDE does not register for Smart Client Handoff notifications)');
  if (Array.isArray(options.himportFieldsets) && options.himportFieldsets.length > 0)
    fail("himportFieldsets (managed HIMPORT fieldsets; send HIMPORT PREPARE yourself)");
  if (options.natMap && !options.__cluster) fail("natMap on a standalone client");
  if (typeof options.port !== "number" || !Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`ioglide: invalid port ${String(options.port)}`);
  }
  if (options.replyMapping === "resp3" && options.protocol !== 3) {
    throw new Error('The "resp3" replyMapping is only supported with protocol 3'); // ioredis 6's own check and text
  }
  if (typeof options.db !== "number" || !Number.isInteger(options.db) || options.db < 0) {
    throw new Error(`ioglide: invalid db ${String(options.db)}`);
  }
  const tls = options.tls;
  if (tls && typeof tls === "object") {
    const t = tls as Record<string, unknown>;
    if (t.cert || t.key || t.pfx) fail("TLS client certificates (tls.cert/tls.key/tls.pfx)");
    if (t.servername && t.servername !== options.host) fail("tls.servername different from host");
    if (t.checkServerIdentity) fail("tls.checkServerIdentity");
  }
}
