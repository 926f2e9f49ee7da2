/**
 * Native-method resolver: decides how GLIDE runs the call.
 *
 * GLIDE's typed methods were measured no faster than `customCommand` (both
 * build the same request; GLIDE-FACTS §8), and they return shapes further
 * from ioredis's. So every command goes through `customCommand`, and this
 * stage decides the two things that do matter:
 * - the lane: blocking commands (that block for these arguments) go to the
 *   dedicated blocking connection;
 * - the node, on a cluster, for the few keyless commands ioredis sends to one
 *   node but GLIDE to all (INFO, MEMORY, LATENCY, DEBUG);
 * - the decoder: Buffers where the caller asked for them, where the command
 *   table says so (lib/commands/decoding.ts), and for every call once this
 *   client has sent or received bytes that are not valid UTF-8.
 */
import type { Stage } from "../chain/middleware";
import type { BatchContext } from "../chain/call";
import { blocksOnServer } from "../commands/blocking";

/**
 * On a cluster, GLIDE sends these keyless commands to every node and answers
 * per node; ioredis's Cluster sends them to one node and gets its reply.
 */
const ONE_NODE_ON_CLUSTER = new Set(["info", "memory", "latency", "debug"]);
const RANDOM_NODE: BatchContext = { route: "randomNode" };

export function nativeMethodResolver(binaryData: () => boolean, isCluster = false): Stage {
  return {
    name: "native-method-resolver",
    appliesTo: () => true,
    handle(call, next) {
      const spec = call.spec;
      if (isCluster && call.batch === undefined && ONE_NODE_ON_CLUSTER.has(spec.name)) call.batch = RANDOM_NODE;
      // In a pipeline or transaction a blocking command keeps its place on the main connection.
      call.blocking = spec.blocking && call.batch === undefined && blocksOnServer(spec.timeoutAt, call.args);
      call.decodeAsBytes = call.buffer || binaryData() || spec.decodeAsBytes(call.args);
      return next(call);
    },
  };
}
