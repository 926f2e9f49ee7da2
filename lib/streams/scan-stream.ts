/**
 * ScanStream: SCAN / SSCAN / HSCAN / ZSCAN as an object-mode Readable, with
 * ioredis's options (match, type, count, noValues) and batching: each `data`
 * event is one reply's batch of elements.
 */
import { Readable, ReadableOptions } from "stream";

/** What scanStream returns: an object-mode Readable of key batches, with ioredis's close(). */
export type KeyStream = Readable & { close(): void };

export interface ScanStreamOptions extends ReadableOptions {
  match?: string;
  type?: string;
  count?: number;
  noValues?: boolean;
}

type ScanFn = (args: unknown[], callback: (err: Error | null, reply?: unknown) => void) => unknown;

export class ScanStream extends Readable {
  private cursor = "0";
  private drained = false;

  constructor(
    private readonly scan: ScanFn,
    private readonly key: string | Buffer | undefined,
    private readonly opt: ScanStreamOptions,
  ) {
    super({ ...opt, objectMode: true });
  }

  override _read(): void {
    if (this.drained) {
      this.push(null);
      return;
    }
    const args: unknown[] = [this.cursor];
    if (this.key) args.unshift(this.key);
    if (this.opt.match) args.push("MATCH", this.opt.match);
    if (this.opt.type) args.push("TYPE", this.opt.type);
    if (this.opt.count) args.push("COUNT", String(this.opt.count));
    if (this.opt.noValues) args.push("NOVALUES");
    this.scan(args, (err, reply) => {
      if (err) {
        this.emit("error", err);
        return;
      }
      const [cursor, items] = reply as [string | Buffer, unknown[]];
      this.cursor = Buffer.isBuffer(cursor) ? cursor.toString() : cursor;
      if (this.cursor === "0") this.drained = true;
      this.push(items);
    });
  }

  /** Stop after the current batch (ioredis's close()). */
  close(): void {
    this.drained = true;
  }
}

/** The stream methods of a client, as a table: [method, scan command, takes a key]. */
const STREAM_METHODS: [string, string, boolean][] = [
  ["scanStream", "scan", false],
  ["scanBufferStream", "scanBuffer", false],
  ["sscanStream", "sscan", true],
  ["sscanBufferStream", "sscanBuffer", true],
  ["hscanStream", "hscan", true],
  ["hscanBufferStream", "hscanBuffer", true],
  ["zscanStream", "zscan", true],
  ["zscanBufferStream", "zscanBuffer", true],
];

type Scanner = Record<string, (...args: unknown[]) => unknown>;

/** Define scanStream, sscanStream, ... on a client prototype; each runs the client's own scan command. */
export function installScanStreams(prototype: object): void {
  for (const [method, command, keyed] of STREAM_METHODS) {
    Object.defineProperty(prototype, method, {
      configurable: true,
      writable: true,
      value: function (this: Scanner, ...params: unknown[]): ScanStream {
        const key = keyed ? (params[0] as string | Buffer) : undefined;
        const options = ((keyed ? params[1] : params[0]) ?? {}) as ScanStreamOptions;
        return new ScanStream((args, cb) => this[command](args, cb), key, options);
      },
    });
  }
}
