/**
 * Records → traces. Groups by trace id, merges begin/end lines of one span,
 * attaches log lines as events, links spans by parent id, keeps orphans under
 * synthetic placeholders, breaks parent cycles deterministically and flags
 * duplicates and clock skew. Pure and iterative: no I/O, no recursion.
 */
import type { Fields, LogRecord, Span, SpanEvent, SpanKind, Trace } from '../types.js';
import { setOwn } from '../extract/fields.js';
import { parseJson } from '../extract/json.js';

/** A span while its lines are still arriving. */
interface Draft {
  spanId: string;
  parentId: string | null;
  name: string | null;
  service: string | null;
  startNs: bigint | null;
  startDigits: number;
  durationNs: bigint | null;
  endNs: bigint | null;
  tags: Fields;
  /** The tags as JSON text while no other line's tags had to be merged in. */
  tagsText: string | undefined;
  error: boolean;
  statusMessage: string | null;
  kind: SpanKind | null;
  /** Has a duration (a whole span line, or begin and end merged). */
  complete: boolean;
  decimalIds: boolean;
  order: number;
  /** The span made of it (buildTrace). */
  built: Span | null;
}

interface PendingEvent {
  spanId: string | null;
  event: SpanEvent;
  order: number;
}

interface TraceDraft {
  traceId: string;
  /** spanId → drafts; more than one only for duplicate ids. */
  spans: Map<string, Draft[]>;
  events: PendingEvent[];
  order: number;
}

/**
 * A child may stick out of its parent by this much before it counts as skewed:
 * SDKs round start times to the millisecond (the OpenTelemetry JS SDK does) while
 * durations keep sub-millisecond digits, so real parents and children differ by less.
 */
export const SKEW_TOLERANCE_NS = 1_000_000n;

/** Id given to a placeholder that holds a trace's events when no span has an id. */
export const NO_SPAN_ID = '(no span id)';

/** A cycle report names at most this many spans. */
const MAX_CYCLE_NAMES = 10;

export class Assembler {
  private readonly traces = new Map<string, TraceDraft>();
  private counter = 0;
  private heldSpans = 0;

  /** Spans and events held for traces not yet finished. */
  get held(): number {
    return this.heldSpans;
  }

  /**
   * O(1) per record. `order` places the record in the whole input (ties between
   * equal start times go to the earlier one); by default, the order of adding.
   * True when the record is its trace's first.
   */
  add(record: LogRecord, order: number = this.counter++): boolean {
    let trace = this.traces.get(record.traceId);
    const first = trace === undefined;
    if (!trace) {
      trace = { traceId: record.traceId, spans: new Map(), events: [], order };
      this.traces.set(record.traceId, trace);
    }
    if (record.kind === 'event' || record.spanId === null) {
      this.heldSpans++;
      trace.events.push({
        spanId: record.spanId,
        order,
        event: {
          timeNs: record.timeNs,
          timeDigits: record.timeDigits,
          name: record.message ?? '',
          fields: record.tags,
          // Always there, undefined or not: one shape for every event, every span (built with a spread, each took ~4× as long).
          fieldsText: record.tagsText,
        },
      });
      return first;
    }
    const list = trace.spans.get(record.spanId);
    const target = list ? mergeTarget(list, record) : undefined;
    if (target) {
      mergeInto(target, record);
      return first;
    }
    const draft = newDraft(record, order);
    this.heldSpans++;
    if (list) list.push(draft);
    else trace.spans.set(record.spanId, [draft]);
    return first;
  }

  /** Removes and returns one trace, built. */
  take(traceId: string): Trace | undefined {
    return this.takeOrdered(traceId)?.[0];
  }

  /** As `take`, with the trace's first appearance (see `finishOrdered`). */
  takeOrdered(traceId: string): [Trace, number] | undefined {
    const draft = this.traces.get(traceId);
    if (!draft) return undefined;
    this.traces.delete(traceId);
    let count = draft.events.length;
    for (const list of draft.spans.values()) count += list.length;
    this.heldSpans -= count;
    return [buildTrace(draft), draft.order];
  }

  /** Every trace, built, ordered by start time (then first appearance). */
  finish(): Trace[] {
    return this.finishOrdered().map(([t]) => t);
  }

  /** As `finish`, with each trace's first appearance (the order its first record was added with). */
  finishOrdered(): Array<[Trace, number]> {
    const built: Array<[Trace, number]> = [];
    for (const draft of this.traces.values()) built.push([buildTrace(draft), draft.order]);
    this.traces.clear();
    this.heldSpans = 0;
    built.sort(compareTraces);
    return built;
  }
}

/** By start time, then first appearance. */
function compareTraces(a: readonly [Trace, number], b: readonly [Trace, number]): number {
  return compareBig(a[0].startNs, b[0].startNs) || a[1] - b[1];
}

/**
 * The draft a record with a known span id belongs to, or undefined for a new span.
 * A whole span line meeting another whole one is a duplicate. A begin line after a
 * finished span with that id ended starts another span (an id reused); otherwise
 * lines with the same id are parts of one span, and later lines fill gaps.
 */
function mergeTarget(list: Draft[], record: LogRecord): Draft | undefined {
  switch (record.kind) {
    case 'span':
      return list.find((d) => !d.complete);
    case 'begin':
      return list.find(
        (d) =>
          !d.complete ||
          record.timeNs === null ||
          d.startNs === null ||
          d.durationNs === null ||
          record.timeNs <= d.startNs + d.durationNs,
      );
    default:
      return list.find((d) => !d.complete) ?? list[list.length - 1];
  }
}

function newDraft(record: LogRecord, order: number): Draft {
  const draft: Draft = {
    spanId: record.spanId!,
    parentId: null,
    name: null,
    service: null,
    startNs: null,
    startDigits: 0,
    durationNs: null,
    endNs: null,
    // The first record's tags become the span's (records are not reused).
    tags: record.tags,
    tagsText: record.tagsText,
    error: false,
    statusMessage: null,
    kind: null,
    complete: false,
    decimalIds: false,
    order,
    built: null,
  };
  mergeInto(draft, record);
  return draft;
}

/** Fills the draft's gaps from a record: earlier lines win, later lines fill what is missing. */
function mergeInto(draft: Draft, record: LogRecord): void {
  draft.parentId ??= record.parentId;
  draft.name ??= record.name;
  draft.service ??= record.service;
  draft.kind ??= record.spanKind;
  if (record.decimalIds) draft.decimalIds = true;
  if (record.error) {
    draft.error = true;
    draft.statusMessage ??= record.statusMessage;
  }
  if (record.kind === 'end') {
    if (record.timeNs !== null && draft.endNs === null) draft.endNs = record.timeNs;
  } else if (record.timeNs !== null && draft.startNs === null) {
    draft.startNs = record.timeNs;
    draft.startDigits = record.timeDigits;
  }
  if (record.kind === 'span' && draft.durationNs === null && record.durationNs !== null) draft.durationNs = record.durationNs;
  if (draft.durationNs === null && draft.startNs !== null && draft.endNs !== null && draft.endNs >= draft.startNs) {
    draft.durationNs = draft.endNs - draft.startNs;
  }
  draft.complete = draft.durationNs !== null;
  if (draft.tags !== record.tags) {
    // Tags read as text are merged as objects.
    if (draft.tagsText !== undefined) {
      draft.tags = fieldsFromText(draft.tagsText);
      draft.tagsText = undefined;
    }
    const tags = record.tagsText === undefined ? record.tags : fieldsFromText(record.tagsText);
    for (const key of Object.keys(tags)) if (!Object.hasOwn(draft.tags, key)) setOwn(draft.tags, key, tags[key]!);
  }
}

/** Tags written as JSON text, as an object again (the text came from an object: it parses). */
function fieldsFromText(text: string): Fields {
  return parseJson(text) as Fields;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function spanFromDraft(traceId: string, d: Draft): Span {
  let startNs = d.startNs;
  let durationNs = d.durationNs;
  if (startNs === null && d.endNs !== null && durationNs !== null) startNs = d.endNs - durationNs;
  const unfinished = durationNs === null;
  if (durationNs === null) durationNs = 0n;
  return {
    traceId,
    spanId: d.spanId,
    parentId: d.parentId,
    name: d.name,
    service: d.service,
    startNs: startNs ?? 0n,
    durationNs,
    startDigits: d.startDigits,
    tags: d.tags,
    tagsText: d.tagsText,
    events: [],
    error: d.error,
    statusMessage: d.statusMessage,
    kind: d.kind,
    synthetic: false,
    skew: false,
    duplicate: false,
    unfinished,
    startInferred: startNs === null,
    cycleParentId: null,
    children: [],
    decimalIds: d.decimalIds,
  };
}

function placeholder(traceId: string, spanId: string): Span {
  return {
    traceId,
    spanId,
    parentId: null,
    name: null,
    service: null,
    startNs: 0n,
    durationNs: 0n,
    startDigits: 0,
    tags: {},
    tagsText: undefined,
    events: [],
    error: false,
    statusMessage: null,
    kind: null,
    synthetic: true,
    skew: false,
    duplicate: false,
    unfinished: false,
    startInferred: true,
    cycleParentId: null,
    children: [],
    decimalIds: false,
  };
}

type Built = Span;

function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 16)}…` : id;
}

/** Builds one trace from its drafts. */
export function buildTrace(draft: TraceDraft): Trace {
  const { traceId } = draft;
  const problems: string[] = [];
  const spans: Built[] = [];
  // A span id's span is the first of its drafts' (`spanOf`); placeholders are kept here.
  const placeheld = new Map<string, Built>();
  const spanOf = (spanId: string): Built | undefined => draft.spans.get(spanId)?.[0]?.built ?? placeheld.get(spanId);
  // Input order breaks ties between equal start times.
  const orderOf = new Map<Built, number>();
  const byStart = (a: Built, b: Built): number => compareBig(a.startNs, b.startNs) || orderOf.get(a)! - orderOf.get(b)!;
  for (const [spanId, list] of draft.spans) {
    if (list.length > 1) list.sort((a, b) => a.order - b.order);
    for (const d of list) {
      const span = spanFromDraft(traceId, d);
      d.built = span;
      orderOf.set(span, d.order);
      spans.push(span);
    }
    if (list.length > 1) {
      for (const d of list) d.built!.duplicate = true;
      problems.push(`trace ${shortId(traceId)}: ${list.length} spans share id ${shortId(spanId)}; all kept`);
    }
  }

  // Events: onto their span, or a placeholder for a span that never arrived.
  const rootEvents: PendingEvent[] = [];
  const placeholders: Built[] = [];
  for (const pending of draft.events) {
    if (pending.spanId === null) {
      rootEvents.push(pending);
      continue;
    }
    let span = spanOf(pending.spanId);
    if (!span) {
      span = placeholder(traceId, pending.spanId);
      orderOf.set(span, pending.order);
      placeheld.set(pending.spanId, span);
      spans.push(span);
      placeholders.push(span);
    }
    span.events.push(pending.event);
  }

  // Link children to parents; a missing parent gets one placeholder for all its orphans.
  const roots: Built[] = [];
  const parentOf = new Map<Built, Built>();
  for (const span of spans.slice()) {
    const pid = span.parentId;
    if (pid === null || span.synthetic) {
      roots.push(span);
      continue;
    }
    if (pid === span.spanId) {
      span.cycleParentId = pid;
      span.parentId = null;
      roots.push(span);
      problems.push(`trace ${shortId(traceId)}: span ${shortId(span.spanId)} is its own parent; shown as a root`);
      continue;
    }
    let parent = spanOf(pid);
    if (!parent) {
      parent = placeholder(traceId, pid);
      orderOf.set(parent, orderOf.get(span)!);
      placeheld.set(pid, parent);
      spans.push(parent);
      placeholders.push(parent);
      roots.push(parent);
    }
    parent.children.push(span);
    parentOf.set(span, parent);
    if (parent.synthetic && span.decimalIds) parent.decimalIds = true;
  }

  breakCycles(traceId, spans, roots, parentOf, problems);

  // Placeholders cover their children's known times.
  for (const p of placeholders) {
    let start: bigint | null = null;
    let end: bigint | null = null;
    const cover = (s: bigint, e: bigint): void => {
      if (start === null || s < start) start = s;
      if (end === null || e > end) end = e;
    };
    for (const c of p.children) {
      if (c.startInferred) continue;
      cover(c.startNs, c.startNs + c.durationNs);
      p.startDigits = Math.max(p.startDigits, c.startDigits);
    }
    for (const e of p.events) {
      if (e.timeNs === null) continue;
      cover(e.timeNs, e.timeNs);
      p.startDigits = Math.max(p.startDigits, e.timeDigits);
    }
    if (start !== null && end !== null) {
      p.startNs = start;
      p.durationNs = (end as bigint) - start;
      p.startInferred = false;
    }
  }

  // Spans with no time of their own start with their parent (or the trace's earliest time).
  let earliest: bigint | null = null;
  for (const s of spans) if (!s.startInferred && (earliest === null || s.startNs < earliest)) earliest = s.startNs;
  for (const e of rootEvents) if (e.event.timeNs !== null && (earliest === null || e.event.timeNs < earliest)) earliest = e.event.timeNs;
  const stack: Built[] = [...roots];
  while (stack.length > 0) {
    const span = stack.pop()!;
    if (span.startInferred) {
      const parent = parentOf.get(span);
      span.startNs = parent ? parent.startNs : (earliest ?? 0n);
      if (span.synthetic && span.children.length === 0) span.startNs = earliest ?? 0n;
    }
    for (const child of span.children) stack.push(child);
  }

  // Events with no span id go to the first root, or to a placeholder of their own.
  if (rootEvents.length > 0) {
    roots.sort(byStart);
    let holder = roots.find((r) => !r.synthetic) ?? roots[0];
    if (!holder) {
      holder = placeholder(traceId, NO_SPAN_ID);
      orderOf.set(holder, rootEvents[0]!.order);
      holder.startNs = earliest ?? 0n;
      let end = holder.startNs;
      for (const e of rootEvents) {
        if (e.event.timeNs === null) continue;
        if (e.event.timeNs > end) end = e.event.timeNs;
        holder.startDigits = Math.max(holder.startDigits, e.event.timeDigits);
      }
      holder.durationNs = end - holder.startNs;
      holder.startInferred = earliest === null;
      spans.push(holder);
      roots.push(holder);
    }
    for (const e of rootEvents) holder.events.push(e.event);
  }

  // Order children and events by time; flag spans outside their parent's interval.
  let startNs: bigint | null = null;
  let endNs: bigint | null = null;
  for (const span of spans) {
    if (span.children.length > 1) span.children.sort(byStart);
    if (span.events.length > 1) span.events.sort((a, b) => compareBig(a.timeNs ?? span.startNs, b.timeNs ?? span.startNs));
    const parent = parentOf.get(span);
    if (parent && !span.startInferred && !parent.startInferred && !parent.synthetic && !parent.unfinished) {
      const end = span.startNs + span.durationNs;
      if (span.startNs + SKEW_TOLERANCE_NS < parent.startNs || end > parent.startNs + parent.durationNs + SKEW_TOLERANCE_NS) span.skew = true;
    }
    const end = span.startNs + span.durationNs;
    if (startNs === null || span.startNs < startNs) startNs = span.startNs;
    if (endNs === null || end > endNs) endNs = end;
  }
  roots.sort(byStart);
  return { traceId, roots, spanCount: spans.length, startNs: startNs ?? 0n, endNs: endNs ?? 0n, problems };
}

/**
 * Spans not reachable from a root hang off a parent cycle. Each cycle is cut at
 * its earliest span (then smallest id), which becomes a root and remembers the
 * parent it had.
 */
function breakCycles(traceId: string, spans: Built[], roots: Built[], parentOf: Map<Built, Built>, problems: string[]): void {
  const reached = new Set<Built>();
  const mark = (from: Built): void => {
    const stack = [from];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (reached.has(s)) continue;
      reached.add(s);
      for (const c of s.children) stack.push(c);
    }
  };
  for (const r of roots) mark(r);
  if (reached.size === spans.length) return;
  for (const span of spans) {
    if (reached.has(span)) continue;
    // Follow parents until a span repeats: that loop is the cycle.
    const seenAt = new Map<Built, number>();
    const path: Built[] = [];
    let cur: Built | undefined = span;
    while (cur && !seenAt.has(cur) && !reached.has(cur)) {
      seenAt.set(cur, path.length);
      path.push(cur);
      cur = parentOf.get(cur);
    }
    if (!cur || reached.has(cur)) continue; // hangs off something already fixed
    const cycle = path.slice(seenAt.get(cur));
    let cut = cycle[0]!;
    for (const s of cycle) if (compareBig(s.startNs, cut.startNs) < 0 || (s.startNs === cut.startNs && s.spanId < cut.spanId)) cut = s;
    const parent = parentOf.get(cut)!;
    parent.children.splice(parent.children.indexOf(cut), 1);
    parentOf.delete(cut);
    cut.cycleParentId = cut.parentId;
    cut.parentId = null;
    roots.push(cut);
    mark(cut);
    // A long cycle is named by its first spans and its length: the report stays one readable line.
    const shown = cycle.slice(0, cycle.length > MAX_CYCLE_NAMES ? MAX_CYCLE_NAMES - 2 : cycle.length).map((s) => shortId(s.spanId));
    const loop = shown.length < cycle.length ? `${shown.join(' → ')} → … ${(cycle.length - shown.length).toLocaleString('en-US')} more → ${shown[0]}` : [...shown, shown[0]].join(' → ');
    problems.push(`trace ${shortId(traceId)}: parent cycle ${loop} broken at ${shortId(cut.spanId)}`);
  }
}
