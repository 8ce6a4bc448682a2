/**
 * One thread's share of a parallel load (see load-parallel.ts): share 0 in the main
 * thread, the others in worker threads. Every line of the files is read, but
 * only the lines whose trace is this share's are parsed (and the lines whose trace
 * cannot be told from the raw text, keeping only this share's records of those).
 * Traces to be written as text, or handed to a caller that takes them in any order
 * (check, stats), go as soon as their last line has gone by (ends.ts), so only the
 * traces in flight are held as objects.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Diagnostics } from '../diagnostics.js';
import type { SkipReason } from '../extract/line.js';
import type { Io } from '../commands/io.js';
import { lineOptionsOf, readRecords, type LoadOptions } from '../commands/load.js';
import { readLine } from '../extract/line.js';
import { Assembler } from '../trace/assemble.js';
import { TracelogError } from '../errors.js';
import { findTraceEnds, mergeEnds, splitFileRanges, type EndsPart, type TraceEnds } from './ends.js';
import { HeldLines } from './held-lines.js';
import { ownerOf, sniffTraceId } from './route.js';
import type { LogRecord, Trace } from '../types.js';
import { isPartOutput, type WorkerDiagnostics, type WorkerInput } from './protocol.js';
import { hasGzipMagic } from '../input/plain-file.js';

/** Thrown to stop reading when this plan cannot give the one-thread result. */
class Fallback extends TracelogError {
  constructor(reason: string) {
    super('tracelog.oneThread', reason);
  }
}

/** Records per line are numbered within the line's place in the input. */
const RECORDS_PER_LINE = 2 ** 20;

export type Share =
  | { kind: 'read'; diag: WorkerDiagnostics; assembler: Assembler }
  /** The input needs the plain one-thread reader (a whole JSON document, a misleading line). */
  | { kind: 'fallback'; reason: string };

/**
 * Reads this share. With `release`, each trace is handed to it (in any order, with its
 * first appearance) as soon as its last line has gone by; without, all are in the
 * assembler at the end.
 */
export async function readShare(input: WorkerInput, io: Io, release?: (built: readonly [Trace, number]) => void, exchange?: ExchangeEnds): Promise<Share> {
  const { index, count } = input;
  const owns = (traceId: string): boolean => count === 1 || ownerOf(traceId, count) === index;
  const ends = release && (await findEnds(input, owns, io, exchange));
  // In one thread, without the ends nothing is gained over the plain reader.
  if (count === 1 && !ends) return { kind: 'fallback', reason: 'trace ends not found' };
  // Worker threads share the process's flags: the main thread sets them for all (load-parallel.ts).
  const tight = ends && count === 1;
  if (tight) tightHeap(true);
  try {
    return await readLines(input, io, owns, ends ?? null, release ?? null);
  } finally {
    if (tight) tightHeap(false);
  }
}

/**
 * Hands this share's part of the first pass to the others and gives back every share's,
 * in file order (load-parallel.ts and worker.ts pass them through the main thread).
 */
export type ExchangeEnds = (part: EndsPart | null) => Promise<Array<EndsPart | null>>;

/**
 * The trace ends as this share sees them. With several shares of plain files and a way to
 * exchange parts, each share scans its own run of the files' lines (a range of each file)
 * and the runs' parts are put together by every share, instead of each scanning them all.
 */
async function findEnds(input: WorkerInput, owns: (traceId: string) => boolean, io: Io, exchange?: ExchangeEnds): Promise<TraceEnds | null> {
  const { load, index, count } = input;
  const sizes = load.fileBytes;
  if (!exchange || count === 1 || sizes?.length !== load.files.length || !load.files.every(isPlainFile)) return findTraceEnds(load, owns, io);
  const total = sizes.reduce((a, b) => a + b, 0);
  const ranges = splitFileRanges(load.files, sizes, count, firstShare(input.output, total, count))[index]!;
  // Only the part is kept while the others come: the range's map of every trace id goes.
  const part = (await findTraceEnds(load, () => true, io, undefined, ranges))?.toPart() ?? null;
  return mergeEnds(await exchange(part), owns);
}

/** About how long a worker thread takes to start, in seconds, and how fast the first pass scans, in bytes a second. */
const WORKER_START_S = 0.1;
const SCAN_BYTES_PER_S = 350e6;

/**
 * The part of the file share 0 scans. Where it is read in the main thread (traces written
 * as text), it does not wait for a worker to start: it takes more, so both parts end
 * together. Every share works this out from the same input.
 */
function firstShare(output: WorkerInput['output'], size: number, count: number): number {
  if (isPartOutput(output)) return 1 / count;
  // Share 0 scans for f·T, each worker for s + (1 − f)·T / (count − 1) (T: the whole scan, s: a start).
  const wholeS = size / SCAN_BYTES_PER_S;
  return Math.min(0.75, 2 / count, (1 + ((count - 1) * WORKER_START_S) / wholeS) / count);
}

/** True when a file can be opened and does not start with gzip's magic bytes. */
function isPlainFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const magic = Buffer.alloc(2);
    return !hasGzipMagic(magic, readSync(fd, magic, 0, 2, 0));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Only the traces in flight live long while traces are let go as they end, so V8 is asked
 * to at most double the heap after each full collection instead of growing it up to four
 * times: at 1,000,000 lines `check` peaks at 210–240 MB instead of 300 MB, for about 5%
 * more time (growing by half saved 90 MB but cost 20–30%). Flags are the process's, worker
 * threads' too: set by the main thread while such a read runs, then V8's default again.
 */
export function tightHeap(on: boolean): void {
  setFlagsFromString(`--heap-growing-percent=${on ? 100 : 0}`);
}

/**
 * True for outputs that write each trace as soon as it is built and keep nothing of it (a
 * view with --limit keeps traces, with --summary their operations' names; check and stats
 * keep names and ids, 'traces' every trace).
 */
function keepsNothing(output: WorkerInput['output']): boolean {
  switch (output.kind) {
    case 'spans':
    case 'trace-json':
    case 'zipkin':
    case 'jaeger':
    case 'otlp':
      return true;
    case 'view':
      return output.summary !== true && output.select.limit === undefined;
    default:
      return false;
  }
}

async function readLines(
  input: WorkerInput,
  io: Io,
  owns: (traceId: string) => boolean,
  ends: TraceEnds | null,
  release: ((built: readonly [Trace, number]) => void) | null,
): Promise<Share> {
  const { index, count } = input;
  // The place of the line being read, over all files.
  let seq = -1;
  let shared = false;
  let owned = count === 1;
  let firstSkipSeq = -1;
  let lineRecords = 0;

  // Skips count once: by the line's owner, or by the first share for a line every share reads.
  // Held lines are read late: the first skip is the one earliest in the input.
  const diagnostics = new (class extends Diagnostics {
    override skip(reason: SkipReason, source: string, line: number): void {
      if (!owned) return;
      this.skipped[reason]++;
      if (firstSkipSeq < 0 || seq < firstSkipSeq) {
        firstSkipSeq = seq;
        this.firstSkip = { source, line, reason };
      }
    }
  })();
  const assembler = new Assembler();
  /**
   * With the ends, a line whose raw text names one trace, this share's, is held as text
   * until that trace's last line has gone by, then read with the trace's other lines (and
   * the records that came for it meanwhile, in input order): what is read for a trace
   * lives only while its trace is built and written, and dies young, instead of every
   * record, its tags and its draft living until the trace's end (at 1,000,000 lines most
   * of the collector's work). Not with `--strict`, whose first bad line must stop the read.
   */
  const held = ends !== null && !input.load.strict ? new HeldLines(ends.count) : null;
  // Where each file's lines start, over all files: a held line's place gives its file and line.
  const fileStarts: number[] = [];
  const fileSources: string[] = [];
  const lineOptions = lineOptionsOf(input.load);
  // A held line's records are built and written with their trace at once: where nothing of
  // the trace is kept after that, their texts need not be copied off the line.
  const heldOptions = keepsNothing(input.output) ? { ...lineOptions, copyTexts: false } : lineOptions;
  /** Reads what is held for a trace: lines (text at a place) and records (at an order). */
  const readHeld = (id: string, trace: number): void => {
    owned = true;
    shared = false;
    held!.take(trace, (value, place) => {
      if (typeof value !== 'string') {
        assembler.add(value as LogRecord, place);
        return;
      }
      seq = place;
      let file = fileStarts.length - 1;
      while (fileStarts[file]! > seq) file--;
      const source = fileSources[file]!;
      const line = seq - fileStarts[file]! + 1;
      const result = readLine(value, source, line, heldOptions);
      if (result === null) return;
      if ('skip' in result) {
        diagnostics.skip(result.skip, source, line);
        return;
      }
      let k = 0;
      for (const record of result.records) {
        // Its trace may be written already: the raw text misled.
        if (record.traceId !== id) throw new Fallback('trace id not where the raw text said');
        assembler.add(record, seq * RECORDS_PER_LINE + Math.min(k++, RECORDS_PER_LINE - 1));
      }
    });
  };
  const options: LoadOptions = {
    ...input.load,
    // With the ends, the lines of other shares are not even decoded.
    ...(ends && count > 1 ? { lineWanted: (place: number) => ends.reads(place) } : {}),
    lineFilter(text, place, source, line) {
      if (ends) {
        for (const id of ends.endedBefore(place)) {
          if (held) readHeld(id, ends.numberOf(id));
          const built = assembler.takeOrdered(id);
          if (built) release!(built);
        }
      }
      seq = place;
      lineRecords = 0;
      if (ends) {
        shared = ends.sharedLine(place);
        owned = !shared || index === 0;
        // Line 1 is read now: it may open a whole JSON document.
        const trace = held && text !== null && line > 1 ? ends.traceAt(place) : -1;
        if (trace < 0) return true;
        if (fileStarts[fileStarts.length - 1] !== place - line + 1) {
          fileStarts.push(place - line + 1);
          fileSources.push(source);
        }
        held!.add(trace, text, place);
        return false;
      }
      if (count === 1) return true;
      const id = text === null ? null : sniffTraceId(text);
      if (id === null) {
        shared = true;
        owned = index === 0;
        return true;
      }
      shared = false;
      owned = owns(id);
      return owned;
    },
    onDocument() {
      throw new Fallback('a whole JSON document');
    },
  };
  try {
    await readRecords(options, { ...io, stdinIsTTY: false }, diagnostics, (record) => {
      const order = seq * RECORDS_PER_LINE + Math.min(lineRecords++, RECORDS_PER_LINE - 1);
      if (owns(record.traceId)) {
        const trace = held ? ends!.numberOf(record.traceId) : -1;
        if (trace >= 0 && held!.holds(trace)) {
          held!.add(trace, record, order);
          return;
        }
        // A record after the last line its trace was found on: that trace may be written already.
        // A trace still held has not reached its last line; one that is new here is checked.
        if (assembler.add(record, order) && ends && !ends.covers(record.traceId, seq)) throw new Fallback('trace id not where the raw text said');
      }
      // A record of another share's trace on a line only this share read: the raw text misled.
      else if (!shared) throw new Fallback('trace id not where the raw text said');
    });
    if (held) for (const trace of held.traces()) readHeld(ends!.idOf(trace), trace);
  } catch (err) {
    if (err instanceof Fallback) return { kind: 'fallback', reason: err.message };
    throw err;
  }
  if (release) for (const built of assembler.finishOrdered()) release(built);
  const diag = { lines: diagnostics.lines, skipped: diagnostics.skipped, firstSkip: diagnostics.firstSkip, firstSkipSeq, failures: diagnostics.failures };
  return { kind: 'read', diag, assembler };
}
