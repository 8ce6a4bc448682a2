// computeStats: grouping, self time, deep traces, exact percentiles and the
// DDSketch fallback's relative error; the table and JSON renderers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import Ajv from 'ajv';
import { makeSpan, makeTrace } from '../../helpers/spans.js';
import { computeStats, createStatsAccumulator, selfTimeNs } from '../../../dist/trace/stats.js';
import { DDSketch } from '../../../dist/trace/dd-sketch.js';
import { DurationSamples, nearestRank } from '../../../dist/trace/duration-samples.js';
import { renderStatsTable, describePercentileAccuracy } from '../../../dist/stats/render-stats-table.js';
import { renderStatsJson } from '../../../dist/stats/render-stats-json.js';

const MS = 1_000_000n;
const SGR = /\x1b\[[0-9;]*m/g;

function sampleTraces() {
  return [
    makeTrace(
      [
        makeSpan({ spanId: 'r', service: 'web', name: 'GET /', startMs: 0, durationMs: 100 }),
        makeSpan({ spanId: 'a', parentId: 'r', service: 'db', name: 'query', startMs: 10, durationMs: 30 }),
        makeSpan({ spanId: 'b', parentId: 'r', service: 'db', name: 'query', startMs: 20, durationMs: 30, error: true }),
        makeSpan({ spanId: 'c', parentId: 'r', service: 'cache', name: 'get', startMs: 90, durationMs: 20 }),
      ],
      't1',
    ),
    makeTrace(
      [
        makeSpan({ spanId: 'r', service: 'web', name: 'GET /', durationMs: 50 }),
        makeSpan({ spanId: 'u', parentId: 'r', service: 'db', name: 'query', durationMs: 0, unfinished: true }),
      ],
      't2',
    ),
  ];
}

test('self time subtracts the union of children clipped to the span', () => {
  const [t1] = sampleTraces();
  const root = t1.roots[0];
  // Children cover 10–50 (two overlapping queries) and 90–100 (cache clipped at the end): 50ms.
  assert.equal(selfTimeNs(root), 50n * MS);
  assert.equal(selfTimeNs(root.children[0]), 30n * MS);
  const early = makeTrace([
    makeSpan({ spanId: 'p', startMs: 10, durationMs: 10 }),
    makeSpan({ spanId: 'k', parentId: 'p', startMs: 0, durationMs: 15 }),
    makeSpan({ spanId: 'j', parentId: 'p', startMs: 30, durationMs: 5 }),
  ]);
  assert.equal(selfTimeNs(early.roots[0]), 5n * MS);
  // Children given out of order are sorted first.
  const p = makeSpan({ spanId: 'p', startMs: 0, durationMs: 100 });
  p.children = [makeSpan({ startMs: 50, durationMs: 10 }), makeSpan({ startMs: 0, durationMs: 10 }), makeSpan({ startMs: 5, durationMs: 10 })];
  assert.equal(selfTimeNs(p), 75n * MS);
});

test('groups by service and name, sorted by total time', () => {
  const stats = computeStats(sampleTraces());
  assert.equal(stats.by, 'service,name');
  assert.equal(stats.traceCount, 2);
  assert.equal(stats.spanCount, 6);
  assert.equal(stats.exact, true);
  const rows = stats.groups.map((g) => [g.service, g.name, g.count, g.errors, g.unfinished, g.totalNs / MS, g.selfNs / MS]);
  assert.deepEqual(rows, [
    ['web', 'GET /', 2, 0, 0, 150n, 100n],
    ['db', 'query', 2, 1, 1, 60n, 60n],
    ['cache', 'get', 1, 0, 0, 20n, 20n],
  ]);
  const web = stats.groups[0];
  assert.deepEqual([web.p50Ns, web.p90Ns, web.p99Ns, web.maxNs].map((n) => n / MS), [50n, 100n, 100n, 100n]);
});

test('groups by service or by name alone', () => {
  const byService = computeStats(sampleTraces(), { by: 'service' });
  assert.deepEqual(byService.groups.map((g) => [g.service, g.name, g.count]), [['web', null, 2], ['db', null, 2], ['cache', null, 1]]);
  const byName = computeStats(sampleTraces(), { by: 'name' });
  assert.deepEqual(byName.groups.map((g) => [g.service, g.name]), [[null, 'GET /'], [null, 'query'], [null, 'get']]);
  assert.throws(() => computeStats([], { by: 'host' }), RangeError);
});

test('placeholders are left out; an accumulator can be fed one trace at a time', () => {
  const acc = createStatsAccumulator({ by: 'service' });
  acc.add(makeTrace([makeSpan({ spanId: 'ghost', synthetic: true, service: null }), makeSpan({ spanId: 'x', parentId: 'ghost', service: 'a' })]));
  const stats = computeStats(acc);
  assert.equal(stats.spanCount, 1);
  assert.deepEqual(stats.groups.map((g) => g.service), ['a']);
});

test('a 100,000-deep chain: self time without recursion', () => {
  const spans = [];
  for (let i = 0; i < 100_000; i++) {
    spans.push(makeSpan({ spanId: `s${i}`, parentId: i === 0 ? null : `s${i - 1}`, startMs: i, durationMs: 100_000 - i }));
  }
  const stats = computeStats([makeTrace(spans, 'deep')], { by: 'service' });
  const [g] = stats.groups;
  assert.equal(g.count, 100_000);
  // Each span's self time is 1ms (its child starts 1ms later and ends with it); the last is 1ms long.
  assert.equal(g.selfNs, 100_000n * MS);
});

test('percentiles are exact nearest-rank values up to the limit', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 500 }), (values) => {
      const samples = new DurationSamples(1000);
      for (const v of values) samples.add(BigInt(v));
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of [50, 90, 95, 99]) assert.equal(samples.percentile(p), BigInt(sorted[nearestRank(p, sorted.length) - 1]));
      assert.equal(samples.maxNs, BigInt(sorted.at(-1)));
      assert.equal(samples.exact, true);
    }),
    { seed: 7, numRuns: 100 },
  );
});

test('DDSketch estimates are within 1% relative error', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 1, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 2000 }),
      fc.double({ min: 0.01, max: 1, noNaN: true }),
      (values, q) => {
        const sketch = new DDSketch(0.01);
        for (const v of values) sketch.add(v);
        const sorted = [...values].sort((a, b) => a - b);
        const rank = Math.max(1, Math.ceil(q * sorted.length));
        const exact = sorted[rank - 1];
        const estimate = sketch.valueAtRank(rank);
        assert.ok(Math.abs(estimate - exact) <= 0.01 * exact * (1 + 1e-9), `${estimate} vs ${exact}`);
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});

test('past the exact limit a group switches to the sketch: ±1% (plus rounding to whole ns)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1_000, max: 10 ** 12 }), { minLength: 20, maxLength: 3000 }), (values) => {
      const samples = new DurationSamples(10);
      for (const v of values) samples.add(BigInt(v));
      assert.equal(samples.exact, false);
      assert.equal(samples.count, values.length);
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of [50, 90, 95, 99]) {
        const exact = sorted[nearestRank(p, sorted.length) - 1];
        const estimate = Number(samples.percentile(p));
        assert.ok(Math.abs(estimate - exact) <= 0.01 * exact + 0.5, `p${p}: ${estimate} vs ${exact}`);
      }
      assert.equal(samples.maxNs, BigInt(sorted.at(-1)));
    }),
    { seed: 1234, numRuns: 100 },
  );
});

test('the sketch holds few buckets for many values; merge keeps exactness only while it fits', () => {
  const sketch = new DDSketch();
  for (let i = 1; i <= 1_000_000; i += 7) sketch.add(i * 1000);
  assert.ok(sketch.bucketCount < 800, `buckets: ${sketch.bucketCount}`);
  const a = new DurationSamples(5);
  const b = new DurationSamples(5);
  for (let i = 1; i <= 3; i++) a.add(BigInt(i));
  for (let i = 4; i <= 5; i++) b.add(BigInt(i));
  a.merge(b);
  assert.equal(a.exact, true);
  assert.equal(a.percentile(50), 3n);
  a.merge(b);
  assert.equal(a.exact, false);
  assert.equal(a.count, 7);
});

test('stats result says when percentiles are approximate', () => {
  const spans = Array.from({ length: 50 }, (_, i) => makeSpan({ spanId: `s${i}`, durationMs: i + 1 }));
  const exact = computeStats([makeTrace(spans)]);
  const approx = computeStats([makeTrace(spans)], { exactLimit: 10 });
  assert.equal(exact.exact, true);
  assert.equal(approx.exact, false);
  assert.equal(approx.groups[0].exact, false);
  assert.equal(describePercentileAccuracy(exact), 'percentiles exact');
  assert.equal(describePercentileAccuracy(approx), 'percentiles approximate, ±1% relative error');
  assert.match(renderStatsTable(exact), /percentiles exact\n$/);
  assert.match(renderStatsTable(approx), /percentiles approximate, ±1% relative error\n$/);
});

test('table: human durations, right-aligned, escaped names, colour optional', () => {
  const traces = sampleTraces();
  traces[0].roots[0].children[2].name = 'get\x1b[2J\u202e|<b>';
  const stats = computeStats(traces);
  const text = renderStatsTable(stats);
  const rows = text.split('\n').filter((l) => l.startsWith('│')).map((l) => l.slice(1, -1).split('│'));
  assert.deepEqual(rows[0].map((c) => c.trim()), ['service', 'span name', 'count', 'errors', 'p50', 'p90', 'p99', 'max', 'total', 'self']);
  assert.deepEqual(rows[1].map((c) => c.trim()), ['web', 'GET /', '2', '0', '50ms', '100ms', '100ms', '100ms', '150ms', '100ms']);
  // Numbers right-aligned: the cell ends with the value and a single pad space.
  for (const cell of rows[1].slice(2)) assert.match(cell, /^ +\S+ $/);
  assert.match(rows[2][2], /^ {2,}2 $/);
  assert.ok(text.includes('get\\x1b[2J\\u202e|<b>'));
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u202e]/);
  assert.match(text, /3 groups, 6 spans in 2 traces; percentiles exact\n$/);
  const coloured = renderStatsTable(stats, { colorLevel: 2 });
  assert.match(coloured, SGR);
  assert.equal(coloured.replace(SGR, ''), text);
  const byService = renderStatsTable(computeStats(sampleTraces(), { by: 'service' }));
  assert.match(byService.split('\n')[1], /│ service +│ count/);
});

test('json: valid against schema/stats.schema.json', () => {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../../schema/stats.schema.json', import.meta.url), 'utf8')));
  for (const stats of [computeStats(sampleTraces()), computeStats(sampleTraces(), { by: 'name', exactLimit: 1 }), computeStats([])]) {
    const doc = JSON.parse(renderStatsJson(stats));
    assert.ok(validate(doc), ajv.errorsText(validate.errors));
  }
  const doc = JSON.parse(renderStatsJson(computeStats(sampleTraces())));
  assert.deepEqual(doc.percentiles, { definition: 'nearest-rank', exact: true, relativeError: 0 });
  assert.deepEqual(doc.groups[1], {
    service: 'db', name: 'query', count: 2, errors: 1, unfinished: 1,
    p50Ns: 30_000_000, p90Ns: 30_000_000, p99Ns: 30_000_000, maxNs: 30_000_000, totalNs: 60_000_000, selfNs: 60_000_000, exact: true,
  });
  const approx = JSON.parse(renderStatsJson(computeStats(sampleTraces(), { exactLimit: 1 })));
  assert.deepEqual(approx.percentiles, { definition: 'nearest-rank', exact: false, relativeError: 0.01 });
});
