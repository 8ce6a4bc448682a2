/**
 * Traces written as text before their turn: they come as each trace ends and go out
 * in start order (start time, then first appearance) once every trace is known. The
 * first `memoryBytes` are held in memory; the rest go to a spill file (spill.ts), so a
 * large input's output does not wait in memory. I/O only through the spill given.
 */
import type { Spill } from './spill.js';
import { compareStart } from './written.js';

/**
 * Text held in memory before the rest goes to a spill file. 4 MiB instead of 16 took 10–20 MB
 * off the peak of `convert` and `view` at 1,000,000 lines, in the same time; 1 MiB a few more.
 */
export const MEMORY_BYTES = 2 ** 20;
/** Spilled texts are read back in pieces of about this size. */
const READ_BYTES = 2 ** 20;
/** Held for every trace without problems (most), instead of its own empty list. */
const NO_PROBLEMS: string[] = [];

export class HeldTexts {
  private readonly starts: bigint[] = [];
  private readonly orders: number[] = [];
  private readonly problems: string[][] = [];
  /** Held in memory (null: none, or spilled). */
  private readonly texts: Array<Uint8Array | null> = [];
  /** In the spill file: offset, or −1. */
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private inMemory = 0;
  private spill: Spill | null = null;
  private spillTried = false;

  /** @param openSpill makes the spill file when memory is full; null from it keeps everything in memory. */
  constructor(
    private readonly openSpill: () => Spill | null,
    private readonly memoryBytes: number = MEMORY_BYTES,
  ) {}

  add(start: bigint, order: number, text: string | Uint8Array | null, problems: string[]): void {
    let offset = -1;
    let length = 0;
    let kept: Uint8Array | null = null;
    if (text !== null) {
      const spill = this.inMemory >= this.memoryBytes ? this.spillFile() : null;
      if (spill === null) {
        kept = typeof text === 'string' ? Buffer.from(text) : text;
        length = kept.length;
        this.inMemory += length;
      } else if (typeof text === 'string') [offset, length] = spill.appendText(text);
      else {
        offset = spill.append(text);
        length = text.length;
      }
    }
    this.starts.push(start);
    this.orders.push(order);
    this.problems.push(problems.length === 0 ? NO_PROBLEMS : problems);
    this.texts.push(kept);
    this.offsets.push(offset);
    this.lengths.push(text === null ? -1 : length);
  }

  /** Every text (null where a trace has none) with its trace's problems, in start order; then the spill file is closed. */
  *inOrder(): Generator<[Uint8Array | null, string[]]> {
    const { starts, orders } = this;
    const order = starts.map((_, i) => i);
    order.sort((i, j) => compareStart(starts[i]!, orders[i]!, starts[j]!, orders[j]!));
    try {
      for (let k = 0; k < order.length; ) {
        const i = order[k]!;
        if (this.offsets[i]! < 0) {
          k++;
          yield [this.texts[i]!, this.problems[i]!];
          this.texts[i] = null;
          continue;
        }
        // The next spilled texts in a row, read into one buffer.
        let end = k;
        let bytes = 0;
        while (end < order.length && this.offsets[order[end]!]! >= 0 && (end === k || bytes + this.lengths[order[end]!]! <= READ_BYTES)) {
          bytes += this.lengths[order[end]!]!;
          end++;
        }
        const piece = Buffer.allocUnsafe(bytes);
        const views: Uint8Array[] = [];
        // Texts next to each other in the file (traces that ended in start order) are read at once.
        let at = 0;
        let runAt = 0;
        let runOffset = -1;
        for (let m = k; m < end; m++) {
          const j = order[m]!;
          const length = this.lengths[j]!;
          const offset = this.offsets[j]!;
          if (offset !== runOffset + (at - runAt)) {
            if (at > runAt) this.spill!.read(piece, runAt, at - runAt, runOffset);
            runAt = at;
            runOffset = offset;
          }
          views.push(piece.subarray(at, at + length));
          at += length;
        }
        if (at > runAt) this.spill!.read(piece, runAt, at - runAt, runOffset);
        for (let m = k; m < end; m++) yield [views[m - k]!, this.problems[order[m]!]!];
        k = end;
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    this.spill?.close();
    this.spill = null;
  }

  private spillFile(): Spill | null {
    if (!this.spillTried) {
      this.spillTried = true;
      this.spill = this.openSpill();
    }
    return this.spill;
  }
}
