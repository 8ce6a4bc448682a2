import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayWidth } from '../../../dist/render/display-width.js';
import { OperationSummaries, percentileNs, renderSummary, summarizeOperations } from '../../../dist/render/summary.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';
import * as scenarios from '../../helpers/trace-scenarios.js';

const MS = 1_000_000n;

function manyTraces() {
  const traces = [];
  for (let i = 1; i <= 20; i++) {
    traces.push(
      makeTrace(
        [
          makeSpan({ spanId: 'r', name: 'GET /', service: 'web', durationMs: i * 10 }),
          makeSpan({ spanId: 'a', parentId: 'r', name: 'query', service: 'db', durationMs: i, error: i % 5 === 0 }),
          makeSpan({ spanId: 'u', parentId: 'r', name: 'upload', service: null, durationMs: 0, unfinished: i > 1 }),
          makeSpan({ spanId: 'p', name: null, service: 'ghost', synthetic: true }),
        ],
        `t${i}`,
      ),
    );
  }
  return traces;
}

test('percentiles use the nearest rank', () => {
  const values = Array.from({ length: 20 }, (_, i) => BigInt(i + 1));
  assert.equal(percentileNs(values, 50), 10n);
  assert.equal(percentileNs(values, 95), 19n);
  assert.equal(percentileNs(values, 100), 20n);
  assert.equal(percentileNs([7n], 95), 7n);
  assert.equal(percentileNs([], 50), null);
});

test('stats per service and operation, placeholders left out, unfinished spans without duration', () => {
  const stats = summarizeOperations(manyTraces());
  assert.deepEqual(
    stats.map((s) => [s.service, s.name, s.count, s.errors]),
    [
      ['db', 'query', 20, 4],
      ['web', 'GET /', 20, 0],
      [null, 'upload', 20, 0],
    ],
  );
  assert.deepEqual([stats[0].p50Ns, stats[0].p95Ns, stats[0].maxNs], [10n * MS, 19n * MS, 20n * MS]);
  assert.deepEqual([stats[2].p50Ns, stats[2].maxNs], [0n, 0n]); // only the first upload finished
});

test('the table is aligned, in human units, with no colour when the level is 0', () => {
  const lines = renderSummary(manyTraces(), { colorLevel: 0 });
  assert.deepEqual(lines, [
    '┌─────────┬───────────┬───────┬────────┬───────┬───────┬───────┐',
    '│ service │ operation │ count │ errors │   p50 │   p95 │   max │',
    '├─────────┼───────────┼───────┼────────┼───────┼───────┼───────┤',
    '│ db      │ query     │    20 │      4 │  10ms │  19ms │  20ms │',
    '│ web     │ GET /     │    20 │      0 │ 100ms │ 190ms │ 200ms │',
    '│ -       │ upload    │    20 │      0 │     0 │     0 │     0 │',
    '└─────────┴───────────┴───────┴────────┴───────┴───────┴───────┘',
  ]);
  assert.ok(!lines.join('').includes('\u001b'));
  const colored = renderSummary(manyTraces(), { colorLevel: 3 }).join('\n');
  assert.ok(colored.includes('\u001b['));
});

test('the table fits the width: names are cut, then the borders give way', () => {
  const traces = [scenarios.longNames(), scenarios.wideCharacters(), scenarios.hostileText()];
  for (const widthCols of [40, 60, 80, 100, 150]) {
    const lines = renderSummary(traces, { colorLevel: 0, widthCols });
    for (const line of lines) assert.ok(displayWidth(line) <= widthCols, `${widthCols}: ${line}`);
    assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202e]/.test(lines.join('')));
  }
  assert.match(renderSummary(traces, { colorLevel: 0, widthCols: 100 })[0], /^┌/);
  assert.match(renderSummary(traces, { colorLevel: 0, widthCols: 60 })[0], /^service +operation +n +err +p50 +p95 +max$/);
});

test('summed up in parts (one per thread, any order), the table is the same', () => {
  const traces = manyTraces();
  const whole = renderSummary(traces, { colorLevel: 0, widthCols: 100 });
  const parts = [new OperationSummaries(), new OperationSummaries(), new OperationSummaries()];
  traces.forEach((trace, i) => parts[(i * 7) % 3].add(traces[traces.length - 1 - i]));
  const joined = new OperationSummaries();
  for (const part of parts) joined.absorb(structuredClone(part.toState()));
  assert.deepEqual(renderSummary(joined, { colorLevel: 0, widthCols: 100 }), whole);
  assert.deepEqual(joined.stats(), summarizeOperations(traces));
});
