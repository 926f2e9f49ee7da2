/**
 * A strict TypeScript program written against ioredis 6's public API. It is
 * compiled twice by test/types/types.test.js: against ioredis itself (so the
 * program is known to be right) and with "ioredis" resolved to ioglide (the
 * one-import switch must compile unchanged).
 */
import Redis, {
  Cluster,
  RedisOptions,
  ClusterOptions,
  ClusterNode,
  Pipeline,
  ChainableCommander,
  Result,
  Callback,
  RedisKey,
  RedisValue,
  RedisStatus,
  ClusterStatus,
  ScanStreamOptions,
  NatMap,
  DNSLookupFunction,
  ReplyError,
} from "ioredis";
import { Redis as NamedRedis } from "ioredis";

declare module "ioredis" {
  interface RedisCommander<Context> {
    myEcho(key: string, argv: string): Result<string, Context>;
  }
}

const options: RedisOptions = {
  host: "127.0.0.1",
  port: 6379,
  db: 1,
  keyPrefix: "app:",
  lazyConnect: true,
  maxRetriesPerRequest: null,
  retryStrategy: (times) => Math.min(times * 50, 2000),
  reconnectOnError: (err) => err.message.startsWith("READONLY"),
  enableAutoPipelining: true,
  protocol: 3,
  replyMapping: "legacy",
  connectionName: "drop-in",
  tls: { rejectUnauthorized: false },
};

async function main(): Promise<void> {
  const redis = new Redis(options);
  const other = new NamedRedis(6379, "localhost");
  const fromUrl = new Redis("redis://localhost:6379/0", { lazyConnect: true });
  const status: RedisStatus = redis.status;

  const setReply: "OK" = await redis.set("k", "v");
  const setNx: "OK" | null = await redis.set("k", "v", "EX", 10, "NX");
  const old: string | null = await redis.set("k", "v", "GET");
  const value: string | null = await redis.get("k");
  const buffer: Buffer | null = await redis.getBuffer("k");
  const count: number = await redis.del("a", "b");
  const many: number = await redis.del(["a", "b"]);
  const hash: Record<string, string> = await redis.hgetall("h");
  const hset: number = await redis.hset("h", { a: 1, b: "2" });
  const hsetPairs: number = await redis.hset("h", "a", "1", "b", "2");
  const mget: (string | null)[] = await redis.mget("a", "b");
  const range: string[] = await redis.zrange("z", 0, "-1");
  const withScores: string[] = await redis.zrange("z", 0, "-1", "WITHSCORES");
  const score: string | null = await redis.zscore("z", "m");
  const popped: [key: string, member: string, score: string] | null = await redis.bzpopmin("z", 1);
  const incr: number = await redis.incr("n");
  const ttl: number = await redis.ttl("k");
  const exists: number = await redis.exists("k");
  const members: string[] = await redis.smembers("s");
  const list: string[] = await redis.lrange("l", 0, -1);
  const blpop: [string, string] | null = await redis.blpop("l", 0);
  const info: string = await redis.info();
  const scan: [cursor: string, elements: string[]] = await redis.scan(0, "MATCH", "a*", "COUNT", 10);
  const xadd: string | null = await redis.xadd("s", "*", "f", "v");
  const published: number = await redis.publish("ch", "msg");
  const evaluated: unknown = await redis.eval("return 1", 0);
  const called: unknown = await redis.call("get", "k");
  redis.get("k", (err, reply) => {
    const e: Error | null | undefined = err;
    const r: string | null | undefined = reply;
    void e;
    void r;
  });

  const pipeline: ChainableCommander = redis.pipeline().set("a", "1").get("a").incr("n");
  const results: [error: Error | null, result: unknown][] | null = await pipeline.exec();
  const arrayForm = await redis
    .pipeline([
      ["set", "a", "1"],
      ["get", "a"],
    ])
    .exec();
  const transaction = await redis.multi().set("a", "1").get("a").exec();
  const queued: "OK" = await redis.multi({ pipeline: false });
  const length: number = redis.pipeline().ping().length;

  redis.defineCommand("myEcho", { numberOfKeys: 1, lua: "return KEYS[1] .. ARGV[1]" });
  const echoed: string = await redis.myEcho("k", "v");
  const echoedInPipeline = await redis.pipeline().myEcho("k", "v").exec();

  const streamOptions: ScanStreamOptions = { match: "a*", count: 100 };
  redis.scanStream(streamOptions).on("data", (keys: string[]) => void keys);

  redis.on("error", (err: Error) => void err);
  redis.on("ready", () => undefined);
  const dup: Redis = redis.duplicate({ db: 2 });
  await redis.subscribe("ch");
  redis.on("message", (channel: string, message: string) => void [channel, message]);
  await redis.unsubscribe();
  await redis.quit();
  redis.disconnect();
  await redis.connect();

  const natMap: NatMap = { "10.0.0.1:6379": { host: "127.0.0.1", port: 7000 } };
  const dnsLookup: DNSLookupFunction = (address, callback) => callback(null, address);
  const clusterOptions: ClusterOptions = {
    scaleReads: "slave",
    redisOptions: { password: "x" },
    natMap,
    dnsLookup,
    maxRedirections: 16,
  };
  const nodes: ClusterNode[] = [{ host: "127.0.0.1", port: 7000 }, 7001, "127.0.0.1:7002"];
  const cluster = new Redis.Cluster(nodes, clusterOptions);
  const cluster2 = new Cluster(nodes);
  const clusterStatus: ClusterStatus = cluster.status;
  const clusterValue: string | null = await cluster.get("k");
  await cluster.pipeline().set("a", "1").exec();
  for (const node of cluster.nodes("master")) await node.flushdb();

  const isReplyError = (err: unknown): boolean => err instanceof ReplyError;
  const cb: Callback<string> = (err, result) => void [err, result];
  const key: RedisKey = Buffer.from("k");
  const arg: RedisValue = 1;
  const usePipeline = (p: Pipeline): number => p.length;

  void [
    other,
    fromUrl,
    status,
    setReply,
    setNx,
    old,
    value,
    buffer,
    count,
    many,
    hash,
    hset,
    hsetPairs,
    mget,
    range,
    withScores,
    score,
    popped,
  ];
  void [
    incr,
    ttl,
    exists,
    members,
    list,
    blpop,
    info,
    scan,
    xadd,
    published,
    evaluated,
    called,
    results,
    arrayForm,
    transaction,
    queued,
    length,
  ];
  void [echoed, echoedInPipeline, dup, cluster2, clusterStatus, clusterValue, isReplyError, cb, key, arg, usePipeline];
}

void main;

// ioredis 6's reply mappings: the class's type parameter comes from the options literal.
async function replyMappings(): Promise<void> {
  const native = new Redis({ protocol: 3, replyMapping: "resp3", lazyConnect: true });
  const score: number | null = await native.zscore("z", "m");
  const scored: [member: string, score: number][] | [] | [member: string, score: number] = await native.zpopmin("z");
  const streams = await native.xread("STREAMS", "s", "0");
  const copy = native.duplicate();
  const copyScore: number | null = await copy.zscore("z", "m");
  const legacy = native.duplicate({ replyMapping: "legacy" });
  const legacyScore: string | null = await legacy.zscore("z", "m");
  const piped = native.pipeline().zscore("z", "m");
  const plain = new Redis({ lazyConnect: true });
  const plainScore: string | null = await plain.zscore("z", "m");
  const nativeCluster = new Cluster([7000], {
    lazyConnect: true,
    redisOptions: { protocol: 3, replyMapping: "resp3" },
  });
  const clusterScore: number | null = await nativeCluster.zscore("z", "m");
  const legacyCluster = nativeCluster.duplicate([], { redisOptions: { replyMapping: "legacy" } });
  const legacyClusterScore: string | null = await legacyCluster.zscore("z", "m");
  void [score, scored, streams, copyScore, legacyScore, piped, plainScore, clusterScore, legacyClusterScore];
}

void replyMappings;
