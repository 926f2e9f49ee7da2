/**
 * Errors as ioredis raises them. Server errors are `ReplyError` from
 * `redis-errors` (the class ioredis itself exports), so `instanceof` checks
 * written for ioredis hold; GLIDE's rewritten messages are turned back into the
 * server's text.
 */
import * as redisErrors from "redis-errors";
import { ClosingError, ConnectionError, RequestError, TimeoutError } from "./glide";

/**
 * redis-errors ships no type declarations: the classes are re-exported under
 * types of our own, so the published .d.ts never imports that module (a
 * strict project without skipLibCheck would fail on it).
 */
export interface ErrorConstructorOf<T extends Error = Error> {
  new (message?: string): T;
  readonly prototype: T;
}
export const RedisError: ErrorConstructorOf = redisErrors.RedisError;
export const ReplyError: ErrorConstructorOf = redisErrors.ReplyError;
export type ReplyError = Error;
export const AbortError: ErrorConstructorOf = redisErrors.AbortError;

/**
 * A server's error reply, as ioredis 6's RESP decoder makes it: a ReplyError
 * subclass named "ReplyError" (under either protocol).
 */
export class SimpleError extends ReplyError {
  override get name(): string {
    return "ReplyError";
  }
}

/** ioredis's exact text; Bull and BullMQ compare against it. */
export const CONNECTION_CLOSED_ERROR_MSG = "Connection is closed.";
/** ioredis's refusal of a call while not connected with `enableOfflineQueue: false`. */
export const OFFLINE_QUEUE_OFF_MSG = "Stream isn't writeable and enableOfflineQueue options is false";

/**
 * ioredis's rejection of a call its lost connection had half-answered (a
 * transaction whose EXEC had not come back): it is not resent, it may have run.
 */
export function connectionAbortError(name: string, args: unknown[] = []): Error {
  return Object.assign(new AbortError("Command aborted due to connection close"), { command: { name, args } });
}

export class MaxRetriesPerRequestError extends AbortError {
  constructor(maxRetriesPerRequest: number) {
    super(
      `Reached the max retries per request limit (which is ${maxRetriesPerRequest}). Refer to "maxRetriesPerRequest" option for details.`,
    );
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * ioredis 6.1's Smart Client Handoff errors, exported under its names so code
 * that checks for them compiles and runs. ioglide raises none of them: GLIDE
 * does not take part in handoffs (COMPATIBILITY.md).
 */
export class WatchError extends AbortError {
  constructor() {
    super(
      "WATCH was invalidated by a connection handoff; the transaction was aborted before execution. Retry it with a fresh WATCH.",
    );
  }
  override get name(): string {
    return this.constructor.name;
  }
}

export class CommandTimeoutDuringMaintenanceError extends Error {
  constructor(timeoutMs: number) {
    super(`Command timed out during server maintenance (relaxed timeout: ${timeoutMs}ms)`);
  }
  override get name(): string {
    return this.constructor.name;
  }
}

export class SocketTimeoutDuringMaintenanceError extends Error {
  constructor(timeoutMs: number) {
    super(`Socket timeout during server maintenance. Expecting data, but didn't receive any in ${timeoutMs}ms.`);
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** ioredis's Cluster: no startup node could be reached (the 'error' event of a failed connect). */
export class ClusterAllFailedError extends RedisError {
  static readonly defaultMessage = "Failed to refresh slots cache.";
  constructor(readonly lastNodeError: Error) {
    super(ClusterAllFailedError.defaultMessage);
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** ioredis's Cluster rejects connect() and the calls it queued with this when it gives up. */
export const NO_STARTUP_NODES_MSG = "None of startup nodes is available";

/** A cluster node's refusal of a call that did not run (GLIDE prints some of these codes as kinds). */
export type ClusterRefusal = "MOVED" | "ASK" | "TRYAGAIN" | "CLUSTERDOWN";

export function clusterRefusal(error: Error): ClusterRefusal | undefined {
  const code =
    /^(?:An error was signalled by the server: - )?(MOVED|ASK|Moved|Ask|TRYAGAIN|TryAgain|CLUSTERDOWN|ClusterDown)\b/.exec(
      error.message,
    )?.[1];
  return code?.toUpperCase() as ClusterRefusal | undefined;
}

/**
 * A single cluster command (not a batch) that GLIDE answers with TRYAGAIN or
 * CLUSTERDOWN was already retried by GLIDE for seconds (measured: ~4 s for a
 * slot nobody serves); resending it would multiply that wait.
 */
export function retriedByGlide(error: Error): boolean {
  const refusal = clusterRefusal(error);
  return refusal === "TRYAGAIN" || refusal === "CLUSTERDOWN";
}

/** ioredis's Cluster gives up on a call redirected (or whose node failed) maxRedirections times with this. */
export function tooManyRedirections(lastError: Error): Error {
  return new Error("Too many Cluster redirections. Last error: " + String(lastError));
}

/** A call ioglide cannot accept (bad argument, unsupported feature). */
export class ArgumentError extends TypeError {}

/**
 * ioredis's `showFriendlyErrorStack`: the error keeps its first line and gets
 * the stack captured where the caller made the call, without the frames of
 * ioglide's own files (those under `hiddenRoot`).
 */
export function withCallerStack(error: unknown, callerStack: string | undefined, hiddenRoot: string): unknown {
  if (!(error instanceof Error) || !error.stack || !callerStack) return error;
  const frames = callerStack.split("\n").slice(1);
  let first = 0;
  while (first < frames.length && frames[first].includes(hiddenRoot)) first++;
  const head = error.stack.indexOf("\n");
  error.stack =
    (head < 0 ? error.stack : error.stack.slice(0, head)) +
    frames
      .slice(first)
      .map((f) => "\n" + f)
      .join("");
  return error;
}

/**
 * GLIDE prints known server error codes as kinds
 * ("An error was signalled by the server: - ResponseError: ..."). This table
 * maps each kind back to the code the server sent.
 */
const KIND_TO_CODE: Record<string, string> = {
  ResponseError: "ERR",
  ExecAbortError: "EXECABORT",
  BusyLoadingError: "LOADING",
  NoScriptError: "NOSCRIPT",
  Moved: "MOVED",
  Ask: "ASK",
  TryAgain: "TRYAGAIN",
  ClusterDown: "CLUSTERDOWN",
  CrossSlot: "CROSSSLOT",
  MasterDown: "MASTERDOWN",
  ReadOnly: "READONLY",
  NotBusy: "NOTBUSY",
  PermissionDenied: "NOPERM",
  NoSub: "NOSUB",
  NoGroup: "NOGROUP",
  Busy: "BUSY",
  BusyGroup: "BUSYGROUP",
  WrongPass: "WRONGPASS",
};

const SIGNALLED = "An error was signalled by the server: - ";

/** Recover the server's own error line from GLIDE's rendering of it. */
export function serverErrorText(message: string): string {
  if (message.startsWith(SIGNALLED)) {
    const rest = message.slice(SIGNALLED.length);
    const colon = rest.indexOf(": ");
    if (colon > 0) {
      const code = KIND_TO_CODE[rest.slice(0, colon)];
      if (code) return `${code} ${rest.slice(colon + 2)}`;
    }
    return rest;
  }
  // Other codes are printed as "<CODE>: <detail>": GLIDE added the colon.
  const space = message.indexOf(" ");
  if (space > 1 && message.charCodeAt(space - 1) === 58 /* : */) {
    return message.slice(0, space - 1) + message.slice(space);
  }
  return message;
}

/**
 * Client-side GLIDE failures carry "<text>- <Kind>", or on a cluster start
 * with the kind ("BrokenPipe: Cluster: ...", "ConnectionNotFoundForRoute: ...");
 * these are not server replies.
 */
const CLIENT_SIDE =
  /- (ClientError|IoError|FatalReceiveError|FatalSendError|InvalidClientConfig|ExtensionError)\b|^(BrokenPipe|ConnectionNotFoundForRoute|IoError|FatalReceiveError|FatalSendError)\b/;

export type ErrorClass = "reply" | "connection" | "closed" | "timeout" | "other";

export function classifyGlideError(err: unknown): ErrorClass {
  if (err instanceof ClosingError) return "closed";
  if (err instanceof TimeoutError) return "timeout";
  if (err instanceof ConnectionError) return "connection";
  if (err instanceof RequestError || (err instanceof Error && err.name === "RequestError")) {
    return CLIENT_SIDE.test(err.message) ? "connection" : "reply";
  }
  return "other";
}

/** Turn an error from GLIDE into what ioredis would have produced. */
export function toIoredisError(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  switch (classifyGlideError(err)) {
    case "reply":
      return new SimpleError(serverErrorText(err.message));
    case "closed":
      return new Error(CONNECTION_CLOSED_ERROR_MSG);
    case "timeout":
      return new Error("Command timed out");
    default:
      return err;
  }
}

/** Mask a password wherever a message might echo it. */
export function redact(text: string, secret: string | null | undefined): string {
  if (!secret) return text;
  return text.split(secret).join("***");
}

/**
 * A failed connect as ioredis reports it: Node's own errors pass through,
 * refused AUTH becomes the server's ReplyError, and a cluster wraps it all in
 * ClusterAllFailedError as ioredis's Cluster does.
 */
export function connectFailure(err: unknown, password: string | null | undefined, cluster: boolean): Error {
  const error = nodeConnectFailure(err, password);
  return cluster ? new ClusterAllFailedError(error) : error;
}

function nodeConnectFailure(err: unknown, password: string | null | undefined): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  if ((err as NodeJS.ErrnoException).syscall) return err;
  const message = err.message;
  const server = /(WRONGPASS|NOAUTH|NOPERM)[: ]\s*([^'"\n)]*)/.exec(message);
  if (server) return new SimpleError(`${server[1]} ${server[2].trim()}`);
  // Over RESP2 GLIDE reports a refused AUTH only as "AuthenticationFailed".
  if (/AuthenticationFailed/.test(message))
    return new SimpleError("WRONGPASS invalid username-password pair or user is disabled.");
  return new Error(redact(serverErrorText(message), password));
}

/** Options as safe to show: passwords masked (also in redisOptions), functions left out. */
export function redactOptions(options: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (typeof v === "function") continue;
    if (k === "password" && v) shown[k] = "***";
    else if (k === "redisOptions" && v && typeof v === "object") shown[k] = redactOptions(v as Record<string, unknown>);
    else shown[k] = v;
  }
  return shown;
}
