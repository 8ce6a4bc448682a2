// Baseline comparison: regressions past the threshold, improvements, new and
// vanished operations, and the minimum sample count on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, makeTrace } from '../../helpers/spans.js';
import { summarizeBaseline, createBaselineAccumulator, compareBaseline, relativeChange } from '../../../dist/check/baseline.js';
import { evaluateCheck } from '../../../dist/check/evaluate.js';

const MS = 1_000_000n;

/** A trace with `count` spans of `service:name` lasting `durationMs` each (or a list of durations). */
function ops(traceId, list) {
  const spans = [];
  for (const [service, name, durations] of list) {
    for (const d of durations) spans.push(makeSpan({ spanId: `${traceId}-${spans.length}`, service, name, durationMs: d }));
  }
  return makeTrace(spans, traceId);
}
const times = (n, d) => Array.from({ length: n }, () => d);

const BASE = [
  ops('b1', [
    ['web', 'GET /checkout', times(10, 100)],
    ['web', 'GET /cart', times(10, 100)],
    ['db', 'query', times(10, 10)],
    ['web', 'GET /legacy', times(10, 50)],
    ['web', 'GET /rare', times(3, 100)],
    ['web', 'GET /steady', times(10, 100)],
  ]),
];

const CURRENT = [
  ops('c1', [
    ['web', 'GET /checkout', times(10, 130)], // +30% p50 and p95 → regression
    ['web', 'GET /cart', [...times(9, 100), 200]], // p50 same, p95 +100% → regression
    ['db', 'query', times(10, 5)], // −50% → improvement
    ['web', 'GET /new', times(10, 1)], // new
    ['web', 'GET /rare', times(10, 900)], // 3 samples in the baseline → insufficient
    ['web', 'GET /steady', times(10, 119)], // +19% → unchanged
  ]),
];

test('regressions, improvements, new, vanished and insufficient operations', () => {
  const result = evaluateCheck(CURRENT, { baseline: summarizeBaseline(BASE) });
  const b = result.baseline;
  const names = (list) => list.map((c) => c.name);
  assert.deepEqual(names(b.regressions), ['GET /cart', 'GET /checkout']); // worst change first
  assert.deepEqual(names(b.improvements), ['query']);
  assert.deepEqual(names(b.unchanged), ['GET /steady']);
  assert.deepEqual(names(b.insufficient), ['GET /rare']);
  assert.deepEqual(names(b.added), ['GET /new']);
  assert.deepEqual(names(b.vanished), ['GET /legacy']);
  assert.equal(b.regressionFraction, 0.2);
  assert.equal(b.minSamples, 5);

  const checkout = b.regressions.find((c) => c.name === 'GET /checkout');
  assert.ok(Math.abs(checkout.p50Change - 0.3) < 1e-9);
  assert.ok(Math.abs(checkout.p95Change - 0.3) < 1e-9);

  // One violation per regressed metric: checkout p50 and p95, cart p95 only.
  const regressions = result.violations.filter((v) => v.kind === 'regression').map((v) => `${v.name} ${v.rule}`);
  assert.deepEqual(regressions.sort(), ['GET /cart regression p95', 'GET /checkout regression p50', 'GET /checkout regression p95']);
  const cart = result.violations.find((v) => v.name === 'GET /cart');
  assert.equal(cart.durationNs, 200n * MS);
  assert.equal(cart.limitNs, 120n * MS);
  assert.equal(cart.excessNs, 80n * MS);
  assert.equal(cart.traceId, null);
  assert.equal(result.passed, false);
});

test('the threshold and minimum samples are options', () => {
  const loose = evaluateCheck(CURRENT, { baseline: summarizeBaseline(BASE), regressionFraction: 1.5 });
  assert.deepEqual(loose.baseline.regressions, []);
  assert.equal(loose.passed, true);
  // -50% is not an improvement past 150% either.
  assert.deepEqual(loose.baseline.improvements, []);

  const strict = evaluateCheck(CURRENT, { baseline: summarizeBaseline(BASE), minSamples: 3 });
  assert.ok(strict.baseline.regressions.some((c) => c.name === 'GET /rare'));

  const many = evaluateCheck(CURRENT, { baseline: summarizeBaseline(BASE), minSamples: 11 });
  assert.equal(many.baseline.regressions.length, 0);
  assert.equal(many.baseline.insufficient.length, 5); // every operation present on both sides
});

test('exactly at the threshold is not a regression', () => {
  const base = summarizeBaseline([ops('b', [['s', 'op', times(5, 100)]])]);
  const at = evaluateCheck([ops('c', [['s', 'op', times(5, 120)]])], { baseline: base });
  assert.equal(at.baseline.regressions.length, 0);
  assert.equal(at.baseline.unchanged.length, 1);
  const over = evaluateCheck([ops('c', [['s', 'op', times(5, 121)]])], { baseline: base });
  assert.equal(over.baseline.regressions.length, 1);
});

test('a rise from zero is a regression with no ratio', () => {
  assert.equal(relativeChange(0n, 0n), 0);
  assert.equal(relativeChange(0n, 5n), null);
  assert.equal(relativeChange(100n, 50n), -0.5);
  const base = summarizeBaseline([ops('b', [['s', 'op', times(5, 0)]])]);
  const result = evaluateCheck([ops('c', [['s', 'op', times(5, 1)]])], { baseline: base });
  assert.equal(result.baseline.regressions.length, 1);
  assert.equal(result.baseline.regressions[0].p95Change, null);
});

test('baseline summaries can be built incrementally', () => {
  const acc = createBaselineAccumulator();
  for (const t of BASE) acc.add(t);
  const summary = summarizeBaseline(acc);
  assert.equal(summary.kind, 'baseline');
  assert.equal(summary.traceCount, 1);
  assert.equal(summary.spanCount, 53);
  const checkout = summary.operations.find((o) => o.name === 'GET /checkout');
  assert.deepEqual([checkout.count, checkout.p50Ns, checkout.p95Ns, checkout.exact], [10, 100n * MS, 100n * MS, true]);
  // compareBaseline works on summaries directly.
  const direct = compareBaseline(summarizeBaseline(CURRENT).operations, summary);
  assert.equal(direct.regressions.length, 2);
});
