/**
 * Blocking commands and where their timeout argument sits (ioredis's own
 * classification). The executor sends them on a dedicated connection so they
 * never stall other calls; XREAD/XREADGROUP block only with a BLOCK option.
 */
export type BlockingTimeoutPosition = "last" | "first" | "fourth" | "fifth" | "block-option";

export const BLOCKING_TIMEOUT_POSITION: Record<string, BlockingTimeoutPosition> = {
  blpop: "last",
  brpop: "last",
  brpoplpush: "last",
  blmove: "last",
  bzpopmin: "last",
  bzpopmax: "last",
  // BLMOVEM (Redis 8.x): trailing options may follow; the timeout is always its fifth argument.
  blmovem: "fifth",
  // BZMOVE (Redis 8.x): a COUNT may follow; the timeout is always its fourth argument.
  bzmove: "fourth",
  blmpop: "first",
  bzmpop: "first",
  xread: "block-option",
  xreadgroup: "block-option",
};

/** True when this call will block on the server (XREAD without BLOCK does not). */
export function blocksOnServer(
  position: BlockingTimeoutPosition | undefined,
  args: readonly (string | Buffer)[],
): boolean {
  if (position === undefined) return false;
  if (position !== "block-option") return true;
  return blockOptionIndex(args) >= 0;
}

function blockOptionIndex(args: readonly (string | Buffer)[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.length === 5 && String(arg).toLowerCase() === "block") return i;
    if (String(arg).toLowerCase() === "streams") return -1;
  }
  return -1;
}
