// One raw line → records or a skip reason: prefixes added by docker compose
// and kubectl, a BOM, a stray CR, blank lines, and every way a line is not a
// JSON object with a trace id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLine } from '../../../dist/extract/line.js';

const SPAN = '{"trace_id":"t1","span_id":"s1","duration_ms":5,"name":"op"}';

const only = (result) => {
  assert.ok(result && 'records' in result, 'records expected');
  assert.equal(result.records.length, 1);
  return result.records[0];
};

const PREFIXED = [
  ['plain', SPAN],
  ['docker compose', `api-1  | ${SPAN}`],
  ['docker compose, long service name', `payments-worker-12  | ${SPAN}`],
  ['kubectl / CRI', `2026-11-24T10:00:00.123Z stdout F ${SPAN}`],
  ['kubectl / CRI, nanoseconds, partial flag', `2026-11-24T10:00:00.123456789Z stderr P ${SPAN}`],
  ['leading spaces and tabs', ` \t ${SPAN}`],
  ['UTF-8 BOM', `\ufeff${SPAN}`],
  ['BOM before a prefix', `\ufeffapi-1  | ${SPAN}`],
  ['trailing CR (CRLF file)', `${SPAN}\r`],
  ['trailing spaces', `${SPAN}   `],
  ['syslog-style prefix', `<14>May  1 10:00:00 host app[123]: ${SPAN}`],
  ['prefix in brackets', `[api-1] ${SPAN}`],
  ['level in brackets before the JSON', `[INFO] 2024-05-01 10:00:00 ${SPAN}`],
];

for (const [name, text] of PREFIXED) {
  test(`prefix: ${name}`, () => {
    const record = only(readLine(text, 'app.log', 7));
    assert.deepEqual([record.traceId, record.spanId, record.name, record.durationNs], ['t1', 's1', 'op', 5_000_000n]);
    assert.equal(record.source, 'app.log');
    assert.equal(record.line, 7);
  });
}

test('blank lines are nothing (not counted as skipped)', () => {
  for (const text of ['', ' ', '\t', '\r', '\ufeff', '\ufeff \r']) assert.equal(readLine(text, 'x', 1), null, JSON.stringify(text));
});

const NOT_JSON = [
  'not json at all',
  'api-1  | Listening on :8080',
  '{"trace_id":"t","span_id":',
  '[1,2,3]',
  '"just a string"',
  '42',
  'null',
  '{"trace_id":"t"} trailing',
  "{'trace_id':'t'}",
  '{"trace_id":"t",}',
];

for (const text of NOT_JSON) {
  test(`not JSON: ${text}`, () => {
    assert.deepEqual(readLine(text, 'x', 1), { skip: 'not-json' });
  });
}

const NO_TRACE = [
  '{"msg":"no trace here","level":30}',
  '{}',
  'api-1  | {"msg":"hello"}',
  '{"trace_id":"","span_id":"s"}',
  '{"trace_id":"0000000000000000","span_id":"s"}',
];

for (const text of NO_TRACE) {
  test(`no trace id: ${text}`, () => {
    assert.deepEqual(readLine(text, 'x', 1), { skip: 'no-trace-id' });
  });
}

test('a line of span JSON (tracelog output) is read back as the same span', () => {
  const line = '{"traceId":"t","spanId":"s","parentId":"p","name":"op","service":"svc","startTime":"2024-05-01T10:00:00.123456789Z","durationMs":1.5,"tags":{"k":"v"},"events":[{"time":"2024-05-01T10:00:00.2Z","name":"e","fields":{"a":1}}]}';
  const result = readLine(line, 'spans.jsonl', 1);
  assert.equal(result.records.length, 2);
  const [span, event] = result.records;
  assert.deepEqual([span.kind, span.traceId, span.spanId, span.parentId, span.durationNs, span.timeNs], ['span', 't', 's', 'p', 1_500_000n, 1_714_557_600_123_456_789n]);
  assert.deepEqual([event.kind, event.spanId, event.message], ['event', 's', 'e']);
});

test("a shipper's record around the application's line (Docker json-file `log`, `message`) is read for the line inside", () => {
  const app = '{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"root","duration_ms":5,"time":"2026-01-01T00:00:00Z","n":12345678901234567890}';
  const direct = readLine(app, 'x', 7);
  for (const key of ['log', 'message', 'msg']) {
    const wrapped = readLine(JSON.stringify({ [key]: `${app}\n`, stream: 'stdout', time: '2026-01-01T00:00:01.5Z' }), 'x', 7);
    assert.deepEqual(wrapped, direct, key);
  }
  // The line's own trace fields win over a JSON message.
  const own = readLine(JSON.stringify({ trace_id: 'outer', span_id: 's', duration_ms: 1, message: app }), 'x', 1);
  assert.equal(own.records[0].traceId, 'outer');
  // Nothing to find inside: skipped as before. One level only.
  assert.deepEqual(readLine(JSON.stringify({ log: 'plain text\n' }), 'x', 1), { skip: 'no-trace-id' });
  assert.deepEqual(readLine(JSON.stringify({ log: '{"level":"info"}' }), 'x', 1), { skip: 'no-trace-id' });
  assert.deepEqual(readLine(JSON.stringify({ log: '{not json' }), 'x', 1), { skip: 'no-trace-id' });
  assert.deepEqual(readLine(JSON.stringify({ log: JSON.stringify({ log: app }) }), 'x', 1), { skip: 'no-trace-id' });
});
