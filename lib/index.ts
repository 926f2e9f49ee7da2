/**
 * ioglide: a drop-in replacement for ioredis on Valkey GLIDE.
 *
 *   const Redis = require("ioglide");          // as ioredis
 *   const { Redis, Cluster } = require("ioglide");
 *   import Redis from "ioglide";
 */
import { Redis } from "./redis";
import { Cluster } from "./cluster/cluster";
import { Command } from "./command";
import {
  AbortError,
  CommandTimeoutDuringMaintenanceError,
  MaxRetriesPerRequestError,
  RedisError,
  ReplyError,
  SocketTimeoutDuringMaintenanceError,
  WatchError,
} from "./errors";

Redis.Cluster = Cluster;
Redis.Command = Command;

export { Redis, Cluster, Command };
export { Redis as default };
export { ReplyError, AbortError, RedisError, MaxRetriesPerRequestError };
export { WatchError, CommandTimeoutDuringMaintenanceError, SocketTimeoutDuringMaintenanceError };
export { Pipeline } from "./pipeline/pipeline";
export { ScanStream } from "./streams/scan-stream";

/** ioredis's print: a node-style callback that logs the reply (or the error). */
export function print(err: Error | null, reply?: unknown): void {
  if (err) console.log("Error: " + err);
  else console.log("Reply: " + reply);
}

// Types under ioredis's names (a TypeScript program written for ioredis imports these).
export type {
  RedisCommander,
  Result,
  ClientContext,
  Callback,
  RedisKey,
  RedisValue,
  ChainableCommander,
} from "../types/commander";
export type {
  RedisOptions,
  CommonRedisOptions,
  SentinelAddress,
  SentinelConnectionOptions,
  StandaloneConnectionOptions,
  ClusterOptions,
  ClusterNode,
  NatMap,
  DNSLookupFunction,
  DNSResolveSrvFunction,
  NodeRole,
  MaintEndpointType,
  MaintNotifications,
  HimportFieldset,
  ScanStreamOptions,
  RedisStatus,
  ClusterStatus,
  ProtocolVersion,
  ReplyMappingMode,
  RetryStrategy,
  ReconnectOnError,
} from "./types/options";
export type { CommandOptions } from "./command";
// Tracing contexts (ioredis:command, ioredis:batch, ioredis:connect) for diagnostics_channel consumers.
export type { CommandTraceContext, BatchOperationContext, ConnectTraceContext } from "./tracing";
// ioglide's own.
export type { Middleware, Next } from "./chain/middleware";
export type { Call } from "./chain/call";
