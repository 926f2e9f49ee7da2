/**
 * Sentinel: what a connection does when the sentinels report a failover of
 * its master (sentinel.ts reports it). From the first event of a failover,
 * nothing new is sent (`held`), so no write lands on a master about to be
 * demoted; at +switch-master the connection moves to the new master; a
 * failover that ends without a switch releases what waited.
 */
import type { SentinelWatch } from "./sentinel";

/** The connection, as the follower sees it. */
export interface FollowerHost {
  /** ready now (else a reconnect is under way, which asks the sentinels again) */
  readonly ready: boolean;
  /** the server the connection is on (host and port) */
  readonly server: { host: string; port: number } | undefined;
  /** the master moved while ready: drop the connection and reconnect to the new one */
  relocate(): void;
  /** calls may go again (what waited for the switch, or for a reconnect's next attempt) */
  resume(): void;
}

export class FailoverFollower {
  /** a failover is under way: nothing new is sent until it switches or ends */
  held = false;
  private following = false;

  constructor(
    private readonly failovers: SentinelWatch | undefined,
    private readonly host: FollowerHost,
  ) {}

  /**
   * Follow the master's failovers, from the first connect attempt on (one
   * made while a failover is under way must hold once ready, not write to
   * the master about to be demoted); again after stop().
   */
  start(): void {
    if (!this.failovers || this.following) return;
    this.following = true;
    this.failovers.watch({
      hold: () => {
        this.held = true;
      },
      moved: (to) => {
        this.held = false;
        // Already there (a client that connected once the sentinels agreed on the promoted replica).
        const server = this.host.server;
        const there = to !== undefined && server !== undefined && server.host === to.host && server.port === to.port;
        if (this.host.ready && !there) this.host.relocate();
        else this.host.resume();
      },
      released: () => {
        this.held = false;
        if (this.host.ready) this.host.resume();
      },
    });
  }

  /** The client is ready. */
  ready(): void {
    this.failovers?.reached();
  }

  /** The client ended: stop following. */
  stop(): void {
    if (!this.following) return;
    this.following = false;
    this.held = false;
    this.failovers?.close();
  }
}
