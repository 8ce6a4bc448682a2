import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeCriticalPath, computeSelfTimeNs } from '../../../dist/trace/critical-path.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';
import { nestedParallel } from '../../helpers/trace-scenarios.js';

const MS = 1_000_000n;
const names = (set) => [...set].map((s) => s.spanId).sort();

test('self time is the duration minus the union of the children, clipped to the span', () => {
  const spans = [
    makeSpan({ spanId: 'r', durationMs: 100 }),
    makeSpan({ spanId: 'a', parentId: 'r', startMs: 10, durationMs: 30 }),
    makeSpan({ spanId: 'b', parentId: 'r', startMs: 20, durationMs: 30 }), // overlaps a: union 10–50
    makeSpan({ spanId: 'c', parentId: 'r', startMs: 90, durationMs: 40 }), // runs past the end: 90–100 counts
    makeSpan({ spanId: 'd', parentId: 'r', startMs: -5, durationMs: 10 }), // starts before: 0–5 counts
  ];
  const trace = makeTrace(spans);
  assert.equal(computeSelfTimeNs(trace.roots[0]), (100n - 40n - 10n - 5n) * MS);
  assert.equal(computeSelfTimeNs(spans[1]), 30n * MS);
  const covered = makeTrace([makeSpan({ spanId: 'r', durationMs: 10 }), makeSpan({ spanId: 'x', parentId: 'r', startMs: -1, durationMs: 20 })]);
  assert.equal(computeSelfTimeNs(covered.roots[0]), 0n);
  assert.equal(computeSelfTimeNs(makeSpan({ durationMs: 0, unfinished: true })), 0n);
});

test('critical path: the last-ending child, then children ending before it starts (Jaeger)', () => {
  const trace = nestedParallel();
  // write order ends last; before it, check stock (→ its last reserve → UPDATE, then the first reserve);
  // before check stock started, only validate cart had ended. price items and fraud score overlap.
  assert.deepEqual(names(computeCriticalPath(trace)), ['p2', 'p2a', 'p2b', 'p2b1', 'r', 'v', 'w', 'w1', 'w2'].sort());
});

test('critical path with sequential children, overflowing children and several roots', () => {
  const seq = makeTrace([
    makeSpan({ spanId: 'r', durationMs: 100 }),
    makeSpan({ spanId: 'a', parentId: 'r', startMs: 0, durationMs: 30 }),
    makeSpan({ spanId: 'b', parentId: 'r', startMs: 30, durationMs: 30 }), // starts exactly when a ends
    makeSpan({ spanId: 'c', parentId: 'r', startMs: 35, durationMs: 10 }), // inside b: not critical
    makeSpan({ spanId: 'late', parentId: 'r', startMs: 150, durationMs: 10 }), // after the parent ended
  ]);
  assert.deepEqual(names(computeCriticalPath(seq)), ['a', 'b', 'r']);
  const overflow = makeTrace([
    makeSpan({ spanId: 'r', durationMs: 50 }),
    makeSpan({ spanId: 'long', parentId: 'r', startMs: 10, durationMs: 100 }), // clipped to end at 50
    makeSpan({ spanId: 'early', parentId: 'r', startMs: 0, durationMs: 8 }),
  ]);
  assert.deepEqual(names(computeCriticalPath(overflow)), ['early', 'long', 'r']);
  const roots = makeTrace([
    makeSpan({ spanId: 'x', durationMs: 10 }),
    makeSpan({ spanId: 'y', startMs: 5, durationMs: 50 }),
    makeSpan({ spanId: 'z', startMs: 60, durationMs: 5 }),
  ]);
  assert.deepEqual(names(computeCriticalPath(roots)), ['y', 'z']); // x overlaps y's start
  assert.equal(computeCriticalPath({ ...roots, roots: [] }).size, 0);
});

test('a 30,000-deep chain is walked without recursion', () => {
  const spans = [];
  for (let i = 0; i < 30_000; i++) spans.push(makeSpan({ spanId: `s${i}`, parentId: i ? `s${i - 1}` : null, startMs: i / 1000, durationMs: 100 - i / 1000 }));
  const trace = makeTrace(spans);
  assert.equal(computeCriticalPath(trace).size, 30_000);
});
