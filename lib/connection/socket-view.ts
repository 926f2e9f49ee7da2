/**
 * What ioredis's `client.stream` offers to code outside ioredis: tests and
 * libraries end or destroy it to simulate a network failure, and read the
 * server's address. GLIDE owns the real sockets, so this view acts on the
 * connection instead.
 */
export interface SocketViewHost {
  /** like ioredis's socket end(): answered calls first, then 'close' and a reconnect */
  disconnect(reconnect: boolean): void;
  /** the connection is lost at once (in-flight calls are sent again after reconnecting) */
  drop(): void;
  readonly isClosing: boolean;
}

export class SocketView {
  constructor(
    private readonly host: SocketViewHost,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {}

  get writable(): boolean {
    return !this.host.isClosing;
  }

  /** Half-close, as a socket end(): the server answers what was sent, then the connection closes and the client reconnects. */
  end(): this {
    this.host.disconnect(true);
    return this;
  }

  /** Abort, as a socket destroy(): the connection is lost now; the client reconnects. */
  destroy(): this {
    this.host.drop();
    return this;
  }
}
