/**
 * Noticing at once that a server went away while nothing is in flight.
 *
 * GLIDE says nothing when its connection closes while idle (a request sent
 * later waits for GLIDE's own reconnect), whereas ioredis sees its socket
 * close and rejects the next call at once. So each process keeps one idle
 * TCP (or TLS) connection per server address: a server that shuts down,
 * crashes or restarts closes it, and every ioglide client of that address is
 * told to check its own connection (a TCP probe, then a request). The
 * connection never sends a byte and never keeps the process alive.
 */
import * as net from "net";
import * as tls from "tls";
import { realSetTimeout } from "../timers";

export interface WatchTarget {
  host: string;
  port: number;
  /** TLS options when the server speaks TLS (the watch completes the handshake, then stays idle) */
  tls?: tls.ConnectionOptions;
}

type Listener = () => void;

interface Watch {
  socket: net.Socket | null;
  readonly listeners: Set<Listener>;
}

const watches = new Map<string, Watch>();

const keyOf = (t: WatchTarget): string => `${t.host}:${t.port}:${t.tls ? "tls" : "tcp"}`;

/**
 * Call `onClosed` when the server at `target` closes connections (once per
 * close; call `watchServer` again after reconnecting to keep watching).
 * Returns the function that stops watching.
 */
export function watchServer(target: WatchTarget, onClosed: Listener): () => void {
  const key = keyOf(target);
  let watch = watches.get(key);
  if (!watch) {
    watch = { socket: null, listeners: new Set() };
    watches.set(key, watch);
  }
  watch.listeners.add(onClosed);
  if (!watch.socket) open(key, watch, target);
  const current = watch;
  return () => {
    current.listeners.delete(onClosed);
    if (current.listeners.size === 0) {
      current.socket?.destroy();
      current.socket = null;
      if (watches.get(key) === current) watches.delete(key);
    }
  };
}

function open(key: string, watch: Watch, target: WatchTarget): void {
  const socket = target.tls
    ? tls.connect({
        ...target.tls,
        host: target.host,
        port: target.port,
        servername: net.isIP(target.host) ? undefined : target.host,
      })
    : net.connect({ host: target.host, port: target.port });
  socket.unref();
  socket.setNoDelay(true);
  watch.socket = socket;
  let closed = false;
  const onClose = () => {
    if (closed) return;
    closed = true;
    if (watch.socket === socket) watch.socket = null;
    socket.destroy();
    // Every listener checks its own connection; they re-arm when they are ready again.
    const listeners = [...watch.listeners];
    watch.listeners.clear();
    if (watches.get(key) === watch) watches.delete(key);
    for (const l of listeners) l();
  };
  socket.on("error", onClose);
  socket.on("close", onClose);
  // Data would be a protocol error reply (the server closes after it): nothing to read.
  socket.on("data", () => undefined);
}

/**
 * One connection's use of the watch: armed while ready, it asks `check` when
 * the server closed the watch; a connection that is still fine (the watch
 * was closed for itself, say by the server's idle timeout) watches again, at
 * most once a second.
 */
export class ServerWatch {
  private unwatch: (() => void) | null = null;
  private epoch = 0;

  constructor(
    private readonly target: WatchTarget | undefined,
    /** true while the connection still looks alive (a lost one is reported by the check itself) */
    private readonly check: () => Promise<boolean>,
  ) {}

  arm(): void {
    if (!this.target) return;
    this.disarm();
    const epoch = ++this.epoch;
    this.unwatch = watchServer(this.target, () => {
      this.unwatch = null;
      if (epoch !== this.epoch) return;
      void this.check().then((alive) => {
        if (!alive) return;
        realSetTimeout(() => {
          if (epoch === this.epoch && !this.unwatch) this.arm();
        }, 1000).unref();
      });
    });
  }

  disarm(): void {
    this.epoch++;
    this.unwatch?.();
    this.unwatch = null;
  }
}
