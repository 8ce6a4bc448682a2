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
import { open, type FileHandle } from 'node:fs/promises';
import { Diagnostics } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import type { Io } from '../commands/io.js';
import { readRecords, type LoadOptions } from '../commands/load.js';
import { TRACE_KEY, traceIdsIn } from './route.js';
import { readLine, type LineOptions } from '../extract/line.js';
import { importDocumentRecords } from '../extract/import-document.js';
import { sourceName } from '../input/read-lines.js';
import { ownCopy } from '../strings.js';

/** Lines needing a parse before giving up: past this, at most one in PARSED_SHARE may. */
const PARSED_FREE = 4096;
const PARSED_SHARE = 8;

/** Bytes of a plain file read at a time. */
const SCAN_BYTES = 4 * 2 ** 20;

const NONE: readonly string[] = [];

/** Stops the scan: the ends cannot be known cheaply. */
class GiveUp extends TracelogError {
  constructor() {
    super('tracelog.oneThread', 'trace ends not found in the raw text');
  }
}

/** The place (0-based, over all files) of each trace's last line, in the order they come. */
export class TraceEnds {
  private readonly ids: string[];
  private readonly places: number[];
  private next = 0;

  constructor(private readonly last: Map<string, number>) {
    const entries = [...last].sort((a, b) => a[1] - b[1]);
    this.ids = entries.map(([id]) => id);
    this.places = entries.map(([, place]) => place);
  }

  /** True when a record of `traceId` on line `place` comes no later than its trace's end. */
  covers(traceId: string, place: number): boolean {
    const last = this.last.get(traceId);
    return last !== undefined && last >= place;
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
 * known cheaply: a whole JSON document, or many lines whose trace the raw text
 * does not name (each would be parsed twice).
 */
export async function findTraceEnds(
  options: LoadOptions,
  keep: (traceId: string) => boolean,
  io: Io,
  chunkBytes: number = SCAN_BYTES,
): Promise<TraceEnds | null> {
  const last = new Map<string, number>();
  let place = -1;
  let parsed = 0;
  const note = (id: string): void => {
    if (last.has(id)) last.set(id, place);
    // An id found by a regular expression is a slice of its line, and would keep the line alive.
    else if (keep(id)) last.set(ownCopy(id), place);
  };
  const countParsed = (): void => {
    if (++parsed > PARSED_FREE && parsed * PARSED_SHARE > place) throw new GiveUp();
  };
  const lineOptions: LineOptions = { readDocument: importDocumentRecords, ...options.lineOptions, fields: false };
  // A line naming no trace in its raw text is parsed for the traces of its records.
  const parse = (text: string, source: string, line: number): void => {
    countParsed();
    const result = readLine(text, source, line, lineOptions);
    if (result === null) return;
    if ('records' in result) for (const record of result.records) note(record.traceId);
    else if (line === 1 && result.skip === 'not-json' && /^\uFEFF?\s*[[{]/.test(text)) throw new GiveUp();
  };
  try {
    for (const [index, file] of options.files.entries()) {
      const bytes = options.fileBytes?.[index];
      const source = sourceName(file);
      const plain = await scanPlainFile(file, bytes, options.maxLineBytes, chunkBytes, io.signal, (ids, text, line) => {
        place++;
        if (ids.length > 0) for (const id of ids) note(id);
        else if (text !== null) parse(text(), source, line);
      });
      if (plain) continue;
      // Gzip: read the general way.
      const scan: LoadOptions = {
        ...options,
        files: [file],
        fileBytes: bytes === undefined ? undefined : [bytes],
        strict: false,
        fields: 'none',
        lineFilter(text) {
          place++;
          if (text === null) return false;
          const ids = traceIdsIn(text);
          for (const id of ids) note(id);
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
  return new TraceEnds(last);
}

/**
 * Calls `visit` for each line of a plain file, by its raw bytes (no UTF-8 decoding,
 * no line strings): the trace ids its raw text names, and a function giving the line's
 * text (null for a line over `maxLineBytes`). Lines are numbered as the reader numbers
 * them (split at each newline). False, having visited nothing, for a gzip file; a file
 * that cannot be read has no lines (the real read reports it).
 */
async function scanPlainFile(
  path: string,
  limit: number | undefined,
  maxLineBytes: number,
  chunkBytes: number,
  signal: AbortSignal | undefined,
  visit: (ids: string[], text: (() => string) | null, line: number) => void,
): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return true;
  }
  try {
    const end = limit ?? Number.POSITIVE_INFINITY;
    // One buffer for the whole file: the unfinished line at the end of a chunk is moved to its front.
    let buffer = Buffer.allocUnsafe(2 * chunkBytes);
    let carried = 0;
    // Inside a line longer than maxLineBytes: its bytes are not kept.
    let skipping = false;
    let position = 0;
    let line = 0;
    const lines = (data: Buffer, to: number): void => {
      // Latin-1 keeps one character per byte: ids and keys are ASCII, and positions are byte offsets.
      const text = data.toString('latin1', 0, to);
      TRACE_KEY.lastIndex = 0;
      let match = TRACE_KEY.exec(text);
      for (let from = 0; from < to; ) {
        let nl = text.indexOf('\n', from);
        if (nl < 0) nl = to;
        const ids: string[] = [];
        let unsure = false;
        while (match !== null && match.index < nl) {
          if (match.index + match[0].length > nl) {
            // Across a newline: this line is read whole, and the next scanned from its start.
            unsure = true;
            TRACE_KEY.lastIndex = nl + 1;
          } else ids.push(match[2] ?? match[3]!);
          match = TRACE_KEY.exec(text);
        }
        line++;
        const start = from;
        const tooLong = skipping || nl - start > maxLineBytes;
        skipping = false;
        // A line too long is skipped by the real read too: it names no trace.
        visit(unsure || tooLong ? [] : ids, tooLong ? null : () => data.toString('utf8', start, nl), line);
        from = nl + 1;
      }
    };
    const magic = Buffer.alloc(2);
    if (end >= 2 && (await handle.read(magic, 0, 2, 0)).bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b) return false;
    while (position < end) {
      signal?.throwIfAborted();
      if (carried + chunkBytes + 1 > buffer.length) {
        const larger = Buffer.allocUnsafe(2 * (carried + chunkBytes + 1));
        buffer.copy(larger, 0, 0, carried);
        buffer = larger;
      }
      const { bytesRead } = await handle.read(buffer, carried, Math.min(chunkBytes, end - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const filled = carried + bytesRead;
      const lastNl = buffer.lastIndexOf(0x0a, filled - 1);
      if (lastNl >= 0) lines(buffer, lastNl + 1);
      const rest = filled - (lastNl + 1);
      if (rest > maxLineBytes) {
        // A line too long to be read: counted when its newline comes.
        skipping = true;
        carried = 0;
      } else {
        buffer.copyWithin(0, lastNl + 1, filled);
        carried = rest;
      }
    }
    if (carried > 0 || skipping) {
      buffer[carried] = 0x0a;
      lines(buffer, carried + 1);
    }
    return true;
  } catch (err) {
    if (signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(signal.reason) || 130);
    if (err instanceof GiveUp) throw err;
    return true;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
