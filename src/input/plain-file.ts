/**
 * Lines of a regular, uncompressed file straight from its bytes: read in large
 * chunks into one buffer, split at each newline, without a stream, a string
 * decoder or a string of the whole chunk. Lines are numbered as the stream reader
 * numbers them (read-lines.ts): a line ends at `\n` (a `\r` before it is not part
 * of the line), and a last line without a newline counts when it is not empty.
 */
import type { FileHandle } from 'node:fs/promises';

/** Bytes read at a time. */
export const PLAIN_CHUNK_BYTES = 2 ** 20;
/** Room kept in each buffer for the line a chunk ends inside. */
const CARRY_BYTES = 2 ** 16;

/**
 * Calls `lines(data, to, longFirst, eof)` with whole lines `data[0, to)`, each ending
 * with a newline byte, from byte `start` (the start of a line) up to byte `end` of the file. `longFirst`: the first of them is
 * the end of a line longer than `maxLineBytes` whose head was not kept (the line is too
 * long). `eof`: the newline at `to − 1` was added after a last line that had none.
 */
export async function readPlainChunks(
  handle: FileHandle,
  end: number,
  maxLineBytes: number,
  signal: AbortSignal | undefined,
  lines: (data: Buffer, to: number, longFirst: boolean, eof: boolean) => void,
  chunkBytes: number = PLAIN_CHUNK_BYTES,
  start = 0,
): Promise<void> {
  // Two buffers: the next chunk is read into one while the lines of the other are handed
  // over, so the thread does not wait for the disk. The unfinished line at the end of a
  // chunk goes to the front of the buffer the next chunk is read into.
  // Room for a chunk and the usual unfinished line; a longer one makes room when it comes.
  let buffer = Buffer.allocUnsafe(chunkBytes + CARRY_BYTES);
  let other = Buffer.allocUnsafe(chunkBytes + CARRY_BYTES);
  let carried = 0;
  // Inside a line longer than maxLineBytes: its bytes are not kept.
  let skipping = false;
  let position = start;
  signal?.throwIfAborted();
  let next: Promise<{ bytesRead: number }> | null = end > start ? handle.read(buffer, 0, Math.min(chunkBytes, end - start), start) : null;
  try {
    while (next !== null) {
      const { bytesRead } = await next;
      next = null;
      if (bytesRead === 0) break;
      position += bytesRead;
      const filled = carried + bytesRead;
      const lastNl = buffer.lastIndexOf(0x0a, filled - 1);
      const longFirst = skipping;
      if (lastNl >= 0) skipping = false;
      const rest = filled - (lastNl + 1);
      let carry = 0;
      // One byte more than the cap may be kept: it can be the `\r` of a line of exactly the cap.
      if (rest > maxLineBytes + 1) skipping = true;
      else carry = rest;
      if (carry + chunkBytes + 1 > other.length) other = Buffer.allocUnsafe(2 * (carry + chunkBytes + 1));
      buffer.copy(other, 0, lastNl + 1, lastNl + 1 + carry);
      if (position < end) {
        signal?.throwIfAborted();
        next = handle.read(other, carry, Math.min(chunkBytes, end - position), position);
      }
      if (lastNl >= 0) lines(buffer, lastNl + 1, longFirst, false);
      [buffer, other] = [other, buffer];
      carried = carry;
    }
  } finally {
    // Stopped by `lines` (or the signal) with a read under way: its outcome no longer matters.
    next?.catch(() => undefined);
  }
  if (carried > 0 || skipping) {
    buffer[carried] = 0x0a;
    lines(buffer, carried + 1, skipping, true);
  }
}

/**
 * Calls `visit` for each line of `data[0, to)` as `readPlainChunks` hands them over: where it
 * starts, its newline, where its text stops (without a `\r` before that newline, unless the
 * newline was added at the end of input) and whether it is longer than `maxLineBytes`.
 */
export function eachLine(
  data: Buffer,
  to: number,
  longFirst: boolean,
  eof: boolean,
  maxLineBytes: number,
  visit: (start: number, nl: number, stop: number, tooLong: boolean) => void,
): void {
  for (let from = 0, first = true; from < to; first = false) {
    let nl = data.indexOf(0x0a, from);
    if (nl < 0 || nl >= to) nl = to - 1;
    const stop = !(eof && nl === to - 1) && nl > from && data[nl - 1] === 0x0d ? nl - 1 : nl;
    visit(from, nl, stop, (first && longFirst) || stop - from > maxLineBytes);
    from = nl + 1;
  }
}

/** True when a file starts with gzip's magic bytes. */
export async function isGzip(handle: FileHandle): Promise<boolean> {
  const magic = Buffer.alloc(2);
  const { bytesRead } = await handle.read(magic, 0, 2, 0);
  return hasGzipMagic(magic, bytesRead);
}

/** True when the first of `length` bytes are gzip's magic bytes. */
export function hasGzipMagic(bytes: Uint8Array, length: number = bytes.length): boolean {
  return length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
