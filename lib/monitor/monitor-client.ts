/**
 * `redis.monitor()`: MONITOR on a connection of its own, as ioredis opens a
 * duplicate client for it. ioredis's `monitor` event carries the server's
 * line as it is (only `\"` unescaped), so the line must arrive raw: GLIDE
 * 2.5.2's GlideMonitorClient parses it itself and loses what the server
 * escaped (a byte 0xff arrives as "xff"), and takes no CA for TLS. So this is
 * a plain socket (net or tls, with the client's TLS options), RESP2, parsed
 * by redis-parser.
 *
 * Lifecycle as ioredis's monitor instance: connect, ready, then MONITOR and
 * `monitoring`; a lost connection reconnects per `retryStrategy` and
 * monitors again; `disconnect()` ends it. Every command but AUTH is refused
 * ("Connection is in monitoring mode, can't process commands.").
 */
import net from "net";
import tls from "tls";
import RedisParser from "redis-parser";
import { CONNECTION_CLOSED_ERROR_MSG, redactOptions } from "../errors";
import type { ResolvedOptions } from "../options";
import { ClientEmitter, silentEmit } from "../client/emitter";
import { installDispatchProxy } from "../dispatch/proxy";
import { isCommandName } from "../commands/spec";
import { realNextTick } from "../timers";

type Status = "wait" | "connecting" | "connect" | "ready" | "monitoring" | "close" | "reconnecting" | "end";

const MONITORING_MODE_MSG = "Connection is in monitoring mode, can't process commands.";

/** ioredis's reading of one MONITOR line: [timestamp, args, source, database]. */
export function parseMonitorLine(line: string): [string, string[], string, string] {
  const len = line.indexOf(" ");
  const timestamp = line.slice(0, len);
  const argIndex = line.indexOf('"');
  const args = line
    .slice(argIndex + 1, -1)
    .split('" "')
    .map((elem) => elem.replace(/\\"/g, '"'));
  const dbAndSource = line.slice(len + 2, argIndex - 2).split(" ");
  return [timestamp, args, dbAndSource[1], dbAndSource[0]];
}

interface Pending {
  resolve(reply: unknown): void;
  reject(error: Error): void;
}

export class MonitorClient extends ClientEmitter {
  status: Status = "wait";
  readonly options: ResolvedOptions & { monitor: true };
  #socket: net.Socket | null = null;
  #pending: Pending[] = [];
  #monitoring = false;
  #manuallyClosing = false;
  #retryAttempts = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;

  constructor(options: ResolvedOptions) {
    super();
    this.options = { ...options, monitor: true, lazyConnect: false };
    this.#open();
  }

  get mode(): "monitor" {
    return "monitor";
  }

  /** Resolves once MONITOR is on (ioredis's monitor() promise); rejects with the first error. */
  whenMonitoring(): Promise<this> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.off("monitoring", onMonitoring);
        reject(error);
      };
      const onMonitoring = () => {
        this.off("error", onError);
        resolve(this);
      };
      this.once("error", onError);
      this.once("monitoring", onMonitoring);
    });
  }

  #setStatus(status: Status, arg?: unknown): void {
    this.status = status;
    realNextTick(() => this.emit(status, arg));
  }

  #open(): void {
    this.#setStatus("connecting");
    const o = this.options;
    const host = o.host || "localhost";
    const socket = o.tls
      ? tls.connect({
          ...(typeof o.tls === "object" ? o.tls : {}),
          host,
          port: o.port,
          servername: net.isIP(host) ? undefined : host,
        })
      : net.connect({ host, port: o.port });
    this.#socket = socket;
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
      returnReply: (reply: unknown) => this.#reply(reply),
      returnError: (error: Error) => this.#pending.shift()?.reject(error),
      returnFatalError: (error: Error) => socket.destroy(error),
    });
    socket.on(o.tls ? "secureConnect" : "connect", () => {
      socket.setTimeout(0);
      if (this.#socket !== socket) return;
      this.#setStatus("connect");
      this.#handshake(socket).catch((error: Error) => {
        if (this.#socket === socket) {
          silentEmit(this, error, o.password);
          socket.destroy();
        }
      });
    });
    socket.on("data", (data) => parser.execute(data));
    socket.on("error", (error) => {
      if (!this.#manuallyClosing) silentEmit(this, error, o.password);
    });
    socket.on("close", () => this.#closed(socket));
  }

  #send(socket: net.Socket, args: string[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      socket.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(""));
    });
  }

  async #handshake(socket: net.Socket): Promise<void> {
    const o = this.options;
    if (o.password) await this.#send(socket, o.username ? ["AUTH", o.username, o.password] : ["AUTH", o.password]);
    if (o.connectionName) await this.#send(socket, ["CLIENT", "SETNAME", o.connectionName]);
    if (this.#socket !== socket) return;
    this.#setStatus("ready");
    this.#retryAttempts = 0;
    await this.#send(socket, ["MONITOR"]);
    if (this.#socket !== socket) return;
    this.#monitoring = true;
    this.#setStatus("monitoring");
  }

  #reply(reply: unknown): void {
    // While monitoring, every reply but OK (to AUTH, MONITOR) is a monitored command (as ioredis reads it).
    if (this.#monitoring && reply !== "OK") {
      const [timestamp, args, source, database] = parseMonitorLine(String(reply));
      this.emit("monitor", timestamp, args, source, database);
      return;
    }
    this.#pending.shift()?.resolve(reply);
  }

  #closed(socket: net.Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    this.#monitoring = false;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) p.reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
    if (this.status === "end") return;
    this.#setStatus("close");
    const strategy = this.options.retryStrategy;
    const delay = this.#manuallyClosing || typeof strategy !== "function" ? undefined : strategy(++this.#retryAttempts);
    if (typeof delay !== "number") {
      this.#setStatus("end");
      return;
    }
    this.#setStatus("reconnecting", delay);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.status === "reconnecting") this.#open();
    }, delay);
  }

  /** Stop monitoring and end the client (ioredis's disconnect()). */
  disconnect(): void {
    this.#manuallyClosing = true;
    if (this.#reconnectTimer) {
      clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = null;
    }
    if (this.#socket) this.#socket.end();
    else if (this.status !== "end") this.#setStatus("end");
  }

  /** ioredis's AUTH, the one command a monitoring connection still takes. */
  auth(...args: unknown[]): Promise<unknown> {
    const socket = this.#socket;
    if (!socket) return Promise.reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
    return this.#send(socket, ["AUTH", ...args.map(String)]);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `MonitorClient { status: ${JSON.stringify(this.status)}, options: ${JSON.stringify(redactOptions(this.options))} }`;
  }
}

/** Every other command method refuses, as on ioredis's monitoring connection. */
function refused(): Promise<never> {
  return Promise.reject(new Error(MONITORING_MODE_MSG));
}
installDispatchProxy(MonitorClient.prototype, (name) => {
  if (isCommandName(name) || (name.endsWith("Buffer") && isCommandName(name.slice(0, -6)))) return refused;
  if (name === "call" || name === "callBuffer" || name === "quit") return refused;
  return undefined;
});
