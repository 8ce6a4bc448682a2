// The trace id keys of a line's raw text are found by trying TRACE_KEY only just before each
// `race` (route.ts nextTraceKey): every match, in order, must be what the regular expression
// finds going through the text on its own — on texts built of the keys' pieces, quotes,
// backslashes, spaces, colons, braces, ids and newlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TRACE_KEY, nextTraceKey } from '../../dist/parallel/route.js';
import { checkProperty } from './arbitraries.js';

const PIECES = [
  '"', '\\"', '\\', ':', ' ', '{', '}', ',', '\n', 'race', 'trace', 'Trace', 'trace_id', 'traceId', 'traceID', 'trace.id', 'trace.trace_id',
  'dd.trace_id', 'otelTraceID', 'TraceId', 'id', 'dd.', 'otel', 'abc123', '0x1f', '42', '-', '_', 'x'.repeat(130),
  // Whole members, plain and escaped, so that matches are common.
  '"trace_id":"ab"', '\\"otelTraceID\\":\\"ab\\"', '\\"dd.trace_id\\":7', '"trace":{"id":"q"}', '\\"TraceId\\" : \\"c\\"', '"dd.trace_id": 12',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((parts) => parts.join(''));

/** Every match of the global regular expression from `from`, as [index, text, id]. */
function byRegex(s, from) {
  const found = [];
  TRACE_KEY.lastIndex = from;
  for (let m = TRACE_KEY.exec(s); m !== null; m = TRACE_KEY.exec(s)) found.push([m.index, m[0], m[2] ?? m[3]]);
  return found;
}

function byRace(s, from) {
  const found = [];
  for (let m = nextTraceKey(s, from); m !== null; m = nextTraceKey(s, m.index + m[0].length)) found.push([m.index, m[0], m[2] ?? m[3]]);
  return found;
}

test('nextTraceKey finds what TRACE_KEY finds, from any place', async () => {
  await checkProperty(
    fc.property(text, fc.nat({ max: 50 }), (s, from) => {
      const start = Math.min(from, s.length);
      assert.deepEqual(byRace(s, start), byRegex(s, start));
    }),
    { runs: 20000, fuzzRuns: 500000 },
  );
});

test('nextTraceKey on real shapes: escaped keys in a shipper record, nested trace objects, two keys', () => {
  for (const s of [
    '{"log":"{\\"trace_id\\":\\"abc\\",\\"x\\":1}\\n","stream":"stdout"}',
    '{"trace":{"id":"t1"},"span":{"id":"s1"}}',
    '{"trace": { "trace_id" : "t2"}}',
    '{"dd.trace_id":123456789,"otelTraceID":"ab","TraceId":"cd"}',
    '{"msg":"trace_id is missing","retrace":"1"}',
    '{"log":"{\\"otelTraceID\\":\\"ab\\",\\"dd.trace_id\\":\\"7\\"}"}',
  ]) assert.deepEqual(byRace(s, 0), byRegex(s, 0), s);
});
