/**
 * Native-method resolver: decides how GLIDE runs the call.
 *
 * GLIDE's typed methods were measured no faster than `customCommand` (both
 * build the same request; GLIDE-FACTS §8), and they return shapes further
 * from ioredis's. So every command goes through `customCommand`, and this
 * stage decides the things that do matter:
 * - the lane: blocking commands (that block for these arguments) go to the
 *   dedicated blocking connection;
 * - the node, on a cluster, for the keyless commands ioredis sends to one
 *   node but GLIDE to all (spec.oneNodeOnCluster);
 * - the decoder: Buffers where the caller asked for them, where the command
 *   table says so (lib/commands/decoding.ts), and for every call once this
 *   client has sent or received bytes that are not valid UTF-8.
 */
import type { Stage } from "../chain/middleware";
import { blocksOnServer } from "../commands/blocking";

export function nativeMethodResolver(binaryData: () => boolean, isCluster = false): Stage {
  return {
    appliesTo: () => true,
    handle(call, next) {
      const spec = call.spec;
      const inPipeline = call.pipeline !== undefined;
      if (isCluster && !inPipeline && call.route === undefined && spec.oneNodeOnCluster) call.route = "randomNode";
      // In a pipeline or transaction a blocking command keeps its place on the main connection.
      call.blocking =
        spec.blocking && !inPipeline && call.route === undefined && blocksOnServer(spec.timeoutAt, call.args);
      call.decodeAsBytes = call.buffer || binaryData() || spec.decodeAsBytes(call.args);
      return next(call);
    },
  };
}
