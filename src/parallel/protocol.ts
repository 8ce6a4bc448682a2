/**
 * What the main thread and the worker threads of a parallel load send each
 * other (structured-clone data only). Types only.
 */
import type { SkipReason } from '../extract/line.js';
import type { LoadOptions } from '../commands/load.js';
import type { WaterfallOptions } from '../render/waterfall.js';
import type { SelectOptions } from '../trace/select.js';
import type { Trace } from '../types.js';

/**
 * What a worker gives back: trace objects, or each trace written as text — span
 * JSON (a span a line, or a trace a line) or a waterfall of the traces `select` keeps.
 */
export type WorkerOutput =
  /** `slim`: without tags and event fields, for a caller that reads neither (far less to copy back). */
  | { kind: 'traces'; slim: boolean }
  | { kind: 'spans' }
  | { kind: 'trace-json' }
  | { kind: 'view'; render: WaterfallOptions; select: SelectOptions };

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

interface Ordered {
  diag: WorkerDiagnostics;
  /** Per trace, in the worker's start order: start time and first appearance in the input. */
  starts: bigint[];
  orders: number[];
}

export type WorkerResult =
  | (Ordered & { kind: 'traces'; traces: Trace[]; /** Traces whose LosslessNumbers travel encoded. */ lossless: number[] })
  /** `texts[i]` is null for a trace the view does not show. */
  | (Ordered & { kind: 'texts'; texts: Array<string | null>; problems: string[][] })
  /** The input needs the single-thread reader (a whole JSON document, a misleading line). */
  | { kind: 'fallback'; reason: string }
  | { kind: 'error'; message: string };
