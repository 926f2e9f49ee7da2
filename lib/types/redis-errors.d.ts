declare module "redis-errors" {
  export class RedisError extends Error {}
  export class ReplyError extends RedisError {
    constructor(message?: string);
  }
  export class AbortError extends RedisError {}
  export class InterruptError extends AbortError {}
  export class ParserError extends RedisError {}
}
