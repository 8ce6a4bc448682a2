/**
 * The terminal table of `tracelog stats`: one row per group, durations in
 * human units and right-aligned, a footer saying whether percentiles are exact.
 * Pure: colour level comes in as an option; names from input are escaped.
 */
import Table from 'cli-table3';
import { Chalk } from 'chalk';
import { formatDuration } from '../render/format-duration.js';
import { sanitizeText } from '../render/sanitize-text.js';
import type { StatsResult } from '../trace/stats.js';

export interface StatsTableOptions {
  /** chalk colour level: 0 none (default), 1 basic, 2 256, 3 truecolor. */
  colorLevel?: 0 | 1 | 2 | 3;
  /** Longer names are cut with `…`; default 60 columns. */
  maxNameCols?: number;
  /** Groups shown at most (default 1000: cli-table3 lays out in quadratic time); the footer counts the rest. */
  maxRows?: number;
}

/** The footer line: `percentiles exact` or `percentiles approximate, ±1% relative error`. */
export function describePercentileAccuracy(result: Pick<StatsResult, 'exact' | 'relativeAccuracy'>): string {
  if (result.exact) return 'percentiles exact';
  const pct = Number((result.relativeAccuracy * 100).toPrecision(3));
  return `percentiles approximate, ±${pct}% relative error`;
}

function truncate(text: string, cols: number): string {
  const chars = Array.from(text);
  return chars.length <= cols ? text : `${chars.slice(0, Math.max(1, cols - 1)).join('')}…`;
}

/** Renders statistics as a table followed by a summary footer; ends with a newline. */
export function renderStatsTable(result: StatsResult, options: StatsTableOptions = {}): string {
  const c = new Chalk({ level: options.colorLevel ?? 0 });
  const maxNameCols = options.maxNameCols ?? 60;
  const name = (text: string | null): string => (text === null ? c.dim('-') : truncate(sanitizeText(text), maxNameCols));
  const keys = result.by === 'service' ? ['service'] : result.by === 'name' ? ['span name'] : ['service', 'span name'];
  const numbers = ['count', 'errors', 'p50', 'p90', 'p99', 'max', 'total', 'self'];
  const table = new Table({
    head: [...keys, ...numbers].map((h) => c.bold(h)),
    colAligns: [...keys.map(() => 'left' as const), ...numbers.map(() => 'right' as const)],
    // cli-table3 colours headers and borders itself unless told not to.
    style: { head: [], border: [], compact: true },
  });
  const shown = result.groups.slice(0, options.maxRows ?? 1000);
  for (const g of shown) {
    const keyCells = result.by === 'service' ? [name(g.service)] : result.by === 'name' ? [name(g.name)] : [name(g.service), name(g.name)];
    table.push([
      ...keyCells,
      String(g.count),
      g.errors > 0 ? c.red(String(g.errors)) : String(g.errors),
      durationOrDash(g.p50Ns),
      durationOrDash(g.p90Ns),
      durationOrDash(g.p99Ns),
      durationOrDash(g.maxNs),
      formatDuration(g.totalNs),
      formatDuration(g.selfNs),
    ]);
  }
  const groups = `${result.groups.length} group${result.groups.length === 1 ? '' : 's'}`;
  const spans = `${result.spanCount} span${result.spanCount === 1 ? '' : 's'}`;
  const traces = `${result.traceCount} trace${result.traceCount === 1 ? '' : 's'}`;
  const hidden = result.groups.length - shown.length;
  const more = hidden > 0 ? ` (${hidden} not shown: --format json lists all)` : '';
  const footer = `${groups}${more}, ${spans} in ${traces}; ${describePercentileAccuracy(result)}`;
  return `${table.toString()}\n${c.dim(footer)}\n`;
}

/** A group whose spans never ended has no percentiles: shown as `-`, not a made-up 0. */
function durationOrDash(ns: bigint | null): string {
  return ns === null ? '-' : formatDuration(ns);
}
