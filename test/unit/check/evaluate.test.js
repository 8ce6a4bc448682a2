// evaluateCheck: limits and rule precedence, percentile rules against exactly
// computed values, structural findings, bounded memory and streaming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeSpan, makeTrace } from '../../helpers/spans.js';
import { evaluateCheck, createCheckAccumulator, exitCodeFor } from '../../../dist/check/evaluate.js';
import { parseRule } from '../../../dist/check/rules.js';
import { nearestRank } from '../../../dist/trace/duration-samples.js';

const MS = 1_000_000n;

/** One trace of independent root spans with the given durations (ms) and service/name. */
function flat(traceId, specs) {
  return makeTrace(
    specs.map(([service, name, durationMs], i) => makeSpan({ spanId: `${traceId}-${i}`, service, name, durationMs, startMs: i })),
    traceId,
  );
}

test('spans over max are violations, with the ids to open them', () => {
  const result = evaluateCheck([flat('t1', [['web', 'GET /', 600], ['web', 'GET /', 400], ['web', 'GET /', 500]])], {
    maxNs: 500n * MS,
  });
  assert.equal(result.violationCount, 1);
  const [v] = result.violations;
  assert.equal(v.kind, 'max');
  assert.equal(v.rule, 'max');
  assert.equal(v.durationNs, 600n * MS);
  assert.equal(v.limitNs, 500n * MS);
  assert.equal(v.excessNs, 100n * MS);
  assert.equal(v.traceId, 't1');
  assert.equal(v.spanId, 't1-0');
  assert.equal(result.passed, false);
  assert.equal(exitCodeFor(result), 1);
  // A span exactly at the limit passes.
  assert.equal(result.checked[0].spanCount, 3);
});

test('no limits, no violations: exit 0', () => {
  const result = evaluateCheck([flat('t1', [['a', 'b', 10_000]])]);
  assert.equal(result.passed, true);
  assert.equal(exitCodeFor(result), 0);
  assert.deepEqual(result.checked, []);
});

test('the most specific rule wins over less specific rules and over max', () => {
  const rules = ['db:*=100ms', 'db:SELECT*=20ms', '*:GET /checkout*=300ms'].map(parseRule);
  const trace = flat('t', [
    ['db', 'SELECT 1', 50], // db:SELECT* (20ms) → violation, not db:* (100ms)
    ['db', 'INSERT', 50], // db:* → fine, though over max
    ['web', 'GET /checkout', 350], // rule → violation
    ['web', 'GET /', 45], // max → violation
  ]);
  const result = evaluateCheck([trace], { maxNs: 40n * MS, rules });
  // Worst excess first: 50ms, 30ms, 5ms.
  const summary = result.violations.map((v) => [v.rule, v.name, v.limitNs / MS, v.excessNs / MS]);
  assert.deepEqual(summary, [
    ['*:GET /checkout*', 'GET /checkout', 300n, 50n],
    ['db:SELECT*', 'SELECT 1', 20n, 30n],
    ['max', 'GET /', 40n, 5n],
  ]);
  assert.deepEqual(result.violations.map((v) => v.kind), ['rule', 'rule', 'max']);
});

test('placeholder and unfinished spans are never over a limit', () => {
  const spans = [
    makeSpan({ spanId: 'p', synthetic: true, name: null, service: null, durationMs: 9000 }),
    makeSpan({ spanId: 'c', parentId: 'p', durationMs: 5 }),
    makeSpan({ spanId: 'u', unfinished: true, durationMs: 0 }),
  ];
  const result = evaluateCheck([makeTrace(spans, 't')], { maxNs: 1n * MS });
  assert.equal(result.violationCount, 1);
  assert.equal(result.violations[0].spanId, 'c');
  assert.equal(result.spanCount, 2);
});

test('percentile rules use the nearest-rank definition over all matching spans', () => {
  // 100 spans of 1..100 ms in checkout, 10 spans of 1000 ms elsewhere.
  const specs = Array.from({ length: 100 }, (_, i) => ['web', 'GET /checkout', i + 1]);
  for (let i = 0; i < 10; i++) specs.push(['web', 'GET /other', 1000]);
  const traces = [flat('t', specs)];
  const result = evaluateCheck(traces, {
    percentileRules: [
      { percentile: 50, pattern: '*:GET /checkout*', limitNs: 50n * MS }, // p50 = 50 → pass (not over)
      { percentile: 95, pattern: '*:GET /checkout*', limitNs: 94n * MS }, // p95 = 95 → violation
      { percentile: 99, pattern: 'GET /checkout', limitNs: 99n * MS }, // p99 = 99 → pass
      { percentile: 90, pattern: 'web:*', limitNs: 500n * MS }, // over 110 spans: rank 99 → 99ms → pass
      { percentile: 95, pattern: 'web:*', limitNs: 500n * MS }, // rank ceil(104.5)=105 → 1000ms → violation
      { percentile: 99, pattern: 'nothing:*', limitNs: 1n }, // no spans → unused, passes
    ],
  });
  const values = result.percentiles.map((p) => [p.rule, p.valueNs === null ? null : p.valueNs / MS, p.passed]);
  assert.deepEqual(values, [
    ['p50 *:GET /checkout*', 50n, true],
    ['p95 *:GET /checkout*', 95n, false],
    ['p99 GET /checkout', 99n, true],
    ['p90 web:*', 99n, true],
    ['p95 web:*', 1000n, false],
    ['p99 nothing:*', null, true],
  ]);
  assert.ok(result.percentiles.every((p) => p.exact));
  assert.equal(result.violationCounts.percentile, 2);
  const v = result.violations.find((x) => x.rule === 'p95 *:GET /checkout*');
  assert.equal(v.excessNs, 1n * MS);
  assert.deepEqual(result.unusedRules, ['p99 nothing:*']);
});

test('percentile rules match exactly computed nearest-rank values on random data', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 1e9 }), { minLength: 1, maxLength: 300 }), fc.constantFrom(50, 90, 95, 99), (durations, p) => {
      const trace = makeTrace(durations.map((d, i) => makeSpan({ spanId: `s${i}`, durationNs: BigInt(d) })), 't');
      const sorted = [...durations].sort((a, b) => a - b);
      const expected = BigInt(sorted[nearestRank(p, sorted.length) - 1]);
      const result = evaluateCheck([trace], { percentileRules: [{ percentile: p, pattern: '*', limitNs: expected }] });
      assert.equal(result.percentiles[0].valueNs, expected);
      assert.equal(result.percentiles[0].passed, true);
      const tighter = evaluateCheck([trace], { percentileRules: [{ percentile: p, pattern: '*', limitNs: expected - 1n }] });
      assert.equal(tighter.percentiles[0].passed, false);
    }),
    { seed: 20240501, numRuns: 60 },
  );
});

test('nearestRank avoids float drift', () => {
  assert.equal(nearestRank(7, 100), 7); // 0.07 * 100 is 7.000000000000001 in floats
  assert.equal(nearestRank(95, 20), 19);
  assert.equal(nearestRank(50, 1), 1);
  assert.equal(nearestRank(99, 1000), 990);
  assert.equal(nearestRank(50, 4), 2);
});

test('structural findings are warnings unless named in failOn', () => {
  const spans = [
    makeSpan({ spanId: 'root' }),
    makeSpan({ spanId: 'missing', synthetic: true, name: null, service: null }),
    makeSpan({ spanId: 'orphan', parentId: 'missing', name: 'child' }),
    makeSpan({ spanId: 'cyc', cycleParentId: 'x' }),
    makeSpan({ spanId: 'dup', parentId: 'root', duplicate: true }),
    makeSpan({ spanId: 'skewed', parentId: 'root', skew: true }),
  ];
  const trace = makeTrace(spans, 't');
  const warned = evaluateCheck([trace]);
  assert.equal(warned.passed, true);
  assert.deepEqual(warned.structure, { orphans: 1, cycles: 1, duplicates: 1, skew: 1 });
  assert.equal(warned.warningCount, 4);
  const orphan = warned.warnings.find((w) => w.kind === 'orphan');
  assert.equal(orphan.spanId, 'orphan');
  assert.equal(orphan.name, 'child');
  assert.match(orphan.detail, /parent missing never arrived/);

  const failed = evaluateCheck([trace], { failOn: ['orphans', 'skew'] });
  assert.equal(failed.passed, false);
  assert.equal(failed.violationCount, 2);
  assert.deepEqual(failed.violations.map((v) => v.kind).sort(), ['orphan', 'skew']);
  assert.equal(failed.warningCount, 2);
  assert.deepEqual(failed.failOn, ['orphans', 'skew']);
  assert.equal(exitCodeFor(failed), 1);
});

test('the accumulator takes traces one at a time and keeps only the worst violations', () => {
  const acc = createCheckAccumulator({ maxNs: 1n * MS, maxViolationsKept: 5 });
  for (let t = 0; t < 200; t++) acc.add(flat(`t${t}`, [['svc', 'op', 2 + (t % 50)]]));
  const result = acc.finish();
  assert.equal(result.violationCount, 200);
  assert.equal(result.violations.length, 5);
  // The five worst excesses: 50ms (×4: t=49, 99, 149, 199) then 49ms.
  assert.deepEqual(
    result.violations.map((v) => v.excessNs / MS),
    [50n, 50n, 50n, 50n, 49n],
  );
  // Among equal excesses, the earliest seen are kept first.
  assert.deepEqual(result.violations.slice(0, 4).map((v) => v.traceId), ['t49', 't99', 't149', 't199']);
  assert.equal(result.traceCount, 200);
  assert.equal(acc.finish(), result);
  assert.throws(() => acc.add(flat('late', [['a', 'b', 1]])));
  // evaluateCheck accepts a fed accumulator.
  const acc2 = createCheckAccumulator({ maxNs: 1n * MS });
  acc2.add(flat('x', [['a', 'b', 5]]));
  assert.equal(evaluateCheck(acc2).violationCount, 1);
});

test('operations past maxOperations are gathered in one checked entry per rule', () => {
  const specs = Array.from({ length: 30 }, (_, i) => ['svc', `op-${i}`, 10]);
  const result = evaluateCheck([flat('t', specs)], { maxNs: 5n * MS, maxOperations: 10 });
  assert.equal(result.checked.length, 11);
  const other = result.checked.find((c) => c.other);
  assert.equal(other.spanCount, 20);
  assert.equal(other.violationCount, 20);
  assert.equal(result.violationCount, 30);
});

test('unused duration rules are listed', () => {
  const result = evaluateCheck([flat('t', [['db', 'q', 1]])], { rules: ['db:*=1s', 'cache:*=1s'].map(parseRule) });
  assert.deepEqual(result.unusedRules, ['cache:*']);
});

test('a 100,000-deep trace is checked without recursion', () => {
  const spans = [];
  for (let i = 0; i < 100_000; i++) {
    spans.push(makeSpan({ spanId: `s${i}`, parentId: i === 0 ? null : `s${i - 1}`, startMs: i * 0.001, durationMs: 200 - i * 0.001 }));
  }
  const result = evaluateCheck([makeTrace(spans, 'deep')], { maxNs: 150n * MS });
  assert.ok(result.violationCount > 0);
  assert.equal(result.spanCount, 100_000);
});

test('traces added in any order, each with its place, give what start order gives; past maxOperations the order matters', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.constantFrom('x', 'y', 'z'), fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 12 }),
      fc.integer(),
      (specs, seed) => {
        // Traces with equal starts and equal excesses: the ties are what the places decide.
        const traces = specs.map(([startMs, spans], i) =>
          makeTrace(spans.map(([service, name, durationMs], j) => makeSpan({ spanId: `t${i}-${j}`, service, name, durationMs, startMs })), `t${i}`),
        );
        const options = { maxNs: 2n * MS, rules: [parseRule('a:*=4ms')], maxViolationsKept: 3 };
        const inOrder = createCheckAccumulator(options);
        // A trace's place is where it first appeared in the input; start order is by start, then place.
        const places = traces.map((trace, i) => [trace, i]);
        const byStart = places.slice().sort(([a, i], [b, j]) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : i - j));
        for (const [trace] of byStart) inOrder.add(trace);
        const shuffled = places.slice();
        let s = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) | 0;
          const j = Math.abs(s) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const anyOrder = createCheckAccumulator(options);
        for (const [trace, place] of shuffled) anyOrder.add(trace, place);
        assert.equal(anyOrder.orderMatters, false);
        assert.deepEqual(anyOrder.finish(), inOrder.finish());
      },
    ),
    { numRuns: 300 },
  );
  const few = createCheckAccumulator({ maxNs: MS, maxOperations: 2 });
  few.add(flat('t1', [['a', 'x', 1], ['a', 'y', 1]]), 0);
  assert.equal(few.orderMatters, true);
});
