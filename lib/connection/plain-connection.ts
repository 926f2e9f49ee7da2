/**
 * A plain RESP2 connection to the server, for what GLIDE cannot do: MONITOR
 * (lib/monitor) and sharded pub/sub on a standalone server
 * (standalone-subscriber.ts). A net or tls socket with the client's host,
 * port, TLS options and connectTimeout, replies parsed by redis-parser,
 * AUTH and CLIENT SETNAME as the client's own connections send them.
 *
 * Replies go to the oldest pending `send()` unless `push` (or `pushError`)
 * claims them first (a MONITOR line, a pub/sub message or confirmation).
 */
import net from "net";
import tls from "tls";
import RedisParser from "redis-parser";
import { CONNECTION_CLOSED_ERROR_MSG } from "../errors";
import type { ResolvedOptions } from "../options";

export interface PlainConnectionEvents {
  /** the socket is connected (before the handshake) */
  connected(): void;
  /** a reply: return true if it is not an answer to a pending send() */
  push(reply: unknown): boolean;
  /** an error reply: return true if it does not answer a pending send() (default: it does) */
  pushError?(error: Error): boolean;
  error(error: Error): void;
  /** the socket closed; pending sends were rejected */
  closed(): void;
}

interface Pending {
  resolve(reply: unknown): void;
  reject(error: Error): void;
}

export class PlainConnection {
  readonly socket: net.Socket;
  #pending: Pending[] = [];
  #open = true;

  /** `buffers`: bulk strings arrive as Buffers (binary-safe), else as strings */
  constructor(
    private readonly options: ResolvedOptions,
    buffers: boolean,
    private readonly events: PlainConnectionEvents,
  ) {
    const o = options;
    const host = o.host || "localhost";
    const socket = o.tls
      ? tls.connect({
          ...(typeof o.tls === "object" ? o.tls : {}),
          host,
          port: o.port,
          servername: net.isIP(host) ? undefined : host,
        })
      : net.connect({ host, port: o.port });
    this.socket = socket;
    socket.setNoDelay(true);
    if (o.connectTimeout) {
      socket.setTimeout(o.connectTimeout, () =>
        socket.destroy(
          Object.assign(new Error("connect ETIMEDOUT"), {
            errorno: "ETIMEDOUT",
            code: "ETIMEDOUT",
            syscall: "connect",
          }),
        ),
      );
    }
    const parser = new RedisParser({
      returnBuffers: buffers,
      returnReply: (reply: unknown) => {
        if (!events.push(reply)) this.#pending.shift()?.resolve(reply);
      },
      returnError: (error: Error) => {
        if (!events.pushError?.(error)) this.#pending.shift()?.reject(error);
      },
      returnFatalError: (error: Error) => socket.destroy(error),
    });
    socket.on(o.tls ? "secureConnect" : "connect", () => {
      socket.setTimeout(0);
      events.connected();
    });
    socket.on("data", (data) => parser.execute(data));
    socket.on("error", (error) => events.error(error));
    socket.on("close", () => {
      this.#open = false;
      const pending = this.#pending;
      this.#pending = [];
      for (const p of pending) p.reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
      events.closed();
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  send(args: readonly (string | Buffer)[]): Promise<unknown> {
    if (!this.#open) return Promise.reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
      for (const a of args) {
        const bytes = Buffer.isBuffer(a) ? a : Buffer.from(a);
        parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
      }
      this.socket.write(Buffer.concat(parts));
    });
  }

  /** AUTH and CLIENT SETNAME from the client's options. */
  async handshake(): Promise<void> {
    const o = this.options;
    if (o.password) await this.send(o.username ? ["AUTH", o.username, o.password] : ["AUTH", o.password]);
    if (o.connectionName) await this.send(["CLIENT", "SETNAME", o.connectionName]);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
