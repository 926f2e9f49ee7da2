/**
 * The GLIDE clients of one ioglide client: the main one (made by each
 * connect attempt), and the blocking and subscriber ones (opened on first
 * use, or with the main one for a blocking connection). Closing them bumps
 * the generation, so whatever a closed one reports later is ignored.
 */
import { closeGlide, GlideHandle } from "../glide";
import type { ResolvedOptions } from "../options";
import type { Topology } from "./topology";
import { SecondaryClient } from "./secondary-client";
import { retireLive, retireLost } from "./retire";
import { verify } from "./handshake";

const noop = (): void => undefined;

export interface GlideClientsHost {
  /** the database new connections select */
  readonly db: number;
  /** a pub/sub message (only from the current subscriber) */
  message(msg: unknown): void;
  /** a new subscriber connection: subscribe it to what the client holds; its CLIENT ID (undefined if unknown) */
  subscriberOpened(client: GlideHandle, id: Promise<string | undefined>): Promise<void>;
}

/** How to close a generation of GLIDE clients (GlideClients.close). */
export interface CloseHow {
  /** the server is there: what it would keep seeing is undone first (retire.ts) */
  live: boolean;
  /** CLIENT ID of the blocking connection when a call is blocked on it */
  blockedId: string | undefined;
  /** the subscriber stays (GLIDE resubscribes it) */
  keepSubscriber: boolean;
  /** the main client closes once this settles (calls still out on it: OrderedLane.settleInFlight) */
  mainUntil?: Promise<void>;
  /** the blocking client closes once this settles (a blocked call settling on it: BlockingLane.release) */
  blockingUntil?: Promise<void>;
}

export class GlideClients {
  main: GlideHandle | null = null;
  /** bumped whenever the clients are closed; async steps of an older generation stop */
  generation = 0;
  private readonly blocking: SecondaryClient;
  private readonly subscriber: SecondaryClient;
  /** CLIENT ID of the blocking connection (standalone), to end a blocked call when the client closes */
  private blockingId: string | undefined;
  /** blocking clients opened so far: a late CLIENT ID of a replaced one is not its id */
  private blockingOpens = 0;
  /** bumped when the subscriber client is closed: its late messages are not delivered */
  private subscriberEpoch = 0;
  /** the server the subscriber was opened for ("host:port"; with Sentinel the master moves) */
  private subscriberAt: string | undefined;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly topology: Topology,
    host: GlideClientsHost,
  ) {
    this.blocking = new SecondaryClient(
      () => topology.createBlocking(),
      async (client) => {
        if (host.db && topology.supportsSelect) await client.customCommand(["SELECT", String(host.db)]).catch(noop);
        // Not waited for: the first blocking call goes right behind it on the same connection (one
        // round trip sooner; a new worker's first job waited for it).
        if (topology.tracksIdentity) {
          const opened = ++this.blockingOpens;
          const known = (id: string) => {
            if (opened === this.blockingOpens) this.blockingId = id;
          };
          client.customCommand(["CLIENT", "ID"]).then(
            (id) => known(String(id)),
            () => known(""),
          );
        }
      },
    );
    this.subscriber = new SecondaryClient(
      () => {
        // A closed subscriber's messages are no longer this client's events.
        const epoch = this.subscriberEpoch;
        this.subscriberAt = this.serverKey();
        return topology.createSubscriber((msg) => {
          if (epoch === this.subscriberEpoch) host.message(msg);
        });
      },
      async (client) => {
        // Sent with the resubscriptions, not before them.
        const id = topology.tracksIdentity
          ? client.customCommand(["CLIENT", "ID"]).then(String, () => undefined)
          : Promise.resolve(undefined);
        await host.subscriberOpened(client, id);
      },
    );
  }

  /**
   * A connect attempt's main client: a cluster's (GLIDE keeps it across
   * losses) is checked, a standalone one is made fresh so that retryStrategy,
   * not GLIDE's backoff, paces the attempts. The cluster client's CLIENT ID
   * when known. `stale`: the attempt was abandoned meanwhile.
   */
  async openMain(stale: () => boolean): Promise<unknown> {
    if (this.main && !this.topology.standalone) {
      return verify(this.main, this.topology, this.options.connectTimeout);
    }
    if (this.main) closeGlide(this.main);
    this.main = null;
    this.dropStrayedSubscriber();
    const client = await this.topology.createMain();
    if (stale()) {
      closeGlide(client);
      return undefined;
    }
    this.main = client;
    return undefined;
  }

  private serverKey(): string | undefined {
    const server = this.topology.standalone;
    return server ? `${server.host}:${server.port}` : undefined;
  }

  /**
   * Sentinel: a subscriber kept across a lost connection (GLIDE would
   * resubscribe it to the same server) is for another server than the one
   * this attempt reached: the master moved meanwhile. It goes, so that the
   * resubscription before 'ready' opens one here. (Kept, it reconnected to
   * the old master once that came back, and its channels heard nothing
   * published on the new one: the population fuzzer, seed 9126.)
   */
  private dropStrayedSubscriber(): void {
    if (this.subscriberAt === undefined || this.subscriberAt === this.serverKey()) return;
    const subscriber = this.subscriber.take();
    this.subscriberAt = undefined;
    if (!subscriber) return;
    this.subscriberEpoch++;
    subscriber.then(
      (client) => retireLost({ main: null, blocking: null, blockedId: undefined, subscriber: client }),
      noop,
    );
  }

  blockingClient(): Promise<GlideHandle> {
    const generation = this.generation;
    return this.blocking.get(() => generation === this.generation);
  }

  /** The blocking client if it is open and set up (a call can go out at once). */
  get blockingIfOpen(): GlideHandle | null {
    return this.blocking.opened;
  }

  subscriberClient(): Promise<GlideHandle> {
    const generation = this.generation;
    return this.subscriber.get(() => generation === this.generation);
  }

  /** The subscriber client if one is open or opening (for the heartbeat). */
  peekSubscriber(): Promise<GlideHandle> | null {
    return this.subscriber.peek();
  }

  get blockingConnectionId(): string | undefined {
    return this.blockingId;
  }

  /** The database changed: the blocking connection follows (closed if nothing is blocked on it). */
  select(db: number, blockingIdle: boolean): void {
    const blocking = this.blocking.peek();
    if (blocking && blockingIdle) {
      this.blocking.take();
      blocking.then(closeGlide, noop);
    } else if (blocking) {
      blocking.then((c) => c.customCommand(["SELECT", String(db)]), noop).catch(noop);
    }
  }

  /**
   * Close them. `live`: the server is there, so what it would keep seeing is
   * undone first (retire.ts); `blockedId`: a call is blocked on that
   * connection; `keepSubscriber`: the subscriber stays (GLIDE resubscribes it).
   */
  close(how: CloseHow): Promise<void> {
    this.generation++;
    const main = this.main;
    const blocking = this.blocking.take();
    const subscriber = how.keepSubscriber ? null : this.subscriber.take();
    if (subscriber) this.subscriberEpoch++;
    this.main = null;
    const settled = (c: Promise<GlideHandle> | null) => (c ? c.catch(() => null) : Promise.resolve(null));
    return Promise.all([settled(blocking), settled(subscriber)]).then(([b, s]) => {
      const clients = { main, blocking: b, blockedId: how.blockedId, subscriber: s };
      if (how.live && this.topology.standalone)
        return retireLive(clients, Number(this.options.disconnectTimeout ?? 2000));
      retireLost(clients, how.mainUntil, how.blockingUntil);
    });
  }
}
