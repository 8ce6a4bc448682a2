import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globToRegExp, matchesTrace, selectTraces, SlowestTraces, slowestBound } from '../../../dist/trace/select.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';

const MS = 1_000_000n;

function sample() {
  return [
    makeTrace(
      [
        makeSpan({ spanId: 'r', name: 'GET /users', service: 'api', startMs: 0, durationMs: 120 }),
        makeSpan({ spanId: 'a', parentId: 'r', name: 'SELECT users', service: 'postgres', startMs: 5, durationMs: 50 }),
      ],
      '4bf92f3577b34da6a3ce929d0e0e4736',
    ),
    makeTrace([makeSpan({ spanId: 'r', name: 'GET /health', service: 'api', startMs: 10, durationMs: 2 })], '4bf0000000000000000000000000aaaa'),
    makeTrace(
      [
        makeSpan({ spanId: 'r', name: 'POST /orders', service: 'api', startMs: 5, durationMs: 900 }),
        makeSpan({ spanId: 'a', parentId: 'r', name: 'charge', service: 'payments', startMs: 6, durationMs: 800, error: true }),
      ],
      'c0ffee00000000000000000000000001',
    ),
    makeTrace(
      [
        makeSpan({ spanId: 'p', name: null, service: 'ghost', synthetic: true, durationMs: 300, startMs: 1 }),
        makeSpan({ spanId: 'o', parentId: 'p', name: 'orphan job', service: 'worker', startMs: 1, durationMs: 300 }),
      ],
      'deadbeef000000000000000000000002',
    ),
  ];
}
const ids = (traces) => traces.map((t) => t.traceId.slice(0, 8));

test('--trace matches an id prefix, in either case', () => {
  assert.deepEqual(ids(selectTraces(sample(), { trace: '4bf' })), ['4bf92f35', '4bf00000']);
  assert.deepEqual(ids(selectTraces(sample(), { trace: '4BF92' })), ['4bf92f35']);
  assert.deepEqual(selectTraces(sample(), { trace: 'zz' }), []);
});

test('--service keeps traces with a span of that service; placeholders do not count', () => {
  assert.deepEqual(ids(selectTraces(sample(), { service: 'postgres' })), ['4bf92f35']);
  assert.deepEqual(ids(selectTraces(sample(), { service: 'worker' })), ['deadbeef']);
  assert.deepEqual(selectTraces(sample(), { service: 'ghost' }), []);
  assert.deepEqual(selectTraces(sample(), { service: 'API' }), []);
});

test('--name matches globs, case-sensitively, against any span', () => {
  assert.deepEqual(ids(selectTraces(sample(), { name: 'GET *' })), ['4bf92f35', '4bf00000']);
  assert.deepEqual(ids(selectTraces(sample(), { name: 'SELECT*' })), ['4bf92f35']);
  assert.deepEqual(ids(selectTraces(sample(), { name: '???? /orders' })), ['c0ffee00']);
  assert.deepEqual(ids(selectTraces(sample(), { name: 'charge' })), ['c0ffee00']);
  assert.deepEqual(selectTraces(sample(), { name: 'get *' }), []);
  assert.deepEqual(selectTraces(sample(), { name: 'GET' }), []);
  const re = globToRegExp('a.b+(c)[d]{e}|f^$\\/g?*');
  assert.ok(re.test('a.b+(c)[d]{e}|f^$\\/gX anything'));
  assert.ok(!re.test('aXb+(c)[d]{e}|f^$\\/gX'));
  assert.ok(globToRegExp('?').test('🚀'));
});

test('--min-duration and --errors', () => {
  assert.deepEqual(ids(selectTraces(sample(), { minDurationNs: 120n * MS })), ['4bf92f35', 'c0ffee00', 'deadbeef']);
  assert.deepEqual(ids(selectTraces(sample(), { minDurationNs: 121n * MS })), ['c0ffee00', 'deadbeef']);
  assert.deepEqual(ids(selectTraces(sample(), { errors: true })), ['c0ffee00']);
  assert.deepEqual(ids(selectTraces(sample(), { errors: true, service: 'postgres' })), []);
});

test('--slowest, --sort and --limit', () => {
  assert.deepEqual(ids(selectTraces(sample(), { slowest: 2 })), ['c0ffee00', 'deadbeef']);
  assert.deepEqual(ids(selectTraces(sample(), { slowest: 2, sort: 'start' })), ['deadbeef', 'c0ffee00']);
  assert.deepEqual(ids(selectTraces(sample(), { sort: 'start' })), ['4bf92f35', 'deadbeef', 'c0ffee00', '4bf00000']);
  assert.deepEqual(ids(selectTraces(sample(), { sort: 'duration' })), ['c0ffee00', 'deadbeef', '4bf92f35', '4bf00000']);
  assert.deepEqual(ids(selectTraces(sample(), { sort: 'duration', limit: 1 })), ['c0ffee00']);
  assert.deepEqual(ids(selectTraces(sample(), { limit: 2 })), ['4bf92f35', '4bf00000']);
  assert.deepEqual(selectTraces(sample(), { limit: 0 }), []);
  assert.deepEqual(ids(selectTraces(sample(), {})), ['4bf92f35', '4bf00000', 'c0ffee00', 'deadbeef']);
});

test('matchesTrace applies the per-trace filters to one trace at a time', () => {
  const [users, health, orders] = sample();
  assert.equal(matchesTrace(users, { service: 'api', name: 'SELECT *' }), true);
  assert.equal(matchesTrace(health, { service: 'api', name: 'SELECT *' }), false);
  assert.equal(matchesTrace(orders, { errors: true, minDurationNs: 900n * MS }), true);
  // slowest and limit need every trace: matchesTrace ignores them.
  assert.equal(matchesTrace(health, { slowest: 0, limit: 0 }), true);
});

test('selectTraces does not change its input', () => {
  const traces = sample();
  const before = ids(traces);
  selectTraces(traces, { sort: 'duration', slowest: 1 });
  assert.deepEqual(ids(traces), before);
});

test('SlowestTraces fed in any order gives selectTraces what it picks from every trace in start order', () => {
  // 3,000 one-span traces, put in start order (start, then place); many tie on both duration and start.
  const made = [];
  for (let i = 0; i < 3000; i++) {
    made.push(makeTrace([makeSpan({ spanId: 's', name: `op ${i}`, service: i % 4 === 0 ? 'db' : 'api', startMs: (i * 7) % 50, durationMs: (Math.floor(i / 100) * 7) % 5 })], `t${i}`));
  }
  const all = made.map((trace, i) => [trace, i]).sort(([a, i], [b, j]) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : i - j)).map(([trace]) => trace);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const selections = [{ slowest: 5 }, { slowest: 7, sort: 'start' }, { slowest: 40, sort: 'start', limit: 3 }, { sort: 'duration', limit: 6 }, { slowest: 9, service: 'db', sort: 'duration' }, { slowest: 0 }];
  for (const select of selections) {
    const bound = slowestBound(select);
    assert.notEqual(bound, null);
    const shuffled = all.map((trace, place) => [trace, place]).sort(() => random() - 0.5);
    const slowest = new SlowestTraces(bound, select);
    for (const [trace, place] of shuffled) slowest.add(trace, place);
    const names = (traces) => traces.map((t) => t.roots[0].name);
    assert.deepEqual(names(selectTraces(slowest.traces(), select)), names(selectTraces(all, select)), JSON.stringify(select));
  }
  assert.equal(slowestBound({ sort: 'duration' }), null);
  assert.equal(slowestBound({ limit: 3 }), null);
  assert.equal(slowestBound({ slowest: 10, sort: 'duration', limit: 4 }), 4);
});
