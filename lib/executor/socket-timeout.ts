/**
 * ioredis's socketTimeout on a lane: armed while requests are out, restarted
 * by every reply (as ioredis's, the clock restarts while more is expected).
 */
import { realClearTimeout, realSetTimeout } from "../timers";

export class SocketTimeout {
  private timer: NodeJS.Timeout | null = null;

  /** `ms`: undefined when the option is off; `expired` is told with ioredis's error */
  constructor(
    private readonly ms: number | undefined,
    private readonly expired: (error: Error) => void,
  ) {}

  /** A request went out. */
  sent(): void {
    if (this.ms !== undefined && this.timer === null) this.arm();
  }

  /** A request completed; `more`: others are still out. */
  replied(more: boolean): void {
    if (this.timer === null) return;
    realClearTimeout(this.timer);
    this.timer = null;
    if (more) this.arm();
  }

  private arm(): void {
    const ms = this.ms!;
    this.timer = realSetTimeout(() => {
      this.timer = null;
      this.expired(new Error(`Socket timeout. Expecting data, but didn't receive any in ${ms}ms.`));
    }, ms);
  }
}
