/**
 * Shared by every command: read the sources, turn lines into records, feed the
 * assembler, count what was skipped. A file that cannot be read is reported and
 * the others still processed; `--strict` makes the first bad line fatal.
 */
import { Diagnostics, describeSkip } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import { readLine, type LineOptions } from '../extract/line.js';
import { readSource, sourceName } from '../input/read-lines.js';
import { Assembler } from '../trace/assemble.js';
import { FollowAssembler } from '../trace/follow.js';
import type { LogRecord, Trace } from '../types.js';
import type { Io } from './io.js';
import { importDocumentRecords } from '../extract/import-document.js';
import { parseJson } from '../extract/json.js';

export interface LoadOptions {
  files: string[];
  strict: boolean;
  maxLineBytes: number;
  lineOptions: LineOptions;
}

/** Reads every source, calling `onRecord` for each record in input order. */
export async function readRecords(options: LoadOptions, io: Io, diagnostics: Diagnostics, onRecord: (record: LogRecord) => void): Promise<void> {
  if (options.files.length === 0 && io.stdinIsTTY) {
    throw new TracelogError('tracelog.usage', 'no input: name log files, or pipe logs in (e.g. kubectl logs deploy/api | tracelog view)');
  }
  const files = options.files.length > 0 ? options.files : ['-'];
  const lineOptions: LineOptions = { readDocument: importDocumentRecords, ...options.lineOptions };
  const fail = (reason: Parameters<Diagnostics['skip']>[0], source: string, line: number): void => {
    if (options.strict) throw new TracelogError('tracelog.strict', `${source}:${line}: ${describeSkip(reason)}`);
    diagnostics.skip(reason, source, line);
  };
  for (const file of files) {
    // A source whose first line is not JSON by itself but opens one ('[' or '{' alone, a
    // pretty-printed Jaeger or Zipkin file) is read as one JSON document.
    let document: string[] | null = null;
    let documentChars = 0;
    try {
      await readSource(
        file,
        {
          line(text, source, line) {
            diagnostics.lines++;
            if (document) {
              documentChars += text.length;
              if (documentChars > MAX_DOCUMENT_CHARS) throw new TracelogError('tracelog.unreadableFile', `cannot read '${source}': JSON document larger than ${MAX_DOCUMENT_CHARS / 2 ** 20} MiB`);
              document.push(text);
              return;
            }
            const result = readLine(text, source, line, lineOptions);
            if (result === null) return;
            if ('skip' in result) {
              if (line === 1 && result.skip === 'not-json' && /^\uFEFF?\s*[[{]/.test(text)) {
                document = [text];
                documentChars = text.length;
                return;
              }
              fail(result.skip, source, line);
            } else for (const record of result.records) onRecord(record);
          },
          tooLong(source, line) {
            diagnostics.lines++;
            fail('too-long', source, line);
          },
        },
        { maxLineBytes: options.maxLineBytes, stdin: io.stdin, signal: io.signal },
      );
      if (document) readWholeDocument(document, sourceName(file), options, diagnostics, onRecord);
    } catch (err) {
      if (err instanceof TracelogError && err.code === 'tracelog.unreadableFile') diagnostics.failures.push(err.message);
      else throw err;
    }
  }
}

/** Text of a whole-document source is held in memory; this bounds it. */
const MAX_DOCUMENT_CHARS = 1024 * 2 ** 20;

function readWholeDocument(lines: string[], source: string, options: LoadOptions, diagnostics: Diagnostics, onRecord: (record: LogRecord) => void): void {
  let records: LogRecord[] | null = null;
  try {
    records = importDocumentRecords(parseJson(lines.join('\n').replace(/^\uFEFF/, '')), source, 1);
  } catch {
    records = null;
  }
  if (records === null) {
    // Not a document after all: each line counts as what it is, not JSON.
    if (options.strict) throw new TracelogError('tracelog.strict', `${source}:1: ${describeSkip('not-json')}`);
    for (let i = 0; i < lines.length; i++) if (lines[i]!.trim() !== '') diagnostics.skip('not-json', source, i + 1);
    return;
  }
  for (const record of records) onRecord(record);
}

/** Reads everything and returns the traces in start order. */
export async function loadTraces(options: LoadOptions, io: Io, diagnostics: Diagnostics): Promise<Trace[]> {
  const assembler = new Assembler();
  await readRecords(options, io, diagnostics, (record) => assembler.add(record));
  const traces = assembler.finish();
  for (const trace of traces) diagnostics.problems.push(...trace.problems);
  return traces;
}

export interface FollowSettings {
  idleMs: number;
  window: number;
}

/**
 * Calls `onTrace` for each trace, in order. Without `follow`, after all input is
 * read, by start time. With `follow`, as each trace completes (see trace/follow.ts),
 * with a timer for idle traces; output is awaited in order, never buffered whole.
 */
export async function streamTraces(
  options: LoadOptions,
  follow: FollowSettings | null,
  io: Io,
  diagnostics: Diagnostics,
  onTrace: (trace: Trace) => Promise<void> | void,
): Promise<void> {
  if (!follow) {
    for (const trace of await loadTraces(options, io, diagnostics)) {
      if (io.signal?.aborted) break;
      await onTrace(trace);
    }
    return;
  }
  const assembler = new FollowAssembler(follow);
  const queue: Trace[] = [];
  const signal: { wake: (() => void) | null } = { wake: null };
  let failure: unknown = null;
  const enqueue = (traces: Trace[]): void => {
    if (traces.length === 0) return;
    for (const trace of traces) {
      diagnostics.problems.push(...trace.problems);
      queue.push(trace);
    }
    signal.wake?.();
  };
  // Output runs beside input: each queued trace is written while reading goes on.
  let reading = true;
  const pump = (async () => {
    while (reading || queue.length > 0) {
      const trace = queue.shift();
      if (trace) {
        try {
          await onTrace(trace);
        } catch (err) {
          failure ??= err;
        }
        continue;
      }
      await new Promise<void>((resolve) => (signal.wake = resolve));
      signal.wake = null;
    }
  })();
  const timer = setInterval(() => enqueue(assembler.tick(Date.now())), Math.max(50, Math.min(1000, follow.idleMs / 4)));
  try {
    await readRecords(options, io, diagnostics, (record) => enqueue(assembler.add(record, Date.now())));
  } finally {
    clearInterval(timer);
    if (!io.signal?.aborted) enqueue(assembler.finish());
    reading = false;
    signal.wake?.();
    await pump;
  }
  if (failure) throw failure;
}
