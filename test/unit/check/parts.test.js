// Check and statistics made in parts (one per worker thread, each over its own
// traces, handed over as plain data) give exactly the result of one accumulator
// fed every trace in start order: violations kept and counted, warnings, rules
// used, exact and sketched percentiles, baseline summaries and regressions, groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { makeSpan, makeTrace } from '../../helpers/spans.js';
import { createCheckAccumulator } from '../../../dist/check/evaluate.js';
import { createBaselineAccumulator } from '../../../dist/check/baseline.js';
import { parsePercentileRule, parseRule } from '../../../dist/check/rules.js';
import { createStatsAccumulator } from '../../../dist/trace/stats.js';

const SERVICES = ['web', 'db', 'cache'];
const NAMES = ['GET /', 'SELECT', 'get', 'POST /pay'];

/** A trace with a root and children: random operations, durations (some tied), errors, orphans, duplicates. */
const traceArb = fc
  .record({
    startMs: fc.integer({ min: 0, max: 50 }),
    spans: fc.array(
      fc.record({
        service: fc.constantFrom(...SERVICES),
        name: fc.constantFrom(...NAMES),
        durationMs: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constantFrom(5, 100, 250)),
        error: fc.boolean(),
        unfinished: fc.boolean(),
        orphan: fc.boolean(),
        duplicate: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ startMs, spans }, i) => ({ startMs, spans, i }));

function build(specs) {
  return specs.map(({ startMs, spans }, t) => {
    const id = `t${t}`;
    const made = spans.map((s, i) =>
      makeSpan({
        traceId: id,
        spanId: `${id}-${i}`,
        parentId: i === 0 ? null : s.orphan ? `${id}-missing` : `${id}-0`,
        service: s.service,
        name: s.name,
        startMs: startMs + i,
        durationMs: s.durationMs,
        error: s.error,
        unfinished: i > 0 && s.unfinished,
        duplicate: s.duplicate,
      }),
    );
    return makeTrace(made, id);
  });
}

/** Every trace in start order to one accumulator; then in parts (trace i to part parts[i]), each part's traces in reverse, absorbed after a structured clone. */
function wholeAndParts(create, traces, partOf, partCount) {
  const one = create();
  traces.forEach((trace, i) => one.add(trace, i));
  const joined = create();
  for (let p = 0; p < partCount; p++) {
    const part = create();
    for (let i = traces.length - 1; i >= 0; i--) if (partOf[i] === p) part.add(traces[i], i);
    joined.absorb(structuredClone(part.toState()));
  }
  return [one.finish(), joined.finish(), joined];
}

const checkInput = fc.record({
  traces: fc.array(traceArb, { minLength: 0, maxLength: 30 }),
  baseline: fc.array(traceArb, { minLength: 0, maxLength: 10 }),
  partSeed: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 30, maxLength: 30 }),
  kept: fc.integer({ min: 0, max: 6 }),
  exactLimit: fc.integer({ min: 0, max: 12 }),
});

test('check: parts absorbed give the result of one accumulator', () => {
  fc.assert(
    fc.property(checkInput, ({ traces: specs, baseline: baselineSpecs, partSeed, kept, exactLimit }) => {
      const baselineAcc = createBaselineAccumulator();
      for (const trace of build(baselineSpecs)) baselineAcc.add(trace);
      const options = {
        maxNs: 200_000_000n,
        rules: ['db:*=50ms', 'web:GET*=300ms', 'none:*=1ms'].map(parseRule),
        percentileRules: [parsePercentileRule(95, '*=150ms'), parsePercentileRule(50, 'db:*=10ms')],
        failOn: ['orphans'],
        baseline: baselineAcc.finish(),
        minSamples: 1,
        maxViolationsKept: kept,
        exactLimit,
      };
      const traces = build(specs);
      const [one, joined, acc] = wholeAndParts(() => createCheckAccumulator(options), traces, partSeed, 3);
      assert.equal(acc.orderMatters, false);
      assert.deepEqual(joined, one);
    }),
    { numRuns: 300 },
  );
});

test('check: past the operations tracked one by one, the joined parts say the order matters', () => {
  const traces = build(Array.from({ length: 6 }, (_, i) => ({ startMs: i, spans: [{ service: `s${i}`, name: 'op', durationMs: 1 }] })));
  const create = () => createCheckAccumulator({ maxNs: 1n, maxOperations: 4 });
  const parts = [create(), create()];
  traces.forEach((trace, i) => parts[i % 2].add(trace, i));
  assert.equal(parts[0].orderMatters, false);
  const joined = create();
  for (const part of parts) joined.absorb(structuredClone(part.toState()));
  assert.equal(joined.orderMatters, true);
});

test('baseline: parts absorbed give the summary of one accumulator; past the cap, the order matters', () => {
  fc.assert(
    fc.property(
      fc.array(traceArb, { maxLength: 30 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 30, maxLength: 30 }),
      fc.integer({ min: 0, max: 12 }),
      (specs, partOf, exactLimit) => {
        const [one, joined, acc] = wholeAndParts(() => createBaselineAccumulator({ exactLimit }), build(specs), partOf, 3);
        assert.equal(acc.orderMatters, false);
        assert.deepEqual(joined, one);
      },
    ),
    { numRuns: 200 },
  );
  const capped = () => createBaselineAccumulator({ maxOperations: 2 });
  const parts = [capped(), capped()];
  build([0, 1, 2].map((i) => ({ startMs: i, spans: [{ service: `s${i}`, name: 'op', durationMs: 1 }] }))).forEach((trace, i) => parts[i % 2].add(trace));
  const joined = capped();
  for (const part of parts) joined.absorb(structuredClone(part.toState()));
  assert.equal(joined.orderMatters, true);
});

test('stats: parts absorbed give the statistics of one accumulator, exact and sketched', () => {
  fc.assert(
    fc.property(
      fc.array(traceArb, { maxLength: 30 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 30, maxLength: 30 }),
      fc.integer({ min: 0, max: 12 }),
      fc.constantFrom('service', 'name', 'service,name'),
      (specs, partOf, exactLimit, by) => {
        const [one, joined] = wholeAndParts(() => createStatsAccumulator({ by, exactLimit }), build(specs), partOf, 3);
        assert.deepEqual(joined, one);
      },
    ),
    { numRuns: 300 },
  );
});
