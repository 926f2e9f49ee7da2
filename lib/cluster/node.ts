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
import type { CallPlacement } from "../chain/call";
import type { ResolvedOptions } from "../options";
import type { RedisCommander } from "../../types/commander";

/** What a node needs from its cluster. */
export interface NodeHost {
  readonly status: string;
  runCall(command: string, args: unknown[], buffer: boolean, placement: CallPlacement | undefined): Promise<unknown>;
  readonly nodeRedisOptions: Partial<ResolvedOptions>;
}

type Callback = (err: Error | null, value?: unknown) => void;

export const NODE_ROLE = Symbol("ioglide.nodeRole");

export class ClusterNode extends EventEmitter {
  readonly isCluster = false;
  readonly options: Record<string, unknown>;
  readonly #context: CallPlacement;
  readonly #cluster: NodeHost;

  constructor(
    cluster: NodeHost,
    readonly host: string,
    readonly port: number,
    role: "master" | "slave",
  ) {
    super();
    this.#cluster = cluster;
    this.options = { ...cluster.nodeRedisOptions, host, port, readOnly: role === "slave" };
    this.#context = { route: { type: "routeByAddress", host, port } };
  }

  /**
   * @internal The node's role (a symbol: `node.role()` is the ROLE command).
   * A failover changes it, and `options.readOnly` with it, as ioredis flips it on the same object.
   */
  get [NODE_ROLE](): "master" | "slave" {
    return this.options.readOnly ? "slave" : "master";
  }

  set [NODE_ROLE](role: "master" | "slave") {
    this.options.readOnly = role === "slave";
  }

  get status(): string {
    return this.#cluster.status;
  }

  /** @internal */
  [RUN](command: string, args: unknown[], buffer: boolean): Promise<unknown> {
    return this.#cluster.runCall(command, args, buffer, this.#context);
  }

  call(command: string, ...args: unknown[]): Promise<unknown> {
    return this.#withCallback(command, args, false);
  }

  callBuffer(command: string, ...args: unknown[]): Promise<unknown> {
    return this.#withCallback(command, args, true);
  }

  /** ioredis's alias of call() (Socket.IO's adapter asks each node for PUBSUB NUMSUB with it). */
  send_command(command: string, ...args: unknown[]): Promise<unknown> {
    return this.#withCallback(command, args, false);
  }

  #withCallback(command: string, args: unknown[], buffer: boolean): Promise<unknown> {
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

/** A node's commands are typed as a client's (types/commander.d.ts). */
export interface ClusterNode extends RedisCommander<{ type: "default" }> {}

installDispatchProxy(ClusterNode.prototype, synthesizeCommand);
