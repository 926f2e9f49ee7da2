/**
 * ioglide: a drop-in replacement for ioredis on Valkey GLIDE.
 *
 *   const Redis = require("ioglide");          // as ioredis
 *   const { Redis, Cluster } = require("ioglide");
 *   import Redis from "ioglide";
 */
import { Redis } from "./redis";
import { AbortError, MaxRetriesPerRequestError, RedisError, ReplyError } from "./errors";

export { Redis };
export { Redis as default };
export { ReplyError, AbortError, RedisError, MaxRetriesPerRequestError };
export type { RedisOptions } from "./options";
export type { Middleware, Next } from "./chain/middleware";
export type { Call } from "./chain/call";
