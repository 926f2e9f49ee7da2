/**
 * ioredis's Command, as code outside ioredis builds it for
 * `client.sendCommand(new Command(name, args, options, callback))`: a name,
 * arguments, a reply encoding (`null` for Buffers) and a promise that the
 * client settles.
 */
import asCallback from "standard-as-callback";

export interface CommandOptions {
  replyEncoding?: BufferEncoding | null;
  errorStack?: Error;
  keyPrefix?: string;
  readOnly?: boolean;
}

type Callback<T> = (err?: Error | null, result?: T) => void;

export class Command {
  readonly name: string;
  readonly args: (string | Buffer | number)[];
  readonly replyEncoding: BufferEncoding | null;
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (error: Error) => void;

  constructor(
    name: string,
    args: (string | Buffer | number | unknown[])[] = [],
    options: CommandOptions = {},
    callback?: Callback<unknown>,
  ) {
    this.name = name;
    this.args = args.flat() as (string | Buffer | number)[];
    this.replyEncoding = options.replyEncoding === undefined ? "utf8" : options.replyEncoding;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (callback) asCallback(this.promise, callback as never);
  }
}
