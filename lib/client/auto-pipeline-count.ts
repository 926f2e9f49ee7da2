/**
 * ioredis's `autoPipelineQueueSize` under `enableAutoPipelining`: the calls
 * of the current tick made by command methods and call(), which ioredis holds
 * in its auto pipeline until the next tick (sendCommand(), the commands it
 * never auto-pipelines and those listed in `autoPipeliningIgnoredCommands`
 * are not counted; names compared as written, as ioredis does). ioglide batches every tick's calls whatever the option says,
 * in issue order (ioredis writes the ignored commands at once, ahead of the
 * tick's auto-pipelined ones); this only reports what ioredis would hold.
 */
import type { CommandSpec } from "../commands/spec";
import { realNextTick } from "../timers";

export class AutoPipelineCount {
  #thisTick = 0;
  readonly #ignored: ReadonlySet<string>;
  readonly #reset = (): void => {
    this.#thisTick = 0;
  };

  constructor(ignored: readonly string[]) {
    this.#ignored = new Set(ignored);
  }

  issued(name: string, spec: CommandSpec): void {
    if ((!spec.autoPipelined && name === spec.command) || this.#ignored.has(name)) return;
    if (this.#thisTick++ === 0) realNextTick(this.#reset);
  }

  get size(): number {
    return this.#thisTick;
  }
}
