/**
 * Pub/sub router: ioredis's subscriber API on GLIDE subscriptions.
 *
 * - Subscriptions live on a dedicated GLIDE client of this ioglide client
 *   (RESP3 and a message callback, as GLIDE requires; opened on the first
 *   subscribe, one connection however many channels). It decodes everything
 *   as Buffers: a string-decoding subscriber throws out of GLIDE's socket
 *   handler on a non-UTF-8 message and kills the process. `message` events get
 *   ioredis's (lossy UTF-8) strings, `messageBuffer` events the exact bytes.
 * - Replies are ioredis's counts: after SUBSCRIBE/PSUBSCRIBE the number of
 *   channels plus patterns, after SSUBSCRIBE the number of shard channels.
 * - Subscriber mode: while any subscription is active, commands other than
 *   the (un)subscribe family, PING and QUIT reject with ioredis's error, and
 *   PING answers ["pong", message] as a RESP2 subscriber does.
 * - Reconnects: GLIDE resubscribes by itself; with autoResubscribe: false,
 *   ioglide drops the subscriptions instead, as ioredis does.
 */
import type { Call } from "../chain/call";
import type { Stage } from "../chain/middleware";
import type { GlideHandle } from "../glide";

import type { SubscriptionKind } from "../commands/spec";

/** A GLIDE subscriber client, as far as the router needs it. */
export interface SubscriberHandle extends GlideHandle {
  subscribe(channels: Iterable<string | Buffer>, timeoutMs: number): Promise<void>;
  psubscribe(patterns: Iterable<string | Buffer>, timeoutMs: number): Promise<void>;
  unsubscribe(channels: Iterable<string | Buffer> | null, timeoutMs: number): Promise<void>;
  punsubscribe(patterns: Iterable<string | Buffer> | null, timeoutMs: number): Promise<void>;
  ssubscribe(channels: Iterable<string | Buffer>, timeoutMs: number): Promise<void>;
  sunsubscribe(channels: Iterable<string | Buffer> | null, timeoutMs: number): Promise<void>;
}

/** What ioredis's SubscriptionSet answers: the names per mode. */
export interface SubscriptionSetView {
  channels(mode: "subscribe" | "psubscribe" | "ssubscribe"): string[];
  isEmpty(): boolean;
}

export interface PubSubMessage {
  message: Buffer;
  channel: Buffer;
  pattern?: Buffer | null;
}

export interface PubSubHost {
  /** the subscriber GLIDE client, opened on first use with this router's message callback */
  subscriberClient(): Promise<SubscriberHandle>;
  /**
   * a (un)subscription issued now, run after `after`, under the offline
   * rules as of now (Executor.subscriberCall: one issued before disconnect() is answered)
   */
  subscriberCall<T>(after: Promise<unknown>, op: (client: () => Promise<SubscriberHandle>) => Promise<T>): Promise<T>;
  emit(event: string, ...args: unknown[]): boolean;
  listenerCount(event: string): number;
  /**
   * ioredis 6 with protocol 3: a subscribed connection still takes every
   * command, so there is no subscriber mode (ioredis 5's rules apply with
   * protocol 2 only).
   */
  readonly resp3: boolean;
  /** the client ended: its calls are refused as closed (before any subscriber-mode rule) */
  ended(): boolean;
  /** ioredis's autoResubscribe: a new connection restores the subscriptions (else they are dropped) */
  readonly autoResubscribe: boolean;
  /** resolves once a subscriber GLIDE kept across a reconnect holds these subscriptions on the server again */
  resubscribed(client: SubscriberHandle, expected: { channels: number; patterns: number }): Promise<void>;
}

/** GLIDE waits this long for the server to confirm a (un)subscription. */
const CONFIRM_TIMEOUT_MS = 10000;

/** Sets keyed by the exact bytes of a name (channel names can be binary). */
const keyOf = (name: string | Buffer): string =>
  Buffer.isBuffer(name) ? name.toString("latin1") : Buffer.from(name).toString("latin1");
const bytesOf = (key: string): Buffer => Buffer.from(key, "latin1");

export class PubSubRouter {
  private readonly sets: Record<SubscriptionKind, Set<string>> = {
    channel: new Set(),
    pattern: new Set(),
    shard: new Set(),
  };
  /** serializes (un)subscriptions so counts come back in call order */
  private chain: Promise<unknown> = Promise.resolve();

  /** a server connection was made before (connected()) */
  private connectedBefore = false;

  constructor(private readonly host: PubSubHost) {}

  /** true while the client is in subscriber mode */
  get active(): boolean {
    return this.sets.channel.size + this.sets.pattern.size + this.sets.shard.size > 0;
  }

  /** Channel/pattern names currently subscribed, for inspection and tests. */
  names(kind: SubscriptionKind): string[] {
    return [...this.sets[kind]].map((k) => bytesOf(k).toString());
  }

  /** ioredis's `condition.subscriber`: false without subscriptions, else its subscription set. */
  view(): false | SubscriptionSetView {
    if (!this.active) return false;
    const kinds: Record<string, SubscriptionKind> = {
      subscribe: "channel",
      psubscribe: "pattern",
      ssubscribe: "shard",
    };
    return { channels: (mode) => this.names(kinds[mode]), isEmpty: () => !this.active };
  }

  /** ioredis's isResp2SubscriberMode: subscribed, under protocol 2. */
  get subscriberMode(): boolean {
    return this.active && !this.host.resp3;
  }

  /**
   * A call in subscriber mode (RESP2): PING is answered on the subscriber
   * connection, commands ioredis refuses there are refused; null: not ours.
   */
  subscriberModeCall(call: Call): Promise<unknown> | null {
    if (!this.subscriberMode || this.host.ended()) return null;
    if (call.spec.name === "ping") return this.ping(call.args);
    if (call.spec.allowedInSubscriberMode) return null;
    return Promise.reject(new Error("Connection in subscriber mode, only subscriber commands may be used"));
  }

  /** SUBSCRIBE and its family. */
  run(call: Call): Promise<unknown> {
    const { kind, subscribe: on } = call.spec.subscription!;
    const names = call.args as (string | Buffer)[];
    const counted = this.host.subscriberCall(this.chain, (client) =>
      on ? this.subscribe(kind, names, client) : this.unsubscribe(kind, names, client),
    );
    this.chain = counted.catch(() => undefined);
    // A count is an integer reply: a string with stringNumbers, as ioredis gives it.
    return call.env.stringNumbers ? counted.then(String) : counted;
  }

  private count(kind: SubscriptionKind): number {
    return kind === "shard" ? this.sets.shard.size : this.sets.channel.size + this.sets.pattern.size;
  }

  private async subscribe(
    kind: SubscriptionKind,
    names: (string | Buffer)[],
    subscriber: () => Promise<SubscriberHandle>,
  ): Promise<number> {
    if (names.length === 0)
      throw new Error(
        `ERR wrong number of arguments for '${kind === "pattern" ? "psubscribe" : kind === "shard" ? "ssubscribe" : "subscribe"}' command`,
      );
    const client = await subscriber();
    if (kind === "channel") await client.subscribe(names, CONFIRM_TIMEOUT_MS);
    else if (kind === "pattern") await client.psubscribe(names, CONFIRM_TIMEOUT_MS);
    else await client.ssubscribe(names, CONFIRM_TIMEOUT_MS);
    for (const n of names) this.sets[kind].add(keyOf(n));
    return this.count(kind);
  }

  private async unsubscribe(
    kind: SubscriptionKind,
    names: (string | Buffer)[],
    subscriber: () => Promise<SubscriberHandle>,
  ): Promise<number> {
    const set = this.sets[kind];
    const targets = names.length > 0 ? names.map(keyOf) : [...set];
    if (set.size > 0 && targets.some((t) => set.has(t))) {
      const client = await subscriber();
      const which = names.length > 0 ? targets.filter((t) => set.has(t)).map(bytesOf) : null;
      if (kind === "channel") await client.unsubscribe(which, CONFIRM_TIMEOUT_MS);
      else if (kind === "pattern") await client.punsubscribe(which, CONFIRM_TIMEOUT_MS);
      else await client.sunsubscribe(which, CONFIRM_TIMEOUT_MS);
    }
    for (const t of targets) set.delete(t);
    return this.count(kind);
  }

  /** PING in subscriber mode: ["pong", message], after a round trip on the subscriber connection. */
  private async ping(args: (string | Buffer)[]): Promise<unknown> {
    const client = await this.host.subscriberClient();
    await client.customCommand(["PING"]);
    return ["pong", args.length > 0 ? String(args[0]) : ""];
  }

  /** GLIDE's message callback: ioredis's events, strings and Buffers. */
  deliver(msg: PubSubMessage): void {
    const host = this.host;
    const { channel, message, pattern } = msg;
    if (pattern) {
      if (host.listenerCount("pmessage"))
        host.emit("pmessage", pattern.toString(), channel.toString(), message.toString());
      // ioredis gives the pattern as a string here too.
      if (host.listenerCount("pmessageBuffer")) host.emit("pmessageBuffer", pattern.toString(), channel, message);
      return;
    }
    const key = keyOf(channel);
    const sharded = this.sets.shard.has(key) && !this.sets.channel.has(key);
    const [event, bufferEvent] = sharded ? ["smessage", "smessageBuffer"] : ["message", "messageBuffer"];
    if (host.listenerCount(event)) host.emit(event, channel.toString(), message.toString());
    if (host.listenerCount(bufferEvent)) host.emit(bufferEvent, channel, message);
  }

  /** A new subscriber connection (after disconnect/connect): subscribe it to everything we hold. */
  async restore(client: SubscriberHandle): Promise<void> {
    const [channels, patterns, shards] = [this.sets.channel, this.sets.pattern, this.sets.shard].map((s) =>
      [...s].map(bytesOf),
    );
    if (channels.length) await client.subscribe(channels, CONFIRM_TIMEOUT_MS);
    if (patterns.length) await client.psubscribe(patterns, CONFIRM_TIMEOUT_MS);
    if (shards.length) await client.ssubscribe(shards, CONFIRM_TIMEOUT_MS);
  }

  /**
   * A new server connection, before 'ready': the subscriptions are back on
   * the server when this resolves, as ioredis writes its resubscriptions
   * before its 'ready' listeners run (a publish issued on 'ready' reaches
   * them). Without autoResubscribe, after the first connection, they are
   * dropped instead. A new subscriber connection (disconnect(true), a
   * failover) is subscribed as it opens (restore); one GLIDE kept across a
   * lost connection resubscribes by itself, and `resubscribed` waits for it.
   */
  async reconnected(): Promise<void> {
    if (!this.active) return;
    if (this.connectedBefore && !this.host.autoResubscribe) return this.dropAll();
    const client = await this.host.subscriberClient();
    await this.host.resubscribed(client, this.subscribedCount());
  }

  /** The connection is ready: from now on a new one is a reconnect (for autoResubscribe). */
  connected(): void {
    this.connectedBefore = true;
  }

  /** channels and patterns this client holds on its GLIDE subscriber (shard channels of a standalone client are not there) */
  private subscribedCount(): { channels: number; patterns: number } {
    return { channels: this.sets.channel.size, patterns: this.sets.pattern.size };
  }

  /** autoResubscribe: false and the connection was re-established: the subscriptions are gone. */
  async dropAll(): Promise<void> {
    const client = await this.host.subscriberClient();
    await Promise.all([
      client.unsubscribe(null, CONFIRM_TIMEOUT_MS),
      client.punsubscribe(null, CONFIRM_TIMEOUT_MS),
      client.sunsubscribe(null, CONFIRM_TIMEOUT_MS),
    ]);
    for (const set of Object.values(this.sets)) set.clear();
  }
}

/**
 * The pub/sub router as a chain stage: it answers the (un)subscribe family
 * itself, and (protocol 2 only, where ioredis has a subscriber mode) PING
 * and the refusals of subscriber mode.
 */
export function pubSubStage(
  router: PubSubRouter,
  resp3: boolean,
  sent: (call: Call, outcome: Promise<unknown>) => void = () => undefined,
): Stage {
  return {
    appliesTo: (command, spec) => spec.subscription !== undefined || !resp3,
    handle(call, next) {
      if (call.spec.subscription) {
        // Answered here, not by the executor's lanes: traced here (ioredis:command).
        const outcome = router.run(call);
        sent(call, outcome);
        return outcome;
      }
      return router.subscriberModeCall(call) ?? next(call);
    },
  };
}
