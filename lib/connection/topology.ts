/**
 * What differs between a standalone server and a cluster, for the
 * connection lifecycle: which GLIDE client class, how to probe reachability,
 * how batches are made, whether a connection has an identity to watch.
 */
import {
  Batch,
  ClusterBatch,
  createCluster,
  createStandalone,
  GlideClusterClientConfiguration,
  GlideHandle,
} from "../glide";
import { connectHost, ResolvedOptions } from "../options";
import { glideConfig, subscriberConfig } from "./glide-config";
import { ShardChannels, StandaloneSubscriber } from "./standalone-subscriber";
import { probeTcp } from "./probe";
import { SentinelWatch, type SentinelAddress } from "./sentinel";
import { classifyGlideError, clusterRefusal } from "../errors";
import type { WatchTarget } from "./liveness";
import type { TraceTarget } from "../tracing";

export interface Topology {
  readonly kind: "standalone" | "cluster";
  createMain(): Promise<GlideHandle>;
  createBlocking(): Promise<GlideHandle>;
  createSubscriber(deliver: (msg: unknown) => void): Promise<GlideHandle>;
  /**
   * a plain TCP connect to the server (any startup node of a cluster; with
   * Sentinel, the master the sentinels name: `report` gets their errors)
   */
  probe(timeoutMs: number, report: (error: Error, kind?: "sentinelError") => void): Promise<void>;
  newBatch(atomic: boolean): Batch;
  /** standalone: CLIENT ID names the one connection, so a new id means a reconnect */
  readonly tracksIdentity: boolean;
  readonly supportsSelect: boolean;
  /** options for INFO during the handshake (a cluster asks one node) */
  readonly infoRoute: { route: "randomNode" } | undefined;
  /** ms before resending a call a cluster node redirected, refused for now or lost; undefined: not such an error */
  redirectDelay(error: Error): number | undefined;
  /**
   * Standalone: the server to watch for closed connections (liveness.ts),
   * and GLIDE clients are replaced on every reconnect attempt and leave with
   * QUIT (the server drops them at once; GLIDE alone keeps a closed client's
   * connection for seconds). A cluster keeps GLIDE's client, which follows
   * its nodes by itself.
   */
  readonly standalone: WatchTarget | undefined;
  /** the server as trace contexts name it (a cluster: its first startup node) */
  readonly traceTarget: TraceTarget;
  /** Sentinel: failovers of the master, as the sentinels report them */
  readonly failovers?: SentinelWatch;
  /** Sentinel: is the server the attempt reached still the master? */
  readonly masterCheck?: MasterCheck;
}

/**
 * Sentinel: a master that stalled or died while a connect attempt waited on
 * it comes back believing it is the master until the sentinels demote it;
 * what it acknowledges meanwhile is gone at its resync. So an attempt, once
 * connected, asks whether the master it found still is the one.
 */
export interface MasterCheck {
  /** no switch of the master was reported since the address was found (synchronous: the last look before 'ready') */
  unchanged(): boolean;
  /** unchanged, and the sentinels agree on that address, with no failover of it under way (sentinel.agreedMaster) */
  confirmed(): Promise<boolean>;
  /** after a check said no: when to try again (at once if the sentinels agreed on another master, else on their news) */
  retryWhen(maxMs: number): Promise<void>;
}

export function standaloneTopology(options: ResolvedOptions): Topology {
  return {
    kind: "standalone",
    createMain: () => createStandalone(glideConfig(options, "main")),
    createBlocking: () => createStandalone(glideConfig(options, "blocking")),
    // Sharded channels go over a plain connection of their own (standalone-subscriber.ts).
    createSubscriber: async (deliver) =>
      new StandaloneSubscriber(
        await createStandalone(subscriberConfig(options, deliver)),
        new ShardChannels(options, deliver),
      ),
    probe: (timeoutMs) => probeTcp(connectHost(options), options.port, timeoutMs),
    newBatch: (atomic) => new Batch(atomic),
    tracksIdentity: true,
    supportsSelect: true,
    infoRoute: undefined,
    redirectDelay: () => undefined,
    standalone: { host: connectHost(options), port: options.port, tls: watchTls(options) },
    // As ioredis names it: the socket path, or the host and port as given.
    traceTarget: options.path
      ? { serverAddress: options.path, serverPort: undefined }
      : { serverAddress: options.host || "localhost", serverPort: options.port || 6379 },
  };
}

/** How long a Sentinel client's connect attempt waits for the sentinels to name a reachable master. */
const SENTINEL_PATIENCE_MS = 15000;

/**
 * A master found through Sentinel (sentinel.ts): a standalone topology whose
 * address is asked of the sentinels before every connect attempt.
 */
export function sentinelTopology(options: ResolvedOptions): Topology {
  const watch = new SentinelWatch(options);
  const live: ResolvedOptions = { ...options, host: undefined as unknown as string, port: 0 };
  const base = standaloneTopology(live);
  const tls = watchTls(options);
  let switchesSeen = 0; // watch.switchCount when the address was found
  let next: SentinelAddress | undefined; // the master the sentinels agreed on, for the next attempt
  const unchanged = () => watch.switchCount === switchesSeen;
  return {
    ...base,
    probe: async (timeoutMs, report) => {
      // The master the sentinels name may be down before they notice (down-after-milliseconds) and
      // promote a replica: while they are followed, wait for their news and ask again, for a while.
      const deadline = Date.now() + SENTINEL_PATIENCE_MS;
      for (;;) {
        // A check that found the sentinels agree on another master: straight there (it is checked again).
        const address = next ?? (await watch.resolve(report));
        next = undefined;
        switchesSeen = watch.switchCount;
        live.host = address.host;
        live.port = address.port;
        try {
          return await probeTcp(address.host, address.port, timeoutMs);
        } catch (err) {
          if (!watch.patient || Date.now() > deadline) throw err;
          await watch.newsOfMaster(500);
        }
      }
    },
    standalone: {
      get host() {
        return connectHost(live);
      },
      get port() {
        return live.port;
      },
      tls,
    },
    failovers: watch,
    masterCheck: {
      unchanged,
      async confirmed() {
        if (!unchanged()) return false;
        const agreed = await watch.agreedMaster();
        if (agreed === undefined) return unchanged();
        if (agreed && (agreed.host !== live.host || agreed.port !== live.port)) next = agreed;
        return agreed !== null && next === undefined && unchanged();
      },
      retryWhen: (maxMs) => (next ? Promise.resolve() : watch.newsOfMaster(maxMs)),
    },
  };
}

export interface ClusterSeed {
  host: string;
  port: number;
}

/**
 * A cluster: GLIDE's cluster client for every role, seeded with the startup
 * nodes. `knownNodes`: the nodes learned since (CLUSTER NODES); the cluster
 * is reachable while any startup or known node accepts a connection, as
 * ioredis's Cluster keeps working when its only startup node dies.
 */
export function clusterTopology(
  seeds: ClusterSeed[],
  options: ResolvedOptions,
  extra: Partial<GlideClusterClientConfiguration>,
  knownNodes: () => readonly ClusterSeed[] = () => [],
): Topology {
  const config = (base: ReturnType<typeof glideConfig>): GlideClusterClientConfiguration => ({
    ...(base as GlideClusterClientConfiguration),
    ...extra,
    addresses: [...seeds, ...knownNodes()].map(({ host, port }) => ({ host, port })),
  });
  return {
    kind: "cluster",
    createMain: () => createCluster(config(glideConfig(options, "main"))),
    createBlocking: () => createCluster(config(glideConfig(options, "blocking"))),
    createSubscriber: (deliver) => createCluster(config(subscriberConfig(options, deliver))),
    probe: (timeoutMs) => probeAny([...seeds, ...knownNodes()], timeoutMs),
    newBatch: (atomic) => new ClusterBatch(atomic) as unknown as Batch,
    tracksIdentity: false,
    supportsSelect: false,
    infoRoute: { route: "randomNode" },
    redirectDelay: (error) => clusterRedirectDelay(error, options as Record<string, unknown>),
    traceTarget: { serverAddress: seeds[0]?.host ?? "localhost", serverPort: seeds[0]?.port ?? 6379 },
    standalone: undefined,
  };
}

/** The TLS settings the liveness watch needs to complete a handshake like the client's. */
function watchTls(options: ResolvedOptions): WatchTarget["tls"] {
  if (!options.tls) return undefined;
  const tls = typeof options.tls === "object" ? (options.tls as Record<string, unknown>) : {};
  return { ca: tls.ca as string | Buffer | undefined, rejectUnauthorized: tls.rejectUnauthorized !== false };
}

/**
 * ioredis's retryDelayOnMoved / retryDelayOnTryAgain / retryDelayOnClusterDown,
 * and retryDelayOnFailover for a call whose node connection failed (ioredis
 * resends those too, while the cluster promotes a replica).
 */
function clusterRedirectDelay(error: Error, options: Record<string, unknown>): number | undefined {
  if (classifyGlideError(error) === "connection") {
    const delay = Number(options.retryDelayOnFailover ?? 100);
    return delay > 0 ? delay : undefined;
  }
  const kind = clusterRefusal(error);
  if (!kind) return undefined;
  if (kind === "MOVED" || kind === "ASK") return Number(options.retryDelayOnMoved ?? 0);
  if (kind === "TRYAGAIN") return Number(options.retryDelayOnTryAgain ?? 100);
  // As ioredis: CLUSTERDOWN is retried only with a positive delay.
  const clusterDown = Number(options.retryDelayOnClusterDown ?? 100);
  return clusterDown > 0 ? clusterDown : undefined;
}

/** Resolves as soon as any node accepts a TCP connection; rejects with the first node's error when none does. */
async function probeAny(nodes: readonly ClusterSeed[], timeoutMs: number): Promise<void> {
  try {
    await Promise.any(nodes.map((n) => probeTcp(n.host, n.port, timeoutMs)));
  } catch (err) {
    throw (err as AggregateError).errors[0];
  }
}
