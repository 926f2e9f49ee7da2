/**
 * Whether a subscriber GLIDE kept across a lost connection holds its
 * subscriptions on the server again. GLIDE resubscribes on its own after it
 * reconnects, and its getSubscriptions() reports the subscriptions it wants
 * as held before the server has them (measured on 2.5.2: "actual" stayed
 * full right through a CLIENT KILL), so the server is asked: CLIENT INFO on
 * the subscriber's own connection counts its `sub` and `psub`. (A cluster's
 * subscriber spans nodes: GLIDE's own reconciliation is all there is there.)
 */
import type { GlideHandle } from "../glide";
import { realNow, realSetTimeout } from "../timers";
import type { StandaloneSubscriber } from "./standalone-subscriber";

const POLL_MS = 5;

/**
 * Resolves once the subscriber holds `expected` again, and a standalone
 * client's sharded channels (a connection of their own,
 * standalone-subscriber.ts) are back, or after `withinMs`.
 */
export async function subscriptionsBack(
  client: GlideHandle,
  expected: { channels: number; patterns: number },
  withinMs: number,
): Promise<void> {
  const shards = (client as Partial<StandaloneSubscriber>).shardsRestored?.(withinMs);
  if (expected.channels + expected.patterns > 0) await resubscribed(client, expected, withinMs);
  await shards;
}

/** Resolves true once the connection holds `expected`, false when `withinMs` ran out or it cannot tell. */
export async function resubscribed(
  client: GlideHandle,
  expected: { channels: number; patterns: number },
  withinMs: number,
): Promise<boolean> {
  const deadline = realNow() + withinMs;
  for (;;) {
    let info: string;
    try {
      info = String(await client.customCommand(["CLIENT", "INFO"]));
    } catch {
      if (realNow() >= deadline) return false;
      await pause();
      continue;
    }
    const sub = count(info, "sub");
    const psub = count(info, "psub");
    if (sub === undefined || psub === undefined) return false;
    if (sub >= expected.channels && psub >= expected.patterns) return true;
    if (realNow() >= deadline) return false;
    await pause();
  }
}

function count(info: string, field: string): number | undefined {
  const m = new RegExp(`(?:^| )${field}=(\\d+)`).exec(info);
  return m ? Number(m[1]) : undefined;
}

const pause = () => new Promise<void>((resolve) => realSetTimeout(resolve, POLL_MS));
