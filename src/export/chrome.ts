/**
 * Traces → Chrome Trace Event Format, object form (FORMATS.md B.4), for
 * ui.perfetto.dev, chrome://tracing and speedscope: one process per service,
 * spans as complete "X" slices on lanes that nest properly, events as
 * instants. Pure: no I/O.
 */
import type { Fields, JsonValue, Span, Trace } from '../types.js';
import { listSpans, walkSpans } from '../trace/walk.js';
import { UNKNOWN_SERVICE } from './otlp.js';
import { eventFields, microsWithFraction, spanTags, toPlainJson } from './values.js';

/** One trace event: a complete slice (X), an instant (i) or metadata (M). */
export interface ChromeEvent {
  ph: 'X' | 'i' | 'M';
  name: string;
  pid: number;
  tid: number;
  cat?: string;
  ts?: number;
  dur?: number;
  /** Instant scope: "t" = thread. */
  s?: 't';
  args?: Record<string, JsonValue>;
}

/** The object container form (B.4), preferred over a bare event array. */
export interface ChromeTraceDocument {
  traceEvents: ChromeEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number>;
}

/** Slice name for a span without one. */
const UNNAMED = '(unnamed)';
/** Keys of a slice's args set from the span itself; a tag with one of these names is shown as `tag:<key>`. */
const SPAN_ARG_KEYS = ['traceId', 'spanId', 'parentId', 'service', 'error', 'status', 'synthetic'] as const;

/** Where every span goes: processes by service, lanes within each, and the time origin. */
interface ChromeLayout {
  metadata: ChromeEvent[];
  services: Array<{ pid: number; ordered: Span[]; lanes: number[] }>;
  origin: bigint;
  otherData: Record<string, string | number>;
}

/**
 * The document. Times are µs relative to the earliest span or event start
 * (B.4 allows it), with the ns kept as a 3-digit fraction that a double holds
 * exactly at that size; `otherData.startTimeUnixNano` is the absolute origin.
 */
export function toChromeTrace(traces: readonly Trace[]): ChromeTraceDocument {
  const layout = layoutChrome(traces);
  return { traceEvents: [...layout.metadata, ...sliceEvents(layout)], displayTimeUnit: 'ms', otherData: layout.otherData };
}

/** Pieces of text a writer gathers before handing them on. */
const PIECE_BYTES = 2 ** 20;

/**
 * `JSON.stringify(toChromeTrace(traces))`, in pieces of about a MiB: each event is
 * made and written in turn, so the events of a large file never all wait in memory,
 * nor the whole document as one string.
 */
export function* chromeTraceText(traces: readonly Trace[]): Generator<string> {
  const layout = layoutChrome(traces);
  let piece = '{"traceEvents":[';
  let first = true;
  const events = function* (): Generator<ChromeEvent> {
    yield* layout.metadata;
    yield* sliceEvents(layout);
  };
  for (const event of events()) {
    piece += `${first ? '' : ','}${JSON.stringify(event)}`;
    first = false;
    if (piece.length >= PIECE_BYTES) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}],"displayTimeUnit":"ms","otherData":${JSON.stringify(layout.otherData)}}`;
}

function layoutChrome(traces: readonly Trace[]): ChromeLayout {
  const byService = new Map<string, Span[]>();
  let spanCount = 0;
  let originNs: bigint | null = null;
  for (const trace of traces) {
    for (const span of listSpans(trace)) {
      const service = span.service ?? UNKNOWN_SERVICE;
      let spans = byService.get(service);
      if (spans === undefined) {
        spans = [];
        byService.set(service, spans);
      }
      spans.push(span);
      spanCount += 1;
      if (originNs === null || span.startNs < originNs) originNs = span.startNs;
      for (const event of span.events) {
        if (event.timeNs !== null && event.timeNs < originNs) originNs = event.timeNs;
      }
    }
  }
  const origin = originNs ?? 0n;
  const ranges = treeRanges(traces);
  const metadata: ChromeEvent[] = [];
  const services: ChromeLayout['services'] = [];
  let pid = 0;
  for (const [service, spans] of byService) {
    pid += 1;
    metadata.push({ ph: 'M', name: 'process_name', pid, tid: 0, args: { name: service } });
    metadata.push({ ph: 'M', name: 'process_sort_index', pid, tid: 0, args: { sort_index: pid } });
    const ordered = orderForLanes(spans);
    const lanes = assignLanes(
      ordered.map((span) => ({ startNs: span.startNs, endNs: spanEnd(span) })),
      (outer, inner) => {
        const a = ranges.get(ordered[outer]!)!;
        const b = ranges.get(ordered[inner]!)!;
        return a[0] < b[0] && b[1] <= a[1];
      },
    );
    const laneCount = lanes.reduce((max, lane) => Math.max(max, lane), 0) + 1;
    for (let tid = 1; tid <= laneCount; tid++) {
      metadata.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name: `lane ${tid}` } });
      metadata.push({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: tid } });
    }
    services.push({ pid, ordered, lanes });
  }
  return {
    metadata,
    services,
    origin,
    otherData: { generator: 'tracelog', traceCount: traces.length, spanCount, startTimeUnixNano: origin.toString() },
  };
}

/** Each span's slice and its events' instants, service by service, made as they are asked for. */
function* sliceEvents(layout: ChromeLayout): Generator<ChromeEvent> {
  const at = (ns: bigint): number => microsWithFraction(ns - layout.origin);
  for (const { pid, ordered, lanes } of layout.services) {
    for (let index = 0; index < ordered.length; index++) {
      const span = ordered[index]!;
      const tid = lanes[index]! + 1;
      yield {
        ph: 'X',
        name: span.name ?? UNNAMED,
        cat: span.kind ?? 'span',
        pid,
        tid,
        ts: at(span.startNs),
        dur: microsWithFraction(spanEnd(span) - span.startNs),
        args: sliceArgs(span),
      };
      for (const event of span.events) {
        const instant: ChromeEvent = { ph: 'i', name: event.name, s: 't', pid, tid, ts: at(event.timeNs ?? span.startNs) };
        const args = plainFields(eventFields(event));
        if (Object.keys(args).length > 0) instant.args = args;
        yield instant;
      }
    }
  }
}

/** An interval in ns; `endNs ≥ startNs`. */
export interface LaneInterval {
  startNs: bigint;
  endNs: bigint;
}

/**
 * Lane index (0-based) for each interval, given in order of start ascending
 * and, at equal starts, end descending. Greedy: an interval goes to the first
 * lane where, once the intervals that ended by its start are closed, it fits
 * inside the innermost open one — so each lane holds a properly nested set,
 * which Perfetto and speedscope need (B.4 "Important constraints"). With
 * `nests(outer, inner)`, it also goes inside only an interval that may hold it
 * (its ancestor span), so viewers never show a sibling as a child.
 */
export function assignLanes(intervals: readonly LaneInterval[], nests?: (outer: number, inner: number) => boolean): number[] {
  const stacks: number[][] = [];
  return intervals.map(({ startNs, endNs }, index) => {
    for (let lane = 0; lane < stacks.length; lane++) {
      const stack = stacks[lane]!;
      // Later intervals start no earlier, so closing these is right whichever lane wins.
      while (stack.length > 0 && intervals[stack[stack.length - 1]!]!.endNs <= startNs) stack.pop();
      const top = stack[stack.length - 1];
      if (top === undefined || (endNs <= intervals[top]!.endNs && (nests === undefined || nests(top, index)))) {
        stack.push(index);
        return lane;
      }
    }
    stacks.push([index]);
    return stacks.length - 1;
  });
}

/** Pre-order position and last descendant position of every span: `a` is an ancestor of `b` when it spans it. */
function treeRanges(traces: readonly Trace[]): Map<Span, [number, number]> {
  const ranges = new Map<Span, [number, number]>();
  let counter = 0;
  for (const trace of traces) {
    const order: Span[] = [];
    walkSpans(trace, (span) => {
      ranges.set(span, [counter++, 0]);
      order.push(span);
    });
    for (let i = order.length - 1; i >= 0; i--) {
      const span = order[i]!;
      const range = ranges.get(span)!;
      let last = range[0];
      for (const child of span.children) last = Math.max(last, ranges.get(child)![1]);
      range[1] = last;
    }
  }
  return ranges;
}

function orderForLanes(spans: readonly Span[]): Span[] {
  return spans
    .map((span, index) => ({ span, index }))
    .sort((a, b) => {
      if (a.span.startNs !== b.span.startNs) return a.span.startNs < b.span.startNs ? -1 : 1;
      const endA = spanEnd(a.span);
      const endB = spanEnd(b.span);
      if (endA !== endB) return endA > endB ? -1 : 1;
      return a.index - b.index;
    })
    .map(({ span }) => span);
}

function spanEnd(span: Span): bigint {
  return span.durationNs > 0n ? span.startNs + span.durationNs : span.startNs;
}

function sliceArgs(span: Span): Record<string, JsonValue> {
  const args: Record<string, JsonValue> = Object.create(null);
  args.traceId = span.traceId;
  args.spanId = span.spanId;
  if (span.parentId !== null) args.parentId = span.parentId;
  if (span.service !== null) args.service = span.service;
  if (span.error) {
    args.error = true;
    if (span.statusMessage !== null) args.status = span.statusMessage;
  }
  if (span.synthetic) args.synthetic = true;
  const reserved: ReadonlySet<string> = new Set(SPAN_ARG_KEYS);
  const tags = spanTags(span);
  for (const key of Object.keys(tags)) {
    args[reserved.has(key) ? `tag:${key}` : key] = toPlainJson(tags[key]!);
  }
  return args;
}

function plainFields(fields: Fields): Record<string, JsonValue> {
  const args: Record<string, JsonValue> = Object.create(null);
  for (const key of Object.keys(fields)) args[key] = toPlainJson(fields[key]!);
  return args;
}
