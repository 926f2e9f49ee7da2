/**
 * `Redis`: the ioredis-compatible standalone client. Everything but its
 * constructor forms lives in CommandClient (lib/client/command-client.ts).
 */
import { CommandClient } from "./client/command-client";
import { standaloneTopology } from "./connection/topology";
import { assertSupported, DEFAULT_REDIS_OPTIONS, parseConstructorArgs, RedisOptions } from "./options";

export class Redis extends CommandClient {
  static defaultOptions: Readonly<RedisOptions> = DEFAULT_REDIS_OPTIONS;
  /** ioredis's `Redis.Cluster` (set in index.ts: the modules depend on each other) */
  static Cluster: unknown;

  constructor(port?: number | string | Partial<RedisOptions>, host?: string | Partial<RedisOptions>, options?: Partial<RedisOptions>);
  constructor(...args: unknown[]) {
    // ioredis reads three arguments at most: (port, host, options).
    const options = parseConstructorArgs(args.slice(0, 3), (new.target as typeof Redis).defaultOptions);
    assertSupported(options);
    super(options, options, standaloneTopology(options));
  }

  static createClient(...args: ConstructorParameters<typeof Redis>): Redis {
    return new Redis(...args);
  }

  /** A new, independent client with the same options (and `override` on top). */
  duplicate(override?: Partial<RedisOptions>): Redis {
    const copy = new (this.constructor as typeof Redis)({ ...this.options, ...override });
    this.copyMiddlewareTo(copy);
    return copy;
  }
}

export default Redis;
