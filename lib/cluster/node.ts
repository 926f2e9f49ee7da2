/**
 * One node of a cluster, as `cluster.nodes()` returns it: the command surface
 * of a client whose calls all go to that node. It shares the cluster's GLIDE
 * client (GLIDE routes by address) and its chain, so it costs no connection.
 */
import asCallback from "standard-as-callback";
import { EventEmitter } from "eventemitter3";
import { RUN, synthesizeCommand } from "../dispatch/commands";
import { installDispatchProxy } from "../dispatch/proxy";
import { ScanStream, ScanStreamOptions } from "../streams/scan-stream";
import type { BatchContext } from "../chain/call";
import type { RedisOptions } from "../options";

/** What a node needs from its cluster. */
export interface NodeHost {
  readonly status: string;
  runCall(command: string, args: unknown[], buffer: boolean, batch: BatchContext | undefined): Promise<unknown>;
  readonly nodeRedisOptions: Partial<RedisOptions>;
}

type Callback = (err: Error | null, value?: unknown) => void;

export class ClusterNode extends EventEmitter {
  readonly isCluster = false;
  readonly options: Record<string, unknown>;
  private readonly context: BatchContext;

  constructor(
    private readonly cluster: NodeHost,
    readonly host: string,
    readonly port: number,
    public role: "master" | "slave",
  ) {
    super();
    this.options = { ...cluster.nodeRedisOptions, host, port, readOnly: role === "slave" };
    this.context = { route: { type: "routeByAddress", host, port } };
  }

  /** @internal failover changed this node's role (ioredis flips `options.readOnly` on the same object) */
  changeRole(role: "master" | "slave"): void {
    this.role = role;
    this.options.readOnly = role === "slave";
  }

  get status(): string {
    return this.cluster.status;
  }

  /** @internal */
  [RUN](command: string, args: unknown[], buffer: boolean): Promise<unknown> {
    return this.cluster.runCall(command, args, buffer, this.context);
  }

  call(command: string, ...args: unknown[]): Promise<unknown> {
    return this.withCallback(command, args, false);
  }

  callBuffer(command: string, ...args: unknown[]): Promise<unknown> {
    return this.withCallback(command, args, true);
  }

  /** ioredis's alias of call() (Socket.IO's adapter asks each node for PUBSUB NUMSUB with it). */
  send_command(command: string, ...args: unknown[]): Promise<unknown> {
    return this.withCallback(command, args, false);
  }

  private withCallback(command: string, args: unknown[], buffer: boolean): Promise<unknown> {
    const callback = typeof args[args.length - 1] === "function" ? (args.pop() as Callback) : undefined;
    const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    const promise = this[RUN](command, flat, buffer);
    return callback ? asCallback(promise, callback as never) : promise;
  }

  scanStream(options: ScanStreamOptions = {}): ScanStream {
    return new ScanStream((args, cb) => asCallback(this[RUN]("scan", args, false), cb as never), undefined, options);
  }

  /** A node object holds no connection of its own: nothing to close. */
  disconnect(): void {}

  quit(): Promise<"OK"> {
    return Promise.resolve("OK");
  }
}

installDispatchProxy(ClusterNode.prototype, synthesizeCommand);
