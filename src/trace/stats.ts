/**
 * Per-group span statistics for `tracelog stats`: count, errors, p50/p90/p99,
 * max, total and self time, fed one trace at a time so millions of spans fit
 * in bounded memory. Pure: no I/O; iterative, so 100,000-deep traces are fine.
 */
import { computeSelfTimeNs } from './critical-path.js';
import type { Span, Trace } from '../types.js';
import { walkSpans } from './walk.js';
import { DurationSamples, DEFAULT_EXACT_LIMIT, type SamplesState } from './duration-samples.js';
import { DEFAULT_RELATIVE_ACCURACY } from './dd-sketch.js';

/** How spans are grouped. */
export type StatsGroupBy = 'service' | 'name' | 'service,name';

export const STATS_GROUP_BY: readonly StatsGroupBy[] = ['service', 'name', 'service,name'];

export interface StatsOptions {
  /** Grouping key; default `'service,name'`. */
  by?: StatsGroupBy;
  /** Durations kept exactly per group before switching to the sketch; default 100,000. */
  exactLimit?: number;
  /** The sketch's relative accuracy; default 0.01. */
  relativeAccuracy?: number;
}

/** One group's figures. Durations in ns; percentiles nearest-rank over finished spans. */
export interface StatsGroup {
  /** Null when grouping by name only, or when spans have no service. */
  service: string | null;
  /** Null when grouping by service only, or when spans have no name. */
  name: string | null;
  /** Finished spans in the group (placeholders and unfinished spans excluded). */
  count: number;
  /** Spans marked as errors. */
  errors: number;
  /** Begin lines with no end: counted here, left out of every duration figure. */
  unfinished: number;
  /** Percentiles and maximum: null when no span of the group finished. */
  p50Ns: bigint | null;
  p90Ns: bigint | null;
  p99Ns: bigint | null;
  maxNs: bigint | null;
  totalNs: bigint;
  /** Sum of each span's duration minus the union of its children's intervals within it. */
  selfNs: bigint;
  /** False once the group outgrew `exactLimit` and its percentiles come from the sketch. */
  exact: boolean;
}

export interface StatsResult {
  by: StatsGroupBy;
  /** Sorted by total time, descending (then by key). */
  groups: StatsGroup[];
  traceCount: number;
  spanCount: number;
  /** True when every group's percentiles are exact. */
  exact: boolean;
  /** The bound on percentile error when not exact (0.01 = ±1%). */
  relativeAccuracy: number;
}

/** Feeds traces one at a time; `finish()` returns the statistics. */
export interface StatsAccumulator {
  add(trace: Trace): void;
  /** What was added so far, as plain data: a worker thread's part of the statistics. */
  toState(): StatsState;
  /** Adds the part `state` holds (made with the same options): the same as adding its traces here. */
  absorb(state: StatsState): void;
  finish(): StatsResult;
}

/** Statistics' part as plain data (structured-clone safe): see `StatsAccumulator.toState`. */
export interface StatsState {
  traceCount: number;
  spanCount: number;
  groups: Array<[string, Omit<GroupState, 'samples'> & { samples: SamplesState }]>;
}

interface GroupState {
  service: string | null;
  name: string | null;
  samples: DurationSamples;
  errors: number;
  unfinished: number;
  totalNs: bigint;
  selfNs: bigint;
}

/** A span's self time (see critical-path.ts): re-exported under the name stats has always used. */
export { computeSelfTimeNs as selfTimeNs };

/** Starts an incremental statistics run. */
export function createStatsAccumulator(options: StatsOptions = {}): StatsAccumulator {
  const by = options.by ?? 'service,name';
  if (!STATS_GROUP_BY.includes(by)) throw new RangeError(`unknown grouping: ${String(by)}`);
  const exactLimit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
  const relativeAccuracy = options.relativeAccuracy ?? DEFAULT_RELATIVE_ACCURACY;
  const groups = new Map<string, GroupState>();
  let traceCount = 0;
  let spanCount = 0;

  const groupAt = (key: string, service: string | null, name: string | null): GroupState => {
    let group = groups.get(key);
    if (!group) {
      group = {
        service,
        name,
        samples: new DurationSamples(exactLimit, relativeAccuracy),
        errors: 0,
        unfinished: 0,
        totalNs: 0n,
        selfNs: 0n,
      };
      groups.set(key, group);
    }
    return group;
  };
  const groupFor = (span: Span): GroupState => {
    const service = by === 'name' ? null : span.service;
    const name = by === 'service' ? null : span.name;
    // NUL cannot be confused with text: a null field and an empty one stay distinct.
    return groupAt(`${service === null ? '\u0000' : service}\u0000${name === null ? '\u0000' : name}`, service, name);
  };

  return {
    add(trace: Trace): void {
      traceCount++;
      walkSpans(trace, (span) => {
        if (span.synthetic) return;
        spanCount++;
        const group = groupFor(span);
        if (span.error) group.errors++;
        if (span.unfinished) {
          group.unfinished++;
          return;
        }
        group.samples.add(span.durationNs);
        group.totalNs += span.durationNs;
        group.selfNs += computeSelfTimeNs(span);
      });
    },
    toState(): StatsState {
      return { traceCount, spanCount, groups: [...groups].map(([key, g]) => [key, { ...g, samples: g.samples.toState() }]) };
    },
    absorb(state: StatsState): void {
      traceCount += state.traceCount;
      spanCount += state.spanCount;
      for (const [key, theirs] of state.groups) {
        const ours = groupAt(key, theirs.service, theirs.name);
        ours.samples.absorb(theirs.samples);
        ours.errors += theirs.errors;
        ours.unfinished += theirs.unfinished;
        ours.totalNs += theirs.totalNs;
        ours.selfNs += theirs.selfNs;
      }
    },
    finish(): StatsResult {
      const out: StatsGroup[] = [];
      for (const g of groups.values()) {
        const s = g.samples;
        out.push({
          service: g.service,
          name: g.name,
          count: s.count,
          errors: g.errors,
          unfinished: g.unfinished,
          p50Ns: s.percentile(50),
          p90Ns: s.percentile(90),
          p99Ns: s.percentile(99),
          maxNs: s.count > 0 ? s.maxNs : null,
          totalNs: g.totalNs,
          selfNs: g.selfNs,
          exact: s.exact,
        });
      }
      out.sort(compareGroups);
      return {
        by,
        groups: out,
        traceCount,
        spanCount,
        exact: out.every((g) => g.exact),
        relativeAccuracy,
      };
    },
  };
}

function compareGroups(a: StatsGroup, b: StatsGroup): number {
  if (a.totalNs !== b.totalNs) return a.totalNs > b.totalNs ? -1 : 1;
  const ka = `${a.service ?? ''}:${a.name ?? ''}`;
  const kb = `${b.service ?? ''}:${b.name ?? ''}`;
  if (ka !== kb) return ka < kb ? -1 : 1;
  // Equal labels of different groups ("a:b"/"c" and "a"/"b:c", null and ""): by their parts.
  const pa = [a.service ?? '', a.service === null ? 0 : 1, a.name ?? '', a.name === null ? 0 : 1];
  const pb = [b.service ?? '', b.service === null ? 0 : 1, b.name ?? '', b.name === null ? 0 : 1];
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  return 0;
}

/**
 * Statistics per group over `input`: traces (any iterable) or an accumulator
 * already fed (then `options` were given when it was created).
 */
export function computeStats(input: Iterable<Trace> | StatsAccumulator, options: StatsOptions = {}): StatsResult {
  if (isAccumulator(input)) return input.finish();
  const acc = createStatsAccumulator(options);
  for (const trace of input) acc.add(trace);
  return acc.finish();
}

function isAccumulator(input: Iterable<Trace> | StatsAccumulator): input is StatsAccumulator {
  return typeof (input as StatsAccumulator).finish === 'function' && typeof (input as StatsAccumulator).add === 'function';
}
