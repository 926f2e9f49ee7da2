/**
 * Type assertions on ioglide's public declarations (compiled by
 * test/types/types.test.js under strict, skipLibCheck false). Each
 * `expectType<Equal<A, B>>(true)` fails to compile when A is not exactly B.
 */
import Redis, {
  Cluster,
  Command,
  Pipeline,
  ReplyError,
  Redis as NamedRedis,
  type Call,
  type Callback,
  type ChainableCommander,
  type ClusterNode,
  type ClusterOptions,
  type ClusterStatus,
  type Middleware,
  type NatMap,
  type Next,
  type RedisKey,
  type RedisOptions,
  type RedisStatus,
  type RedisValue,
  type Result,
  type ScanStreamOptions,
} from "ioglide";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function expectType<T extends true>(value: T): void;
declare const redis: Redis;
declare const cluster: Cluster;

// exports
expectType<Equal<typeof NamedRedis, typeof Redis>>(true);
expectType<Equal<typeof Redis.Cluster, typeof Cluster>>(true);
expectType<Equal<typeof Redis.Command, typeof Command>>(true);
expectType<Equal<RedisKey, string | Buffer>>(true);
expectType<Equal<RedisValue, string | Buffer | number>>(true);
expectType<Equal<Result<string, { type: "default" }>, Promise<string>>>(true);
expectType<Equal<Result<string, { type: "pipeline" }>, ChainableCommander>>(true);
expectType<Equal<RedisStatus, "wait" | "reconnecting" | "connecting" | "connect" | "ready" | "close" | "end">>(true);
expectType<Equal<typeof redis.status, RedisStatus>>(true);
expectType<Equal<typeof cluster.status, ClusterStatus>>(true);
expectType<Equal<typeof redis.options, RedisOptions>>(true);
expectType<Equal<typeof cluster.options, ClusterOptions>>(true);
const isReply: boolean = new Error("x") instanceof ReplyError;

async function strings(): Promise<void> {
  expectType<Equal<Awaited<ReturnType<typeof redis.get>>, string | null>>(true);
  expectType<Equal<typeof redis.getBuffer extends (...a: never[]) => Promise<infer R> ? R : never, Buffer | null>>(
    true,
  );
  const ok: "OK" = await redis.set("k", "v");
  const maybe: "OK" | null = await redis.set("k", "v", "NX");
  const old: string | null = await redis.set("k", "v", "GET");
  const withTtl: "OK" | null = await redis.set("k", "v", "EX", 10, "NX");
  const n: number = await redis.incr("n");
  const float: string = await redis.incrbyfloat("n", 1.5);
  const len: number = await redis.append("k", "x");
  const values: (string | null)[] = await redis.mget("a", "b");
  const valuesFromArray: (string | null)[] = await redis.mget(["a", "b"]);
  const msetOk: "OK" = await redis.mset({ a: 1, b: 2 });
  void [ok, maybe, old, withTtl, n, float, len, values, valuesFromArray, msetOk];
}

async function families(): Promise<void> {
  const hash: Record<string, string> = await redis.hgetall("h");
  const hashBuf: Record<string, Buffer> = await redis.hgetallBuffer("h");
  const hset: number = await redis.hset("h", { a: 1 });
  const hsetMap: number = await redis.hset("h", new Map([["a", 1]]));
  const hget: string | null = await redis.hget("h", "a");
  const list: string[] = await redis.lrange("l", 0, -1);
  const pushed: number = await redis.rpush("l", "a", "b", 3);
  const popped: string | null = await redis.lpop("l");
  const poppedMany: string[] | null = await redis.lpop("l", 2);
  const blpop: [string, string] | null = await redis.blpop("l", 0);
  const members: string[] = await redis.smembers("s");
  const added: number = await redis.sadd("s", "a", "b");
  const zrange: string[] = await redis.zrange("z", 0, "-1");
  const zscore: string | null = await redis.zscore("z", "m");
  const zadd: number = await redis.zadd("z", 1, "m");
  const zincr: string = await redis.zadd("z", "INCR", 1, "m");
  const zpop: [key: string, member: string, score: string] | null = await redis.bzpopmin("z", 0);
  const xadd: string | null = await redis.xadd("s", "*", "f", "v");
  const xread = await redis.xread("COUNT", 1, "STREAMS", "s", "0");
  expectType<Equal<typeof xread, [key: string, items: [id: string, fields: string[]][]][] | null>>(true);
  const scan: [cursor: string, elements: string[]] = await redis.scan("0", "MATCH", "k*", "COUNT", 100);
  const pubs: number = await redis.publish("ch", "m");
  const info: string = await redis.info("server");
  const ttl: number = await redis.ttl("k");
  const del: number = await redis.del("a", "b");
  const evaluated: unknown = await redis.eval("return 1", 0);
  const called: unknown = await redis.call("get", "k");
  const calledBuffer: unknown = await redis.callBuffer("get", ["k"]);
  void [
    hash,
    hashBuf,
    hset,
    hsetMap,
    hget,
    list,
    pushed,
    popped,
    poppedMany,
    blpop,
    members,
    added,
    zrange,
    zscore,
    zadd,
    zincr,
    zpop,
    xadd,
  ];
  void [scan, pubs, info, ttl, del, evaluated, called, calledBuffer];
}

// callbacks on every form
redis.get("k", (err: Error | null | undefined, value?: string | null) => void [err, value]);
redis.hgetall("h", (err, value) => {
  expectType<Equal<typeof value, Record<string, string> | undefined>>(true);
  void err;
});
redis.del("a", "b", (err, count) => void [err, count]);

async function pipelines(): Promise<void> {
  const p: ChainableCommander = redis.pipeline().set("a", "1").get("a").hgetall("h");
  const result: [error: Error | null, result: unknown][] | null = await p.exec();
  const length: number = redis.pipeline().ping().length;
  const fromArray = redis.pipeline([
    ["set", "a", "1"],
    ["get", "a"],
  ]);
  expectType<Equal<typeof fromArray, ChainableCommander>>(true);
  const tx = redis.multi().incr("n").get("n");
  expectType<Equal<typeof tx, ChainableCommander>>(true);
  const txResult: [error: Error | null, result: unknown][] | null = await tx.exec();
  const manual: "OK" = await redis.multi({ pipeline: false });
  const asClass = (pipeline: Pipeline): ChainableCommander => pipeline;
  void [result, length, txResult, manual, asClass];
}

// options
const options: RedisOptions = {
  host: "h",
  port: 1,
  protocol: 2,
  replyMapping: "legacy",
  retryStrategy: (times: number) => times * 10,
  tls: { ca: "x" },
  sentinels: [{ host: "s", port: 26379 }],
  name: "mymaster",
};
const natMap: NatMap = (key: string) => ({ host: key, port: 1 });
const clusterOptions: ClusterOptions = {
  natMap,
  scaleReads: "slave",
  redisOptions: { password: "p" },
  enableAutoPipelining: true,
};
const startup: ClusterNode[] = [7000, "127.0.0.1:7001", { host: "h", port: 7002 }];
const newCluster = new Cluster(startup, clusterOptions);
const streamOptions: ScanStreamOptions = { match: "a*", count: 10, type: "string" };
void [options, newCluster, streamOptions, isReply];

// constructors
new Redis();
new Redis(6379);
new Redis(6379, "localhost");
new Redis(6379, "localhost", { db: 1 });
new Redis("redis://localhost:6379");
new Redis("redis://localhost:6379", { lazyConnect: true });
new Redis({ port: 6379 });
new NamedRedis(6379, { keyPrefix: "p:" });

// middleware
const timing: Middleware = async (call: Call, next: Next) => {
  const started = Date.now();
  try {
    return await next(call);
  } finally {
    void [call.command, call.args, Date.now() - started];
  }
};
redis.use(timing);

// cluster commands are typed as the client's
async function clusterCalls(): Promise<void> {
  const value: string | null = await cluster.get("k");
  const nodes = cluster.nodes("master");
  const flushed: "OK" = await nodes[0].flushdb();
  await cluster.pipeline().set("a", "1").exec();
  void [value, flushed];
}

// sendCommand with a Command
const command = new Command("get", ["k"], { replyEncoding: "utf8" });
void redis.sendCommand(command);

const cb: Callback<string> = (err, result) => void [err, result];
void [strings, families, pipelines, clusterCalls, cb];
