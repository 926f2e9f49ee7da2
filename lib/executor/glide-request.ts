/**
 * How a lane's calls become one GLIDE request: a MULTI/EXEC transaction as
 * one atomic Batch (GLIDE sends MULTI, the calls and EXEC together); a
 * single call as customCommand (with its route, on a cluster); several as
 * one non-atomic Batch (raiseOnError=false: per-call replies and errors).
 * The calls share a decoder (batching.ts groups them so).
 */
import { Batch, BYTES_DECODER, GlideHandle, STRING_DECODER } from "../glide";
import type { Call } from "../chain/call";
import { argv } from "./settle";

/** Resolves with the reply (one call, or a transaction's EXEC), or with one reply per call. */
export function sendCalls(
  glide: GlideHandle,
  host: { newBatch(atomic: boolean): Batch },
  calls: Call[],
): Promise<unknown> {
  const decoder = calls[0].decodeAsBytes ? BYTES_DECODER : STRING_DECODER;
  const transaction = calls[0].transaction;
  if (transaction) {
    const batch = host.newBatch(true);
    for (let i = 0; i < transaction.length; i++) batch.customCommand(argv(transaction[i]));
    return glide.exec(batch, false, { decoder });
  }
  if (calls.length === 1) {
    const route = calls[0].route;
    return glide.customCommand(argv(calls[0]), route === undefined ? { decoder } : { decoder, route });
  }
  const batch = host.newBatch(false);
  for (let i = 0; i < calls.length; i++) batch.customCommand(argv(calls[i]));
  return glide.exec(batch, false, { decoder });
}
