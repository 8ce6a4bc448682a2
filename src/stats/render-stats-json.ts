/**
 * The machine-readable form of `tracelog stats --format json`, described by
 * schema/stats.schema.json. Durations are integer nanoseconds as JSON numbers
 * (exact below 2^53 ns, 104 days). Pure.
 */
import type { StatsResult } from '../trace/stats.js';
import { escapeJsonText } from '../render/sanitize-text.js';

/** Bumped when a field changes meaning or disappears. */
export const STATS_REPORT_VERSION = 1;

/** Statistics as a JSON-able object. */
export function toStatsJson(result: StatsResult): Record<string, unknown> {
  return {
    version: STATS_REPORT_VERSION,
    by: result.by,
    traceCount: result.traceCount,
    spanCount: result.spanCount,
    percentiles: {
      definition: 'nearest-rank',
      exact: result.exact,
      relativeError: result.exact ? 0 : result.relativeAccuracy,
    },
    groups: result.groups.map((g) => ({
      service: g.service,
      name: g.name,
      count: g.count,
      errors: g.errors,
      unfinished: g.unfinished,
      p50Ns: nsOrNull(g.p50Ns),
      p90Ns: nsOrNull(g.p90Ns),
      p99Ns: nsOrNull(g.p99Ns),
      maxNs: nsOrNull(g.maxNs),
      totalNs: Number(g.totalNs),
      selfNs: Number(g.selfNs),
      exact: g.exact,
    })),
  };
}

/** Statistics as JSON text, two-space indented, ending with a newline. */
export function renderStatsJson(result: StatsResult): string {
  return `${escapeJsonText(JSON.stringify(toStatsJson(result), null, 2))}\n`;
}

function nsOrNull(ns: bigint | null): number | null {
  return ns === null ? null : Number(ns);
}
