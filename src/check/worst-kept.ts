/**
 * A bounded keeper of the worst items seen: a min-heap of at most `limit`
 * entries, so millions of violations cost the memory of the few shown, while
 * the total is still counted. Pure.
 */

/** Keeps the `limit` worst items by `compare` (positive when `a` is worse), counting all. */
export class WorstKept<T> {
  private readonly heap: T[] = [];
  /** Every item offered, kept or not. */
  total = 0;

  constructor(
    private readonly limit: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  /** Items offered but not kept. */
  get dropped(): number {
    return this.total - this.heap.length;
  }

  offer(item: T): void {
    this.total++;
    if (this.limit <= 0) return;
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push(item);
      this.siftUp(heap.length - 1);
    } else if (this.compare(item, heap[0]!) > 0) {
      heap[0] = item;
      this.siftDown(0);
    }
  }

  /** The kept items, in no particular order. */
  items(): T[] {
    return this.heap.slice();
  }

  /**
   * Takes what another keeper kept (`items`) of the `total` it was offered: the kept
   * items are then those of a keeper offered everything both were.
   */
  absorb(items: readonly T[], total: number): void {
    for (const item of items) this.offer(item);
    this.total += total - items.length;
  }

  /** The kept items, worst first. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => this.compare(b, a));
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(heap[parent]!, heap[i]!) <= 0) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && this.compare(heap[left]!, heap[least]!) < 0) least = left;
      if (right < heap.length && this.compare(heap[right]!, heap[least]!) < 0) least = right;
      if (least === i) return;
      [heap[least], heap[i]] = [heap[i]!, heap[least]!];
      i = least;
    }
  }
}
