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
 *   process's clients (sentinel-feed.ts). Once a failover of our master starts, writes are
 *   held (the client sends nothing new, as while offline) so that none lands
 *   on a master about to be demoted; on +switch-master the connection moves
 *   to the new master and what waited goes there. A failover that ends
 *   without a switch (aborted, or no switch within 10 s) releases the hold.
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
  /** the master changed: reconnect (to the new one) */
  moved(): void;
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
  private ask(s: SentinelAddress, commands: string[][]): Promise<unknown[]> {
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
      const timeoutMs = Number(this.options.sentinelCommandTimeout ?? this.options.connectTimeout ?? 10000);
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
        const fields: Record<string, string> = {};
        for (let i = 0; i + 1 < entry.length; i += 2) fields[String(entry[i])] = String(entry[i + 1]);
        if (!fields.ip || !fields.port || (fields.flags ?? "").split(",").includes("disconnected")) continue;
        const found = this.mapped({ host: fields.ip, port: Number(fields.port) });
        if (!this.sentinels.some((x) => x.host === found.host && x.port === found.port)) this.sentinels.push(found);
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
   * The master as the first sentinel that answers names it now; null when
   * none answers or knows it (no reports, no retries: a check, not a
   * discovery).
   */
  async currentMaster(): Promise<SentinelAddress | null> {
    for (const s of [...this.sentinels]) {
      try {
        const master = await this.askMaster(s);
        if (master) return master;
      } catch {
        // the next sentinel
      }
    }
    return null;
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

  /** Failovers are being followed (the client connected once and has not ended). */
  get following(): boolean {
    return this.listener !== undefined;
  }

  /**
   * Follow failovers (subscribing to the sentinels, the one that answered
   * first, at most sentinelMaxConnections of them, as ioredis's
   * failoverDetector); `listener` is told.
   */
  watch(listener: FailoverListener): void {
    this.closed = false;
    this.listener = listener;
    const max = Number(this.options.sentinelMaxConnections ?? 10);
    for (const s of this.sentinels.slice(0, max > 0 ? max : this.sentinels.length)) this.subscribe(s);
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
      this.listener.moved();
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
