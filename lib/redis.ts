/**
 * `Redis`: the ioredis-compatible standalone client. Everything but its
 * constructor forms lives in CommandClient (lib/client/command-client.ts).
 */
import { CommandClient, CONNECTION } from "./client/command-client";
import { standaloneTopology } from "./connection/topology";
import { assertSupported, DEFAULT_REDIS_OPTIONS, parseConstructorArgs, RedisOptions } from "./options";
import { resolveTLSProfile } from "./tls-profiles";
import { SocketView } from "./connection/socket-view";
import type { SubscriptionSetView } from "./pubsub/router";

export class Redis extends CommandClient {
  static defaultOptions: Readonly<RedisOptions> = DEFAULT_REDIS_OPTIONS;
  /** ioredis's `Redis.Cluster` (set in index.ts: the modules depend on each other) */
  static Cluster: unknown;

  constructor(port?: number | string | Partial<RedisOptions>, host?: string | Partial<RedisOptions>, options?: Partial<RedisOptions>);
  constructor(...args: unknown[]) {
    // ioredis reads three arguments at most: (port, host, options).
    const options = parseConstructorArgs(args.slice(0, 3), (new.target as typeof Redis).defaultOptions);
    resolveTLSProfile(options);
    assertSupported(options);
    super(options, options, standaloneTopology(options));
  }

  static createClient(...args: ConstructorParameters<typeof Redis>): Redis {
    return new Redis(...args);
  }

  /**
   * ioredis's `condition`: what a new connection restores. Libraries read
   * `condition.select` (the database selected now).
   */
  get condition(): { select: number; auth: string | [string, string] | undefined; subscriber: false | SubscriptionSetView } | undefined {
    if (this.status === "wait") return undefined; // as ioredis: set when connecting starts
    const { username, password } = this.options;
    const auth = password ? (username ? ([username, password] as [string, string]) : password) : undefined;
    return { select: this[CONNECTION].db, auth, subscriber: this.subscriptions() };
  }

  /**
   * ioredis's `stream` (its socket), as far as code outside ioredis uses it:
   * `end()` closes the connection the way a dropped socket does (what was
   * sent is answered, then the client reconnects), `destroy()` drops it at
   * once; `remoteAddress`/`remotePort` name the server. GLIDE owns the real
   * sockets: see docs/COMPATIBILITY.md.
   */
  get stream(): SocketView | undefined {
    if (this.status === "wait" || this.status === "end") return undefined;
    return new SocketView(this[CONNECTION], this.options.host, this.options.port);
  }

  /** A new, independent client with the same options (and `override` on top). */
  duplicate(override?: Partial<RedisOptions>): Redis {
    const copy = new (this.constructor as typeof Redis)({ ...this.options, ...override });
    this.copyMiddlewareTo(copy);
    return copy;
  }
}

export default Redis;
