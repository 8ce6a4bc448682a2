// Records → traces: grouping, begin/end merging, events, placeholders for
// missing parents, cycles of length 1–3, duplicate ids, clock skew, ordering,
// and the sizes the issue asks for (a 100,000-deep chain, a 1,000,000-span trace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Assembler, NO_SPAN_ID } from '../../../dist/trace/assemble.js';
import { listSpans, walkSpans } from '../../../dist/trace/walk.js';
import { traceToJson, traceToSpanLines } from '../../../dist/export/spans.js';

const EPOCH_NS = 1_714_557_600_000_000_000n; // 2024-05-01T10:00:00Z
const ms = (value) => EPOCH_NS + BigInt(Math.round(value * 1e6));
const dur = (value) => BigInt(Math.round(value * 1e6));

let lineNo = 0;
/** A LogRecord; `at`/`ms` are milliseconds after EPOCH_NS. */
function rec({ trace = 't', span = null, parent = null, kind, at, ms: durationMs, name = null, msg = null, tags = {}, error = false, service = null }) {
  const k = kind ?? (span !== null && durationMs !== undefined ? 'span' : 'event');
  return {
    kind: k,
    traceId: trace,
    spanId: span,
    parentId: parent,
    name,
    service,
    timeNs: at === undefined ? null : ms(at),
    timeDigits: at === undefined ? 0 : 3,
    durationNs: k === 'span' ? dur(durationMs) : null,
    error,
    statusMessage: null,
    spanKind: null,
    message: msg,
    tags: Object.assign(Object.create(null), tags),
    source: 'test.log',
    line: ++lineNo,
  };
}

function assemble(records) {
  const assembler = new Assembler();
  for (const r of records) assembler.add(r);
  return assembler.finish();
}

/** The tree as nested [spanId, ...children] arrays, for readable assertions. */
function shape(trace) {
  const build = (span) => (span.children.length === 0 ? span.spanId : [span.spanId, ...span.children.map(build)]);
  return trace.roots.map(build);
}

const byId = (trace) => new Map(listSpans(trace).map((s) => [s.spanId, s]));

test('groups by trace id and orders traces by start time, then by first appearance', () => {
  const traces = assemble([
    rec({ trace: 'b', span: 'b1', at: 1000, ms: 5 }),
    rec({ trace: 'a', span: 'a1', at: 0, ms: 5 }),
    rec({ trace: 'b', span: 'b2', parent: 'b1', at: 1001, ms: 1 }),
    rec({ trace: 'c', span: 'c1', at: 2000, ms: 1 }),
    rec({ trace: 'd', span: 'd1', at: 2000, ms: 1 }),
    rec({ trace: 'a', span: 'a2', parent: 'a1', at: 1, ms: 1 }),
  ]);
  assert.deepEqual(traces.map((t) => t.traceId), ['a', 'b', 'c', 'd']);
  assert.deepEqual(shape(traces[0]), [['a1', 'a2']]);
  assert.deepEqual(shape(traces[1]), [['b1', 'b2']]);
  assert.deepEqual(traces.map((t) => t.spanCount), [2, 2, 1, 1]);
});

test('children are ordered by start time whatever the input order; ties keep input order', () => {
  const [trace] = assemble([
    rec({ span: 'c3', parent: 'root', at: 30, ms: 1 }),
    rec({ span: 'c1', parent: 'root', at: 10, ms: 1 }),
    rec({ span: 'c2b', parent: 'root', at: 20, ms: 1 }),
    rec({ span: 'c2a', parent: 'root', at: 20, ms: 1 }),
    rec({ span: 'root', at: 0, ms: 100 }),
  ]);
  assert.deepEqual(shape(trace), [['root', 'c1', 'c2b', 'c2a', 'c3']]);
  assert.equal(trace.startNs, ms(0));
  assert.equal(trace.endNs, ms(100));
});

test('begin and end lines of one span merge; later lines fill gaps, never overwrite', () => {
  const [trace] = assemble([
    rec({ span: 'req', kind: 'begin', at: 0, name: 'GET /', tags: { 'http.method': 'GET', k: 'first' } }),
    rec({ span: 'req', kind: 'end', at: 80, name: 'ignored', tags: { k: 'second', 'http.status_code': 200 } }),
  ]);
  const span = trace.roots[0];
  assert.equal(trace.spanCount, 1);
  assert.equal(span.name, 'GET /');
  assert.equal(span.startNs, ms(0));
  assert.equal(span.durationNs, dur(80));
  assert.equal(span.unfinished, false);
  assert.deepEqual({ ...span.tags }, { 'http.method': 'GET', k: 'first', 'http.status_code': 200 });
});

test('an end line arriving before its begin line still merges', () => {
  const [trace] = assemble([
    rec({ span: 's', kind: 'end', at: 50 }),
    rec({ span: 's', kind: 'begin', at: 20, name: 'late begin', parent: 'p' }),
    rec({ span: 'p', at: 0, ms: 100 }),
  ]);
  const s = byId(trace).get('s');
  assert.equal(s.startNs, ms(20));
  assert.equal(s.durationNs, dur(30));
  assert.equal(s.name, 'late begin');
  assert.deepEqual(shape(trace), [['p', 's']]);
});

test('a begin line and a whole span line with the same id merge into one span', () => {
  const [trace] = assemble([
    rec({ span: 's', kind: 'begin', at: 0, name: 'op', tags: { a: 1 } }),
    rec({ span: 's', at: 0, ms: 12, tags: { b: 2 } }),
  ]);
  assert.equal(trace.spanCount, 1);
  assert.equal(trace.roots[0].durationNs, dur(12));
  assert.deepEqual({ ...trace.roots[0].tags }, { a: 1, b: 2 });
  assert.equal(trace.problems.length, 0);
});

test('a begin line with no end is an unfinished span of duration 0', () => {
  const [trace] = assemble([rec({ span: 's', kind: 'begin', at: 5, name: 'op' })]);
  assert.equal(trace.roots[0].unfinished, true);
  assert.equal(trace.roots[0].durationNs, 0n);
});

test('events attach to their span, before or after it arrives, sorted by time', () => {
  const [trace] = assemble([
    rec({ span: 's', at: 30, msg: 'second', tags: { n: 2 } }),
    rec({ span: 's', at: 0, ms: 100, name: 'op' }),
    rec({ span: 's', at: 10, msg: 'first', tags: { n: 1 } }),
  ]);
  const span = trace.roots[0];
  assert.equal(trace.spanCount, 1);
  assert.deepEqual(span.events.map((e) => [e.name, e.timeNs, e.fields.n]), [['first', ms(10), 1], ['second', ms(30), 2]]);
});

test('an event without a span id goes to the trace root', () => {
  const [trace] = assemble([
    rec({ at: 5, msg: 'no span id' }),
    rec({ span: 'child', parent: 'root', at: 1, ms: 2 }),
    rec({ span: 'root', at: 0, ms: 10 }),
  ]);
  assert.deepEqual(byId(trace).get('root').events.map((e) => e.name), ['no span id']);
  assert.equal(byId(trace).get('child').events.length, 0);
});

test('an event whose span never appears is kept on a synthetic placeholder', () => {
  const [trace] = assemble([
    rec({ span: 'root', at: 0, ms: 100 }),
    rec({ span: 'ghost', at: 50, msg: 'first' }),
    rec({ span: 'ghost', at: 70, msg: 'second' }),
  ]);
  const ghost = byId(trace).get('ghost');
  assert.equal(ghost.synthetic, true);
  assert.deepEqual(ghost.events.map((e) => e.name), ['first', 'second']);
  assert.equal(ghost.startNs, ms(50));
  assert.equal(ghost.durationNs, dur(20));
  assert.deepEqual(shape(trace), ['root', 'ghost']);
});

test('a trace of events only gets one placeholder holding them all', () => {
  const [trace] = assemble([rec({ trace: 'ev', at: 0, msg: 'a' }), rec({ trace: 'ev', at: 5, msg: 'b' })]);
  assert.equal(trace.spanCount, 1);
  const holder = trace.roots[0];
  assert.equal(holder.spanId, NO_SPAN_ID);
  assert.equal(holder.synthetic, true);
  assert.deepEqual(holder.events.map((e) => e.name), ['a', 'b']);
  assert.equal(holder.startNs, ms(0));
  assert.equal(holder.durationNs, dur(5));
});

test('the placeholder holding events shows their precision', () => {
  const [trace] = assemble([rec({ trace: 'ev', at: 0, msg: 'a' }), rec({ trace: 'ev', at: 5, msg: 'b' })]);
  assert.equal(trace.roots[0].startDigits, 3);
  assert.match(traceToSpanLines(trace)[0], /"startTime":"2024-05-01T10:00:00\.000Z"/);
});

test('a missing parent becomes one synthetic placeholder for all its orphans', () => {
  const [trace] = assemble([
    rec({ span: 'root', at: 0, ms: 100 }),
    rec({ span: 'child-1', parent: 'lost', at: 20, ms: 10 }),
    rec({ span: 'child-2', parent: 'lost', at: 40, ms: 20 }),
    rec({ span: 'grandchild', parent: 'child-2', at: 45, ms: 1 }),
  ]);
  assert.deepEqual(shape(trace), ['root', ['lost', 'child-1', ['child-2', 'grandchild']]]);
  const lost = byId(trace).get('lost');
  assert.equal(lost.synthetic, true);
  assert.equal(lost.parentId, null);
  assert.equal(lost.name, null);
  assert.equal(lost.startNs, ms(20), 'covers its children');
  assert.equal(lost.durationNs, dur(40));
  assert.equal(trace.spanCount, 5);
  for (const span of listSpans(trace)) if (span.spanId !== 'lost') assert.equal(span.synthetic, false);
});

test('an orphan placeholder and an event placeholder for the same id are one span', () => {
  const [trace] = assemble([
    rec({ span: 'ghost', at: 10, msg: 'log line' }),
    rec({ span: 'child', parent: 'ghost', at: 20, ms: 5 }),
  ]);
  assert.deepEqual(shape(trace), [['ghost', 'child']]);
  assert.equal(trace.roots[0].events.length, 1);
  assert.equal(trace.spanCount, 2);
});

test('a span with no time starts with its parent', () => {
  const [trace] = assemble([rec({ span: 'root', at: 10, ms: 100 }), rec({ span: 'child', parent: 'root', ms: 5 })]);
  const child = byId(trace).get('child');
  assert.equal(child.startNs, ms(10));
  assert.equal(child.startInferred, true);
  assert.equal(child.skew, false);
});

function cycleCheck(trace, { cut, cycleParent, problem }) {
  const spans = listSpans(trace);
  assert.equal(spans.length, trace.spanCount, 'every span reachable exactly once');
  assert.equal(new Set(spans).size, spans.length);
  const cutSpan = byId(trace).get(cut);
  assert.ok(trace.roots.includes(cutSpan), 'the cut span is a root');
  assert.equal(cutSpan.parentId, null);
  assert.equal(cutSpan.cycleParentId, cycleParent);
  assert.equal(trace.problems.length, 1);
  assert.match(trace.problems[0], problem);
}

test('cycle of length 1: a span that is its own parent becomes a root', () => {
  const [trace] = assemble([rec({ span: 'a', parent: 'a', at: 0, ms: 10 })]);
  cycleCheck(trace, { cut: 'a', cycleParent: 'a', problem: /span a is its own parent/ });
});

test('cycle of length 2: cut at the earliest span', () => {
  const [trace] = assemble([rec({ span: 'a', parent: 'b', at: 5, ms: 10 }), rec({ span: 'b', parent: 'a', at: 0, ms: 10 })]);
  cycleCheck(trace, { cut: 'b', cycleParent: 'a', problem: /parent cycle .*broken at b/ });
  assert.deepEqual(shape(trace), [['b', 'a']]);
});

test('a cycle of 100,000 spans is reported in one short line: its first spans and how many more', () => {
  const n = 100_000;
  const records = [];
  for (let i = 0; i < n; i++) records.push(rec({ span: `s${i}`, parent: `s${(i + 1) % n}`, at: i, ms: 1 }));
  const [trace] = assemble(records);
  assert.equal(trace.problems.length, 1);
  assert.ok(trace.problems[0].length < 200, trace.problems[0]);
  assert.match(trace.problems[0], /parent cycle s0 → s1 → s2 → s3 → s4 → s5 → s6 → s7 → … 99,992 more → s0 broken at s0$/);
  assert.equal(trace.spanCount, n);
});

test('cycle of length 3 with a span hanging off it', () => {
  const [trace] = assemble([
    rec({ span: 'a', parent: 'c', at: 0, ms: 10 }),
    rec({ span: 'b', parent: 'a', at: 1, ms: 10 }),
    rec({ span: 'c', parent: 'b', at: 2, ms: 10 }),
    rec({ span: 'd', parent: 'c', at: 3, ms: 1 }),
  ]);
  cycleCheck(trace, { cut: 'a', cycleParent: 'c', problem: /parent cycle a → c → b → a broken at a/ });
  assert.deepEqual(shape(trace), [['a', ['b', ['c', 'd']]]]);
});

test('cycles are broken the same way whatever the input order', () => {
  const records = [
    { span: 'x', parent: 'z', at: 7, ms: 1 },
    { span: 'y', parent: 'x', at: 3, ms: 1 },
    { span: 'z', parent: 'y', at: 3, ms: 1 },
    { span: 'root', at: 0, ms: 100 },
    { span: 'p', parent: 'q', at: 1, ms: 1 },
    { span: 'q', parent: 'p', at: 1, ms: 1 },
  ];
  const permutations = [records, [...records].reverse(), [records[2], records[0], records[5], records[3], records[1], records[4]]];
  const results = permutations.map((order) => {
    const [trace] = assemble(order.map((r) => rec(r)));
    return JSON.stringify({ shape: shape(trace), cut: listSpans(trace).filter((s) => s.cycleParentId !== null).map((s) => s.spanId).sort() });
  });
  assert.equal(new Set(results).size, 1, results.join('\n'));
  // Equal start times: the smallest id is cut.
  assert.match(results[0], /"cut":\["p","y"\]/);
});

test('duplicate span ids: both spans kept, flagged and reported', () => {
  const [trace] = assemble([
    rec({ span: 'root', at: 0, ms: 100 }),
    rec({ span: 'dup', parent: 'root', at: 10, ms: 10, name: 'first' }),
    rec({ span: 'dup', parent: 'root', at: 50, ms: 20, name: 'second' }),
    rec({ span: 'dup', at: 12, msg: 'event on dup' }),
  ]);
  assert.equal(trace.spanCount, 3);
  const dups = listSpans(trace).filter((s) => s.spanId === 'dup');
  assert.deepEqual(dups.map((s) => [s.name, s.duplicate]), [['first', true], ['second', true]]);
  assert.equal(byId(trace).get('root').duplicate, false);
  assert.deepEqual(trace.problems, ['trace t: 2 spans share id dup; all kept']);
  assert.equal(dups.reduce((n, s) => n + s.events.length, 0), 1, 'the event is kept once');
});

test('duplicate span ids from two begin/end pairs: both spans kept and reported', () => {
  const [trace] = assemble([
    rec({ span: 's', kind: 'begin', at: 0, name: 'first' }),
    rec({ span: 's', kind: 'end', at: 1000 }),
    rec({ span: 's', kind: 'begin', at: 5000, name: 'second' }),
    rec({ span: 's', kind: 'end', at: 7000 }),
  ]);
  assert.equal(trace.spanCount, 2);
  assert.deepEqual(listSpans(trace).map((s) => [s.name, s.startNs, s.durationNs, s.duplicate]), [
    ['first', ms(0), dur(1000), true],
    ['second', ms(5000), dur(2000), true],
  ]);
  assert.equal(trace.problems.length, 1);
});

test('clock skew: spans outside their parent are flagged, times kept as logged', () => {
  const [trace] = assemble([
    rec({ span: 'parent', at: 100, ms: 50 }),
    rec({ span: 'early', parent: 'parent', at: 90, ms: 5 }),
    rec({ span: 'late', parent: 'parent', at: 140, ms: 30 }),
    rec({ span: 'inside', parent: 'parent', at: 110, ms: 10 }),
    rec({ span: 'exact', parent: 'parent', at: 100, ms: 50 }),
  ]);
  const spans = byId(trace);
  assert.deepEqual(['parent', 'early', 'late', 'inside', 'exact'].map((id) => spans.get(id).skew), [false, true, true, false, false]);
  assert.equal(spans.get('early').startNs, ms(90));
  assert.equal(spans.get('late').startNs, ms(140));
  assert.equal(spans.get('late').durationNs, dur(30));
  assert.deepEqual(shape(trace), [['parent', 'early', 'exact', 'inside', 'late']]);
});

test('children of a placeholder are not flagged as skewed', () => {
  const [trace] = assemble([rec({ span: 'a', parent: 'lost', at: 0, ms: 5 }), rec({ span: 'b', parent: 'lost', at: 100, ms: 5 })]);
  for (const span of listSpans(trace)) assert.equal(span.skew, false);
});

test('ids that name Object.prototype members are ordinary ids', () => {
  const [trace] = assemble([
    rec({ trace: '__proto__', span: 'constructor', at: 0, ms: 10 }),
    rec({ trace: '__proto__', span: 'toString', parent: 'constructor', at: 1, ms: 1 }),
    rec({ trace: '__proto__', span: 'hasOwnProperty', parent: 'prototype', at: 2, ms: 1 }),
  ]);
  assert.equal(trace.traceId, '__proto__');
  assert.deepEqual(shape(trace), [['constructor', 'toString'], ['prototype', 'hasOwnProperty']]);
  assert.equal({}.polluted, undefined);
});

test('take() removes one trace and keeps the count of held records', () => {
  const assembler = new Assembler();
  assembler.add(rec({ trace: 'a', span: 's', at: 0, ms: 1 }));
  assembler.add(rec({ trace: 'b', span: 's', at: 0, ms: 1 }));
  assembler.add(rec({ trace: 'b', at: 0, msg: 'e' }));
  assert.equal(assembler.held, 3);
  assert.equal(assembler.take('b').spanCount, 1);
  assert.equal(assembler.held, 1);
  assert.equal(assembler.take('b'), undefined);
  assert.deepEqual(assembler.finish().map((t) => t.traceId), ['a']);
  assert.equal(assembler.held, 0);
});

test('held counts spans, not lines: a begin and an end line are one held span', () => {
  const assembler = new Assembler();
  assembler.add({ ...rec({ trace: 'a', span: 's', at: 0 }), kind: 'begin', durationNs: null, name: 'op', message: null });
  assembler.add({ ...rec({ trace: 'a', span: 's', at: 1 }), kind: 'end', durationNs: null, message: null });
  assert.equal(assembler.held, 1);
  assert.equal(assembler.take('a').spanCount, 1);
  assert.equal(assembler.held, 0);
});

test('a 100,000-deep chain assembles and exports without recursion', () => {
  const depth = 100_000;
  const assembler = new Assembler();
  // Input order reversed: the deepest span arrives first.
  for (let i = depth - 1; i >= 0; i--) {
    assembler.add(rec({ trace: 'deep', span: `s${i}`, parent: i === 0 ? null : `s${i - 1}`, at: i * 0.001, ms: (depth - i) * 0.002 }));
  }
  const [trace] = assembler.finish();
  assert.equal(trace.spanCount, depth);
  let maxDepth = 0;
  let order = 0;
  walkSpans(trace, (span, d) => {
    assert.equal(span.spanId, `s${order++}`);
    if (d > maxDepth) maxDepth = d;
  });
  assert.equal(maxDepth, depth - 1);
  assert.equal(traceToSpanLines(trace).length, depth);
  const json = traceToJson(trace);
  assert.ok(json.endsWith(']}'.repeat(depth + 1)));
  assert.equal(json.split('"children":[').length - 1, depth);
});

test('a 1,000,000-span trace assembles in reasonable time', () => {
  const count = 1_000_000;
  const started = Date.now();
  const assembler = new Assembler();
  const tags = Object.create(null);
  for (let i = 0; i < count; i++) {
    // s0 is the root, s1…s999 its children, and every other span a child of one of those.
    assembler.add({
      kind: 'span',
      traceId: 'big',
      spanId: `s${i}`,
      parentId: i === 0 ? null : i < 1000 ? 's0' : `s${i % 1000 || 1}`,
      name: 'op',
      service: null,
      timeNs: EPOCH_NS + BigInt(i) * 1000n,
      timeDigits: 6,
      durationNs: 1000n,
      error: false,
      statusMessage: null,
      spanKind: null,
      message: null,
      tags,
      source: 'gen',
      line: i + 1,
    });
  }
  const [trace] = assembler.finish();
  const elapsedMs = Date.now() - started;
  assert.equal(trace.spanCount, count);
  assert.equal(trace.roots.length, 1);
  let seen = 0;
  walkSpans(trace, () => seen++);
  assert.equal(seen, count);
  assert.ok(elapsedMs < 30_000, `took ${elapsedMs} ms`);
});
