/**
 * The blocking and subscriber GLIDE clients: opened on first use, set up
 * (SELECT, resubscriptions), forgotten if opening fails (the next use tries
 * again), and closed if the connection moved on while they were opening.
 */
import { closeGlide, ConnectionError, GlideHandle } from "../glide";

export class SecondaryClient {
  private client: Promise<GlideHandle> | null = null;
  /** the client once it is open and set up (until it is taken) */
  private ready: GlideHandle | null = null;

  constructor(
    private readonly open: () => Promise<GlideHandle>,
    private readonly setUp: (client: GlideHandle) => Promise<void>,
  ) {}

  /** The client, opening it if needed; `stillCurrent` tells whether the connection moved on meanwhile. */
  get(stillCurrent: () => boolean): Promise<GlideHandle> {
    if (!this.client) {
      const opening: Promise<GlideHandle> = this.open()
        .then(async (client) => {
          await this.setUp(client);
          if (this.client === opening) this.ready = client;
          return client;
        })
        .catch((err: Error) => {
          if (this.client === opening) this.client = null;
          throw new ConnectionError(err.message);
        });
      this.client = opening;
      opening.then(
        (client) => {
          if (!stillCurrent()) closeGlide(client);
        },
        () => undefined,
      );
    }
    return this.client;
  }

  /** The client if one is open or opening. */
  peek(): Promise<GlideHandle> | null {
    return this.client;
  }

  /** The client if it is open and set up, without waiting. */
  get opened(): GlideHandle | null {
    return this.ready;
  }

  /** Forget it and hand it over (to close). */
  take(): Promise<GlideHandle> | null {
    const client = this.client;
    this.client = null;
    this.ready = null;
    return client;
  }
}
