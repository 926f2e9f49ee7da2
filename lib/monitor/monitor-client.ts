/**
 * `redis.monitor()`: MONITOR on a connection of its own, as ioredis opens a
 * duplicate client for it. ioredis's `monitor` event carries the server's
 * line as it is (only `\"` unescaped), so the line must arrive raw: GLIDE
 * 2.5.2's GlideMonitorClient parses it itself and loses what the server
 * escaped (a byte 0xff arrives as "xff"), and takes no CA for TLS. So this is
 * a plain connection (lib/connection/plain-connection.ts).
 *
 * Lifecycle as ioredis's monitor instance: connect, ready, then MONITOR and
 * `monitoring`; a lost connection reconnects per `retryStrategy` and
 * monitors again; `disconnect()` ends it. Every command but AUTH is refused
 * ("Connection is in monitoring mode, can't process commands.").
 */
import { CONNECTION_CLOSED_ERROR_MSG, redactOptions } from "../errors";
import { PlainConnection } from "../connection/plain-connection";
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

export class MonitorClient extends ClientEmitter {
  status: Status = "wait";
  readonly options: ResolvedOptions & { monitor: true };
  #connection: PlainConnection | null = null;
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
    const password = this.options.password;
    const connection: PlainConnection = new PlainConnection(this.options, false, {
      connected: () => {
        if (this.#connection !== connection) return;
        this.#setStatus("connect");
        this.#start(connection).catch((error: Error) => {
          if (this.#connection === connection) {
            silentEmit(this, error, password);
            connection.destroy();
          }
        });
      },
      // While monitoring, every reply but OK (to AUTH, MONITOR) is a monitored command (as ioredis reads it).
      push: (reply) => {
        if (!this.#monitoring || reply === "OK") return false;
        const [timestamp, args, source, database] = parseMonitorLine(String(reply));
        this.emit("monitor", timestamp, args, source, database);
        return true;
      },
      error: (error) => {
        if (!this.#manuallyClosing) silentEmit(this, error, password);
      },
      closed: () => this.#closed(connection),
    });
    this.#connection = connection;
  }

  async #start(connection: PlainConnection): Promise<void> {
    await connection.handshake();
    if (this.#connection !== connection) return;
    this.#setStatus("ready");
    this.#retryAttempts = 0;
    await connection.send(["MONITOR"]);
    if (this.#connection !== connection) return;
    this.#monitoring = true;
    this.#setStatus("monitoring");
  }

  #closed(connection: PlainConnection): void {
    if (this.#connection !== connection) return;
    this.#connection = null;
    this.#monitoring = false;
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
    if (this.#connection) this.#connection.end();
    else if (this.status !== "end") this.#setStatus("end");
  }

  /** ioredis's AUTH, the one command a monitoring connection still takes. */
  auth(...args: unknown[]): Promise<unknown> {
    const connection = this.#connection;
    if (!connection) return Promise.reject(new Error(CONNECTION_CLOSED_ERROR_MSG));
    return connection.send(["AUTH", ...args.map(String)]);
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
