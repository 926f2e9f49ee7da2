/**
 * One command invocation as it travels the middleware chain. Built-in stages
 * and user middleware read and rewrite its fields; the executor settles it.
 */
import type { CommandSpec } from "../commands/spec";
import type { ShapeContext, ShapeEnv } from "../commands/reply-values";

/** How a call belongs to a pipeline() or multi() (lib/pipeline). */
export interface PipelineMembership {
  /** a transaction collecting its calls before they go out together; absent for plain pipelines */
  readonly collect?: (call: Call) => void;
}

/** Where a call is placed by whoever makes it: in a pipeline, on one cluster node. */
export interface CallPlacement {
  readonly pipeline?: PipelineMembership;
  /** a GLIDE route: the call goes alone, to that node (cluster.nodes(), one-node commands) */
  readonly route?: unknown;
}

export class Call implements ShapeContext {
  /** the command name as the caller wrote it ("get", "GET", "hset", a defined script name) */
  command: string;
  /**
   * Arguments after the command name. As given by the caller on entry (an
   * array the call owns); after the argument normalizer, a flat list of
   * strings and Buffers.
   */
  args: unknown[] & (string | Buffer)[];
  /** the caller asked for Buffers: an xxxBuffer method or callBuffer */
  buffer: boolean;
  /** what the command table knows about `command` (a subcommand's entry once the normalizer saw it) */
  spec: CommandSpec;
  /** set by the native-method resolver: decode the reply as Buffers */
  decodeAsBytes = false;
  /** set by the native-method resolver: run on the blocking connection */
  blocking = false;
  /** set by the reply shaper: how the executor turns GLIDE's reply into ioredis's */
  shape: ((reply: unknown, call: Call) => unknown) | undefined = undefined;
  /**
   * Set by a stage that can recover a failure after the executor (the
   * script cache, for NOSCRIPT): true means "rewritten, send it again, first"
   * (once per call).
   */
  retry: ((error: Error) => boolean) | undefined = undefined;
  /** per-client shaping settings (stringNumbers, how the server prints doubles) */
  env: ShapeEnv;
  /** free space for middleware to carry data from the way in to the way out */
  meta: Record<string, unknown> | undefined;
  /** set when the call is part of a pipeline() or multi() */
  pipeline: PipelineMembership | undefined = undefined;
  /** a GLIDE route: the call goes alone, to that node */
  route: unknown = undefined;
  /** a MULTI/EXEC request: the calls it carries (lib/executor/transactions.ts) */
  transaction: Call[] | undefined = undefined;

  // Executor bookkeeping (not for middleware).
  /**
   * @internal Set by pipelines when no user middleware is installed: the call
   * reports its outcome here instead of through a promise (one less promise
   * per pipelined command).
   */ onDone: ((error: Error | null, value: unknown) => void) | undefined = undefined;
  /** @internal */ resolve: ((value: unknown) => void) | undefined = undefined;
  /** @internal */ reject: ((error: Error) => void) | undefined = undefined;
  /** @internal */ settled = false;
  /** @internal sent once already: a tracing channel saw it (lib/tracing.ts) */ traced = false;
  /** @internal told the outcome as the call settles (a trace waiting for it) */ observe:
    ((error: Error | null, value: unknown) => void) | undefined = undefined;
  /** @internal */ seq = 0;
  /** @internal not sent before this settles (a CLIENT LIST waiting for names set before it) */ gate:
    Promise<void> | undefined = undefined;
  /** @internal times a cluster redirected this call (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) */ redirects = 0;
  /** @internal */ timer: NodeJS.Timeout | undefined = undefined;

  constructor(command: string, args: unknown[], buffer: boolean, spec: CommandSpec, env: ShapeEnv) {
    this.command = command;
    this.args = args as Call["args"];
    this.buffer = buffer;
    this.spec = spec;
    this.env = env;
    this.meta = undefined;
  }
}
