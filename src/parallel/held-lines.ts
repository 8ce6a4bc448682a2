/**
 * What a share holds for each trace until the trace's last line has gone by (share.ts):
 * lines as text and records already read, each with its place in the input. Kept in
 * slots of arrays shared by every trace, each trace's slots chained in input order and
 * freed slots used again: nothing is allocated per line once there are enough slots.
 * Pure.
 */
export class HeldLines {
  private values: unknown[] = [];
  private places = new Float64Array(1024);
  private next = new Int32Array(1024);
  /** The first free slot (chained through `next`), or −1. */
  private free = -1;
  /** Slots ever used. */
  private used = 0;
  private readonly heads: Int32Array;
  private readonly tails: Int32Array;

  /** For traces numbered 0 … traces − 1. */
  constructor(traces: number) {
    this.heads = new Int32Array(traces).fill(-1);
    this.tails = new Int32Array(traces);
  }

  /** Slots there is room for (for tests). */
  get slots(): number {
    return this.next.length;
  }

  /** True when something is held for trace `trace`. */
  holds(trace: number): boolean {
    return this.heads[trace] !== -1;
  }

  /** Holds a line's text, or a record, at `place`, after what trace `trace` holds already. */
  add(trace: number, value: unknown, place: number): void {
    let slot = this.free;
    if (slot >= 0) this.free = this.next[slot]!;
    else {
      slot = this.used++;
      if (slot >= this.next.length) this.grow();
    }
    this.values[slot] = value;
    this.places[slot] = place;
    this.next[slot] = -1;
    if (this.heads[trace] === -1) this.heads[trace] = slot;
    else this.next[this.tails[trace]!] = slot;
    this.tails[trace] = slot;
  }

  /** Hands over what trace `trace` holds, in the order it came, and lets go of it. */
  take(trace: number, visit: (value: unknown, place: number) => void): void {
    let slot = this.heads[trace]!;
    this.heads[trace] = -1;
    while (slot !== -1) {
      const value = this.values[slot];
      const place = this.places[slot]!;
      const after = this.next[slot]!;
      this.values[slot] = undefined;
      this.next[slot] = this.free;
      this.free = slot;
      visit(value, place);
      slot = after;
    }
  }

  /** The traces that hold something. */
  traces(): number[] {
    const held: number[] = [];
    for (let trace = 0; trace < this.heads.length; trace++) if (this.heads[trace] !== -1) held.push(trace);
    return held;
  }

  private grow(): void {
    const places = new Float64Array(2 * this.places.length);
    places.set(this.places);
    this.places = places;
    const next = new Int32Array(2 * this.next.length);
    next.set(this.next);
    this.next = next;
  }
}
