/**
 * `Redis.Cluster`: ioredis's Cluster on GLIDE's cluster client.
 *
 * Every command goes through the same Proxy, chain and lanes as `Redis`
 * (lib/client/command-client.ts); GLIDE routes by key, follows MOVED/ASK,
 * refreshes the topology and fails over by itself. What this class adds:
 * ioredis's constructor and options, `nodes(role)` (node objects whose calls
 * go to one node), the `+node` / `-node` / `refresh` events, `duplicate()`,
 * and `scanStream()` over all primaries.
 */
import asCallback from "standard-as-callback";
import { CommandClient } from "../client/command-client";
import { clusterTopology } from "../connection/topology";
import { ClusterScanStream } from "../streams/cluster-scan-stream";
import type { ScanStreamOptions } from "../streams/scan-stream";
import { BYTES_DECODER, GlideHandle, STRING_DECODER } from "../glide";
import type { ResolvedOptions } from "../options";
import { ClusterNode, NODE_ROLE } from "./node";
import type {
  ClusterNode as ClusterNodeSpec,
  ClusterOptions,
  ClusterStatus,
  ReplyMappingFromClusterOptions,
  ReplyMappingMode,
} from "../types/options";
import { NodeInfo, nodeKey, parseClusterNodes } from "./nodes";
import {
  ResolvedClusterOptions,
  clusterOptionsOf,
  connectionOptionsOf,
  glideClusterExtras,
  normalizeStartupNodes,
} from "./options";
import { realClearInterval, realSetInterval } from "../timers";

/** How often the node list is re-read while connected (ioredis re-reads on MOVED; GLIDE hides those). */
const NODES_REFRESH_MS = 5000;
const RANDOM_NODE = { route: "randomNode" };

/** `ReplyMapping` comes from `redisOptions.replyMapping`, as in ioredis 6. */
export class Cluster<ReplyMapping extends ReplyMappingMode = "legacy"> extends CommandClient<
  ClusterOptions,
  ClusterStatus,
  ReplyMapping
> {
  readonly startupNodes: ClusterNodeSpec[];
  private readonly nodeObjects: Map<string, ClusterNode>;
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(
    startupNodes: ClusterNodeSpec[],
    options?: ClusterOptions & { redisOptions?: ClusterOptions["redisOptions"] & { replyMapping?: ReplyMapping } },
  ) {
    const clusterOptions = clusterOptionsOf(options as Partial<ResolvedClusterOptions>);
    const seeds = normalizeStartupNodes(startupNodes);
    const connectionOptions = connectionOptionsOf(clusterOptions);
    // The nodes learned from CLUSTER NODES keep the cluster reachable when the startup nodes die.
    const nodeObjects = new Map<string, ClusterNode>();
    const known = () => [...nodeObjects.values()];
    super(
      clusterOptions as ClusterOptions,
      connectionOptions,
      clusterTopology(seeds, connectionOptions, glideClusterExtras(clusterOptions), known),
    );
    this.nodeObjects = nodeObjects;
    this.startupNodes = startupNodes;
    this.on("end", () => this.stopRefreshing());
  }

  /** @internal the redisOptions a node object shows as its options */
  get nodeRedisOptions(): Partial<ResolvedOptions> {
    return (this.options as unknown as ResolvedClusterOptions).redisOptions ?? {};
  }

  protected override onConnected(): void {
    // The node list was read before 'ready' (beforeReady); from now on it is re-read periodically.
    if (!this.refreshTimer) {
      this.refreshTimer = realSetInterval(() => {
        if (this.status === "ready") this.refreshSlotsCache();
      }, NODES_REFRESH_MS);
      this.refreshTimer.unref();
    }
  }

  private stopRefreshing(): void {
    if (this.refreshTimer) realClearInterval(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** The node list is known before 'ready', as ioredis's Cluster knows its slots by then. */
  protected override async beforeReady(main: GlideHandle): Promise<void> {
    const text = await main.customCommand(["CLUSTER", "NODES"], { route: "randomNode", decoder: STRING_DECODER });
    this.applyNodes(parseClusterNodes(String(text)));
  }

  /** Re-read CLUSTER NODES; `+node`/`-node` for changes, then `refresh`. */
  refreshSlotsCache(callback?: (err?: Error | null) => void): void {
    if (!this.refreshing) {
      this.refreshing = this.runCall("cluster", ["NODES"], false, RANDOM_NODE)
        .then((text) => this.applyNodes(parseClusterNodes(String(text))))
        .finally(() => (this.refreshing = null));
    }
    const done = this.refreshing;
    done.then(
      () => callback?.(null),
      (err) => callback?.(err),
    );
  }

  private applyNodes(infos: NodeInfo[]): void {
    const seen = new Map<string, NodeInfo>();
    for (const info of infos) if (!info.failed) seen.set(nodeKey(info), info);
    for (const [key, node] of this.nodeObjects) {
      const info = seen.get(key);
      if (!info) {
        this.nodeObjects.delete(key);
        this.emit("-node", node, key);
      } else if (info.role !== node[NODE_ROLE]) {
        // A promoted replica (or demoted master) stays the same node, as in ioredis: no events.
        node[NODE_ROLE] = info.role;
      }
    }
    for (const [key, info] of seen) {
      if (this.nodeObjects.has(key)) continue;
      const node = new ClusterNode(this, info.host, info.port, info.role);
      this.nodeObjects.set(key, node);
      this.emit("+node", node, key);
    }
    this.emit("refresh");
  }

  /** ioredis's nodes(role): "all", "master" or "slave" (known from the first 'ready' on). */
  nodes(role: "all" | "master" | "slave" = "all"): ClusterNode[] {
    if (role !== "all" && role !== "master" && role !== "slave") {
      throw new Error(`Invalid role "${String(role)}". Expected "all", "master" or "slave"`);
    }
    const all = [...this.nodeObjects.values()];
    return role === "all" ? all : all.filter((n) => n[NODE_ROLE] === role);
  }

  /** ioredis's duplicate(overrideStartupNodes, overrideOptions). */
  duplicate<Override extends ClusterOptions | undefined = undefined>(
    overrideStartupNodes: ClusterNodeSpec[] = [],
    overrideOptions?: Override,
  ): Cluster<ReplyMappingFromClusterOptions<ReplyMapping, Override>> {
    const startupNodes = overrideStartupNodes.length > 0 ? overrideStartupNodes : this.startupNodes.slice(0);
    const options = { ...this.options, ...overrideOptions };
    // ioredis 6.1 merges redisOptions: overriding one keeps the rest (protocol, replyMapping, ...).
    if (this.options.redisOptions && overrideOptions?.redisOptions)
      options.redisOptions = { ...this.options.redisOptions, ...overrideOptions.redisOptions };
    const copy = new Cluster(startupNodes, options) as Cluster<ReplyMappingFromClusterOptions<ReplyMapping, Override>>;
    this.copyMiddlewareTo(copy);
    return copy;
  }

  /** SCAN over all primaries (GLIDE's cluster scan): each `data` event is a batch of keys. */
  override scanStream(options: ScanStreamOptions = {}): ClusterScanStream {
    return new ClusterScanStream(() => this.glideClient() as never, options, STRING_DECODER);
  }

  override scanBufferStream(options: ScanStreamOptions = {}): ClusterScanStream {
    return new ClusterScanStream(() => this.glideClient() as never, options, BYTES_DECODER);
  }

  /** ioredis's Cluster#quit: quits every node; resolves "OK". */
  override quit(callback?: (err: Error | null, value?: "OK") => void): Promise<"OK"> {
    this.stopRefreshing();
    const promise = super.quit();
    return callback ? asCallback(promise, callback as never) : promise;
  }
}
