/**
 * The subscriber of a standalone client: GLIDE's subscriber client for
 * channels and patterns, and a plain connection (plain-connection.ts) for
 * sharded channels, because GLIDE's standalone client accepts SSUBSCRIBE and
 * never makes the subscription (measured on 2.5.2). Messages of both reach
 * the same callback, in GLIDE's message shape ({channel, message} Buffers).
 *
 * The sharded connection is opened on the first SSUBSCRIBE. If it is lost
 * while it holds channels, it reconnects by itself (as GLIDE's subscriber
 * does) and subscribes them again; `close()` ends it for good.
 */
import { closeGlide, GlideHandle } from "../glide";
import type { ResolvedOptions } from "../options";
import { CONNECTION_CLOSED_ERROR_MSG } from "../errors";
import { PlainConnection } from "./plain-connection";

type Names = Iterable<string | Buffer> | null;

/** GLIDE's subscriber client, as far as ioglide drives it (its dynamic subscription API). */
interface GlideSubscriber extends GlideHandle {
  subscribe(channels: Names, timeoutMs: number): Promise<void>;
  psubscribe(patterns: Names, timeoutMs: number): Promise<void>;
  unsubscribe(channels: Names, timeoutMs: number): Promise<void>;
  punsubscribe(patterns: Names, timeoutMs: number): Promise<void>;
  unsubscribeLazy(channels: Names): Promise<void>;
  punsubscribeLazy(patterns: Names): Promise<void>;
}

export class StandaloneSubscriber implements GlideHandle {
  private readonly glide: GlideSubscriber;

  constructor(
    glide: GlideHandle,
    private readonly shards: ShardChannels,
  ) {
    this.glide = glide as GlideSubscriber;
  }

  customCommand(...args: Parameters<GlideHandle["customCommand"]>): Promise<unknown> {
    return this.glide.customCommand(...args);
  }

  exec(...args: Parameters<GlideHandle["exec"]>): Promise<unknown[] | null> {
    return this.glide.exec(...args);
  }

  subscribe(channels: Names, timeoutMs: number): Promise<void> {
    return this.glide.subscribe(channels, timeoutMs);
  }

  psubscribe(patterns: Names, timeoutMs: number): Promise<void> {
    return this.glide.psubscribe(patterns, timeoutMs);
  }

  unsubscribe(channels: Names, timeoutMs: number): Promise<void> {
    return this.glide.unsubscribe(channels, timeoutMs);
  }

  punsubscribe(patterns: Names, timeoutMs: number): Promise<void> {
    return this.glide.punsubscribe(patterns, timeoutMs);
  }

  unsubscribeLazy(channels: Names): Promise<void> {
    return this.glide.unsubscribeLazy(channels);
  }

  punsubscribeLazy(patterns: Names): Promise<void> {
    return this.glide.punsubscribeLazy(patterns);
  }

  ssubscribe(channels: Names, timeoutMs: number): Promise<void> {
    return this.shards.subscribe(channels, timeoutMs);
  }

  sunsubscribe(channels: Names, timeoutMs: number): Promise<void> {
    return this.shards.unsubscribe(channels, timeoutMs);
  }

  /** The sharded channels are subscribed again after a loss (or `withinMs` passed). */
  shardsRestored(withinMs: number): Promise<void> {
    return this.shards.restored(withinMs);
  }

  sunsubscribeLazy(channels: Names): Promise<void> {
    this.shards.forget(channels);
    return Promise.resolve();
  }

  close(errorMessage?: string): void {
    this.shards.close();
    closeGlide(this.glide, errorMessage);
  }
}

/** One SSUBSCRIBE or SUNSUBSCRIBE waiting for the server's per-channel confirmations. */
interface Confirming {
  left: number;
  resolve(): void;
  reject(error: Error): void;
}

const keyOf = (name: string | Buffer): string => (Buffer.isBuffer(name) ? name : Buffer.from(name)).toString("latin1");
const RECONNECT_MAX_MS = 2000;

/** Sharded channels on a plain connection, kept subscribed across reconnects. */
export class ShardChannels {
  /** what the client wants subscribed, by the names' exact bytes */
  readonly #wanted = new Map<string, Buffer>();
  #connection: PlainConnection | null = null;
  #ready: Promise<PlainConnection> | null = null;
  /** (un)subscriptions in the order sent: the server confirms them in that order */
  #confirming: Confirming[] = [];
  #closed = false;
  #attempts = 0;
  #timer: NodeJS.Timeout | null = null;
  /** lost while subscribed, and not subscribed again yet */
  #restoring = false;
  /** restored() callers, told when the channels are subscribed again */
  #restoredWaiters: (() => void)[] = [];

  constructor(
    private readonly options: ResolvedOptions,
    private readonly deliver: (msg: { channel: Buffer; message: Buffer; pattern: null }) => void,
  ) {}

  async subscribe(channels: Names, timeoutMs: number): Promise<void> {
    const names = [...(channels ?? [])].map((c) => (Buffer.isBuffer(c) ? c : Buffer.from(c)));
    if (names.length === 0) return;
    for (const n of names) this.#wanted.set(keyOf(n), n);
    try {
      const connection = await this.#connected();
      await this.#confirm(connection, "SSUBSCRIBE", names, timeoutMs);
    } catch (error) {
      for (const n of names) this.#wanted.delete(keyOf(n));
      throw error;
    }
  }

  async unsubscribe(channels: Names, timeoutMs: number): Promise<void> {
    const names = channels === null ? [...this.#wanted.values()] : [...channels].map((c) => Buffer.from(c));
    for (const n of names) this.#wanted.delete(keyOf(n));
    const connection = this.#connection;
    if (names.length === 0 || !connection?.isOpen) return;
    await this.#confirm(connection, "SUNSUBSCRIBE", names, timeoutMs);
  }

  /** Local only: want no channels (the connection is being dropped). */
  forget(channels: Names): void {
    if (channels === null) this.#wanted.clear();
    else for (const c of channels) this.#wanted.delete(keyOf(c));
  }

  /**
   * Resolves once the channels are subscribed again after the connection was
   * lost (at once when nothing is being restored), or after `withinMs`.
   */
  restored(withinMs: number): Promise<void> {
    if (!this.#restoring || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, withinMs);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#restoredWaiters.push(done);
    });
  }

  #restoredNow(): void {
    this.#restoring = false;
    for (const done of this.#restoredWaiters.splice(0)) done();
  }

  close(): void {
    this.#closed = true;
    this.#restoredNow();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#connection?.destroy();
    this.#connection = null;
    this.#ready = null;
  }

  #confirm(connection: PlainConnection, command: string, names: Buffer[], timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        entry.left = -1; // still counted when (if) the confirmations come
        reject(new Error(`ioglide: ${command} was not confirmed within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const entry: Confirming = {
        left: names.length,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#confirming.push(entry);
      connection.send([command, ...names]).catch(() => undefined); // answered through push/pushError
    });
  }

  #connected(): Promise<PlainConnection> {
    if (this.#closed) return Promise.reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
    if (!this.#ready) {
      const ready = this.#open();
      this.#ready = ready;
      ready.catch(() => {
        if (this.#ready === ready) this.#ready = null;
      });
    }
    return this.#ready;
  }

  #open(): Promise<PlainConnection> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const connection: PlainConnection = new PlainConnection(this.options, true, {
        connected: () => {
          connection.handshake().then(
            () => {
              settled = true;
              this.#attempts = 0;
              resolve(connection);
            },
            (error: Error) => {
              settled = true;
              reject(error);
              connection.destroy();
            },
          );
        },
        push: (reply) => this.#onPush(reply),
        pushError: (error) => {
          const head = this.#confirming.shift();
          head?.reject(error);
          return head !== undefined;
        },
        error: (error) => {
          if (!settled) {
            settled = true;
            reject(error);
          }
        },
        closed: () => this.#onClosed(connection),
      });
      this.#connection = connection;
    });
  }

  /** Messages and (un)subscription confirmations (RESP2 subscriber replies). */
  #onPush(reply: unknown): boolean {
    if (!Array.isArray(reply) || !Buffer.isBuffer(reply[0])) return false;
    const kind = reply[0].toString();
    if (kind === "smessage") {
      if (this.#wanted.has(keyOf(reply[1] as Buffer))) {
        this.deliver({ channel: reply[1] as Buffer, message: reply[2] as Buffer, pattern: null });
      }
      return true;
    }
    if (kind === "ssubscribe" || kind === "sunsubscribe") {
      const head = this.#confirming[0];
      if (head && --head.left <= 0) {
        this.#confirming.shift();
        head.resolve();
      }
      return true;
    }
    return false;
  }

  #onClosed(connection: PlainConnection): void {
    if (this.#connection !== connection) return;
    this.#connection = null;
    this.#ready = null;
    const confirming = this.#confirming;
    this.#confirming = [];
    for (const c of confirming) c.reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
    if (this.#closed || this.#wanted.size === 0) return this.#restoredNow();
    this.#restoring = true;
    // Lost while subscribed: back, and subscribed again, without the client doing anything (as GLIDE's subscriber).
    const delay = Math.min(50 * 2 ** this.#attempts++, RECONNECT_MAX_MS);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#resubscribe();
    }, delay);
    this.#timer.unref();
  }

  #resubscribe(): void {
    if (this.#closed || this.#wanted.size === 0) return this.#restoredNow();
    this.#connected()
      .then((connection) => this.#confirm(connection, "SSUBSCRIBE", [...this.#wanted.values()], 10000))
      .then(() => this.#restoredNow())
      .catch(() => {
        // Not back yet: the close of that attempt schedules the next one; a refused handshake retries here.
        if (!this.#connection && !this.#timer && !this.#closed) {
          this.#timer = setTimeout(
            () => {
              this.#timer = null;
              this.#resubscribe();
            },
            Math.min(50 * 2 ** this.#attempts++, RECONNECT_MAX_MS),
          );
          this.#timer.unref();
        }
      });
  }
}
