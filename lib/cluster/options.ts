/**
 * ioredis's Cluster options: defaults, startup nodes, and their mapping onto
 * GLIDE's cluster client (read-from strategy, NAT address resolver).
 */
import { resolveTLSProfile } from "../tls-profiles";
import type { GlideClusterClientConfiguration } from "../glide";
import { DEFAULT_REDIS_OPTIONS, parseURL, ResolvedOptions } from "../options";

export type ScaleReads = "master" | "slave" | "all" | ((nodes: unknown[], command: unknown) => unknown);
export type NatMap =
  Record<string, { host: string; port: number }> | ((key: string) => { host: string; port: number } | null | undefined);

export interface ResolvedClusterOptions {
  clusterRetryStrategy: (times: number, reason?: Error) => number | void | null;
  enableOfflineQueue: boolean;
  enableReadyCheck: boolean;
  scaleReads: ScaleReads;
  maxRedirections: number;
  retryDelayOnMoved: number;
  retryDelayOnFailover: number;
  retryDelayOnClusterDown: number;
  retryDelayOnTryAgain: number;
  slotsRefreshTimeout: number;
  slotsRefreshInterval?: number;
  redisOptions?: Partial<ResolvedOptions>;
  natMap?: NatMap | null;
  lazyConnect?: boolean;
  keyPrefix?: string;
  scripts?: ResolvedOptions["scripts"];
  [option: string]: unknown;
}

/** ioredis 5's DEFAULT_CLUSTER_OPTIONS (what `cluster.options` shows). */
export const DEFAULT_CLUSTER_OPTIONS: Readonly<ResolvedClusterOptions> = Object.freeze({
  clusterRetryStrategy: (times: number) => Math.min(100 + times * 2, 2000),
  clusterNodeRetryStrategy: null,
  enableOfflineQueue: true,
  enableReadyCheck: true,
  scaleReads: "master" as ScaleReads,
  maxRedirections: 16,
  retryDelayOnMoved: 0,
  retryDelayOnFailover: 100,
  retryDelayOnClusterDown: 100,
  retryDelayOnTryAgain: 100,
  slotsRefreshTimeout: 1000,
  useSRVRecords: false,
  enableAutoPipelining: false,
  autoPipeliningIgnoredCommands: [],
  shardedSubscribers: false,
  subscriberNodeRole: "all",
  // GLIDE checks its own connections (sharded subscribers included) and replaces a dead one:
  // the interval is validated as ioredis validates it, and GLIDE's checks run whatever it is.
  shardedSubscriberHealthCheckInterval: 10000,
});

/** ioredis 6.1: below this, a PING cannot reliably be answered within one interval. */
const MIN_HEALTH_CHECK_INTERVAL_MS = 1000;

export interface NodeAddress {
  host: string;
  port: number;
}

/** ioredis's normalizeNodeOptions: ports, "host:port", URLs or {host, port}. */
export function normalizeStartupNodes(nodes: unknown): NodeAddress[] {
  const list = Array.isArray(nodes) ? nodes : [nodes];
  if (list.length === 0) throw new Error("ioglide: Redis.Cluster needs at least one startup node");
  return list.map((node) => {
    let options: Record<string, unknown>;
    if (typeof node === "object" && node !== null) options = { ...node };
    else if (typeof node === "string") options = parseURL(node);
    else if (typeof node === "number") options = { port: node };
    else throw new Error("Invalid argument " + String(node));
    const port = typeof options.port === "string" ? parseInt(options.port, 10) : (options.port as number | undefined);
    return { host: (options.host as string) || "127.0.0.1", port: port || 6379 };
  });
}

export function clusterOptionsOf(user: Partial<ResolvedClusterOptions> | undefined): ResolvedClusterOptions {
  const options = { ...DEFAULT_CLUSTER_OPTIONS, ...(user ?? {}) } as ResolvedClusterOptions;
  for (const [k, v] of Object.entries(DEFAULT_CLUSTER_OPTIONS)) if (options[k] === undefined) options[k] = v;
  if (options.redisOptions?.keyPrefix && !options.keyPrefix)
    options.keyPrefix = options.redisOptions.keyPrefix as string;
  const s = options.scaleReads;
  if (typeof s !== "function" && !["all", "master", "slave"].includes(s)) {
    throw new Error(`Invalid option scaleReads "${String(s)}". Expected "all", "master", "slave" or a custom function`);
  }
  if (typeof s === "function")
    throw new Error('ioglide: not supported: a scaleReads function (GLIDE chooses the node; use "master" or "slave")');
  const role = options.subscriberNodeRole;
  if (!["all", "master", "slave"].includes(role as string))
    throw new Error(`Invalid option subscriberNodeRole "${String(role)}". Expected "all", "master" or "slave"`);
  if (role !== "all")
    throw new Error(
      `ioglide: not supported: subscriberNodeRole "${String(role)}" (GLIDE picks the node for classic subscriptions)`,
    );
  const interval = options.shardedSubscriberHealthCheckInterval;
  if (
    interval !== null &&
    !(typeof interval === "number" && Number.isFinite(interval) && interval >= MIN_HEALTH_CHECK_INTERVAL_MS)
  )
    throw new Error(
      `Invalid option shardedSubscriberHealthCheckInterval "${String(interval)}". Expected null or a number of at least ${MIN_HEALTH_CHECK_INTERVAL_MS}`,
    );
  if (Array.isArray(options.himportFieldsets) && options.himportFieldsets.length > 0)
    throw new Error(
      "ioglide: not supported: himportFieldsets (managed HIMPORT fieldsets; send HIMPORT PREPARE yourself)",
    );
  if (!("himportFieldsets" in options)) options.himportFieldsets = undefined;
  return options;
}

/** The options the connection runs on: redisOptions, with the cluster's own on top. */
export function connectionOptionsOf(options: ResolvedClusterOptions): ResolvedOptions {
  const redis = { ...(options.redisOptions ?? {}) };
  resolveTLSProfile(redis);
  if (redis.sentinels) throw new Error("ioglide: not supported: sentinels in redisOptions");
  if (redis.maintNotifications === "enabled")
    throw new Error(
      'ioglide: not supported: maintNotifications "enabled" (GLIDE does not register for Smart Client Handoff notifications)',
    );
  if (redis.replyMapping === "resp3" && redis.protocol === 2) {
    throw new Error('The "resp3" replyMapping is only supported with protocol 3'); // ioredis 6's text (its nodes check it)
  }
  if (
    redis.tls &&
    typeof redis.tls === "object" &&
    ((redis.tls as Record<string, unknown>).cert || (redis.tls as Record<string, unknown>).key)
  ) {
    throw new Error("ioglide: not supported: TLS client certificates (tls.cert/tls.key)");
  }
  return {
    ...DEFAULT_REDIS_OPTIONS,
    ...redis,
    db: 0,
    keyPrefix: options.keyPrefix ?? "",
    lazyConnect: !!options.lazyConnect,
    enableOfflineQueue: options.enableOfflineQueue,
    enableReadyCheck: options.enableReadyCheck,
    retryStrategy: options.clusterRetryStrategy as ResolvedOptions["retryStrategy"],
    scripts: options.scripts,
    maxRedirections: options.maxRedirections,
    retryDelayOnMoved: options.retryDelayOnMoved,
    retryDelayOnFailover: options.retryDelayOnFailover,
    retryDelayOnTryAgain: options.retryDelayOnTryAgain,
    retryDelayOnClusterDown: options.retryDelayOnClusterDown,
  } as ResolvedOptions;
}

/**
 * How often GLIDE re-reads the topology (its default is 60 s). After a
 * failover this bounds how long calls for the failed master's slots wait
 * before GLIDE learns the promoted replica; ioredis's slotsRefreshInterval
 * sets it, in whole seconds, 1 s at the least.
 */
export const DEFAULT_TOPOLOGY_CHECK_SEC = 1;

/** scaleReads, natMap and the topology check interval, as GLIDE configuration. */
export function glideClusterExtras(options: ResolvedClusterOptions): Partial<GlideClusterClientConfiguration> {
  const extra: Partial<GlideClusterClientConfiguration> = {};
  const interval =
    typeof options.slotsRefreshInterval === "number"
      ? Math.max(1, Math.round(options.slotsRefreshInterval / 1000))
      : DEFAULT_TOPOLOGY_CHECK_SEC;
  extra.periodicChecks = { duration_in_sec: interval };
  // "all": GLIDE 2.5's allNodes spreads reads round robin over the slot's primary and replicas.
  if (options.scaleReads === "slave") extra.readFrom = "preferReplica";
  else if (options.scaleReads === "all") extra.readFrom = "allNodes";
  const nat = options.natMap;
  if (nat) {
    extra.addressResolver = (host: string, port: number): [string, number] => {
      const key = `${host}:${port}`;
      const mapped = typeof nat === "function" ? nat(key) : nat[key];
      return mapped ? [mapped.host, mapped.port] : [host, port];
    };
  }
  return extra;
}
