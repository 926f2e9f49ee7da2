/**
 * A FIFO with O(1) push and shift (a head index over an array, compacted now
 * and then), so 100,000 queued calls cost no `Array.shift` copies.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Put items back at the front, keeping their order (rare: resend after a failure). */
  unshiftAll(front: readonly T[]): void {
    if (front.length === 0) return;
    this.items = (front as (T | undefined)[]).concat(this.items.slice(this.head));
    this.head = 0;
  }

  /** Remove and return everything. */
  drain(): T[] {
    const all = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return all;
  }
}
