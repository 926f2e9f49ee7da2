/**
 * What a Connection reports upward: its status, in ioredis's order, and the
 * events of its one listener (the client), given at construction.
 */
import type { GlideHandle } from "../glide";

export type Status = "wait" | "connecting" | "connect" | "ready" | "close" | "reconnecting" | "end";

/** What the connection reports, to the one listener that owns it (the client). */
export interface ConnectionEvents {
  /** the status changed (the client shows it and emits ioredis's event) */
  status(status: Status, arg?: unknown): void;
  /** an error for the 'error' event */
  error(error: Error): void;
  /** a new server connection is set up: what to learn through it before 'ready' (a cluster's node list) */
  beforeReady(main: GlideHandle): Promise<void>;
  /** a new server connection is about to be ready: what the old one held (scripts, the db) is gone */
  opened(): void;
  /** ready: calls may go */
  ready(): void;
  /** the connection was lost or replaced: calls in flight go again on the next one */
  interrupted(): void;
  /** Sentinel moved the master: like interrupted(), but a blocked call settles on its old client first (resolves then) */
  relocating(): Promise<void>;
  /**
   * the connection dropped (the same server stays): calls in flight settle
   * on the GLIDE client they went to, which sends them again on its own
   * reconnect; resolves once none is left there
   */
  dropped(): Promise<void>;
  /** the blocking client is being dropped: a blocked call settles on it first; resolves when it may close */
  releaseBlocked(): Promise<void>;
  /** what dropped() left out goes again on the next connection after all */
  abandonDropped(): void;
  /**
   * calls waiting for the connection fail with `error` (maxRetriesPerRequest,
   * a refused AUTH, the end); `afterStatus`: their callers hear it after the
   * status event just set (ioredis emits it on the next tick and rejects at
   * once, from a socket event: a rejection handler sees the new status)
   */
  flush(error: Error, afterStatus?: boolean): void;
  /** a pub/sub message from the subscriber connection */
  message(msg: unknown): void;
  /** Sentinel: a sentinel could not be reached or gave no master (ioredis's 'sentinelError' event) */
  sentinelError(error: Error): void;
  /** a new subscriber connection: subscribe it to what the client holds */
  subscriberOpened(client: GlideHandle): Promise<void>;
}
