/**
 * Shared by every command: read the sources, turn lines into records, feed the
 * assembler, count what was skipped. A file that cannot be read is reported and
 * the others still processed; `--strict` makes the first bad line fatal.
 */
import { type Diagnostics, describeSkip } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import { readLine, type LineOptions } from '../extract/line.js';
import { PartialLines } from '../extract/partial-lines.js';
import { readSource, sourceName } from '../input/read-lines.js';
import { stageSources } from '../input/stage.js';
import { Assembler } from '../trace/assemble.js';
import { FollowAssembler } from '../trace/follow.js';
import type { LogRecord, Trace } from '../types.js';
import type { Io } from './io.js';
import type { FieldOverrides } from '../extract/roles.js';
import { importDocumentRecords } from '../extract/import-document.js';
import { parseJson } from '../extract/json.js';
import type { TextOutput } from '../parallel/written.js';
import type { PartOutput } from '../parallel/protocol.js';
import type { OperationSummaries } from '../render/summary.js';

/** What every command that reads logs is given (the shared command-line options). */
export interface InputOptions {
  files: string[];
  field: FieldOverrides;
  strict: boolean;
  quiet: boolean;
  maxLineBytes: number;
  /** Worker threads for large files (`--threads`): a count, or 'auto'. */
  threads: number | 'auto';
}

/** LoadOptions from a command's input options, optionally for other files (a baseline). */
export function toLoadOptions(input: InputOptions, files: string[] = input.files): LoadOptions {
  return { files, strict: input.strict, maxLineBytes: input.maxLineBytes, lineOptions: { overrides: input.field }, threads: input.threads };
}

export interface LoadOptions {
  files: string[];
  /** The name each file is reported by, when not its path or `stdin` (a staged copy: see `withStagedInput`). */
  names?: string[];
  strict: boolean;
  maxLineBytes: number;
  lineOptions: LineOptions;
  /** Worker threads for large files: a count, or 'auto' (see parallel/load-parallel.ts). */
  threads?: number | 'auto';
  /**
   * Called for every line (null for one too long) before it is read — a container runtime's
   * long line once, its parts joined: false leaves it unread and uncounted as skipped. A
   * worker thread reads only its share.
   */
  lineFilter?: (text: string | null, place: number, source: string, line: number) => boolean;
  /**
   * Asked before a line is decoded, with its place (0-based, over all files): false leaves
   * it unread (lineFilter is not called). A worker thread decodes only its share's lines.
   */
  lineWanted?: (place: number) => boolean;
  /** Called when a source's first line opens a whole JSON document (its lines are held). */
  onDocument?: () => void;
  /** Per file, read only this many bytes: the size it had when the run began (worker threads must all see the same lines). */
  fileBytes?: number[];
  /**
   * How tags and event fields are kept: as objects (default); as JSON text, for a caller
   * that only writes span JSON (convert); or not at all, for one that never reads them
   * (check, stats, a plain view).
   */
  fields?: 'text' | 'none';
}

/** The name the `index`th file of `options` is reported by (no files: stdin). */
export function sourceOf(options: LoadOptions, index: number): string {
  return options.names?.[index] ?? sourceName(options.files[index] ?? '-');
}

/** How `readRecords` reads each line of these options. */
export function lineOptionsOf(options: LoadOptions): LineOptions {
  const fields = options.fields === 'none' ? false : (options.fields ?? true);
  return { readDocument: importDocumentRecords, ...options.lineOptions, fields };
}

/** Reads every source, calling `onRecord` for each record in input order. */
export async function readRecords(options: LoadOptions, io: Io, diagnostics: Diagnostics, onRecord: (record: LogRecord) => void): Promise<void> {
  if (options.files.length === 0 && io.stdinIsTTY) {
    throw new TracelogError('tracelog.usage', 'no input: name log files, or pipe logs in (e.g. kubectl logs deploy/api | tracelog view)');
  }
  const files = options.files.length > 0 ? options.files : ['-'];
  const lineOptions = lineOptionsOf(options);
  const fail = (reason: Parameters<Diagnostics['skip']>[0], source: string, line: number): void => {
    if (options.strict) throw new TracelogError('tracelog.strict', `${source}:${line}: ${describeSkip(reason)}`);
    diagnostics.skip(reason, source, line);
  };
  // One line in line mode: its records, or a counted skip.
  const readOne = (text: string, source: string, line: number): void => {
    const result = readLine(text, source, line, lineOptions);
    if (result === null) return;
    if ('skip' in result) fail(result.skip, source, line);
    else for (const record of result.records) onRecord(record);
  };
  // The place of the line last handed over, over all files.
  let place = -1;
  const lineWanted = options.lineWanted;
  const wanted = lineWanted && ((): boolean => lineWanted(place + 1));
  for (const [index, file] of files.entries()) {
    // A source whose first line is not JSON by itself but opens one ('[' or '{' alone, a
    // pretty-printed Jaeger or Zipkin file) is held and read as one JSON document. Two log
    // lines in a row show it is not one (a log whose first line is damaged; in a document
    // only the last element of an array can stand alone on a line): then the held lines
    // are read as lines, so no valid line is lost.
    const held: { lines: Array<[string, number]> | null; chars: number; lastWasLog: boolean } = { lines: null, chars: 0, lastWasLog: false };
    const readHeldLines = (source: string): void => {
      const lines = held.lines ?? [];
      held.lines = null;
      for (const [text, line] of lines) readOne(text, source, line);
    };
    // A line read whole, or joined from the parts a container runtime wrote it in (partial-lines.ts).
    const readLogLine = (text: string, source: string, line: number): void => {
      if (options.lineFilter && !options.lineFilter(text, place, source, line)) return;
      const result = readLine(text, source, line, lineOptions);
      if (result === null) return;
      if ('skip' in result) {
        if (line === 1 && result.skip === 'not-json' && /^\uFEFF?\s*[[{]/.test(text)) {
          options.onDocument?.();
          held.lines = [[text, line]];
          held.chars = text.length;
          return;
        }
        fail(result.skip, source, line);
      } else for (const record of result.records) onRecord(record);
    };
    const tooLongLine = (source: string, line: number): void => {
      if (options.lineFilter && !options.lineFilter(null, place, source, line)) return;
      fail('too-long', source, line);
    };
    const partial = new PartialLines(options.maxLineBytes);
    const source = sourceOf(options, index);
    const joined = (text: string | null, line: number): void => (text === null ? tooLongLine(source, line) : readLogLine(text, source, line));
    try {
      await readSource(
        file,
        {
          line(text, source, line) {
            place++;
            diagnostics.lines++;
            if (held.lines) {
              const result = readLine(text, source, line, lineOptions);
              const isLog = result !== null && 'records' in result;
              held.chars += text.length;
              held.lines.push([text, line]);
              // Text of a whole-document source is held in memory; this bounds it.
              if ((isLog && held.lastWasLog) || held.chars > MAX_DOCUMENT_CHARS) readHeldLines(source);
              else held.lastWasLog = isLog;
              return;
            }
            partial.push(text, line, joined);
          },
          tooLong(source, line) {
            place++;
            diagnostics.lines++;
            tooLongLine(source, line);
          },
          wanted,
          unread() {
            place++;
            diagnostics.lines++;
          },
        },
        { maxLineBytes: options.maxLineBytes, stdin: io.stdin, signal: io.signal, bytes: options.fileBytes?.[index], name: source },
      );
      partial.flush(joined);
      if (held.lines) {
        const records = readWholeDocument(held.lines.map(([text]) => text), source);
        if (records) for (const record of records) onRecord(record);
        // Not a document after all: each line counts as what it is.
        else readHeldLines(source);
      }
    } catch (err) {
      if (!(err instanceof TracelogError && err.code === 'tracelog.unreadableFile')) throw err;
      // The lines read before the failure count.
      partial.flush(joined);
      diagnostics.failures.push(err.message);
    }
  }
}

/** Text of a whole-document source is held in memory up to this many characters. */
const MAX_DOCUMENT_CHARS = 1024 * 2 ** 20;

/** The records of held lines read as one JSON document, or null when they are not one. */
function readWholeDocument(lines: string[], source: string): LogRecord[] | null {
  try {
    return importDocumentRecords(parseJson(lines.join('\n').replace(/^\uFEFF/, '')), source, 1);
  } catch {
    return null;
  }
}

/**
 * Runs `use` with the input as it is best read whole: stdin, gzip files and named pipes
 * copied into temporary plain files first (input/stage.ts) and reported by their own names, so they
 * are read as plain files are — only the traces in flight held, by worker threads when
 * large. The copies go when `use` is done.
 */
export async function withStagedInput<T>(options: LoadOptions, io: Io, diagnostics: Diagnostics, use: (options: LoadOptions) => Promise<T>): Promise<T> {
  // No input named and none piped in: the read says so.
  if (options.files.length === 0 && io.stdinIsTTY) return use(options);
  const files = options.files.length > 0 ? options.files : ['-'];
  const staged = await stageSources(files, { stdin: io.stdin, signal: io.signal, maxLineBytes: options.maxLineBytes });
  try {
    diagnostics.failures.push(...staged.failures);
    const same = staged.files.every((file, index) => file === files[index]);
    return await use(same ? options : { ...options, files: staged.files, names: staged.names });
  } finally {
    staged.close();
  }
}

/** Reads everything and returns the traces in start order. */
export async function loadTraces(options: LoadOptions, io: Io, diagnostics: Diagnostics): Promise<Trace[]> {
  const parallel = await parallelLoader(options);
  const fromWorkers = parallel && (await parallel.load.loadTracesInWorkers(parallel.options, parallel.count, io, diagnostics));
  if (fromWorkers) {
    for (const trace of fromWorkers) diagnostics.problems.push(...trace.problems);
    return fromWorkers;
  }
  const assembler = new Assembler();
  await readRecords(options, io, diagnostics, (record) => assembler.add(record));
  const traces = assembler.finish();
  for (const trace of traces) diagnostics.problems.push(...trace.problems);
  return traces;
}

/**
 * The worker-thread loader and how many workers to use, when the input is worth it (see
 * parallel/). Traces handed back as objects cost the main thread about what reading them
 * saved on two cores, so `--threads auto` uses workers only where they write the output
 * text themselves (convert's span JSON, view's waterfalls): `autoWorkers` says so.
 */
export async function parallelLoader(
  options: LoadOptions,
  autoWorkers = false,
): Promise<{ load: typeof import('../parallel/load-parallel.js'); count: number; options: LoadOptions } | null> {
  const threads = options.threads ?? 1;
  if (threads === 1 || (threads === 'auto' && !autoWorkers)) return null;
  const load = await import('../parallel/load-parallel.js');
  const plan = load.workerPlan(options);
  return plan && plan.count > 1 ? { load, count: plan.count, options: { ...options, fileBytes: plan.fileBytes } } : null;
}

/**
 * Each trace of an input read whole, written as text (span JSON, a waterfall) as soon as
 * its last line has gone by, in start order, with its problems: by worker threads for a
 * large input (see parallel/), else in this thread; a view that asks (`summary` in its
 * output) gets the traces drawn summed up in `summary`. Null when the input must be read
 * the plain way (stdin not copied: `withStagedInput`; a whole JSON document, `--field trace=…`, a misleading line).
 */
export async function streamTexts(
  options: LoadOptions,
  output: TextOutput,
  io: Io,
  diagnostics: Diagnostics,
  summary?: OperationSummaries,
): Promise<Iterable<[Uint8Array | null, string[]]> | null> {
  if (options.files.length === 0 || options.lineOptions.overrides?.trace) return null;
  const parallel = await parallelLoader(options, true);
  const texts = parallel && (await parallel.load.streamTextsInWorkers(parallel.options, parallel.count, output, io, diagnostics, summary));
  if (texts) return texts;
  const load = parallel?.load ?? (await import('../parallel/load-parallel.js'));
  return load.streamTextsHere(options, output, io, diagnostics, summary);
}

/** What `eachTrace` feeds: traces in any order, each with its first appearance. */
export interface TraceSink {
  add(trace: Trace, firstAppearance?: number): void;
  /** True when the result would depend on the order traces came in (then they are read again, in order). */
  readonly orderMatters?: boolean;
  /** Takes the part a worker thread made over its traces (see `eachTrace`'s `parts`). */
  absorb?(state: never): void;
}

/**
 * Feeds every trace to a sink made by `create`, for a caller to whom the order of traces
 * does not matter (check, stats, the longest traces of a view). From files read whole,
 * each trace goes as soon as its last line has gone by, so only the traces in flight are
 * held (stdin, gzip files and pipes are read from a plain copy: `withStagedInput`). With `parts`
 * (what the sink is, for a worker thread to make one) and worker threads, each worker
 * feeds its own sink and the sink here absorbs theirs. Otherwise (`--follow`, or a sink
 * that finds the order matters after all) traces come from `streamTraces` in start
 * order, to a fresh sink. Returns the sink fed.
 */
export async function eachTrace<T extends TraceSink>(
  options: LoadOptions,
  follow: FollowSettings | null,
  io: Io,
  diagnostics: Diagnostics,
  create: () => T,
  parts?: PartOutput,
): Promise<T> {
  const feed = async (options: LoadOptions): Promise<T> => {
    const parallel = !follow && parts && options.files.length > 0 ? await parallelLoader(options, true) : null;
    if (parallel) {
      const sink = create();
      if (await parallel.load.partsInWorkers(parallel.options, parallel.count, parts!, io, diagnostics, (state) => sink.absorb!(state as never), () => !sink.orderMatters)) return sink;
    } else if (!follow && options.files.length > 0 && (options.threads === 'auto' || (options.threads ?? 1) === 1)) {
      const early = create();
      const { eachTraceHere } = await import('../parallel/load-parallel.js');
      if (await eachTraceHere(options, io, diagnostics, (trace, order) => early.add(trace, order), () => !early.orderMatters)) return early;
    }
    const sink = create();
    await streamTraces(options, follow, io, diagnostics, (trace) => sink.add(trace));
    return sink;
  };
  return follow ? feed(options) : withStagedInput(options, io, diagnostics, feed);
}

export interface FollowSettings {
  idleMs: number;
  window: number;
}

/** Returned by an `onTrace` callback to stop reading: its reader went away, or it has shown enough. */
export const STOP = Symbol('stop');

/**
 * Calls `onTrace` for each trace, in order. Without `follow`, after all input is
 * read, by start time. With `follow`, as each trace completes (see trace/follow.ts),
 * with a timer for idle traces; output is awaited in order, never buffered whole.
 * When `onTrace` returns STOP, reading ends at once (stdin may never end).
 */
export async function streamTraces(
  options: LoadOptions,
  follow: FollowSettings | null,
  io: Io,
  diagnostics: Diagnostics,
  onTrace: (trace: Trace) => Promise<void | typeof STOP> | void | typeof STOP,
): Promise<void> {
  if (!follow) {
    for (const trace of await loadTraces(options, io, diagnostics)) {
      if (io.signal?.aborted || (await onTrace(trace)) === STOP) break;
    }
    return;
  }
  // Reading stops on SIGINT/SIGTERM (io.signal) or when onTrace says so.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(io.signal?.reason);
  io.signal?.addEventListener('abort', onAbort, { once: true });
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
        if (stop.signal.aborted) continue;
        try {
          if ((await onTrace(trace)) === STOP) stop.abort();
        } catch (err) {
          failure ??= err;
          stop.abort();
        }
        continue;
      }
      await new Promise<void>((resolve) => (signal.wake = resolve));
      signal.wake = null;
    }
  })();
  const timer = setInterval(() => enqueue(assembler.tick(Date.now())), Math.max(50, Math.min(1000, follow.idleMs / 4)));
  try {
    await readRecords(options, { ...io, signal: stop.signal }, diagnostics, (record) => enqueue(assembler.add(record, Date.now())));
  } catch (err) {
    // Stopped on purpose: not an interruption.
    const stoppedByCaller = stop.signal.aborted && !io.signal?.aborted;
    if (!(stoppedByCaller && err instanceof TracelogError && err.code === 'tracelog.interrupted')) throw err;
  } finally {
    clearInterval(timer);
    io.signal?.removeEventListener('abort', onAbort);
    if (!stop.signal.aborted) enqueue(assembler.finish());
    reading = false;
    signal.wake?.();
    await pump;
  }
  if (failure) throw failure;
}
