/**
 * ioglide: a drop-in replacement for ioredis on Valkey GLIDE.
 *
 *   const Redis = require("ioglide");          // as ioredis
 *   const { Redis, Cluster } = require("ioglide");
 *   import Redis from "ioglide";
 */
import { Redis } from "./redis";
import { Cluster } from "./cluster/cluster";
import { AbortError, MaxRetriesPerRequestError, RedisError, ReplyError } from "./errors";

Redis.Cluster = Cluster;

export { Redis, Cluster };
export { Redis as default };
export { ReplyError, AbortError, RedisError, MaxRetriesPerRequestError };
export type { RedisOptions } from "./options";
export type { ClusterOptions } from "./cluster/options";
export type { Middleware, Next } from "./chain/middleware";
export type { Call } from "./chain/call";
