/**
 * The `--summary` table: one row per service and operation with span count,
 * errors and p50 / p95 / max durations in human units, drawn by cli-table3.
 * Pure: colour comes from the level passed in (cli-table3's own colours are
 * always off, so it never looks at the environment) and lines go out.
 */
import Table from 'cli-table3';
import type { Span, Trace } from '../types.js';
import { displayWidth, truncateToWidth } from './display-width.js';
import { formatDuration } from './format-duration.js';
import { sanitizeText } from './sanitize-text.js';
import { createTheme, type ColorLevel } from './theme.js';

/** Colour level and width of the terminal the table is for. */
export interface SummaryOptions {
  /** 0–3; 0 writes no escape sequence at all. */
  colorLevel: ColorLevel;
  /** Terminal width: service and operation names are cut with `…` to fit. Unset: never cut. */
  widthCols?: number;
}

/** Durations of one operation of one service across the traces. */
export interface OperationStats {
  service: string | null;
  name: string | null;
  count: number;
  errors: number;
  /** Nearest-rank percentiles over finished spans; null when none finished. */
  p50Ns: bigint | null;
  p95Ns: bigint | null;
  maxNs: bigint | null;
}

/** Nearest-rank percentile `p` (0–100) of ascending `sorted`. */
export function percentileNs(sorted: readonly bigint[], p: number): bigint | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const compareText = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;

/** One operation's spans so far; durations of finished spans in ns, in no order. */
interface OperationSpans {
  service: string | null;
  name: string | null;
  count: number;
  errors: number;
  durations: bigint[];
}

/** What `OperationSummaries` holds, as plain data (structured-clone safe): a worker thread's part. */
export type OperationSummariesState = Array<[string, OperationSpans]>;

/**
 * The spans of the traces added, per (service, operation): what the summary table is
 * made of. Traces may come in any order, and in parts (`toState`, `absorb`): the table
 * is the same. Placeholders are left out; unfinished spans count but have no duration.
 */
export class OperationSummaries {
  private readonly groups = new Map<string, OperationSpans>();

  add(trace: Trace): void {
    const stack: Span[] = [...trace.roots];
    while (stack.length > 0) {
      const span = stack.pop()!;
      for (const child of span.children) stack.push(child);
      if (span.synthetic) continue;
      const group = this.group(JSON.stringify([span.service, span.name]), span.service, span.name);
      group.count++;
      if (span.error) group.errors++;
      if (!span.unfinished) group.durations.push(span.durationNs);
    }
  }

  toState(): OperationSummariesState {
    return [...this.groups];
  }

  absorb(state: OperationSummariesState): void {
    for (const [key, theirs] of state) {
      const group = this.group(key, theirs.service, theirs.name);
      group.count += theirs.count;
      group.errors += theirs.errors;
      for (const duration of theirs.durations) group.durations.push(duration);
    }
  }

  /** Stats per operation, sorted by service then operation. */
  stats(): OperationStats[] {
    const stats: OperationStats[] = [];
    for (const group of this.groups.values()) {
      const sorted = group.durations.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      stats.push({
        service: group.service,
        name: group.name,
        count: group.count,
        errors: group.errors,
        p50Ns: percentileNs(sorted, 50),
        p95Ns: percentileNs(sorted, 95),
        maxNs: sorted.length > 0 ? sorted[sorted.length - 1]! : null,
      });
    }
    return stats.sort((a, b) => compareText(a.service, b.service) || compareText(a.name, b.name));
  }

  private group(key: string, service: string | null, name: string | null): OperationSpans {
    let group = this.groups.get(key);
    if (!group) {
      group = { service, name, count: 0, errors: 0, durations: [] };
      this.groups.set(key, group);
    }
    return group;
  }
}

/**
 * Stats per (service, operation) over every logged span of `traces`, sorted by
 * service then operation. Placeholders are left out; unfinished spans count
 * but have no duration.
 */
export function summarizeOperations(traces: Iterable<Trace>): OperationStats[] {
  const summaries = new OperationSummaries();
  for (const trace of traces) summaries.add(trace);
  return summaries.stats();
}

const HEAD = ['service', 'operation', 'count', 'errors', 'p50', 'p95', 'max'];
const HEAD_SHORT = ['service', 'operation', 'n', 'err', 'p50', 'p95', 'max'];
const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
};
// Below this many columns for service and operation, the borders give way.
const MIN_NAME_COLS = 24;

/**
 * The summary table as lines (no newline), at most `widthCols` wide when
 * given: boxed, or on a narrow terminal borderless with short titles.
 */
/** Rows shown at most; the rest are counted in a closing line. */
export const MAX_SUMMARY_ROWS = 1000;

export function renderSummary(traces: Iterable<Trace> | OperationSummaries, options: SummaryOptions): string[] {
  const theme = createTheme(options.colorLevel);
  const allStats = traces instanceof OperationSummaries ? traces.stats() : summarizeOperations(traces);
  // cli-table3 lays a table out in quadratic time: thousands of operations are cut short.
  const stats = allStats.slice(0, MAX_SUMMARY_ROWS);
  const rows = stats.map((s) => ({
    service: s.service === null ? '-' : sanitizeText(s.service),
    rawService: s.service,
    name: s.name === null ? '(unnamed)' : sanitizeText(s.name),
    cells: [
      String(s.count),
      String(s.errors),
      s.p50Ns === null ? '?' : formatDuration(s.p50Ns),
      s.p95Ns === null ? '?' : formatDuration(s.p95Ns),
      s.maxNs === null ? '?' : formatDuration(s.maxNs),
    ],
    errors: s.errors,
  }));
  const numberCols = (head: string[]): number => {
    let cols = 0;
    for (let i = 0; i < 5; i++) cols += Math.max(displayWidth(head[i + 2]!), ...rows.map((r) => displayWidth(r.cells[i]!)));
    return cols;
  };
  const needService = Math.max(displayWidth(HEAD[0]!), ...rows.map((r) => displayWidth(r.service)));
  const needName = Math.max(displayWidth(HEAD[1]!), ...rows.map((r) => displayWidth(r.name)));
  let serviceCols = needService;
  let nameCols = needName;
  let boxed = true;
  if (options.widthCols !== undefined) {
    // Boxed: a border left of each column plus the last, one space each side of every cell.
    let room = options.widthCols - (1 + 7 * 3 + numberCols(HEAD));
    if (room < Math.min(needService + needName, MIN_NAME_COLS)) {
      boxed = false;
      room = options.widthCols - (6 * 2 + numberCols(HEAD_SHORT));
    }
    room = Math.max(2, room);
    if (serviceCols + nameCols > room) {
      const serviceShare = Math.max(1, Math.min(serviceCols, Math.floor(room * 0.4)));
      nameCols = Math.max(1, Math.min(nameCols, room - serviceShare));
      serviceCols = Math.max(1, room - nameCols);
    }
  }
  const head = boxed ? HEAD : HEAD_SHORT;
  const table = new Table({
    head: head.map((h, i) => theme.bold(i === 0 ? truncateToWidth(h, serviceCols) : i === 1 ? truncateToWidth(h, nameCols) : h)),
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
    // Colour is ours: cli-table3's styles would consult the environment.
    ...(boxed
      ? { style: { head: [], border: [], compact: true } }
      : { chars: BORDERLESS, style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 } }),
  });
  for (const row of rows) {
    table.push([
      theme.service(row.rawService)(truncateToWidth(row.service, serviceCols)),
      truncateToWidth(row.name, nameCols),
      row.cells[0]!,
      row.errors > 0 ? theme.error(row.cells[1]!) : row.cells[1]!,
      row.cells[2]!,
      row.cells[3]!,
      row.cells[4]!,
    ]);
  }
  const lines = table.toString().split('\n');
  if (allStats.length > stats.length) lines.push(theme.dim(`… ${allStats.length - stats.length} more operations not shown (tracelog stats --format json lists all)`));
  if (options.widthCols === undefined) return lines;
  const widthCols = options.widthCols;
  return lines.map((line) => (displayWidth(line) > widthCols ? truncateToWidth(line, widthCols) : line));
}
