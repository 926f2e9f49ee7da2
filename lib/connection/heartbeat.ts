/**
 * The heartbeat: GLIDE reconnects silently, so once a second the connection
 * asks CLIENT ID (PING on a cluster) to notice
 * - a server that went away while idle: a heartbeat still unanswered after
 *   1 s triggers a TCP probe, and a refused probe means the connection is lost;
 * - a connection GLIDE re-established behind our back: the id changed (also
 *   for the subscriber's own connection).
 * On a cluster the PING reaches one node; the cluster counts as lost only
 * when no startup or known node accepts a TCP connection.
 */
import type { GlideHandle } from "../glide";
import { ConnectionError } from "../glide";
import { realClearInterval, realNow, realSetInterval } from "../timers";

const HEARTBEAT_MS = 1000;
/** a heartbeat this late makes us check whether the server still accepts connections */
const SUSPECT_MS = 1000;

export interface HeartbeatHost {
  /** the main GLIDE client, when ready */
  main(): GlideHandle | null;
  /** the subscriber GLIDE client, if one was opened */
  subscriber(): Promise<GlideHandle> | null;
  /** standalone: CLIENT ID names a connection; cluster: only liveness */
  readonly tracksIdentity: boolean;
  probe(): Promise<void>;
  /** the connection (or the subscriber's) was lost or replaced */
  lost(reason: Error): void;
}

export class Heartbeat {
  /** CLIENT ID of the main and subscriber connections, as last seen */
  mainId: unknown = undefined;
  subscriberId: unknown = undefined;
  private timer: NodeJS.Timeout | null = null;
  private sentAt = 0;
  private checking = false;
  /** bumped on stop(): answers to older beats are ignored */
  private epoch = 0;

  constructor(private readonly host: HeartbeatHost) {}

  start(): void {
    this.stop();
    this.timer = realSetInterval(() => this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) realClearInterval(this.timer);
    this.timer = null;
    this.sentAt = 0;
    this.epoch++;
  }

  /** New GLIDE clients: nothing known about their connections yet. */
  forget(): void {
    this.mainId = undefined;
    this.subscriberId = undefined;
  }

  private beat(): void {
    const client = this.host.main();
    if (!client) return;
    const epoch = this.epoch;
    if (this.sentAt) {
      // The previous one is still out: is the server gone, or just busy?
      if (realNow() - this.sentAt > SUSPECT_MS) this.confirmUnreachable(new Error("server unreachable"), epoch);
      return;
    }
    this.checkSubscriber(epoch);
    const sentAt = (this.sentAt = realNow());
    client.customCommand(this.host.tracksIdentity ? ["CLIENT", "ID"] : ["PING"]).then(
      (id) => {
        if (epoch !== this.epoch || this.sentAt !== sentAt) return;
        this.sentAt = 0;
        if (!this.host.tracksIdentity) return;
        // A different id: GLIDE reconnected on its own; report it the way ioredis would have.
        if (this.mainId !== undefined && id !== this.mainId) this.host.lost(new Error("reconnected"));
        else this.mainId = id;
      },
      (err: Error) => {
        if (epoch !== this.epoch || this.sentAt !== sentAt) return;
        this.sentAt = 0;
        if (!(err instanceof ConnectionError)) return;
        // One cluster node failing is not the cluster lost (ioredis stays
        // ready and emits -node): only when no node accepts a connection.
        if (this.host.tracksIdentity) this.host.lost(err);
        else this.confirmUnreachable(err, epoch);
      },
    );
  }

  /**
   * Something suggests the server closed our connections (liveness.ts): a
   * refused TCP connect means it is gone; otherwise a beat now tells
   * whether the connection survived (a new id means GLIDE reconnected).
   * Resolves true while the connection still looks alive.
   */
  checkNow(): Promise<boolean> {
    const epoch = this.epoch;
    return this.host.probe().then(
      () => {
        if (epoch !== this.epoch) return false;
        if (!this.sentAt) this.beat();
        return true;
      },
      (err: Error) => {
        if (epoch === this.epoch) this.host.lost(err);
        return false;
      },
    );
  }

  /** Reports the connection lost when the server (every startup node of a cluster) refuses a TCP connect. */
  confirmUnreachable(reason: Error, epoch = this.epoch): void {
    if (this.checking) return;
    this.checking = true;
    this.host.probe().then(
      () => (this.checking = false),
      () => {
        this.checking = false;
        if (epoch === this.epoch) this.host.lost(reason);
      },
    );
  }

  /** The subscriber connection is its own: a new id there means it was re-established. */
  private checkSubscriber(epoch: number): void {
    const subscriber = this.host.subscriber();
    if (!subscriber || !this.host.tracksIdentity) return;
    subscriber
      .then((c) => c.customCommand(["CLIENT", "ID"]))
      .then((reply) => {
        if (epoch !== this.epoch) return;
        const id = Buffer.isBuffer(reply) ? reply.toString() : String(reply);
        const changed = this.subscriberId !== undefined && id !== this.subscriberId;
        this.subscriberId = id;
        if (changed) this.host.lost(new Error("subscriber reconnected"));
      })
      .catch(() => undefined);
  }
}
