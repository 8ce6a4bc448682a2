// Builders for hand-made spans and traces in unit tests of the pure stages.
// Times are given in milliseconds from a fixed epoch for readability.

export const EPOCH_NS = 1_714_557_600_000_000_000n; // 2024-05-01T10:00:00Z

const ms = (value) => BigInt(Math.round(value * 1e6));

/** A Span with defaults; `startMs`/`durationMs` are offsets from EPOCH_NS. */
export function makeSpan({ startMs = 0, durationMs = 1, tags = {}, ...rest } = {}) {
  return {
    traceId: 't1',
    spanId: 's1',
    parentId: null,
    name: 'op',
    service: 'svc',
    startNs: EPOCH_NS + ms(startMs),
    durationNs: ms(durationMs),
    startDigits: 3,
    tags: Object.assign(Object.create(null), tags),
    events: [],
    error: false,
    statusMessage: null,
    kind: null,
    synthetic: false,
    skew: false,
    duplicate: false,
    unfinished: false,
    startInferred: false,
    cycleParentId: null,
    children: [],
    ...rest,
  };
}

/** Links spans by parentId (children by start time) into a Trace. */
export function makeTrace(spans, traceId = spans[0]?.traceId ?? 't1') {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = [];
  for (const span of spans) {
    span.traceId = traceId;
    span.children = [];
  }
  for (const span of spans) {
    const parent = span.parentId === null ? undefined : byId.get(span.parentId);
    (parent ? parent.children : roots).push(span);
  }
  const byStart = (a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0);
  roots.sort(byStart);
  for (const span of spans) span.children.sort(byStart);
  let startNs = spans[0].startNs;
  let endNs = spans[0].startNs + spans[0].durationNs;
  for (const s of spans) {
    if (s.startNs < startNs) startNs = s.startNs;
    if (s.startNs + s.durationNs > endNs) endNs = s.startNs + s.durationNs;
  }
  return { traceId, roots, spanCount: spans.length, startNs, endNs, problems: [] };
}
