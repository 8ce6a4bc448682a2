/**
 * Reading large files with worker threads. Traces are partitioned by trace id:
 * share k of n assembles the traces whose id hashes to k (route.ts) — each in a
 * worker thread, but share 0 in the main thread where traces are written or handed
 * back — and the main thread merges the shares' traces (or their parts of a check)
 * into what one thread gives (start time, then first appearance), so output is
 * byte for byte the same. When the
 * input needs the single-thread reader (a whole JSON document, a line whose
 * trace id the raw text misstates) this returns null and the caller reads as usual.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Diagnostics } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import type { Io } from '../commands/io.js';
import type { LoadOptions } from '../commands/load.js';
import type { OperationSummaries, OperationSummariesState } from '../render/summary.js';
import type { Trace } from '../types.js';
import { decodeLossless } from './lossless.js';
import { readShare, tightHeap, type ExchangeEnds, type Share } from './share.js';
import type { EndsPart } from './ends.js';
import { HeldTexts, MEMORY_BYTES } from './held.js';
import { memoryBytesSetting, openSpill } from './spill.js';
import { hasGzipMagic } from '../input/plain-file.js';
import { chunkTexts, compareStart, noteProblems, problemsInOrder, type TextOutput, Written } from './written.js';
import type { EndsMessage, Ordered, OrderedProblems, PartMessage, PartOutput, TextChunk, WorkerDiagnostics, WorkerInput, WorkerMessage, WorkerOutput } from './protocol.js';

/**
 * With `--threads auto`, inputs smaller than this are read in one thread: each worker takes
 * ~50 ms to start and warms up its own JIT, and on two cores one thread was as fast or faster
 * up to 50–60 MB (`convert` 1.8 against 2.1 s at 33 MB, 2.2 against 2.3 s at 50 MB; 2.7
 * against 2.5 s at 67 MB; `view` and `check` alike).
 */
export const AUTO_MIN_BYTES = 48 * 2 ** 20;
const MAX_AUTO_THREADS = 8;
/**
 * A worker's young generation, in MB (V8's default is 48): with traces let go as they end,
 * each worker's heap is mostly short-lived garbage, and the smaller nursery took 40–70 MB
 * off `convert`'s peak with two workers at 1,000,000 lines, in the same time.
 */
const WORKER_YOUNG_MB = 16;

/**
 * How many workers to read with (0 for one thread), and the size of each file now: every
 * worker reads that much, so a log still being written gives them all the same lines. Only
 * regular files can be read by several readers.
 */
export function workerPlan(options: LoadOptions): { count: number; fileBytes: number[] } | null {
  const threads = options.threads ?? 1;
  if (threads === 1 || options.strict || options.files.length === 0 || options.lineOptions.overrides?.trace) return null;
  const fileBytes = fileSizes(options.files);
  if (fileBytes === null) return null;
  if (threads !== 'auto') return { count: threads, fileBytes };
  const cores = availableParallelism();
  const total = fileBytes.reduce((a, b) => a + b, 0);
  if (cores < 2 || total < AUTO_MIN_BYTES || !manyLines(options.files[0]!)) return null;
  return { count: Math.min(cores, MAX_AUTO_THREADS), fileBytes };
}

/** The size of each file now, when every one is a regular file (which can be read more than once). */
function fileSizes(files: string[]): number[] | null {
  const sizes: number[] = [];
  for (const file of files) {
    if (file === '-') return null;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return null;
      sizes.push(stat.size);
    } catch {
      return null;
    }
  }
  return sizes;
}

/** Bytes read from the head of a file to see whether its lines are short enough for workers. */
const SAMPLE_BYTES = 2 ** 20;
/** Fewer lines than this in the sample: few, huge lines, which every worker would hold at once. */
const MIN_SAMPLE_LINES = 256;

/** True when the first MiB of a plain file holds many lines (gzip files are not sampled). */
function manyLines(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(SAMPLE_BYTES);
    const n = readSync(fd, head, 0, SAMPLE_BYTES, 0);
    if (hasGzipMagic(head, n)) return true;
    let lines = 0;
    for (let at = head.indexOf(0x0a); at >= 0 && at < n; at = head.indexOf(0x0a, at + 1)) if (++lines >= MIN_SAMPLE_LINES) return true;
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

type TracesMessage = Extract<WorkerMessage, { kind: 'traces' }>;

/** What the main thread knows of one worker. */
interface WorkerState {
  worker: Worker;
  /** Set by a `traces` or a `read` message, the worker's last. */
  diag: WorkerDiagnostics | null;
  traces: TracesMessage | null;
  part: PartMessage | null;
  /** Set by a `read` message for a view with a summary. */
  summary: OperationSummariesState | null;
  ended: boolean;
}

/** Worker threads reading the same input, each its share, with what they sent so far. */
class WorkerPool {
  readonly states: WorkerState[] = [];
  fallback = false;
  /** The shares' parts of the first pass, by share (undefined: not yet come); relayed to every worker once all are in. */
  private endsParts: Array<EndsPart | null | undefined>;
  private endsRelayed = false;
  private readonly sharesHere: boolean;
  private failure: unknown = null;
  private wake: (() => void) | null = null;
  private readonly onAbort: () => void;

  /**
   * Workers for shares `first` to `count` − 1 (share 0 is read by the caller, in this
   * thread, when `first` is 1). `onChunk` takes the texts a worker sends as its traces end.
   */
  constructor(
    options: LoadOptions,
    count: number,
    first: 0 | 1,
    output: WorkerOutput,
    private readonly io: Io,
    onChunk: (chunk: TextChunk) => void = () => undefined,
  ) {
    const load = loadOf(options);
    this.endsParts = new Array<EndsPart | null | undefined>(count).fill(undefined);
    this.sharesHere = first === 1;
    for (let index = first; index < count; index++) {
      const input: WorkerInput = { index, count, load, output };
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input, stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      const state: WorkerState = { worker, diag: null, traces: null, part: null, summary: null, ended: false };
      this.states.push(state);
      worker.on('message', (message: WorkerMessage) => {
        switch (message.kind) {
          case 'traces':
            state.traces = message;
            state.diag = message.diag;
            state.ended = true;
            break;
          case 'part':
            state.part = message;
            state.diag = message.diag;
            state.ended = true;
            break;
          case 'read':
            state.diag = message.diag;
            state.summary = message.summary;
            state.ended = true;
            break;
          case 'texts':
            // Holding them can fail (a full disk under the temporary file): the read stops with that error.
            try {
              onChunk(message);
            } catch (err) {
              this.fail(err);
            }
            break;
          case 'ends-part':
            this.endsParts[index] = message.part;
            this.relayEnds();
            break;
          case 'fallback':
            this.fallback = true;
            state.ended = true;
            break;
          case 'error':
            this.fail(new Error(message.message));
            break;
        }
        this.notify();
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (!state.ended) this.fail(new Error(`worker thread ${index} exited with code ${code}`));
      });
    }
    this.onAbort = () => this.fail(new TracelogError('tracelog.interrupted', 'interrupted', Number(io.signal?.reason) || 130));
    if (io.signal?.aborted) this.onAbort();
    else io.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Sends every share's part of the first pass to the workers, once all have come. */
  private relayEnds(): void {
    if (this.endsRelayed || this.endsParts.some((part) => part === undefined)) return;
    this.endsRelayed = true;
    // Each worker is sent the others' parts: its own it has.
    const first = this.sharesHere ? 1 : 0;
    this.states.forEach((state, i) => {
      const message: EndsMessage = { kind: 'ends', parts: this.endsParts.map((part, k) => (k === first + i ? undefined : part)) };
      state.worker.postMessage(message);
    });
    // Held only until share 0, read here, takes them: the pool lives as long as the read.
    if (!this.sharesHere) this.endsParts = [];
  }

  /** For share 0 read in this thread: gives its part, and every share's once the workers' have come. */
  readonly exchange: ExchangeEnds = async (part) => {
    this.endsParts[0] = part;
    this.relayEnds();
    await this.until(() => this.endsRelayed);
    const parts = this.endsParts as Array<EndsPart | null>;
    this.endsParts = [];
    return parts;
  };

  private fail(err: unknown): void {
    this.failure ??= err;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Waits until `ready()` holds (checked after each message); throws what went wrong meanwhile. */
  async until(ready: () => boolean): Promise<void> {
    while (true) {
      if (this.failure) {
        this.close();
        throw this.failure;
      }
      if (ready()) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): void {
    this.io.signal?.removeEventListener('abort', this.onAbort);
    for (const state of this.states) void state.worker.terminate();
  }
}

/** Load options a share can be given (no functions). */
function loadOf(options: LoadOptions): WorkerInput['load'] {
  const { lineFilter: _filter, onDocument: _document, ...load } = options;
  return load;
}

/** Adds the shares' counts to `diagnostics` as if one thread had read everything. */
function addDiagnostics(diagnostics: Diagnostics, all: WorkerDiagnostics[]): void {
  // Every share reads every line: lines and unreadable files are counted by the first.
  diagnostics.lines += all[0]!.lines;
  diagnostics.failures.push(...all[0]!.failures);
  let earliest: WorkerDiagnostics | null = null;
  for (const diag of all) {
    for (const reason of Object.keys(diag.skipped) as Array<keyof typeof diag.skipped>) diagnostics.skipped[reason] += diag.skipped[reason];
    if (diag.firstSkip && (earliest === null || diag.firstSkipSeq < earliest.firstSkipSeq)) earliest = diag;
  }
  diagnostics.firstSkip ??= earliest?.firstSkip ?? null;
}

/** Every trace in start order, read by this thread and `count` − 1 workers; null to read in one thread instead. */
export async function loadTracesInWorkers(options: LoadOptions, count: number, io: Io, diagnostics: Diagnostics): Promise<Trace[] | null> {
  const pool = new WorkerPool(options, count, 1, { kind: 'traces' }, io);
  try {
    const here = await readShare({ index: 0, count, load: loadOf(options), output: { kind: 'traces' } }, io);
    if (here.kind === 'fallback') return null;
    await pool.until(() => pool.fallback || pool.states.every((s) => s.ended));
    if (pool.fallback) return null;
    addDiagnostics(diagnostics, [here.diag, ...pool.states.map((s) => s.diag!)]);
    const built = here.assembler.finishOrdered();
    const results: Array<Ordered & { traces: Trace[] }> = [
      { traces: built.map(([trace]) => trace), starts: built.map(([trace]) => trace.startNs), orders: built.map(([, order]) => order) },
    ];
    for (const { traces } of pool.states) {
      for (const i of traces!.lossless) decodeLossless(traces!.traces[i]!);
      results.push(traces!);
    }
    const all: Array<[number, number]> = [];
    results.forEach((r, w) => {
      for (let i = 0; i < r.traces.length; i++) all.push([w, i]);
    });
    // The one-thread order: start time, then first appearance.
    all.sort(([wa, ia], [wb, ib]) => compareStart(results[wa]!.starts[ia]!, results[wa]!.orders[ia]!, results[wb]!.starts[ib]!, results[wb]!.orders[ib]!));
    return all.map(([w, i]) => results[w]!.traces[i]!);
  } finally {
    pool.close();
  }
}

/**
 * A check, a baseline summary, the statistics or a view's longest traces, each worker
 * making its part from its share's traces as they end (see PartOutput): each part is
 * handed to `absorb`.
 * Diagnostics are added only when every worker read its share and `keep()` then holds;
 * false otherwise (the caller reads again, in one thread, and forgets what it absorbed).
 */
export async function partsInWorkers(
  options: LoadOptions,
  count: number,
  output: PartOutput,
  io: Io,
  diagnostics: Diagnostics,
  absorb: (part: PartMessage['state']) => void,
  keep: () => boolean,
): Promise<boolean> {
  // The main thread only waits here: a share read in it (whose young generation cannot be
  // held to WORKER_YOUNG_MB) took 10–14 MB more than one more worker.
  tightHeap(true);
  const pool = new WorkerPool(options, count, 0, output, io);
  try {
    await pool.until(() => pool.fallback || pool.states.every((s) => s.ended));
  } finally {
    pool.close();
    tightHeap(false);
  }
  if (pool.fallback) return false;
  const parts = pool.states.map((s) => s.part!);
  for (const part of parts) {
    if ('kept' in part.state) for (const i of part.lossless) decodeLossless(part.state.kept[i]![0]);
    absorb(part.state);
  }
  if (!keep()) return false;
  addDiagnostics(diagnostics, parts.map((part) => part.diag));
  diagnostics.problems.push(...problemsInOrder(parts.map((part) => part.problems)));
  return true;
}

/**
 * Every trace written as text by the workers (see WorkerOutput) as its last line went by,
 * in start order, with its problems; null to read in one thread instead. Diagnostics (and
 * `summary`, for a view that asks for one) are complete before the first text comes.
 */
export async function streamTextsInWorkers(
  options: LoadOptions,
  count: number,
  output: TextOutput,
  io: Io,
  diagnostics: Diagnostics,
  summary?: OperationSummaries,
): Promise<Iterable<[Uint8Array | null, string[]]> | null> {
  const held = heldTexts(io);
  tightHeap(true);
  // Share 0 is read here, while the workers read the others: that saves one thread's heap.
  const pool = new WorkerPool(options, count, 1, output, io, (chunk) => {
    const texts = chunkTexts(chunk);
    for (let i = 0; i < texts.length; i++) held.add(chunk.starts[i]!, chunk.orders[i]!, texts[i]!, chunk.problems[i]!);
  });
  let here: Share;
  const written = new Written(output, (start, order, text, problems) => held.add(start, order, text, problems));
  try {
    here = await readShare({ index: 0, count, load: loadOf(options), output }, io, (built) => written.add(built), pool.exchange);
    if (here.kind === 'read') {
      written.finish();
      await pool.until(() => pool.fallback || pool.states.every((s) => s.ended));
    }
  } catch (err) {
    held.close();
    throw err;
  } finally {
    pool.close();
    tightHeap(false);
  }
  if (here.kind === 'fallback' || pool.fallback) {
    held.close();
    return null;
  }
  addDiagnostics(diagnostics, [here.diag, ...pool.states.map((s) => s.diag!)]);
  // Summed up only once the read is kept: after a fallback the plain read sums up every trace itself.
  if (summary) for (const state of [written.summary?.toState(), ...pool.states.map((s) => s.summary)]) if (state) summary.absorb(state);
  return held.inOrder();
}

/**
 * As `streamTextsInWorkers`, in this thread. Null when the input needs the plain reader
 * (stdin, a whole JSON document, a line whose trace the raw text misstates).
 */
export async function streamTextsHere(
  options: LoadOptions,
  output: TextOutput,
  io: Io,
  diagnostics: Diagnostics,
  summary?: OperationSummaries,
): Promise<Iterable<[Uint8Array | null, string[]]> | null> {
  const rest = loadOf(options);
  const fileBytes = fileSizes(rest.files);
  if (rest.files.length === 0 || fileBytes === null) return null;
  const held = heldTexts(io);
  const written = new Written(output, (start, order, text, problems) => held.add(start, order, text, problems));
  try {
    const share = await readShare({ index: 0, count: 1, load: { ...rest, fileBytes }, output }, io, (built) => written.add(built));
    if (share.kind === 'fallback') {
      held.close();
      return null;
    }
    written.finish();
    addDiagnostics(diagnostics, [share.diag]);
    if (summary && written.summary) summary.absorb(written.summary.toState());
  } catch (err) {
    held.close();
    throw err;
  }
  return held.inOrder();
}

/**
 * Where written traces wait for their turn: memory, then a temporary file. TRACELOG_MEMORY_BYTES
 * sets how much stays in memory (default 1 MiB).
 */
function heldTexts(io: Io): HeldTexts {
  return new HeldTexts(() => openSpill(), memoryBytesSetting(io.env, MEMORY_BYTES));
}

/**
 * Each trace of the files, handed to `onTrace` in this thread as soon as its last line
 * has gone by — in the order traces end, not in start order — with its first appearance.
 * Diagnostics (problems in start order) are added only when the whole input was read
 * this way and `keep()` then holds. False otherwise: the caller starts over with the
 * plain reader (the traces handed over so far must be forgotten).
 */
export async function eachTraceHere(
  options: LoadOptions,
  io: Io,
  diagnostics: Diagnostics,
  onTrace: (trace: Trace, order: number) => void,
  keep: () => boolean = () => true,
): Promise<boolean> {
  const rest = loadOf(options);
  const fileBytes = fileSizes(rest.files);
  if (rest.files.length === 0 || fileBytes === null || rest.lineOptions.overrides?.trace) return false;
  // Problems are reported in start order: start, first appearance and the problems of each trace that has some.
  const problems: OrderedProblems = { starts: [], orders: [], lists: [] };
  const share = await readShare({ index: 0, count: 1, load: { ...rest, fileBytes }, output: { kind: 'traces' } }, io, ([trace, order]) => {
    noteProblems(problems, trace, order);
    onTrace(trace, order);
  });
  if (share.kind === 'fallback' || !keep()) return false;
  addDiagnostics(diagnostics, [share.diag]);
  diagnostics.problems.push(...problemsInOrder([problems]));
  return true;
}