/**
 * The public option and status types, under ioredis 6's names and shapes
 * (what a TypeScript user imports from ioredis). The effective options a
 * client computes from them are lib/options.ts's ResolvedOptions.
 */
import type { SrvRecord } from "dns";
import type { ConnectionOptions } from "tls";

export type ProtocolVersion = 2 | 3;
export type ReplyMappingMode = "legacy" | "resp3";
/** The typed reply shapes of a client: "resp2" (the legacy shapes) or "resp3" (ioredis 6's native ones). */
export type ReplyShapes<Mapping extends ReplyMappingMode> = Mapping extends "resp3" ? "resp3" : "resp2";
/** The mapping a client gets from `options` (ioredis 6's type of the same name): `Current` unless they name one. */
export type ReplyMappingFromOptions<Current extends ReplyMappingMode, Options> = Options extends {
  replyMapping: infer Mapping;
}
  ? Extract<Mapping, ReplyMappingMode> extends never
    ? Current
    : Extract<Mapping, ReplyMappingMode>
  : Current;
/** The same for cluster options, where the mapping sits in `redisOptions`. */
export type ReplyMappingFromClusterOptions<Current extends ReplyMappingMode, Options> = Options extends {
  redisOptions: { replyMapping: infer Mapping };
}
  ? Extract<Mapping, ReplyMappingMode> extends never
    ? Current
    : Extract<Mapping, ReplyMappingMode>
  : Current;
export type ReconnectOnError = (err: Error) => boolean | 1 | 2;
export type RetryStrategy = ((times: number) => number | void | null) | null | undefined;

export type RedisStatus = "wait" | "reconnecting" | "connecting" | "connect" | "ready" | "close" | "end";
export type ClusterStatus =
  "end" | "close" | "wait" | "connecting" | "connect" | "ready" | "reconnecting" | "disconnecting";
export type NodeRole = "master" | "slave" | "all";
/** ioredis 6.1's Smart Client Handoff settings (ioglide: "auto" and "disabled"; "enabled" is refused). */
export type MaintNotifications = "auto" | "enabled" | "disabled";
export type MaintEndpointType = "auto" | "internal-ip" | "internal-fqdn" | "external-ip" | "external-fqdn" | "none";
/** A HIMPORT fieldset ioredis manages (ioglide refuses a non-empty list: not supported). */
export interface HimportFieldset {
  readonly name: string | Buffer;
  readonly fields: readonly (string | Buffer)[];
}

export interface ScanStreamOptions {
  match?: string;
  type?: string;
  count?: number;
  noValues?: boolean;
}

export interface CommanderOptions {
  keyPrefix?: string;
  showFriendlyErrorStack?: boolean;
}

export interface CommonRedisOptions extends CommanderOptions {
  /** not supported by ioglide (GLIDE owns the connection): refused at construction */
  Connector?: unknown;
  retryStrategy?: RetryStrategy;
  commandTimeout?: number | undefined;
  blockingTimeout?: number | undefined;
  blockingTimeoutGrace?: number | undefined;
  socketTimeout?: number | undefined;
  keepAlive?: number | undefined;
  noDelay?: boolean | undefined;
  connectionName?: string | undefined;
  disableClientInfo?: boolean | undefined;
  clientInfoTag?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  db?: number | undefined;
  autoResubscribe?: boolean | undefined;
  autoResendUnfulfilledCommands?: boolean | undefined;
  reconnectOnError?: ReconnectOnError | null | undefined;
  readOnly?: boolean | undefined;
  stringNumbers?: boolean | undefined;
  protocol?: ProtocolVersion | undefined;
  replyMapping?: ReplyMappingMode | undefined;
  connectTimeout?: number | undefined;
  monitor?: boolean | undefined;
  maxRetriesPerRequest?: number | null | undefined;
  maxLoadingRetryTime?: number | undefined;
  /** "auto" (default): as on a server without handoff notifications; "enabled": refused */
  maintNotifications?: MaintNotifications | undefined;
  /** only read for handoff notifications, which ioglide does not receive */
  maintEndpointType?: MaintEndpointType | undefined;
  /** applies inside a maintenance window only: never with ioglide */
  maintRelaxedCommandTimeout?: number;
  /** applies inside a maintenance window only: never with ioglide */
  maintRelaxedSocketTimeout?: number;
  /** a non-empty list is refused: not supported */
  himportFieldsets?: readonly HimportFieldset[] | undefined;
  enableAutoPipelining?: boolean | undefined;
  autoPipeliningIgnoredCommands?: string[] | undefined;
  offlineQueue?: boolean | undefined;
  commandQueue?: boolean | undefined;
  enableOfflineQueue?: boolean | undefined;
  enableReadyCheck?: boolean | undefined;
  lazyConnect?: boolean | undefined;
  scripts?:
    Record<string, { lua: string; numberOfKeys?: number | undefined; readOnly?: boolean | undefined }> | undefined;
}

export interface SentinelAddress {
  port: number;
  host: string;
  family?: number;
}

export type PreferredSlaves =
  | ((slaves: Array<Record<string, string>>) => Record<string, string> | null)
  | Array<{ port: string; ip: string; prio?: number }>
  | { port: string; ip: string; prio?: number };

export interface SentinelConnectionOptions {
  name?: string | undefined;
  role?: "master" | "slave" | undefined;
  tls?: ConnectionOptions | undefined;
  sentinelUsername?: string | undefined;
  sentinelPassword?: string | undefined;
  sentinels?: Array<Partial<SentinelAddress>> | undefined;
  path?: string | undefined;
  family?: number | undefined;
  sentinelRetryStrategy?: ((retryAttempts: number) => number | void | null) | undefined;
  sentinelReconnectStrategy?: ((retryAttempts: number) => number | void | null) | undefined;
  preferredSlaves?: PreferredSlaves | undefined;
  connectTimeout?: number | undefined;
  disconnectTimeout?: number | undefined;
  sentinelCommandTimeout?: number | undefined;
  enableTLSForSentinelMode?: boolean | undefined;
  sentinelTLS?: ConnectionOptions | undefined;
  natMap?: NatMap | undefined;
  updateSentinels?: boolean | undefined;
  sentinelMaxConnections?: number | undefined;
  failoverDetector?: boolean | undefined;
  protocol?: ProtocolVersion | undefined;
  replyMapping?: ReplyMappingMode | undefined;
}

export type StandaloneConnectionOptions = {
  port?: number | undefined;
  host?: string | undefined;
  family?: number | undefined;
  path?: string | undefined;
  disconnectTimeout?: number | undefined;
  tls?: ConnectionOptions | undefined;
};

export type RedisOptions = CommonRedisOptions & SentinelConnectionOptions & StandaloneConnectionOptions;

export type DNSResolveSrvFunction = (
  hostname: string,
  callback: (err: NodeJS.ErrnoException | null | undefined, records?: SrvRecord[]) => void,
) => void;
export type DNSLookupFunction = (
  hostname: string,
  callback: (err: NodeJS.ErrnoException | null | undefined, address: string, family?: number) => void,
) => void;
export type NatMapFunction = (key: string) => { host: string; port: number } | null;
export type NatMap = { [key: string]: { host: string; port: number } } | NatMapFunction;

/** A startup node: a port, "host:port", a URL, or {host, port}. */
export type ClusterNode = string | number | { host?: string | undefined; port?: number | undefined };

export interface ClusterOptions extends CommanderOptions {
  clusterRetryStrategy?: ((times: number, reason?: Error) => number | void | null) | null | undefined;
  enableOfflineQueue?: boolean | undefined;
  enableReadyCheck?: boolean | undefined;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  scaleReads?: NodeRole | Function | undefined;
  maxRedirections?: number | undefined;
  retryDelayOnFailover?: number | undefined;
  retryDelayOnClusterDown?: number | undefined;
  retryDelayOnTryAgain?: number | undefined;
  retryDelayOnMoved?: number | undefined;
  slotsRefreshTimeout?: number | undefined;
  slotsRefreshInterval?: number | undefined;
  shardedSubscribers?: boolean | undefined;
  /** "all" only ("master"/"slave" refused: GLIDE picks the node for classic subscriptions) */
  subscriberNodeRole?: NodeRole | undefined;
  /** validated as ioredis does; GLIDE runs its own connection checks whatever the value */
  shardedSubscriberHealthCheckInterval?: number | null | undefined;
  clusterNodeRetryStrategy?: RetryStrategy;
  redisOptions?:
    | Omit<
        RedisOptions,
        | "port"
        | "host"
        | "path"
        | "sentinels"
        | "retryStrategy"
        | "enableOfflineQueue"
        | "readOnly"
        | "himportFieldsets"
        | "maintNotifications"
      >
    | undefined;
  /** a non-empty list is refused: not supported */
  himportFieldsets?: readonly HimportFieldset[] | undefined;
  lazyConnect?: boolean | undefined;
  useSRVRecords?: boolean | undefined;
  resolveSrv?: DNSResolveSrvFunction | undefined;
  dnsLookup?: DNSLookupFunction | undefined;
  natMap?: NatMap | undefined;
  enableAutoPipelining?: boolean | undefined;
  autoPipeliningIgnoredCommands?: string[] | undefined;
  scripts?: Record<string, { lua: string; numberOfKeys?: number; readOnly?: boolean }> | undefined;
}
