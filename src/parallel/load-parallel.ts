/**
 * Reading large files with worker threads. Traces are partitioned by trace id:
 * worker k of n assembles the traces whose id hashes to k (route.ts), and the
 * main thread merges the workers' traces into the order one thread gives (start
 * time, then first appearance), so output is byte for byte the same. When the
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
import type { Trace } from '../types.js';
import { decodeLossless } from './lossless.js';
import type { WorkerInput, WorkerOutput, WorkerResult } from './protocol.js';

/** With `--threads auto`, inputs smaller than this are read in one thread (workers take ~50 ms to start). */
export const AUTO_MIN_BYTES = 16 * 2 ** 20;
const MAX_AUTO_THREADS = 8;

/** How many workers to read with: 0 for one thread. Only whole regular files can be read by several readers. */
export function workerCount(options: LoadOptions): number {
  const threads = options.threads ?? 1;
  if (threads === 1 || options.strict || options.files.length === 0 || options.lineOptions.overrides?.trace) return 0;
  let bytes = 0;
  for (const file of options.files) {
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return 0;
      bytes += stat.size;
    } catch {
      return 0;
    }
  }
  if (threads !== 'auto') return threads;
  const cores = availableParallelism();
  if (cores < 2 || bytes < AUTO_MIN_BYTES || !manyLines(options.files[0]!)) return 0;
  return Math.min(cores, MAX_AUTO_THREADS);
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
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
    let lines = 0;
    for (let at = head.indexOf(0x0a); at >= 0 && at < n; at = head.indexOf(0x0a, at + 1)) if (++lines >= MIN_SAMPLE_LINES) return true;
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

type Ready = Exclude<WorkerResult, { kind: 'fallback' } | { kind: 'error' }>;

/** Runs the workers; null when one of them says the input needs the single-thread reader. */
async function runWorkers(options: LoadOptions, count: number, output: WorkerOutput, io: Io): Promise<Ready[] | null> {
  const { lineFilter: _filter, onDocument: _document, ...load } = options;
  const workers: Worker[] = [];
  const stopAll = (): void => {
    for (const worker of workers) void worker.terminate();
  };
  const results = Array.from({ length: count }, (_, index) => {
    const input: WorkerInput = { index, count, load, output };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input, stdout: false, stderr: false });
    workers.push(worker);
    return new Promise<WorkerResult>((resolve, reject) => {
      worker.once('message', (result: WorkerResult) => resolve(result));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker thread ${index} exited with code ${code}`)));
    });
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      stopAll();
      reject(new TracelogError('tracelog.interrupted', 'interrupted', Number(io.signal?.reason) || 130));
    };
    if (io.signal?.aborted) onAbort();
    else io.signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  try {
    const all = await Promise.race([Promise.all(results), aborted]);
    if (all.some((r) => r.kind === 'fallback')) return null;
    const failed = all.find((r) => r.kind === 'error');
    if (failed) throw new Error(failed.message);
    return all as Ready[];
  } finally {
    if (onAbort) io.signal?.removeEventListener('abort', onAbort);
    stopAll();
  }
}

/** Adds the workers' counts to `diagnostics` as if one thread had read everything. */
function mergeDiagnostics(results: Ready[], diagnostics: Diagnostics): void {
  // Every worker reads every line: lines and unreadable files are counted by worker 0.
  const first = results[0]!.diag;
  diagnostics.lines += first.lines;
  diagnostics.failures.push(...first.failures);
  let earliest: Ready['diag'] | null = null;
  for (const { diag } of results) {
    for (const reason of Object.keys(diag.skipped) as Array<keyof typeof diag.skipped>) diagnostics.skipped[reason] += diag.skipped[reason];
    if (diag.firstSkip && (earliest === null || diag.firstSkipSeq < earliest.firstSkipSeq)) earliest = diag;
  }
  diagnostics.firstSkip ??= earliest?.firstSkip ?? null;
}

/** [worker, index] pairs of every trace, in the one-thread order: start time, then first appearance. */
function mergeOrder(results: Ready[]): Array<[number, number]> {
  const all: Array<[number, number]> = [];
  results.forEach((r, w) => {
    for (let i = 0; i < r.starts.length; i++) all.push([w, i]);
  });
  all.sort(([wa, ia], [wb, ib]) => {
    const a = results[wa]!;
    const b = results[wb]!;
    const sa = a.starts[ia]!;
    const sb = b.starts[ib]!;
    return sa < sb ? -1 : sa > sb ? 1 : a.orders[ia]! - b.orders[ib]!;
  });
  return all;
}

/**
 * Every trace in start order, read by `count` workers; null to read in one thread instead.
 * `slim`: spans come without tags and events (for callers that read neither).
 */
export async function loadTracesInWorkers(options: LoadOptions, count: number, io: Io, diagnostics: Diagnostics, slim = false): Promise<Trace[] | null> {
  const results = await runWorkers(options, count, { kind: 'traces', slim }, io);
  if (!results) return null;
  mergeDiagnostics(results, diagnostics);
  for (const r of results) {
    if (r.kind !== 'traces') continue;
    for (const i of r.lossless) decodeLossless(r.traces[i]!);
  }
  return mergeOrder(results).map(([w, i]) => (results[w] as Extract<Ready, { kind: 'traces' }>).traces[i]!);
}

/**
 * Every trace written as text by the workers (see WorkerOutput), in start order,
 * with each trace's problems; null to read in one thread instead.
 */
export async function loadTextsInWorkers(
  options: LoadOptions,
  count: number,
  output: Exclude<WorkerOutput, { kind: 'traces' }>,
  io: Io,
  diagnostics: Diagnostics,
): Promise<Array<[string | null, string[]]> | null> {
  const results = await runWorkers(options, count, output, io);
  if (!results) return null;
  mergeDiagnostics(results, diagnostics);
  return mergeOrder(results).map(([w, i]) => {
    const r = results[w] as Extract<Ready, { kind: 'texts' }>;
    return [r.texts[i]!, r.problems[i]!];
  });
}
