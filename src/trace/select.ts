/**
 * Which traces a command shows: filters by id prefix, service, span name glob,
 * minimum duration and errors, then --slowest, --sort and --limit. Pure: never
 * changes a trace; `matchesTrace` needs only one trace, so it can run while
 * traces stream past.
 */
import type { Span, Trace } from '../types.js';

/** The selection flags of `view`, `convert` and friends; unset means no filter. */
export interface SelectOptions {
  /** Trace id prefix (--trace); case-insensitive, so hex ids can be typed either way. */
  trace?: string;
  /** Keep traces with a span of this service (--service), exact match. */
  service?: string;
  /** Keep traces with a span whose name matches this glob (--name): `*` any run, `?` one character, case-sensitive. */
  name?: string;
  /** Keep traces lasting at least this long (--min-duration). */
  minDurationNs?: bigint;
  /** Keep traces with at least one error span (--errors). */
  errors?: boolean;
  /** Keep only the N longest traces (--slowest), longest first unless `sort` says otherwise. */
  slowest?: number;
  /** Order (--sort): `start` earliest first, `duration` longest first; unset keeps input order. */
  sort?: 'start' | 'duration';
  /** At most N traces, the first after sorting (--limit). */
  limit?: number;
}

const globCache = new Map<string, RegExp>();
const GLOB_CACHE_SIZE = 64;

/** `glob` (`*`, `?`, everything else literal) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re) return re;
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  re = new RegExp(`^${source}$`, 'su');
  if (globCache.size >= GLOB_CACHE_SIZE) globCache.clear();
  globCache.set(glob, re);
  return re;
}

/** True when some logged span (placeholders aside) satisfies `test`; walks without recursion. */
function hasSpan(trace: Trace, test: (span: Span) => boolean): boolean {
  const stack: Span[] = [...trace.roots];
  while (stack.length > 0) {
    const span = stack.pop()!;
    if (!span.synthetic && test(span)) return true;
    for (const child of span.children) stack.push(child);
  }
  return false;
}

/** First start to last end. */
export function traceDurationNs(trace: Trace): bigint {
  return trace.endNs - trace.startNs;
}

/**
 * Whether `trace` passes the per-trace filters of `options` (trace, service,
 * name, minDurationNs, errors). `slowest`, `sort` and `limit` need every
 * trace and are left to `selectTraces`.
 */
export function matchesTrace(trace: Trace, options: SelectOptions): boolean {
  if (options.trace !== undefined && !trace.traceId.toLowerCase().startsWith(options.trace.toLowerCase())) return false;
  if (options.minDurationNs !== undefined && traceDurationNs(trace) < options.minDurationNs) return false;
  if (options.service !== undefined) {
    const service = options.service;
    if (!hasSpan(trace, (span) => span.service === service)) return false;
  }
  if (options.name !== undefined) {
    const re = globToRegExp(options.name);
    if (!hasSpan(trace, (span) => span.name !== null && re.test(span.name))) return false;
  }
  if (options.errors && !hasSpan(trace, (span) => span.error)) return false;
  return true;
}

const byStart = (a: Trace, b: Trace): number => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0);
const byDurationDesc = (a: Trace, b: Trace): number => {
  const da = traceDurationNs(a);
  const db = traceDurationNs(b);
  return da > db ? -1 : da < db ? 1 : byStart(a, b);
};

/**
 * The traces to show, in order: those passing `matchesTrace`, cut to the
 * `slowest` N, sorted by `sort` (slowest alone orders longest first; ties keep
 * input order), then the first `limit`. Returns a new array.
 */
export function selectTraces(traces: Iterable<Trace>, options: SelectOptions): Trace[] {
  let selected: Trace[] = [];
  for (const trace of traces) if (matchesTrace(trace, options)) selected.push(trace);
  if (options.slowest !== undefined) {
    selected.sort(byDurationDesc);
    selected = selected.slice(0, Math.max(0, options.slowest));
  }
  if (options.sort === 'start') selected.sort(byStart);
  else if (options.sort === 'duration') selected.sort(byDurationDesc);
  if (options.limit !== undefined) selected = selected.slice(0, Math.max(0, options.limit));
  return selected;
}

/**
 * How many traces `selectTraces` can show at most when it picks them by duration
 * (`--slowest N`, or `--sort duration` with `--limit N`); null when there is no such bound.
 */
export function slowestBound(options: SelectOptions): number | null {
  let bound = options.slowest ?? Infinity;
  if (options.sort === 'duration' && options.limit !== undefined) bound = Math.min(bound, options.limit);
  return bound === Infinity ? null : Math.max(0, bound);
}

/** What a `SlowestTraces` kept, as plain data (traces with their first appearance). */
export interface SlowestState {
  kept: Array<[Trace, number]>;
}

/**
 * The traces passing `matchesTrace` that can be among the `keep` longest, for a selection
 * with a `slowestBound`: fed in any order, each with its place in start order (start, then
 * first appearance), it holds about 2 × keep + 1,024 traces at most. `traces()` gives the
 * `keep` longest (ties: earlier start, then earlier place, as `selectTraces` breaks them on
 * traces in start order) in start order, to hand to `selectTraces`.
 */
export class SlowestTraces {
  private kept: Array<[Trace, number]> = [];
  private seq = 0;

  constructor(
    private readonly keep: number,
    private readonly options: SelectOptions,
  ) {}

  add(trace: Trace, firstAppearance: number = this.seq++): void {
    if (!matchesTrace(trace, this.options)) return;
    this.kept.push([trace, firstAppearance]);
    if (this.kept.length > 2 * this.keep + 1024) this.prune();
  }

  /** The traces kept, each with its first appearance: what a worker thread sends back. */
  toState(): SlowestState {
    this.prune();
    return { kept: this.kept };
  }

  /** Takes the traces another keeper kept (same options): as if they had been added here. */
  absorb(state: SlowestState): void {
    for (const [trace, order] of state.kept) this.add(trace, order);
  }

  traces(): Trace[] {
    this.prune();
    return this.kept.sort(([a, i], [b, j]) => byStart(a, b) || i - j).map(([trace]) => trace);
  }

  private prune(): void {
    if (this.kept.length <= this.keep) return;
    this.kept.sort(([a, i], [b, j]) => byDurationDesc(a, b) || i - j);
    this.kept.length = this.keep;
  }
}
