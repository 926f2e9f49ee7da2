/**
 * Redis Sentinel, on top of GLIDE (which has no Sentinel support): the
 * sentinels are asked for the master's address before every connect attempt,
 * and watched for failovers as they happen.
 *
 * - Discovery, as ioredis's SentinelConnector: the sentinels in order (one
 *   that answered moves to the front; others they know are learned, with
 *   updateSentinels), SENTINEL get-master-addr-by-name over
 *   a plain connection (plain-connection.ts, with sentinelUsername /
 *   sentinelPassword and, with enableTLSForSentinelMode, sentinelTLS); when
 *   none answers, ioredis's "All sentinels are unreachable..." error and
 *   sentinelRetryStrategy. The address found is the one GLIDE connects to; a
 *   server that is not (or no longer) a primary is refused by GLIDE itself
 *   ("No primary node found"), which counts as a failed attempt.
 * - Failovers: every sentinel is subscribed to (+try-failover, +switch-master
 *   and the events between), over one connection per sentinel shared by the
 *   process's clients (sentinel-feed.ts), from a client's first connect
 *   attempt. Once a failover of our master starts, writes are
 *   held (the client sends nothing new, as while offline) so that none lands
 *   on a master about to be demoted; on +switch-master the connection moves
 *   to the new master and what waited goes there. A failover that ends
 *   without a switch (aborted, or no switch within 10 s) releases the hold.
 * - The check before 'ready' (agreedMaster): what the sentinels agree on
 *   now, so that an attempt that reached a master being replaced (or one
 *   that stalled and came back after a failover) connects again.
 */
import { PlainConnection } from "./plain-connection";
import type { ResolvedOptions } from "../options";
import { realSetTimeout } from "../timers";
import { CONNECTION_CLOSED_ERROR_MSG } from "../errors";
import { followSentinel } from "./sentinel-feed";

export interface SentinelAddress {
  host: string;
  port: number;
}

/** What the connection does when the sentinels report a failover of its master. */
export interface FailoverListener {
  /** a failover started: send nothing new until moved() or released() */
  hold(): void;
  /** the master changed: reconnect (to the new one, at `to`) */
  moved(to: SentinelAddress | undefined): void;
  /** the failover ended without a switch: carry on */
  released(): void;
}

/** Events that mean a failover of the master is under way (before the promotion). */
const FAILOVER_STARTED = new Set([
  "+try-failover",
  "+elected-leader",
  "+failover-state-select-slave",
  "+selected-slave",
  "+failover-state-send-slaveof-noone",
  "+failover-state-wait-promotion",
  "+promoted-slave",
]);
/** A failover that ends without a switch (+failover-end is followed by +switch-master: not here). */
const FAILOVER_ABORTED = new Set(["-failover-abort-not-elected", "-failover-abort-no-good-slave"]);
/** How long a connect attempt's check waits for each sentinel (sentinel.confirms). */
const CONFIRM_MS = 1000;
/** A failover normally switches within seconds; a hold never lasts longer than this. */
const MAX_HOLD_MS = 10000;

export class SentinelWatch {
  private readonly sentinels: SentinelAddress[];
  /** stops following each sentinel's events (sentinel-feed.ts: shared by the process's clients) */
  private unfollow: (() => void)[] = [];
  private listener: FailoverListener | undefined;
  private holdTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** +switch-master events for our master seen while following (a connect attempt that saw one is out of date) */
  private switches = 0;

  constructor(private readonly options: ResolvedOptions) {
    this.sentinels = (options.sentinels as SentinelAddress[]).map((s) => ({
      host: s.host || "localhost",
      port: Number(s.port || 26379),
    }));
  }

  /** Connection options for talking to a sentinel. */
  private sentinelOptions(s: SentinelAddress): ResolvedOptions {
    const o = this.options;
    return {
      ...o,
      host: s.host,
      port: s.port,
      username: (o.sentinelUsername as string | undefined) ?? undefined,
      password: (o.sentinelPassword as string | undefined) ?? undefined,
      connectionName: null,
      tls: o.enableTLSForSentinelMode ? (o.sentinelTLS ?? o.tls) : undefined,
      connectTimeout: (o.sentinelCommandTimeout as number | undefined) ?? o.connectTimeout,
    } as ResolvedOptions;
  }

  /**
   * Commands on a short-lived connection to a sentinel, in order; the
   * replies. A connection that fails says "Connection is closed.", as
   * ioredis's sentinel client does.
   */
  private ask(s: SentinelAddress, commands: string[][], withinMs?: number): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | null, value?: unknown[]) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        connection.destroy();
        if (error) reject(error);
        else resolve(value!);
      };
      const timeoutMs = withinMs ?? Number(this.options.sentinelCommandTimeout ?? this.options.connectTimeout ?? 10000);
      const timer = realSetTimeout(() => finish(new Error(CONNECTION_CLOSED_ERROR_MSG)), timeoutMs);
      const connection: PlainConnection = new PlainConnection(this.sentinelOptions(s), false, {
        connected: () => {
          connection
            .handshake()
            .then(async () => {
              const replies: unknown[] = [];
              for (const args of commands) replies.push(await connection.send(args));
              return replies;
            })
            .then(
              (replies) => finish(null, replies),
              (err: Error) => finish(err),
            );
        },
        push: () => false,
        error: () => finish(new Error(CONNECTION_CLOSED_ERROR_MSG)),
        closed: () => finish(new Error(CONNECTION_CLOSED_ERROR_MSG)),
      });
    });
  }

  /**
   * One sentinel's answer: the master's address (or null), and, with
   * updateSentinels (the default), the other sentinels it knows, learned for
   * next time (ioredis's resolveMaster and updateSentinels, errors included).
   */
  private async askMaster(s: SentinelAddress): Promise<SentinelAddress | null> {
    const name = String(this.options.name);
    const commands = [["SENTINEL", "get-master-addr-by-name", name]];
    const update = this.options.updateSentinels !== false;
    if (update) commands.push(["SENTINEL", "sentinels", name]);
    const [master, others] = await this.ask(s, commands);
    if (update && Array.isArray(others)) {
      for (const entry of others) {
        if (!Array.isArray(entry)) continue;
        const fields = fieldsOf(entry);
        if (!fields.ip || !fields.port || (fields.flags ?? "").split(",").includes("disconnected")) continue;
        const found = this.mapped({ host: fields.ip, port: Number(fields.port) });
        if (this.sentinels.some((x) => x.host === found.host && x.port === found.port)) continue;
        this.sentinels.push(found);
        // Followed from the first attempt on: a sentinel learned since is followed too (up to the max).
        if (this.listener && this.unfollow.length < this.maxFollowed) this.subscribe(found);
      }
    }
    return Array.isArray(master) && master.length === 2
      ? this.mapped({ host: String(master[0]), port: Number(master[1]) })
      : null;
  }

  /**
   * The master's address from the first sentinel that knows it (ioredis's
   * order and errors). Rejects when all fail and sentinelRetryStrategy gives
   * up; `onError` receives ioredis's "All sentinels are unreachable" error
   * before each retry.
   */
  async resolve(report: (error: Error, kind?: "sentinelError") => void): Promise<SentinelAddress> {
    for (let attempt = 1; ; attempt++) {
      let lastError: Error | undefined;
      for (const s of [...this.sentinels]) {
        try {
          const master = await this.askMaster(s);
          if (master) {
            // The sentinel that answered is asked first next time, as ioredis's iterator does.
            this.sentinels.splice(this.sentinels.indexOf(s), 1);
            this.sentinels.unshift(s);
            return master;
          }
          report(
            new Error(`connected to sentinel ${s.host}:${s.port} successfully, but got an invalid reply: null`),
            "sentinelError",
          );
        } catch (err) {
          lastError = err as Error;
          report(
            new Error(`failed to connect to sentinel ${s.host}:${s.port} because ${lastError.message}`),
            "sentinelError",
          );
        }
      }
      const strategy = this.options.sentinelRetryStrategy as ((times: number) => number | null | void) | undefined;
      const delay = typeof strategy === "function" ? strategy(attempt) : null;
      let message =
        typeof delay !== "number"
          ? "All sentinels are unreachable and retry is disabled."
          : `All sentinels are unreachable. Retrying from scratch after ${delay}ms.`;
      if (lastError) message += ` Last error: ${lastError.message}`;
      // Given up: the client ends with this error (connect() rejects with it), as ioredis's does.
      if (typeof delay !== "number") throw Object.assign(new Error(message), { endsClient: true });
      report(new Error(message));
      await new Promise((resolve) => realSetTimeout(resolve, delay));
    }
  }

  /**
   * The master as the sentinels agree on it now: every followed sentinel is
   * asked (SENTINEL MASTER), each for at most CONFIRM_MS, and the answer of
   * the highest config-epoch counts. During a failover the leader alone
   * flags it (failover_in_progress), and it names the old master for
   * seconds after the promoted replica is master and the other sentinels
   * name it with the new epoch; the old master stays a master meanwhile
   * (measured on Redis 7.0: about 5 s after a SENTINEL FAILOVER). Gives
   * null while a failover of the master the highest epoch names is under
   * way, undefined when no sentinel answered (nothing says otherwise).
   */
  async agreedMaster(): Promise<SentinelAddress | null | undefined> {
    const name = String(this.options.name);
    const commands = [
      ["SENTINEL", "get-master-addr-by-name", name],
      ["SENTINEL", "MASTER", name],
    ];
    const answers = await Promise.all(
      this.sentinels.slice(0, this.maxFollowed).map((s) =>
        this.ask(s, commands, CONFIRM_MS).then(
          ([address, master]) => sentinelView(address, master),
          () => null,
        ),
      ),
    );
    let best: SentinelView | null = null;
    for (const view of answers) {
      if (!view) continue;
      if (!best || view.epoch > best.epoch || (view.epoch === best.epoch && view.promoting)) best = view;
    }
    if (!best) return undefined;
    return best.promoting ? null : this.mapped(best.address);
  }

  /** How many switches of our master were reported so far (while following). */
  get switchCount(): number {
    return this.switches;
  }

  /** natMap applies to the addresses sentinels report, as in ioredis. */
  private mapped(address: SentinelAddress): SentinelAddress {
    const natMap = this.options.natMap as
      ((key: string) => SentinelAddress | null | undefined) | Record<string, SentinelAddress> | null | undefined;
    if (!natMap) return address;
    const key = `${address.host}:${address.port}`;
    const mapped = typeof natMap === "function" ? natMap(key) : natMap[key];
    return mapped ?? address;
  }

  /** the client was ready once (its master was reachable then) */
  private reachedOnce = false;

  /** The client is ready (its first time counts: see `patient`). */
  reached(): void {
    this.reachedOnce = true;
  }

  /**
   * Failovers are followed and the master was reached once: a connect
   * attempt that finds it unreachable waits for the sentinels' news (a first
   * connect fails and retries as ioredis's does).
   */
  get patient(): boolean {
    return this.listener !== undefined && this.reachedOnce;
  }

  /**
   * Follow failovers (subscribing to the sentinels, the one that answered
   * first, at most sentinelMaxConnections of them, as ioredis's
   * failoverDetector); `listener` is told, first of what the sentinels
   * published in the last seconds (a failover already under way holds).
   */
  watch(listener: FailoverListener): void {
    this.closed = false;
    this.listener = listener;
    for (const s of this.sentinels.slice(0, this.maxFollowed)) this.subscribe(s);
  }

  /** sentinelMaxConnections (0 or less: all) */
  private get maxFollowed(): number {
    const max = Number(this.options.sentinelMaxConnections ?? 10);
    return max > 0 ? max : Infinity;
  }

  private subscribe(s: SentinelAddress): void {
    if (this.closed) return;
    const name = String(this.options.name);
    this.unfollow.push(followSentinel(this.sentinelOptions(s), (type, message) => this.onEvent(type, message, name)));
  }

  /** A sentinel event: "<type> <instance details>"; the master's name is the second word for these. */
  private onEvent(type: string, message: string, name: string): void {
    const words = message.split(" ");
    // "+switch-master <name> <old-ip> <old-port> <new-ip> <new-port>"; failover events name
    // "master <name> <ip> <port>" (or "slave ... @ <name> ...").
    const forUs = type === "+switch-master" ? words[0] === name : words.includes(name);
    if (!forUs) return;
    if (type === "+switch-master") this.switches++;
    // Whoever waits for news of the master (a connect attempt that found it unreachable) looks again.
    const waiting = this.newsWaiters.splice(0);
    for (const wake of waiting) wake();
    if (!this.listener) return;
    if (type === "+switch-master") {
      this.release();
      const port = Number(words[4]);
      this.listener.moved(words[3] && port ? this.mapped({ host: words[3], port }) : undefined);
    } else if (FAILOVER_STARTED.has(type)) {
      if (this.holdTimer) return;
      this.holdTimer = realSetTimeout(() => {
        this.holdTimer = null;
        this.listener?.released();
      }, MAX_HOLD_MS);
      this.holdTimer.unref();
      this.listener.hold();
    } else if (FAILOVER_ABORTED.has(type)) {
      if (this.release()) this.listener.released();
    }
  }

  private readonly newsWaiters: (() => void)[] = [];

  /**
   * Resolves on the sentinels' next event about the master (its failure
   * seen, a failover step, the switch), or after `ms`. A connect attempt
   * that cannot reach the master the sentinels name waits here instead of
   * failing attempt after attempt until they promote a replica (what would
   * exhaust maxRetriesPerRequest meanwhile).
   */
  newsOfMaster(ms: number): Promise<void> {
    if (!this.listener) return new Promise((resolve) => realSetTimeout(resolve, ms));
    return new Promise((resolve) => {
      const timer = realSetTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.newsWaiters.push(done);
    });
  }

  /** Ends a hold; true if one was on. */
  private release(): boolean {
    if (!this.holdTimer) return false;
    clearTimeout(this.holdTimer);
    this.holdTimer = null;
    return true;
  }

  /** Stop following failovers (the client ended; watch() starts again). */
  close(): void {
    this.closed = true;
    this.release();
    this.listener = undefined;
    for (const stop of this.unfollow.splice(0)) stop();
  }
}

/** A sentinel's flat field list (SENTINEL MASTER, one entry of SENTINEL sentinels) as a record; RESP3 gives a map. */
function fieldsOf(reply: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) fields[String(k)] = String(v);
  } else if (reply && typeof reply === "object") {
    for (const [k, v] of Object.entries(reply)) fields[k] = String(v);
  }
  return fields;
}

/** What one sentinel says of the master: where it is, the config epoch, and whether it is about to be replaced. */
interface SentinelView {
  address: SentinelAddress;
  epoch: number;
  /** a failover is under way and no replica is promoted yet (the address is the master being replaced) */
  promoting: boolean;
}

/**
 * get-master-addr-by-name and SENTINEL MASTER of one sentinel. The leader of
 * a failover flags it (failover_in_progress) in its record of the old
 * master until the failover ends; once a replica is promoted its
 * get-master-addr-by-name names that replica, so the failover is past the
 * point where the old master matters only while both still agree.
 */
function sentinelView(address: unknown, master: unknown): SentinelView | null {
  if (!Array.isArray(address) || address.length !== 2) return null;
  const named = { host: String(address[0]), port: Number(address[1]) };
  const fields = fieldsOf(master);
  const failingOver = (fields.flags ?? "").split(",").includes("failover_in_progress");
  const sameAsRecord = fields.ip === named.host && Number(fields.port) === named.port;
  return { address: named, epoch: Number(fields["config-epoch"] ?? 0), promoting: failingOver && sameAsRecord };
}
