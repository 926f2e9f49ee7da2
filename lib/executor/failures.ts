/**
 * What becomes of a call that failed, for both lanes: one decision, so the
 * ordered and the blocking lane treat a NOSCRIPT, a cluster redirect, a lost
 * node and a lost connection the same way.
 */
import type { Call } from "../chain/call";
import type { Args } from "../glide";
import type { CallTracer } from "../tracing";
import { classifyGlideError, connectionAbortError, ErrorClass, ReplyError, toIoredisError } from "../errors";
import { redirectDecision, RedirectHost, slotNudge } from "./redirects";
import { fail } from "./settle";

export interface FailureHost extends RedirectHost {
  /** resend calls interrupted by a connection loss (autoResendUnfulfilledCommands) */
  readonly resendOnReconnect: boolean;
  /** told of each call as it goes out (ioredis's tracing channels) */
  readonly tracer: Pick<CallTracer, "active" | "sent">;
}

/** A call's fate after `error`. */
export type Fate =
  /** a stage recovered it (NOSCRIPT: rewritten to EVAL): it did not run; again, before what is queued */
  | { readonly kind: "retry-now" }
  /** a cluster node redirected or refused it for now, or was lost: again after `afterMs`; `nudge` first */
  | { readonly kind: "retry-later"; readonly afterMs: number; readonly nudge: Args | null }
  /** the connection was lost: again on the next connection */
  | { readonly kind: "retry-reconnected" }
  | { readonly kind: "fail"; readonly error: Error };

const RETRY_NOW: Fate = { kind: "retry-now" };
const RETRY_RECONNECTED: Fate = { kind: "retry-reconnected" };

/**
 * `sentAlone`: the call went as a single GLIDE request (GLIDE retried a
 * TRYAGAIN or CLUSTERDOWN itself already). `kind`: the error's class.
 */
export function fateOf(
  host: FailureHost,
  call: Call,
  error: Error,
  sentAlone: boolean,
  kind: ErrorClass = classifyGlideError(error),
): Fate {
  if (call.retry?.(error)) return RETRY_NOW;
  // A transaction may have run: its connection's failure aborts it with ioredis's AbortError, it is
  // never sent twice. (ioredis resends one none of whose replies had arrived; GLIDE answers a batch
  // all at once, so "none arrived" and "EXEC's reply was lost" look the same here.)
  if (kind === "connection" && call.transaction) return { kind: "fail", error: connectionAbortError("exec") };
  const decision = redirectDecision(host, call, error, sentAlone);
  if (decision !== null) {
    if ("fail" in decision) return { kind: "fail", error: withCommand(decision.fail, call) };
    return { kind: "retry-later", afterMs: decision.resendAfter, nudge: slotNudge(call, error) };
  }
  if (kind === "connection") return host.resendOnReconnect ? RETRY_RECONNECTED : { kind: "fail", error: aborted(call) };
  return { kind: "fail", error: withCommand(toIoredisError(error), call) };
}

/** The call as an error shows it (`err.command`, ioredis's `{ name, args }`): credentials redacted. */
export function commandOf(call: Call): { name: string; args: unknown[] } {
  const redact = call.spec.redactArgs;
  return { name: call.command, args: redact ? redact(call.args) : call.args.slice() };
}

/** A server's error reply carries the command it answered, as on ioredis. */
function withCommand(error: Error, call: Call): Error {
  if (error instanceof ReplyError && (error as { command?: unknown }).command === undefined)
    (error as Error & { command: unknown }).command = commandOf(call);
  return error;
}

/**
 * A call out when its connection dropped, not to be resent
 * (autoResendUnfulfilledCommands: false): ioredis 6.1's AbortError.
 */
export function aborted(call: Call): Error {
  const { name, args } = commandOf(call);
  return connectionAbortError(name, args);
}

/** A GLIDE string reply that is not UTF-8 fails the whole request (the server ran it). */
export function isDecodingError(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith("Decoding error");
}

/**
 * A reply was not valid UTF-8, so GLIDE dropped the whole request's replies
 * (the server did execute it). Read-only calls go again with Buffer decoding
 * (returned, to be sent again); the others cannot be repeated and get an
 * error that says so.
 */
export function undecodable(calls: Call[]): Call[] {
  const again: Call[] = [];
  for (const call of calls) {
    if (call.settled) continue;
    if (call.spec.repeatable && !call.decodeAsBytes) {
      call.decodeAsBytes = true;
      again.push(call);
    } else {
      fail(
        call,
        new Error(
          `ioglide: the server ran '${call.command}' but its reply was lost: another reply in the same ` +
            `auto-pipelined request was not valid UTF-8. Use the Buffer variant (e.g. getBuffer) to read binary values.`,
        ),
      );
    }
  }
  return again;
}
