/**
 * The sentinels' event streams, one subscription per sentinel per process:
 * every Sentinel client of the process that follows the same sentinel (same
 * address and credentials) shares one PSUBSCRIBE connection to it, so a Bull
 * queue's three clients, or a hundred queues, cost each sentinel one
 * connection. A client stops following when it ends; the connection closes
 * with its last follower.
 *
 * Every sentinel is followed, not one: the events that precede a promotion
 * (+try-failover ... +promoted-slave) are published only by the sentinel
 * that runs the failover, and the others learn of it at +switch-master.
 */
import { PlainConnection } from "./plain-connection";
import type { ResolvedOptions } from "../options";
import { realSetTimeout } from "../timers";

/** A sentinel event: its channel ("+switch-master", ...) and its message. */
export type SentinelEventListener = (type: string, message: string) => void;

/**
 * How far back a new follower is told what the sentinel published: a failover
 * lasts seconds, and a client that starts following in the middle of one
 * must know that it is under way (its master is about to be demoted).
 */
const RECENT_MS = 10000;
const RECENT_MAX = 200;

class Feed {
  readonly listeners = new Set<SentinelEventListener>();
  /** what the sentinel published in the last RECENT_MS, oldest first */
  readonly recent: { at: number; type: string; message: string }[] = [];
  private connection: PlainConnection | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly key: string,
    private readonly options: ResolvedOptions,
  ) {
    this.open();
  }

  private open(): void {
    const connection: PlainConnection = new PlainConnection(this.options, false, {
      connected: () => {
        connection
          .handshake()
          .then(() => connection.send(["PSUBSCRIBE", "+*", "-*"]))
          .catch(() => connection.destroy());
      },
      push: (reply) => {
        if (!Array.isArray(reply) || reply[0] !== "pmessage") return false;
        const type = String(reply[2]);
        const message = String(reply[3]);
        this.remember(type, message);
        for (const listener of [...this.listeners]) listener(type, message);
        return true;
      },
      error: () => undefined,
      closed: () => {
        if (this.connection !== connection) return;
        this.connection = null;
        if (this.listeners.size === 0) return;
        // As ioredis's sentinelReconnectStrategy (default: a minute; the other sentinels still report).
        const strategy = this.options.sentinelReconnectStrategy as
          ((times: number) => number | null | void) | undefined;
        const delay = typeof strategy === "function" ? strategy(1) : 60000;
        if (typeof delay !== "number") return;
        this.retry = realSetTimeout(() => {
          this.retry = null;
          if (this.listeners.size > 0) this.open();
        }, delay);
        this.retry.unref();
      },
    });
    this.connection = connection;
  }

  private remember(type: string, message: string): void {
    const now = Date.now();
    this.recent.push({ at: now, type, message });
    while (this.recent.length > RECENT_MAX || (this.recent.length && this.recent[0].at < now - RECENT_MS))
      this.recent.shift();
  }

  /** What the sentinel published lately, for a new follower. */
  replay(listener: SentinelEventListener): void {
    const since = Date.now() - RECENT_MS;
    for (const e of this.recent.filter((x) => x.at >= since)) listener(e.type, e.message);
  }

  /** The last follower left: the connection goes. */
  close(): void {
    feeds.delete(this.key);
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const connection = this.connection;
    this.connection = null;
    connection?.destroy();
  }
}

const feeds = new Map<string, Feed>();
/** TLS option objects told apart by identity (duplicate() passes the same object on). */
const tlsIds = new WeakMap<object, number>();
let nextTlsId = 1;

function feedKey(o: ResolvedOptions): string {
  let tls = "";
  if (o.tls && typeof o.tls === "object") {
    const obj = o.tls as object;
    if (!tlsIds.has(obj)) tlsIds.set(obj, nextTlsId++);
    tls = `tls#${tlsIds.get(obj)}`;
  } else if (o.tls) tls = "tls";
  return JSON.stringify([o.host, o.port, o.username ?? null, o.password ?? null, tls]);
}

/**
 * Follow one sentinel's events; `sentinelOptions` are the options for
 * talking to it (address, sentinel credentials and TLS). What it published
 * in the last seconds is told first (to a client of the process that joins
 * an open feed). Returns the function that stops following.
 */
export function followSentinel(sentinelOptions: ResolvedOptions, listener: SentinelEventListener): () => void {
  const key = feedKey(sentinelOptions);
  const feed = feeds.get(key) ?? new Feed(key, sentinelOptions);
  feeds.set(key, feed);
  feed.replay(listener);
  feed.listeners.add(listener);
  return () => {
    if (!feed.listeners.delete(listener)) return;
    if (feed.listeners.size === 0) feed.close();
  };
}
