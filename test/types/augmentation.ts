/**
 * A defineCommand command typed the ioredis way: by augmenting the commander
 * interface, after which it type-checks on clients, pipelines and multi.
 */
import Redis, { type Result } from "ioglide";

declare module "ioglide" {
  interface RedisCommander<Context> {
    lockExtend(key: string, token: string, ttlMs: number): Result<number, Context>;
  }
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
declare function expectType<T extends true>(value: T): void;

async function main(redis: Redis): Promise<void> {
  redis.defineCommand("lockExtend", { numberOfKeys: 1, lua: "return 1" });
  const extended = await redis.lockExtend("lock", "token", 1000);
  expectType<Equal<typeof extended, number>>(true);
  const chained = redis.pipeline().lockExtend("lock", "token", 1000).get("x");
  await chained.exec();
  await redis.multi().lockExtend("lock", "token", 1000).exec();
}
void main;
