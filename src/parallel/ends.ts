/**
 * Where each trace's last line is. Read once before the real read of a file, it
 * lets a trace be finished, written and let go as soon as its last line has gone
 * by, so memory holds the traces in flight instead of the whole input. Each line's
 * trace ids are found in the raw text (route.ts); only a line naming none is
 * parsed. A line that names a trace counts for it even when its record turns out
 * to be another's: that only keeps the trace longer. The real read checks the first
 * record of each trace it holds against these ends (`TraceEnds.covers`; a trace still
 * held has not reached its end): one after its trace's end means the raw text misled,
 * and the caller reads again without them.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Diagnostics } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import type { Io } from '../commands/io.js';
import { readRecords, sourceOf, type LoadOptions } from '../commands/load.js';
import { nextTraceKey, traceIdsIn } from './route.js';
import { readLine, type LineOptions } from '../extract/line.js';
import { importDocumentRecords } from '../extract/import-document.js';
import { ownCopy } from '../strings.js';
import { eachLine, isGzip, readPlainChunks } from '../input/plain-file.js';
import { isPartialLine } from '../extract/partial-lines.js';

/** Lines needing a parse before giving up: past this, at most one in PARSED_SHARE may. */
const PARSED_FREE = 4096;
const PARSED_SHARE = 8;

/** Bytes of a plain file read at a time. */
const SCAN_BYTES = 2 ** 16;

const NONE: readonly string[] = [];

/** Stops the scan: the ends cannot be known cheaply. */
class GiveUp extends TracelogError {
  constructor() {
    super('tracelog.oneThread', 'trace ends not found in the raw text');
  }
}

/** Which share reads a line (see `TraceEnds.reads`). */
const OTHER = 0;
const MINE = 1;
const EVERY = 2;

/**
 * The place (0-based, over all files) of each trace's last line, in the order they come;
 * which lines the share that found them reads; and the trace of each line whose raw text
 * names one only, the share's.
 */
export class TraceEnds {
  private readonly ids: string[];
  private readonly places: number[];
  private next = 0;

  constructor(
    /** Trace id → its number in `names` and `last`. */
    private readonly numbers: Map<string, number>,
    private readonly names: string[],
    private readonly last: number[],
    /** Per place: OTHER, MINE or EVERY. */
    private readonly shares: Uint8Array,
    /** Per place: the number of the one trace a MINE line names (the smallest array the numbers fit in). */
    private readonly traces: Uint16Array | Int32Array,
  ) {
    const order = names.map((_, k) => k).sort((a, b) => last[a]! - last[b]!);
    this.ids = order.map((k) => names[k]!);
    this.places = order.map((k) => last[k]!);
  }

  /**
   * True when the share reads the line at `place`: it names one trace, the share's, in
   * its raw text, or it names none or several (then every share reads it, each keeping
   * the records of its own traces — `sharedLine`).
   */
  reads(place: number): boolean {
    return place >= this.shares.length || this.shares[place] !== OTHER;
  }

  /** True when every share reads the line at `place` (its trace could not be told from its raw text). */
  sharedLine(place: number): boolean {
    return place >= this.shares.length || this.shares[place] === EVERY;
  }

  /** How many traces the share has; each has a number, 0 … count − 1. */
  get count(): number {
    return this.names.length;
  }

  /** The number of the trace the raw text of the line at `place` names, when it names one only and it is the share's; else −1. */
  traceAt(place: number): number {
    return place < this.shares.length && this.shares[place] === MINE ? this.traces[place]! : -1;
  }

  /** The id of the trace numbered `trace`. */
  idOf(trace: number): string {
    return this.names[trace]!;
  }

  /** The number of a trace of the share, or −1. */
  numberOf(traceId: string): number {
    return this.numbers.get(traceId) ?? -1;
  }

  /** True when a record of `traceId` on line `place` comes no later than its trace's end. */
  covers(traceId: string, place: number): boolean {
    const k = this.numbers.get(traceId);
    return k !== undefined && this.last[k]! >= place;
  }

  /** What a range's scan found, for every share (made with a `keep` that keeps every trace). */
  toPart(): EndsPart {
    const traces = this.names.length < 0xffff ? new Uint16Array(this.shares.length) : new Uint32Array(this.shares.length);
    for (let place = 0; place < traces.length; place++) if (this.shares[place] === MINE) traces[place] = this.traces[place]! + 1;
    return { lines: traces.length, names: this.names, last: this.last, traces };
  }

  /** The traces whose last line comes before line `place`, each once, in order of their ends. */
  endedBefore(place: number): readonly string[] {
    const from = this.next;
    while (this.next < this.ids.length && this.places[this.next]! < place) this.next++;
    return from === this.next ? NONE : this.ids.slice(from, this.next);
  }
}

/**
 * Reads the files of `options` (a regular file each, read up to `options.fileBytes`)
 * and finds the last line of every trace `keep` accepts. Null when that cannot be
 * known cheaply: a whole JSON document, many lines whose trace the raw text does not
 * name (each would be parsed twice), or a container log with a long line in parts.
 */
export async function findTraceEnds(
  options: LoadOptions,
  keep: (traceId: string) => boolean,
  io: Io,
  chunkBytes: number = SCAN_BYTES,
  /** Per file, only the lines that start in these bytes (`start` is a line's start). */
  ranges?: readonly FileRange[],
): Promise<TraceEnds | null> {
  const numbers = new Map<string, number>();
  const names: string[] = [];
  const last: number[] = [];
  let place = -1;
  let shares = new Uint8Array(2 ** 16);
  let traces = new Int32Array(2 ** 16);
  /** Notes the line for a trace the share keeps; its number, or −1 for another share's trace. */
  const note = (id: string): number => {
    let k = numbers.get(id);
    if (k === undefined) {
      if (!keep(id)) return -1;
      k = names.length;
      // An id found by a regular expression is a slice of its line, and would keep the line alive.
      const own = ownCopy(id);
      numbers.set(own, k);
      names.push(own);
      last.push(place);
    } else last[k] = place;
    return k;
  };
  // Which share reads the line: the owner of the one trace its raw text names, else every share.
  const share = (ids: readonly string[]): void => {
    if (place >= shares.length) {
      const larger = new Uint8Array(2 * shares.length);
      larger.set(shares);
      shares = larger;
      const more = new Int32Array(2 * traces.length);
      more.set(traces);
      traces = more;
    }
    if (ids.length !== 1) {
      shares[place] = EVERY;
      for (const id of ids) note(id);
      return;
    }
    const k = note(ids[0]!);
    shares[place] = k < 0 ? OTHER : MINE;
    traces[place] = k;
  };
  let parsed = 0;
  const countParsed = (): void => {
    if (++parsed > PARSED_FREE && parsed * PARSED_SHARE > place) throw new GiveUp();
  };
  const lineOptions: LineOptions = { readDocument: importDocumentRecords, ...options.lineOptions, fields: false };
  // The range of the file being scanned.
  let range: FileRange | undefined;
  // A line naming no trace in its raw text is parsed for the traces of its records.
  const parse = (text: string, source: string, line: number): void => {
    countParsed();
    const result = readLine(text, source, line, lineOptions);
    if (result === null) return;
    if ('records' in result) for (const record of result.records) note(record.traceId);
    else if (line === 1 && !range?.start && result.skip === 'not-json' && /^\uFEFF?\s*[[{]/.test(text)) throw new GiveUp();
  };
  try {
    for (const [index, file] of options.files.entries()) {
      const bytes = options.fileBytes?.[index];
      const source = sourceOf(options, index);
      range = ranges?.[index];
      const plain = await scanPlainFile(file, range?.end ?? bytes, options.maxLineBytes, chunkBytes, io.signal, (ids, text, line) => {
        place++;
        share(ids);
        if (ids.length === 0 && text !== null) parse(text(), source, line);
      }, range?.start);
      if (plain) continue;
      if (range) return null;
      // Gzip: read the general way.
      const scan: LoadOptions = {
        ...options,
        files: [file],
        names: [source],
        fileBytes: bytes === undefined ? undefined : [bytes],
        strict: false,
        fields: 'none',
        lineFilter(text) {
          place++;
          if (text === null) {
            share(NONE);
            return false;
          }
          if (isPartialLine(text)) throw new GiveUp();
          const ids = traceIdsIn(text);
          share(ids);
          if (ids.length > 0) return false;
          countParsed();
          return true;
        },
        onDocument() {
          throw new GiveUp();
        },
      };
      await readRecords(scan, { ...io, stdinIsTTY: false }, new Diagnostics(), (record) => note(record.traceId));
    }
  } catch (err) {
    if (err instanceof GiveUp) return null;
    throw err;
  }
  // Copies of the exact size, in the smallest array that holds the numbers: they last the whole read.
  const lines = place + 1;
  return new TraceEnds(numbers, names, last, shares.slice(0, lines), names.length <= 0x10000 ? Uint16Array.from(traces.subarray(0, lines)) : traces.slice(0, lines));
}

/**
 * Calls `visit` for each line of a plain file, by its raw bytes (no UTF-8 decoding,
 * no line strings): the trace ids its raw text names, and a function giving the line's
 * text (null for a line over `maxLineBytes`). Lines are numbered as the reader numbers
 * them (plain-file.ts). False, having visited nothing, for a gzip file; a file
 * that cannot be read has no lines (the real read reports it).
 */
async function scanPlainFile(
  path: string,
  limit: number | undefined,
  maxLineBytes: number,
  chunkBytes: number,
  signal: AbortSignal | undefined,
  visit: (ids: string[], text: (() => string) | null, line: number) => void,
  start = 0,
): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return true;
  }
  try {
    const end = limit ?? Number.POSITIVE_INFINITY;
    let line = 0;
    const lines = (data: Buffer, to: number, longFirst: boolean, eof: boolean): void => {
      // Latin-1 keeps one character per byte: ids and keys are ASCII, and positions are byte offsets.
      const text = data.toString('latin1', 0, to);
      let match = nextTraceKey(text, 0);
      eachLine(data, to, longFirst, eof, maxLineBytes, (start, nl, stop, tooLong) => {
        const ids: string[] = [];
        let unsure = false;
        while (match !== null && match.index < nl) {
          let after = match.index + match[0].length;
          if (after > nl) {
            // Across a newline: this line is read whole, and the next scanned from its start.
            unsure = true;
            after = nl + 1;
          } else ids.push(match[2] ?? match[3]!);
          match = nextTraceKey(text, after);
        }
        line++;
        // A part of a long line (CRI, Docker): its record comes with the line's last part.
        if (isPart(data, text, start, stop)) throw new GiveUp();
        // A line too long is skipped by the real read too: it names no trace.
        visit(unsure || tooLong ? [] : ids, tooLong ? null : () => data.toString('utf8', start, stop), line);
      });
    };
    if (await isGzip(handle)) return false;
    await readPlainChunks(handle, end, maxLineBytes, signal, lines, chunkBytes, start);
    return true;
  } catch (err) {
    if (signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(signal.reason) || 130);
    if (err instanceof GiveUp) throw err;
    return true;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * True when the line at `start` (`text` is its chunk as Latin-1) is a part of a longer line:
 * a CRI line (it starts with a digit; the prefix is ASCII) or a Docker record of 16 KiB.
 */
function isPart(data: Buffer, text: string, start: number, stop: number): boolean {
  const c = data[start]!;
  if (c >= 0x30 && c <= 0x39) return isPartialLine(text.slice(start, Math.min(stop, start + 64)));
  return c === 0x7b && stop - start >= 4096 && data[start + 2] === 0x6c /* {"l */ && isPartialLine(data.toString('utf8', start, stop));
}

/** Bytes of one file: from `start` (a line's start) to `end`. */
export interface FileRange {
  start: number;
  end: number;
}

/** What the first pass found over one range of a file's lines (`TraceEnds.toPart`). */
export interface EndsPart {
  lines: number;
  /** Every trace named, in order of first appearance. */
  names: string[];
  /** The place in the range of each one's last line. */
  last: number[];
  /** Per place in the range: the one trace its raw text names (its number in `names`, plus 1), or 0. */
  traces: Uint16Array | Uint32Array;
}

/** Bytes read at a time while looking for where a range starts. */
const BOUNDARY_BYTES = 2 ** 16;

/**
 * Splits the first `sizes[f]` bytes of plain files, taken one after the other, into `count`
 * runs of lines, in order, each given as its range of every file (empty where it has none
 * of it), so that the parts scanned over them follow one another as the lines do. Each run
 * starts where a line starts (a run can be empty under a very long line): the first about
 * `firstShare` of the bytes, the others equal. Every share finds the same runs: the files'
 * bytes up to `sizes` do not change while they are read.
 */
export function splitFileRanges(files: readonly string[], sizes: readonly number[], count: number, firstShare = 1 / count): FileRange[][] {
  // Where each file starts in the bytes of all, and the start of every run there.
  const offsets = [0];
  for (const size of sizes) offsets.push(offsets.at(-1)! + size);
  const total = offsets.at(-1)!;
  const starts = [0];
  const first = Math.floor(total * firstShare);
  const buffer = Buffer.allocUnsafe(BOUNDARY_BYTES);
  for (let k = 1; k < count; k++) {
    const at = Math.max(starts[k - 1]!, first + Math.floor(((k - 1) * (total - first)) / (count - 1)));
    starts.push(lineStartFrom(files, sizes, offsets, at, buffer));
  }
  starts.push(total);
  return starts.slice(0, count).map((start, k) =>
    sizes.map((size, f) => {
      const from = Math.min(Math.max(start - offsets[f]!, 0), size);
      return { start: from, end: Math.max(from, Math.min(starts[k + 1]! - offsets[f]!, size)) };
    }),
  );
}

/** The first line start at or after byte `at` of all the files (a file's end starts the next one). */
function lineStartFrom(files: readonly string[], sizes: readonly number[], offsets: readonly number[], at: number, buffer: Buffer): number {
  let f = 0;
  while (f < sizes.length && offsets[f + 1]! <= at) f++;
  if (f === sizes.length) return offsets.at(-1)!;
  const within = at - offsets[f]!;
  if (within === 0) return at;
  const size = sizes[f]!;
  const fd = openSync(files[f]!, 'r');
  try {
    for (let from = within - 1; from < size; from += BOUNDARY_BYTES) {
      const n = readSync(fd, buffer, 0, Math.min(BOUNDARY_BYTES, size - from), from);
      if (n === 0) break;
      const nl = buffer.subarray(0, n).indexOf(0x0a);
      if (nl >= 0) return offsets[f]! + from + nl + 1;
    }
  } finally {
    closeSync(fd);
  }
  return offsets[f + 1]!;
}

/**
 * The ends as share `keep` sees them, from every range's part in file order; null when a
 * range's scan gave up.
 */
export function mergeEnds(parts: ReadonlyArray<EndsPart | null>, keep: (traceId: string) => boolean): TraceEnds | null {
  if (parts.some((part) => part === null)) return null;
  const numbers = new Map<string, number>();
  const names: string[] = [];
  const last: number[] = [];
  // Each range's traces: their numbers here, −1 for another share's.
  const numbered: Int32Array[] = [];
  let offset = 0;
  for (const part of parts as EndsPart[]) {
    const number = new Int32Array(part.names.length);
    for (let j = 0; j < part.names.length; j++) {
      const id = part.names[j]!;
      let k = numbers.get(id);
      if (k === undefined) {
        if (!keep(id)) {
          number[j] = -1;
          continue;
        }
        k = names.length;
        numbers.set(id, k);
        names.push(id);
        last.push(0);
      }
      last[k] = offset + part.last[j]!;
      number[j] = k;
    }
    numbered.push(number);
    offset += part.lines;
  }
  const shares = new Uint8Array(offset);
  const traces = names.length <= 0x10000 ? new Uint16Array(offset) : new Int32Array(offset);
  offset = 0;
  (parts as EndsPart[]).forEach((part, r) => {
    const number = numbered[r]!;
    for (let place = 0; place < part.lines; place++) {
      const t = part.traces[place]!;
      const k = t === 0 ? -2 : number[t - 1]!;
      shares[offset + place] = k === -2 ? EVERY : k < 0 ? OTHER : MINE;
      if (k >= 0) traces[offset + place] = k;
    }
    offset += part.lines;
  });
  return new TraceEnds(numbers, names, last, shares, traces);
}
