/**
 * `Redis`: the ioredis-compatible standalone client. Everything but its
 * constructor forms lives in CommandClient (lib/client/command-client.ts).
 */
import { CommandClient, CONNECTION } from "./client/command-client";
import { sentinelTopology, standaloneTopology } from "./connection/topology";
import { assertSupported, DEFAULT_REDIS_OPTIONS, parseConstructorArgs, ResolvedOptions } from "./options";
import { resolveTLSProfile } from "./tls-profiles";
import { SocketView } from "./connection/socket-view";
import type { SubscriptionSetView } from "./pubsub/router";
import type { RedisOptions, RedisStatus, ReplyMappingFromOptions, ReplyMappingMode } from "./types/options";
import type { Cluster } from "./cluster/cluster";
import type { Command } from "./command";
import asCallback from "standard-as-callback";
import { MonitorClient } from "./monitor/monitor-client";
import { ClusterNode } from "./cluster/node";

/**
 * `ReplyMapping` is inferred from the options literal (`new Redis({
 * replyMapping: "resp3" })`) and selects the typed reply shapes, as in ioredis 6.
 */
export class Redis<ReplyMapping extends ReplyMappingMode = "legacy"> extends CommandClient<
  RedisOptions,
  RedisStatus,
  ReplyMapping
> {
  static defaultOptions: Readonly<ResolvedOptions> = DEFAULT_REDIS_OPTIONS;
  /** ioredis's `Redis.Cluster` (set in index.ts: the modules depend on each other) */
  static Cluster: typeof Cluster;
  /** ioredis's `Redis.Command` (set in index.ts), for `sendCommand(new Redis.Command(...))` */
  static Command: typeof Command;

  constructor(port: number, host: string, options: RedisOptions & { replyMapping?: ReplyMapping });
  constructor(path: string, options: RedisOptions & { replyMapping?: ReplyMapping });
  constructor(port: number, options: RedisOptions & { replyMapping?: ReplyMapping });
  constructor(port: number, host: string);
  constructor(options: RedisOptions & { replyMapping?: ReplyMapping });
  constructor(port: number);
  constructor(path: string);
  constructor();
  constructor(...args: unknown[]) {
    // ioredis reads three arguments at most: (port, host, options).
    const options = parseConstructorArgs(args.slice(0, 3), (new.target as typeof Redis).defaultOptions);
    resolveTLSProfile(options);
    assertSupported(options);
    super(
      options as RedisOptions,
      options,
      options.sentinels ? sentinelTopology(options) : standaloneTopology(options),
    );
  }

  /** The same as `new Redis(...)` (for node-redis compatibility, as in ioredis). */
  static createClient(...args: ConstructorParameters<typeof Redis>): Redis {
    return new (Redis as unknown as new (...a: unknown[]) => Redis)(...args);
  }

  /**
   * ioredis's `condition`: what a new connection restores. Libraries read
   * `condition.select` (the database selected now).
   */
  get condition():
    | { select: number; auth: string | [string, string] | undefined; subscriber: false | SubscriptionSetView }
    | undefined {
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
    return new SocketView(this.socketHost(), this.options.host ?? "localhost", this.options.port ?? 6379);
  }

  /**
   * ioredis's monitor(): a connection of its own in MONITOR mode, emitting
   * `monitor` (time, args, source, database) for every command the server
   * runs (lib/monitor/monitor-client.ts). Resolves once monitoring.
   */
  monitor(callback?: (err: Error | null, monitor?: MonitorClient) => void): Promise<MonitorClient> {
    // With Sentinel, the master found last (the options name the sentinels, not the server).
    const server = this.options.sentinels ? this[CONNECTION].serverAddress : undefined;
    const monitoring = new MonitorClient({ ...(this.options as ResolvedOptions), ...server }).whenMonitoring();
    return callback ? asCallback(monitoring, callback) : monitoring;
  }

  /** A new, independent client with the same options (and `override` on top). */
  duplicate<Override extends Partial<RedisOptions> | undefined = undefined>(
    override?: Override,
  ): Redis<ReplyMappingFromOptions<ReplyMapping, Override>> {
    const copy = new (
      this.constructor as new (options: RedisOptions) => Redis<ReplyMappingFromOptions<ReplyMapping, Override>>
    )({
      ...this.options,
      ...override,
    });
    this.copyMiddlewareTo(copy);
    return copy;
  }
}

// ioredis's Cluster hands out Redis instances (nodes(), '+node', '-node'), and code checks them
// with `instanceof Redis`: a cluster's node objects pass it too. Defined at run time, so that
// TypeScript keeps its own narrowing for `instanceof Redis`; subclasses keep the plain rule.
Object.defineProperty(Redis, Symbol.hasInstance, {
  value: function (this: unknown, value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return this === Redis && value instanceof ClusterNode;
  },
  configurable: true,
});

export default Redis;
