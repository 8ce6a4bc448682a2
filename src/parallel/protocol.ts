/**
 * What the main thread and the worker threads of a parallel load send each
 * other (structured-clone data only). Types only.
 */
import type { BaselineAccumulatorOptions, BaselineState } from '../check/baseline.js';
import type { CheckOptions, CheckState } from '../check/evaluate.js';
import type { SkipReason } from '../extract/line.js';
import type { StatsOptions, StatsState } from '../trace/stats.js';
import type { LoadOptions } from '../commands/load.js';
import type { OperationSummariesState } from '../render/summary.js';
import type { WaterfallOptions } from '../render/waterfall.js';
import type { SelectOptions, SlowestState } from '../trace/select.js';
import type { Trace } from '../types.js';
import type { EndsPart } from './ends.js';

/**
 * What a worker gives back: trace objects, or each trace written as text — span
 * JSON (a span a line, or a trace a line) or a waterfall of the traces `select` keeps.
 */
export type WorkerOutput =
  | { kind: 'traces' }
  | { kind: 'spans' }
  | { kind: 'trace-json' }
  /** The trace's elements of a Zipkin span list or a Jaeger `data` array, comma-joined: the caller puts the commas between traces. */
  | { kind: 'zipkin' }
  | { kind: 'jaeger' }
  /** The trace's spans as `otlpSpanLines` writes them: the caller batches them into requests. */
  | { kind: 'otlp' }
  /** With `summary`, the traces drawn are also summed up per operation (`view --summary` without `--limit`). */
  | { kind: 'view'; render: WaterfallOptions; select: SelectOptions; summary?: boolean }
  | PartOutput;

/**
 * A check's, a baseline summary's or the statistics' part over the worker's traces (see
 * `CheckAccumulator.toState`), or the worker's traces that can be among a view's `keep` longest.
 */
export type PartOutput =
  | { kind: 'check'; options: CheckOptions }
  | { kind: 'baseline'; options: BaselineAccumulatorOptions }
  | { kind: 'stats'; options: StatsOptions }
  | { kind: 'slowest'; keep: number; select: SelectOptions };

/** True for a worker that makes a part of a result (check, stats, …), not text or traces. */
export function isPartOutput(output: WorkerOutput | PartOutput): output is PartOutput {
  return output.kind === 'check' || output.kind === 'baseline' || output.kind === 'stats' || output.kind === 'slowest';
}

export interface WorkerInput {
  index: number;
  count: number;
  /** Load options without functions. */
  load: Omit<LoadOptions, 'lineFilter' | 'onDocument'>;
  output: WorkerOutput;
}

export interface WorkerDiagnostics {
  lines: number;
  skipped: Record<SkipReason, number>;
  firstSkip: { source: string; line: number; reason: SkipReason } | null;
  /** Place of the first skip in the whole input (−1: none), to find the first over all workers. */
  firstSkipSeq: number;
  failures: string[];
}

/** Traces in the worker's order: start time and first appearance in the input of each. */
export interface Ordered {
  starts: bigint[];
  orders: number[];
}

/** The problems of the traces that have some, with each trace's start and first appearance. */
export interface OrderedProblems extends Ordered {
  lists: string[][];
}

/**
 * Traces written as text, a chunk at a time: their UTF-8 bytes one after another in
 * `data` (transferred, not copied), `lengths[i]` bytes each, −1 for a trace the view does not show.
 */
export interface TextChunk extends Ordered {
  kind: 'texts';
  data: Uint8Array;
  lengths: number[];
  problems: string[][];
}

/** A PartOutput: the part over all the worker's traces, and their problems. */
export interface PartMessage {
  kind: 'part';
  diag: WorkerDiagnostics;
  state: CheckState | BaselineState | StatsState | SlowestState;
  problems: OrderedProblems;
  /** Kept traces (of a SlowestState) whose LosslessNumbers travel encoded. */
  lossless: number[];
}

/**
 * Worker → main. Trace objects come in one message; texts in chunks as traces end,
 * then a `read` (all input read, nothing needs the one-thread reader).
 */
export type WorkerMessage =
  | (Ordered & { kind: 'traces'; diag: WorkerDiagnostics; traces: Trace[]; /** Traces whose LosslessNumbers travel encoded. */ lossless: number[] })
  | { kind: 'read'; diag: WorkerDiagnostics; summary: OperationSummariesState | null }
  | PartMessage
  | TextChunk
  /** The input needs the one-thread reader (a whole JSON document, a misleading line). */
  | { kind: 'fallback'; reason: string }
  | { kind: 'error'; message: string }
  /** The worker's part of the first pass (null: its scan gave up); answered by an EndsMessage. */
  | { kind: 'ends-part'; part: EndsPart | null };

/** Every share's part of the first pass, in file order, sent to each worker (without its own: undefined). */
export interface EndsMessage {
  kind: 'ends';
  parts: Array<EndsPart | null | undefined>;
}
