/**
 * Traces → Chrome Trace Event Format, object form (FORMATS.md B.4), for
 * ui.perfetto.dev, chrome://tracing and speedscope: one process per service,
 * spans as complete "X" slices on lanes that nest properly, events as
 * instants. Pure: no I/O (a spill file for large input is handed in).
 */
import type { Fields, JsonValue, Span, Trace } from '../types.js';
import type { Spill } from '../parallel/spill.js';
import { listSpans } from '../trace/walk.js';
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

/**
 * What the document keeps of a span until it is written: the text of its slice and
 * instants, made as the span's trace is added, less the parts that depend on where it
 * goes (process, lane, time from the origin), and what places it. The trace itself is not
 * kept, and past `memoryBytes` the texts go to a temporary file, so a large file's traces
 * never all wait in memory.
 */
interface HeldSlice {
  startNs: bigint;
  endNs: bigint;
  /** Its place over every trace's spans, depth-first, and that of its last descendant: a slice holds another it spans. */
  first: number;
  last: number;
  /**
   * The slice's event and its instants' with a gap where each one's place goes:
   * `{"ph":"X","name":…,"cat":…,` | `"args":{…}}`, then for each instant
   * `{"ph":"i","name":…,"s":"t",` | `,"args":{…}}` or `}`. Null once spilled.
   */
  text: string | null;
  /** Where the text is in the spill file, and its length in bytes. */
  offset: number;
  bytes: number;
  /** The length of each part of the text, in characters. */
  parts: number[];
  /** Each instant's time; null: the span's start. */
  instantTimes: ReadonlyArray<bigint | null>;
}

const NO_INSTANTS: ReadonlyArray<bigint | null> = [];

/** Pieces of text a writer gathers before handing them on. */
const PIECE_BYTES = 2 ** 20;

/** Where slices' texts go past memory: a temporary file (parallel/spill.ts), or null to keep them. */
type OpenSpill = () => Spill | null;

/** A trace's slices, with its place in start order. */
interface HeldTrace {
  startNs: bigint;
  firstAppearance: number;
  services: string[];
  slices: HeldSlice[];
}

/**
 * The document, built trace by trace: `add` each trace (in order, or in any order with its
 * first appearance: then as if they had come in start order), then `text` writes it, once.
 * Times are µs relative to the earliest span or event start (B.4 allows it), with the ns
 * kept as a 3-digit fraction that a double holds exactly at that size;
 * `otherData.startTimeUnixNano` is the absolute origin. Processes are numbered by service
 * in order of first appearance.
 */
export class ChromeTraceBuilder {
  private readonly traces: HeldTrace[] = [];
  private originNs: bigint | null = null;
  private spanCount = 0;
  private position = 0;
  private inMemory = 0;
  private spill: Spill | null = null;
  private spillTried = false;
  /** Traces came with their first appearance: they are put in start order before writing. */
  private anyOrder = false;

  /** Texts past `memoryBytes` go to the file `openSpill` makes (by default, none: all stay in memory). */
  constructor(
    private readonly openSpill: OpenSpill = () => null,
    private readonly memoryBytes: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Adds a trace; without `firstAppearance`, the document keeps the order traces are added in. */
  add(trace: Trace, firstAppearance?: number): void {
    if (firstAppearance !== undefined) this.anyOrder = true;
    const spans = listSpans(trace);
    const held: HeldTrace = { startNs: trace.startNs, firstAppearance: firstAppearance ?? this.traces.length, services: [], slices: [] };
    const bySpan = new Map<Span, HeldSlice>();
    for (const span of spans) {
      let origin = this.originNs === null || span.startNs < this.originNs ? span.startNs : this.originNs;
      for (const event of span.events) if (event.timeNs !== null && event.timeNs < origin) origin = event.timeNs;
      this.originNs = origin;
      const parts = [`{"ph":"X","name":${JSON.stringify(span.name ?? UNNAMED)},"cat":${JSON.stringify(span.kind ?? 'span')},`, `"args":${JSON.stringify(sliceArgs(span))}}`];
      for (const event of span.events) {
        const args = plainFields(eventFields(event));
        parts.push(`{"ph":"i","name":${JSON.stringify(event.name)},"s":"t",`, Object.keys(args).length > 0 ? `,"args":${JSON.stringify(args)}}` : '}');
      }
      const slice: HeldSlice = {
        startNs: span.startNs,
        endNs: spanEnd(span),
        first: this.position++,
        last: 0,
        text: null,
        offset: -1,
        bytes: 0,
        parts: parts.map((part) => part.length),
        instantTimes: span.events.length === 0 ? NO_INSTANTS : span.events.map((event) => event.timeNs),
      };
      this.keep(slice, parts.join(''));
      bySpan.set(span, slice);
      held.services.push(span.service ?? UNKNOWN_SERVICE);
      held.slices.push(slice);
      this.spanCount += 1;
    }
    for (let i = spans.length - 1; i >= 0; i--) {
      const span = spans[i]!;
      const slice = bySpan.get(span)!;
      let last = slice.first;
      for (const child of span.children) last = Math.max(last, bySpan.get(child)!.last);
      slice.last = last;
    }
    this.traces.push(held);
  }

  /** Holds a slice's text in memory, or past `memoryBytes` in the spill file when there is one. */
  private keep(slice: HeldSlice, text: string): void {
    if (this.inMemory >= this.memoryBytes && !this.spillTried) {
      this.spillTried = true;
      this.spill = this.openSpill();
    }
    if (this.spill === null || this.inMemory < this.memoryBytes) {
      slice.text = text;
      this.inMemory += text.length;
    } else [slice.offset, slice.bytes] = this.spill.appendText(text);
  }

  /**
   * `JSON.stringify` of the document, in pieces of about a MiB: metadata (process and lane
   * names) first, then each service's slices, each followed by its instants.
   */
  *text(): Generator<string> {
    const origin = this.originNs ?? 0n;
    // Start order, then first appearance (as traces read whole come).
    if (this.anyOrder) this.traces.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.firstAppearance - b.firstAppearance));
    const byService = new Map<string, HeldSlice[]>();
    for (const trace of this.traces) {
      for (let i = 0; i < trace.slices.length; i++) {
        const service = trace.services[i]!;
        let slices = byService.get(service);
        if (slices === undefined) {
          slices = [];
          byService.set(service, slices);
        }
        slices.push(trace.slices[i]!);
      }
    }
    const metadata: ChromeEvent[] = [];
    const services: Array<{ pid: number; ordered: HeldSlice[]; lanes: number[] }> = [];
    let pid = 0;
    for (const [service, slices] of byService) {
      pid += 1;
      metadata.push({ ph: 'M', name: 'process_name', pid, tid: 0, args: { name: service } });
      metadata.push({ ph: 'M', name: 'process_sort_index', pid, tid: 0, args: { sort_index: pid } });
      const ordered = orderForLanes(slices);
      // A slice goes inside only one that may hold it: its ancestor span.
      const lanes = assignLanes(ordered, (outer, inner) => ordered[outer]!.first < ordered[inner]!.first && ordered[inner]!.last <= ordered[outer]!.last);
      const laneCount = lanes.reduce((max, lane) => Math.max(max, lane), 0) + 1;
      for (let tid = 1; tid <= laneCount; tid++) {
        metadata.push({ ph: 'M', name: 'thread_name', pid, tid, args: { name: `lane ${tid}` } });
        metadata.push({ ph: 'M', name: 'thread_sort_index', pid, tid, args: { sort_index: tid } });
      }
      services.push({ pid, ordered, lanes });
    }
    const at = (ns: bigint): number => microsWithFraction(ns - origin);
    let piece = '{"traceEvents":[';
    let first = true;
    // Adds an event; returns the piece when it is full.
    const write = (event: string): string | null => {
      piece += first ? event : `,${event}`;
      first = false;
      if (piece.length < PIECE_BYTES) return null;
      const full = piece;
      piece = '';
      return full;
    };
    for (const event of metadata) {
      const full = write(JSON.stringify(event));
      if (full !== null) yield full;
    }
    let buffer = Buffer.alloc(0);
    try {
      for (const { pid, ordered, lanes } of services) {
        for (let index = 0; index < ordered.length; index++) {
          const slice = ordered[index]!;
          let text = slice.text;
          if (text === null) {
            if (buffer.length < slice.bytes) buffer = Buffer.allocUnsafe(Math.max(slice.bytes, 2 * buffer.length, 4096));
            this.spill!.read(buffer, 0, slice.bytes, slice.offset);
            text = buffer.toString('utf8', 0, slice.bytes);
          } else slice.text = null;
          const { parts } = slice;
          const place = `"pid":${pid},"tid":${lanes[index]! + 1}`;
          let cut = parts[0]! + parts[1]!;
          let full = write(`${text.slice(0, parts[0])}${place},"ts":${at(slice.startNs)},"dur":${microsWithFraction(slice.endNs - slice.startNs)},${text.slice(parts[0], cut)}`);
          if (full !== null) yield full;
          for (let i = 0; i < slice.instantTimes.length; i++) {
            const open = cut + parts[2 + 2 * i]!;
            const close = open + parts[3 + 2 * i]!;
            full = write(`${text.slice(cut, open)}${place},"ts":${at(slice.instantTimes[i] ?? slice.startNs)}${text.slice(open, close)}`);
            if (full !== null) yield full;
            cut = close;
          }
        }
      }
    } finally {
      this.spill?.close();
      this.spill = null;
    }
    const otherData = { generator: 'tracelog', traceCount: this.traces.length, spanCount: this.spanCount, startTimeUnixNano: origin.toString() };
    yield `${piece}],"displayTimeUnit":"ms","otherData":${JSON.stringify(otherData)}}`;
  }
}

/** The document for these traces as text, in pieces (see ChromeTraceBuilder). */
export function* chromeTraceText(traces: Iterable<Trace>): Generator<string> {
  const builder = new ChromeTraceBuilder();
  for (const trace of traces) builder.add(trace);
  yield* builder.text();
}

/** The document for these traces as an object: what `chromeTraceText` writes. */
export function toChromeTrace(traces: Iterable<Trace>): ChromeTraceDocument {
  return JSON.parse([...chromeTraceText(traces)].join('')) as ChromeTraceDocument;
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

/** Slices by start, then end descending (an outer slice before what it holds), then as added. */
function orderForLanes(slices: readonly HeldSlice[]): HeldSlice[] {
  return slices
    .map((slice, index) => ({ slice, index }))
    .sort((a, b) => {
      if (a.slice.startNs !== b.slice.startNs) return a.slice.startNs < b.slice.startNs ? -1 : 1;
      if (a.slice.endNs !== b.slice.endNs) return a.slice.endNs > b.slice.endNs ? -1 : 1;
      return a.index - b.index;
    })
    .map(({ slice }) => slice);
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
