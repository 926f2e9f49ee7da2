/**
 * What the lanes are given (the executor builds it over the connection): the
 * GLIDE clients to send on, the connection's state, the failures to report,
 * and the options they read. A lane never sees the Connection itself (so the
 * unit tier drives a lane with a fake GLIDE client).
 */
import type { Batch, GlideHandle } from "../glide";
import type { FailureHost } from "./failures";

/** The ordered lane's port. */
export interface LaneHost extends FailureHost {
  /** the GLIDE client to send on; null while there is none */
  glideClient(): GlideHandle | null;
  /** a Batch (standalone) or ClusterBatch (cluster) */
  newBatch(atomic: boolean): Batch;
  /** true when calls may be sent (status ready) */
  canSend(): boolean;
  /** a request failed because the connection (a cluster: one node's) dropped; its calls were requeued */
  connectionLost(error: Error): void;
  /** a string reply was not valid UTF-8: the client switches to Buffer decoding */
  sawBinaryReply(): void;
  /** ioredis's socketTimeout: requests were out and no reply came for that long */
  socketTimedOut(error: Error): void;
  readonly socketTimeout: number | undefined;
  readonly commandTimeout: number | undefined;
  readonly isCluster: boolean;
}

/** The blocking lane's port. */
export interface BlockingLaneHost extends FailureHost {
  /** the dedicated GLIDE client, created on first use */
  blockingClient(): Promise<GlideHandle>;
  /** that client if it is already open (null while it opens or after it closed) */
  blockingClientIfOpen(): GlideHandle | null;
  /** true when a blocking call may be sent (ready, and not closing) */
  canBlock(): boolean;
  connectionLost(error: Error): void;
  readonly commandTimeout: number | undefined;
  /** a Batch (standalone) or ClusterBatch (cluster) */
  newBatch(atomic: boolean): Batch;
}
