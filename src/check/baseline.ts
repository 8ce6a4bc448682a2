/**
 * Baseline comparison for `tracelog check --baseline`: each operation's p50 and
 * p95 against the same operation in logs from the main branch. Regressions past
 * a threshold (only with enough samples on both sides), improvements, new and
 * vanished operations. Pure: baseline traces are fed in by the caller.
 */
import type { Trace } from '../types.js';
import { walkSpans } from '../trace/walk.js';
import { DEFAULT_EXACT_LIMIT } from '../trace/duration-samples.js';
import {
  DEFAULT_MAX_OPERATIONS,
  OperationDurations,
  operationKey,
  type OperationDurationsState,
  type OperationSummary,
} from './operation-durations.js';

export const DEFAULT_REGRESSION_FRACTION = 0.2;
export const DEFAULT_MIN_SAMPLES = 5;

/** Per-operation summaries of the baseline run. */
export interface BaselineSummary {
  kind: 'baseline';
  operations: OperationSummary[];
  traceCount: number;
  spanCount: number;
  /** Spans of operations past the tracking cap, left out of `operations`. */
  untrackedSpans: number;
}

export interface BaselineAccumulatorOptions {
  /** Durations kept exactly per operation; default 100,000. */
  exactLimit?: number;
  /** Operations tracked; default 10,000. */
  maxOperations?: number;
}

/** Feeds baseline traces one at a time, in any order while `orderMatters` stays false. */
export interface BaselineAccumulator {
  add(trace: Trace): void;
  /** True once the operations tracked reach the cap: which are tracked then depends on the order. */
  readonly orderMatters: boolean;
  /** What was added so far, as plain data: a worker thread's part of the summary. */
  toState(): BaselineState;
  /** Adds the part `state` holds (made with the same options): the same as adding its traces here. */
  absorb(state: BaselineState): void;
  finish(): BaselineSummary;
}

/** A baseline summary's part as plain data (structured-clone safe). */
export interface BaselineState {
  traceCount: number;
  spanCount: number;
  durations: OperationDurationsState;
}

/** Starts summarising baseline traces incrementally. Placeholder and unfinished spans are skipped. */
export function createBaselineAccumulator(options: BaselineAccumulatorOptions = {}): BaselineAccumulator {
  const durations = new OperationDurations(
    options.exactLimit ?? DEFAULT_EXACT_LIMIT,
    options.maxOperations ?? DEFAULT_MAX_OPERATIONS,
  );
  let traceCount = 0;
  let spanCount = 0;
  return {
    add(trace) {
      traceCount++;
      walkSpans(trace, (span) => {
        if (span.synthetic || span.unfinished) return;
        spanCount++;
        durations.add(operationKey(span.service, span.name), span.service, span.name, span.durationNs);
      });
    },
    get orderMatters() {
      return durations.full;
    },
    toState() {
      return { traceCount, spanCount, durations: durations.toState() };
    },
    absorb(state) {
      traceCount += state.traceCount;
      spanCount += state.spanCount;
      durations.absorb(state.durations);
    },
    finish() {
      return {
        kind: 'baseline',
        operations: durations.summarize(),
        traceCount,
        spanCount,
        untrackedSpans: durations.untrackedSpans,
      };
    },
  };
}

/** Summarises baseline traces, or finishes an accumulator already fed. */
export function summarizeBaseline(
  input: Iterable<Trace> | BaselineAccumulator,
  options: BaselineAccumulatorOptions = {},
): BaselineSummary {
  if (typeof (input as BaselineAccumulator).finish === 'function') return (input as BaselineAccumulator).finish();
  const acc = createBaselineAccumulator(options);
  for (const trace of input as Iterable<Trace>) acc.add(trace);
  return acc.finish();
}

/** What happened to an operation present on both sides. */
export type ComparisonStatus = 'regressed' | 'improved' | 'unchanged' | 'insufficient';

export interface OperationComparison {
  service: string | null;
  name: string | null;
  status: ComparisonStatus;
  baseline: OperationSummary;
  current: OperationSummary;
  /** (current − baseline) / baseline; null when the baseline is 0 and the current is not. */
  p50Change: number | null;
  p95Change: number | null;
}

export interface BaselineComparison {
  regressionFraction: number;
  minSamples: number;
  /** Worst relative change first. */
  regressions: OperationComparison[];
  /** Largest relative drop first. */
  improvements: OperationComparison[];
  /** Judged, and within the threshold both ways. */
  unchanged: OperationComparison[];
  /** On both sides but with fewer than `minSamples` on one of them: not judged. */
  insufficient: OperationComparison[];
  /** Only in the current run. */
  added: OperationSummary[];
  /** Only in the baseline. */
  vanished: OperationSummary[];
}

export interface CompareOptions {
  /** Relative increase of p50 or p95 that counts as a regression; default 0.2. */
  regressionFraction?: number;
  /** Samples needed on both sides before an operation is judged; default 5. */
  minSamples?: number;
}

/** Relative change, null for a rise from zero. */
export function relativeChange(baselineNs: bigint, currentNs: bigint): number | null {
  if (baselineNs === 0n) return currentNs === 0n ? 0 : null;
  return Number(currentNs - baselineNs) / Number(baselineNs);
}

function isRise(change: number | null, fraction: number): boolean {
  return change === null || change > fraction;
}

function worstChange(c: OperationComparison): number {
  return Math.max(c.p50Change ?? Infinity, c.p95Change ?? Infinity);
}

/**
 * Compares current operations with the baseline. An operation regressed when
 * its p50 or p95 rose by more than `regressionFraction`; improved when neither
 * rose that much and one fell by more than it.
 */
export function compareBaseline(
  current: readonly OperationSummary[],
  baseline: BaselineSummary,
  options: CompareOptions = {},
): BaselineComparison {
  const regressionFraction = options.regressionFraction ?? DEFAULT_REGRESSION_FRACTION;
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  const before = new Map(baseline.operations.map((op) => [operationKey(op.service, op.name), op]));
  const result: BaselineComparison = {
    regressionFraction,
    minSamples,
    regressions: [],
    improvements: [],
    unchanged: [],
    insufficient: [],
    added: [],
    vanished: [],
  };
  const seen = new Set<string>();
  for (const now of current) {
    const key = operationKey(now.service, now.name);
    const then = before.get(key);
    if (!then) {
      result.added.push(now);
      continue;
    }
    seen.add(key);
    const comparison: OperationComparison = {
      service: now.service,
      name: now.name,
      status: 'unchanged',
      baseline: then,
      current: now,
      p50Change: relativeChange(then.p50Ns, now.p50Ns),
      p95Change: relativeChange(then.p95Ns, now.p95Ns),
    };
    if (then.count < minSamples || now.count < minSamples) {
      comparison.status = 'insufficient';
      result.insufficient.push(comparison);
    } else if (isRise(comparison.p50Change, regressionFraction) || isRise(comparison.p95Change, regressionFraction)) {
      comparison.status = 'regressed';
      result.regressions.push(comparison);
    } else if ((comparison.p50Change ?? 0) < -regressionFraction || (comparison.p95Change ?? 0) < -regressionFraction) {
      comparison.status = 'improved';
      result.improvements.push(comparison);
    } else {
      result.unchanged.push(comparison);
    }
  }
  for (const [key, op] of before) if (!seen.has(key)) result.vanished.push(op);
  result.regressions.sort((a, b) => {
    const x = worstChange(a);
    const y = worstChange(b);
    return x === y ? 0 : x > y ? -1 : 1;
  });
  result.improvements.sort(
    (a, b) => Math.min(a.p50Change ?? 0, a.p95Change ?? 0) - Math.min(b.p50Change ?? 0, b.p95Change ?? 0),
  );
  return result;
}
