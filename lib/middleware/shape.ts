/**
 * Reply shaper: GLIDE's decoded reply -> exactly what ioredis returns, using
 * the per-command table in lib/commands/replies.ts (or the generic
 * translation in lib/commands/reply-values.ts); under `replyMapping: "resp3"`
 * lib/commands/native-replies.ts (or native-values.ts).
 */
import type { Stage } from "../chain/middleware";
import type { Call } from "../chain/call";
import { generic } from "../commands/reply-values";
import { native } from "../commands/native-values";

export function shapeReply(reply: unknown, call: Call): unknown {
  if (call.env.nativeShapes) return (call.spec.shapeNativeReply ?? native)(reply, call);
  const shaper = call.spec.shapeReply;
  if (shaper) return shaper(reply, call);
  // Fast path: a plain string reply needs nothing unless Buffers or stringNumbers apply.
  if (typeof reply === "string" && !call.buffer) return reply;
  return generic(reply, call);
}

/**
 * The stage arms the shaping and the executor applies it as it settles the
 * call: the same order as `next(call).then(shape)` (nothing can run between
 * this stage and the executor), without a promise per call.
 */
export const replyShaper: Stage = {
  appliesTo: () => true,
  handle(call, next) {
    call.shape = shapeReply;
    return next(call);
  },
};
