/**
 * `cluster.scanStream()`: SCAN over every primary of the cluster, through
 * GLIDE's cluster scan (one cursor that walks all nodes). ioredis's Cluster
 * has no scanStream (users scan each master); this one yields each batch of
 * keys as a `data` event, with ioredis's options (match, count, type).
 */
import { Readable } from "stream";
import { ClusterScanCursor } from "../glide";
import type { ScanStreamOptions } from "./scan-stream";

interface ClusterScanner {
  scan(
    cursor: InstanceType<typeof ClusterScanCursor>,
    options?: { match?: string; count?: number; type?: string; decoder?: unknown },
  ): Promise<[InstanceType<typeof ClusterScanCursor>, (string | Buffer)[]]>;
}

export class ClusterScanStream extends Readable {
  private cursor = new ClusterScanCursor();
  private stopped = false;

  constructor(
    private readonly client: () => Promise<ClusterScanner>,
    private readonly opt: ScanStreamOptions,
    private readonly decoder: unknown,
  ) {
    super({ ...opt, objectMode: true });
  }

  override _read(): void {
    if (this.stopped || this.cursor.isFinished()) {
      this.push(null);
      return;
    }
    const options: { match?: string; count?: number; type?: string; decoder?: unknown } = { decoder: this.decoder };
    if (this.opt.match) options.match = this.opt.match;
    if (this.opt.count) options.count = this.opt.count;
    if (this.opt.type) options.type = this.opt.type;
    this.client()
      .then((c) => c.scan(this.cursor, options))
      .then(
        ([next, keys]) => {
          this.cursor = next;
          this.push(keys);
        },
        (err) => this.emit("error", err),
      );
  }

  close(): void {
    this.stopped = true;
  }
}
