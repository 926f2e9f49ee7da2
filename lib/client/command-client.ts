/**
 * CommandClient: what `Redis` and `Redis.Cluster` share. It builds its parts
 * once, top down (connection, executor, chains: docs/ARCHITECTURE.md); every
 * command method is synthesized by the dispatch Proxy (lib/dispatch) and runs
 * this client's chain for that command (lib/chain/chains.ts, stages.ts).
 * What differs between a server and a cluster is its Topology.
 */
import asCallback from "standard-as-callback";
import { inspect } from "util";
import path from "path";
import { Call, CallPlacement } from "../chain/call";
import { CommandChains } from "../chain/chains";
import type { Middleware } from "../chain/middleware";
import { specFor } from "../commands/spec";
import { Connection } from "../connection/connection";
import type { Topology } from "../connection/topology";
import type { SocketViewHost } from "../connection/socket-view";
import { ArgumentError, redactOptions, withCallerStack } from "../errors";
import { ClientEmitter, silentEmit } from "./emitter";
import { GlideHandle, quietGlideLogger } from "../glide";
import { RUN, commandMethod, synthesizeCommand } from "../dispatch/commands";
import { GenericEntryPoints, installEntryPoints } from "../dispatch/entry-points";
import { installDispatchProxy } from "../dispatch/proxy";
import { ScriptCache, ScriptDefinition } from "../middleware/scripts";
import { PubSubMessage, PubSubRouter, SubscriberHandle } from "../pubsub/router";
import { replyShaper } from "../middleware/shape";
import { realNextTick } from "../timers";
import { CallTracer } from "../tracing";
import { AutoPipelineCount } from "./auto-pipeline-count";
import { builtinStages } from "./stages";
import type { ResolvedOptions } from "../options";
import { installScanStreams, KeyStream, ScanStreamOptions } from "../streams/scan-stream";
import { Pipeline, PipelineHost } from "../pipeline/pipeline";
import { pipelineHost } from "./pipeline-host";
import { Executor } from "../executor/executor";
import type { ChainableCommander, RedisCommander } from "../../types/commander";
import type { RedisOptions, RedisStatus, ReplyMappingMode, ReplyShapes } from "../types/options";

type Callback<T> = (err: Error | null, value?: T) => void;

/** ioglide's own files (built/), left out of friendly error stacks. */
const PACKAGE_ROOT = path.resolve(__dirname, "..");
const noop = (): void => undefined;

/** Where a client keeps its Connection (subclasses and the client's own parts use it). */
export const CONNECTION = Symbol("ioglide.connection");

quietGlideLogger();

export abstract class CommandClient<
  Options extends object = RedisOptions,
  Status extends string = RedisStatus,
  Mapping extends ReplyMappingMode = "legacy",
> extends ClientEmitter {
  /** The effective options, with ioredis's defaults filled in (libraries read these). */
  options: Options;
  /** wait | connecting | connect | ready | close | reconnecting | end (assignable, as in ioredis) */
  status = "wait" as Status;
  readonly isCluster: boolean;

  /** @internal the connection (a symbol: no defined command can take its name) */
  readonly [CONNECTION]: Connection;
  readonly #executor: Executor;
  readonly #chains: CommandChains;
  readonly #autoPipeline: AutoPipelineCount | undefined;
  readonly #scripts = new ScriptCache();
  readonly #pubSubRouter: PubSubRouter;
  readonly #pipelineHost: PipelineHost;
  /** showFriendlyErrorStack: rejected calls get the caller's stack (at the cost of one captured stack per call) */
  readonly #friendlyErrorStack: boolean;

  /**
   * `options` is what `client.options` shows; `connectionOptions` drive the
   * connection (for a cluster, its redisOptions merged with its own).
   */
  protected constructor(options: Options, connectionOptions: ResolvedOptions, topology: Topology) {
    super();
    // Internal state lives in #private fields: a command defined with any name (defineCommand) cannot clobber it.
    this.options = options;
    this.isCluster = topology.kind === "cluster";
    const pipelining = options as { enableAutoPipelining?: boolean; autoPipeliningIgnoredCommands?: string[] };
    this.#autoPipeline = pipelining.enableAutoPipelining
      ? new AutoPipelineCount(pipelining.autoPipeliningIgnoredCommands ?? [])
      : undefined;
    this.#friendlyErrorStack = !!(options as { showFriendlyErrorStack?: boolean }).showFriendlyErrorStack;
    const resp3 = connectionOptions.protocol !== 2;
    // Down: the connection (reporting to this client), the executor over it, the chain's stages.
    const connection = new Connection(connectionOptions, topology, {
      status: (status, arg) => {
        if (status === "close") this.#scripts.connectionLost();
        this.status = status as Status;
        realNextTick(() => this.emit(status, arg));
      },
      error: (error) => silentEmit(this, error, connectionOptions.password),
      // The subscriptions are back before 'ready', as with ioredis (a publish on 'ready' reaches them).
      beforeReady: (main) =>
        Promise.all([this.beforeReady(main), this.#pubSubRouter.reconnected().catch(noop)]).then(noop),
      opened: () => this.#onNewConnection(),
      ready: () => this.#executor.resume(),
      interrupted: () => this.#executor.requeueInFlight(),
      relocating: () => this.#executor.relocating(),
      dropped: () => this.#executor.settleInFlight(),
      releaseBlocked: () => this.#executor.releaseBlocked(),
      abandonDropped: () => this.#executor.abandonDropped(),
      flush: (error, afterStatus) => this.#executor.rejectAll(error, afterStatus),
      message: (msg) => this.#pubSubRouter.deliver(msg as PubSubMessage),
      sentinelError: (error) => this.emit("sentinelError", error),
      subscriberOpened: (client) => this.#pubSubRouter.restore(client as SubscriberHandle),
    });
    this[CONNECTION] = connection;
    const tracer = new CallTracer(() => ({ database: connection.db, ...topology.traceTarget }));
    this.#executor = new Executor(connection, connectionOptions, tracer);
    this.#pubSubRouter = new PubSubRouter({
      subscriberClient: () => this.#executor.subscriberClient() as Promise<SubscriberHandle>,
      subscriberCall: (after, op) =>
        this.#executor.subscriberCall(after, (client) => op(client as () => Promise<SubscriberHandle>)),
      emit: (event, ...args) => this.emit(event, ...args),
      listenerCount: (event) => this.listenerCount(event),
      resp3,
      ended: () => connection.status === "end",
      autoResubscribe: connectionOptions.autoResubscribe !== false,
      resubscribed: (client, expected) => connection.subscriberResubscribed(client, expected),
    });
    const stages = builtinStages({
      keyPrefix: () => connectionOptions.keyPrefix ?? "",
      sawBinaryArgument: () => connection.sawBinaryReply(),
      binary: () => connection.binary,
      isCluster: this.isCluster,
      readsFromReplicas: (options as { scaleReads?: unknown }).scaleReads === "slave",
      scripts: this.#scripts,
      router: this.#pubSubRouter,
      resp3,
      subscriptionSent: (call, outcome) => tracer.sent(call, outcome),
      selected: (db) => this.#selected(db),
    });
    this.#chains = new CommandChains(stages, replyShaper, (call) => this.#executor.execute(call));
    this.#pipelineHost = pipelineHost({
      runCall: (command, args, buffer, placement, onDone) => this.runCall(command, args, buffer, placement, onDone),
      executor: this.#executor,
      tracer,
      chains: this.#chains,
      scripts: this.#scripts,
      captureCallerStack: () => {
        if (!this.#friendlyErrorStack) return undefined;
        const callerStack = new Error().stack;
        return (err) => withCallerStack(err, callerStack, PACKAGE_ROOT) as Error;
      },
    });
    const scripts = connectionOptions.scripts;
    if (scripts) {
      for (const [name, definition] of Object.entries(scripts)) this.defineCommand(name, definition);
    }
    if (connectionOptions.lazyConnect) connection.waitForConnect();
    else connection.connect().catch(() => undefined);
  }

  /** SELECT ran: new connections use that database; ioredis's 'select' event. */
  #selected(db: number): void {
    if (db === this[CONNECTION].db) return;
    this.#executor.selected(db);
    this.emit("select", db);
  }

  // ---- the chain ------------------------------------------------------------

  /**
   * Add a middleware. It runs for every command after the argument normalizer
   * and the native-method resolver (it sees flat string/Buffer arguments with
   * keyPrefix applied) and before the reply shaper (it sees ioredis-shaped
   * replies and errors). Middleware added later runs inside middleware added
   * earlier. See docs/MIDDLEWARE.md.
   */
  use(middleware: Middleware): this {
    this.#chains.use(middleware);
    return this;
  }

  /** Remove a middleware added with use(). */
  unuse(middleware: Middleware): this {
    this.#chains.unuse(middleware);
    return this;
  }

  /** @internal Entry point of every command method. */
  [RUN](command: string, args: unknown[], buffer: boolean, named?: boolean): Promise<unknown> {
    if (named && this.#autoPipeline !== undefined) this.#autoPipeline.issued(command, specFor(command));
    if (!this.#friendlyErrorStack) return this.runCall(command, args, buffer, undefined);
    const callerStack = new Error().stack;
    return this.runCall(command, args, buffer, undefined).catch((err: unknown) => {
      throw withCallerStack(err, callerStack, PACKAGE_ROOT);
    });
  }

  /**
   * ioredis's retryAttempts (private in its types; its own tests and some
   * libraries read it): reconnect attempts since the last ready.
   */
  private get retryAttempts(): number {
    return this[CONNECTION].retryAttempts;
  }

  /**
   * ioredis's count of calls waiting in its auto pipeline (enableAutoPipelining):
   * this tick's command-method calls (client/auto-pipeline-count.ts); 0 without the option.
   */
  get autoPipelineQueueSize(): number {
    return this.#autoPipeline?.size ?? 0;
  }

  /**
   * @internal A command through this client's chain; `placement` when it
   * belongs to a pipeline or multi, or goes to one node; `onDone` to be told
   * the outcome instead of getting a promise (only without user middleware;
   * see Call.onDone). A promise is still returned when the call fails before
   * reaching a lane.
   */
  runCall(
    command: string,
    args: unknown[],
    buffer: boolean,
    placement: CallPlacement | undefined,
    onDone?: Call["onDone"],
  ): Promise<unknown> {
    if (typeof command !== "string" || command.length === 0) {
      return Promise.reject(
        new ArgumentError(`ioglide: the command name must be a non-empty string, got ${typeof command}`),
      );
    }
    const { spec, chain } = this.#chains.forCall(command);
    const call = new Call(command, args, buffer, spec, this[CONNECTION].env);
    if (placement !== undefined) {
      call.pipeline = placement.pipeline;
      call.route = placement.route;
    }
    call.onDone = onDone;
    try {
      return chain(call);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** @internal What Redis's `stream` (lib/connection/socket-view.ts) acts on. */
  protected socketHost(): SocketViewHost {
    return this.#executor;
  }

  /** Subclasses: a new server connection is about to be ready. */
  protected onConnected(): void {}

  /**
   * Subclasses: what to learn on a new connection before 'ready', through
   * its main GLIDE client (calls made through the client would wait for ready).
   */
  protected beforeReady(main: GlideHandle): Promise<void> {
    void main;
    return Promise.resolve();
  }

  /** The main GLIDE client once connected (for what only GLIDE's own API offers, like cluster scan). */
  protected glideClient(): Promise<GlideHandle> {
    return this.#executor.readyGlideClient();
  }

  /** A new server connection is about to be ready: what does not carry over. */
  #onNewConnection(): void {
    this.onConnected();
    this.#scripts.connectionChanged();
    this.#pubSubRouter.connected();
  }

  // ---- pipelines and transactions --------------------------------------------

  /** `pipeline()` / `pipeline([[name, ...args], ...])` */
  pipeline(commands?: unknown[][]): ChainableCommander<ReplyShapes<Mapping>> {
    const p = new Pipeline(this, this.#pipelineHost, false);
    if (Array.isArray(commands)) p.addBatch(commands);
    return p as ChainableCommander as ChainableCommander<ReplyShapes<Mapping>>; // one runtime class for both typed shapes
  }

  /**
   * `multi()` / `multi(commands)` / `multi({ pipeline: false })`. The last
   * starts a transaction on the client itself: calls answer "QUEUED" until
   * `exec()` sends them all (see ManualTransaction).
   */
  multi(options: { pipeline: false }): Promise<"OK">;
  multi(): ChainableCommander<ReplyShapes<Mapping>>;
  multi(options: { pipeline: true }): ChainableCommander<ReplyShapes<Mapping>>;
  multi(commands?: unknown[][]): ChainableCommander<ReplyShapes<Mapping>>;
  multi(
    commands?: unknown[][] | { pipeline?: boolean },
    options?: { pipeline?: boolean },
  ): ChainableCommander<ReplyShapes<Mapping>> | Promise<"OK">;
  multi(
    commands?: unknown[][] | { pipeline?: boolean },
    options?: { pipeline?: boolean },
  ): ChainableCommander<ReplyShapes<Mapping>> | Promise<"OK"> {
    const batch = Array.isArray(commands) ? commands : undefined;
    const settings = options ?? (batch ? undefined : (commands as { pipeline?: boolean } | undefined));
    if (settings?.pipeline === false) return this.#executor.startManualTransaction();
    const p = new Pipeline(this, this.#pipelineHost, true);
    if (batch) p.addBatch(batch);
    return p as ChainableCommander as ChainableCommander<ReplyShapes<Mapping>>;
  }

  /**
   * ioredis's defineCommand: `client[name](...keysAndArgs)` and
   * `client[name + "Buffer"]` run the Lua script (EVALSHA, loading it when
   * needed), on this client and on its pipelines and transactions. Without
   * `numberOfKeys`, the first argument of each call is the key count.
   */
  defineCommand(name: string, definition: ScriptDefinition): void {
    this.#scripts.define(name, definition);
    const self = this as unknown as Record<string, unknown>;
    self[name] = commandMethod(name, false);
    self[name + "Buffer"] = commandMethod(name, true);
    this.#chains.invalidate();
  }

  // ---- connection -------------------------------------------------------------

  connect(callback?: Callback<void>): Promise<void> {
    const promise = this.#executor.connect();
    return callback ? asCallback(promise, callback) : promise;
  }

  disconnect(reconnect = false): void {
    this.#executor.disconnect(reconnect);
  }

  /** @deprecated as in ioredis: use disconnect(). */
  end(): void {
    this.disconnect();
  }

  quit(callback?: Callback<"OK">): Promise<"OK"> {
    const promise = this.#executor.quit();
    return callback ? asCallback(promise, callback) : promise;
  }

  /** The middleware a duplicate inherits. */
  protected copyMiddlewareTo(copy: { use(middleware: Middleware): unknown }): void {
    for (const m of this.#chains.middleware) copy.use(m);
  }

  /** @internal false, or the subscriptions (ioredis's condition.subscriber) */
  protected subscriptions(): ReturnType<PubSubRouter["view"]> {
    return this.#pubSubRouter.view();
  }

  get mode(): "normal" | "subscriber" | "monitor" {
    return this.#pubSubRouter.subscriberMode ? "subscriber" : "normal";
  }

  /** The server's INFO fields as of the last (re)connect. */
  get serverInfo(): Record<string, string> | undefined {
    return this[CONNECTION].serverInfo?.fields;
  }

  [inspect.custom](): string {
    return `${this.constructor.name} { status: ${JSON.stringify(this.status)}, options: ${inspect(redactOptions(this.options as Record<string, unknown>), { breakLength: Infinity })} }`;
  }
}

installDispatchProxy(CommandClient.prototype, synthesizeCommand);
installEntryPoints(CommandClient.prototype);
installScanStreams(CommandClient.prototype);

/**
 * Every command typed as ioredis types it (types/commander.d.ts, generated),
 * and scanStream, sscanStream, ... (lib/streams/scan-stream.ts), returned
 * synchronously as BullMQ expects.
 */
/* eslint-disable @typescript-eslint/no-unused-vars -- the type parameters must match the class's to merge */
export interface CommandClient<
  Options extends object = RedisOptions,
  Status extends string = RedisStatus,
  Mapping extends ReplyMappingMode = "legacy",
>
  extends RedisCommander<{ type: "default"; mapping: ReplyShapes<Mapping> }>, GenericEntryPoints {
  /* eslint-enable @typescript-eslint/no-unused-vars */
  scanStream(options?: ScanStreamOptions): KeyStream;
  scanBufferStream(options?: ScanStreamOptions): KeyStream;
  sscanStream(key: string | Buffer, options?: ScanStreamOptions): KeyStream;
  sscanBufferStream(key: string | Buffer, options?: ScanStreamOptions): KeyStream;
  hscanStream(key: string | Buffer, options?: ScanStreamOptions): KeyStream;
  hscanBufferStream(key: string | Buffer, options?: ScanStreamOptions): KeyStream;
  zscanStream(key: string | Buffer, options?: ScanStreamOptions): KeyStream;
  zscanBufferStream(key: string | Buffer, options?: ScanStreamOptions): KeyStream;
}
