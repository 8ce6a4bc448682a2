// Jaeger UI JSON import: every accepted document form (FORMATS.md B.3),
// reference precedence, typed tags, logs, and the round trip
// traces → toJaegerDocument → importJaeger (µs precision, typed tags).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importJaeger, listJaegerTraces } from '../../../dist/extract/import-jaeger.js';
import { parseJson } from '../../../dist/extract/json.js';
import { toJaegerDocument } from '../../../dist/export/jaeger.js';
import { allTraces, canon } from '../../helpers/export-traces.js';
import { expectedEventRecords, expectedSpanRecords, eventRecordView, spanRecordView } from '../../helpers/round-trip.js';

test('round trip: ids restored, µs times, typed tags (int64 beyond 2^53 too), kind, status, logs', () => {
  const traces = allTraces();
  const result = importJaeger(toJaegerDocument(traces), 'jaeger.json', 1);
  assert.equal(result.skipped, 0);
  assert.deepEqual(result.records.map(spanRecordView), expectedSpanRecords(traces, 'jaeger'));
  assert.deepEqual(result.events.map(eventRecordView), expectedEventRecords(traces, 'jaeger'));
});

test('round trip through JSON text and the lossless line parser', () => {
  const traces = allTraces();
  const result = importJaeger(parseJson(JSON.stringify(toJaegerDocument(traces))), 'jaeger.json', 1);
  assert.deepEqual(result.records.map(spanRecordView), expectedSpanRecords(traces, 'jaeger'));
  assert.deepEqual(result.events.map(eventRecordView), expectedEventRecords(traces, 'jaeger'));
});

// FORMATS.md B.3's minimal document.
const B3_DOC = `{"data":[{"traceID":"5b8efff798038103d269b633813fc60c",
  "spans":[
   {"traceID":"5b8efff798038103d269b633813fc60c","spanID":"eee19b7ec3c1b173","operationName":"GET /cart",
    "references":[],"startTime":1544712660000000,"duration":1000000,
    "tags":[{"key":"span.kind","type":"string","value":"server"}],"logs":[],"processID":"p1","warnings":null},
   {"traceID":"5b8efff798038103d269b633813fc60c","spanID":"eee19b7ec3c1b174","operationName":"db.query",
    "references":[{"refType":"CHILD_OF","traceID":"5b8efff798038103d269b633813fc60c","spanID":"eee19b7ec3c1b173"}],
    "startTime":1544712660100000,"duration":250000,
    "tags":[{"key":"error","type":"bool","value":true},{"key":"db.rows","type":"int64","value":42}],
    "logs":[{"timestamp":1544712660200000,"fields":[{"key":"event","type":"string","value":"retry"}]}],
    "processID":"p1","warnings":null}],
  "processes":{"p1":{"serviceName":"checkout","tags":[]}},
  "warnings":null}],
 "total":0,"limit":0,"offset":0,"errors":null}`;

test('the FORMATS.md B.3 document', () => {
  const result = importJaeger(parseJson(B3_DOC), 'j.json', 2);
  assert.deepEqual(result.records.map(spanRecordView), [
    {
      kind: 'span',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b173',
      parentId: null,
      name: 'GET /cart',
      service: 'checkout',
      timeNs: 1544712660000000000n,
      timeDigits: 6,
      durationNs: 1000000000n,
      error: false,
      statusMessage: null,
      spanKind: 'server',
      message: null,
      tags: {},
    },
    {
      kind: 'span',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentId: 'eee19b7ec3c1b173',
      name: 'db.query',
      service: 'checkout',
      timeNs: 1544712660100000000n,
      timeDigits: 6,
      durationNs: 250000000n,
      error: true,
      statusMessage: null,
      spanKind: null,
      message: null,
      tags: { 'db.rows': 42 },
    },
  ]);
  assert.deepEqual(result.events.map(eventRecordView), [
    {
      kind: 'event',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      service: 'checkout',
      timeNs: 1544712660200000000n,
      message: 'retry',
      tags: {},
    },
  ]);
});

test('every form the UI upload accepts: {data:[…]}, {data:{…}}, an array of traces, one trace', () => {
  const trace = JSON.parse(B3_DOC).data[0];
  for (const form of [{ data: [trace] }, { data: trace }, [trace], trace]) {
    assert.equal(listJaegerTraces(form).length, 1);
    assert.equal(importJaeger(form, 'j', 1).records.length, 2);
  }
  assert.deepEqual(listJaegerTraces({ data: [] }), []);
  assert.deepEqual(listJaegerTraces('x'), []);
});

test('parent: first CHILD_OF, else FOLLOWS_FROM, else the deprecated parentSpanID; zeros mean none', () => {
  const span = (spanID, extra) => ({ traceID: 'abc', spanID, startTime: 1, duration: 1, processID: 'p1', ...extra });
  const ref = (refType, spanID) => ({ refType, traceID: 'abc', spanID });
  const trace = {
    traceID: 'abc',
    processes: { p1: { serviceName: 's' } },
    spans: [
      span('a', { references: [ref('FOLLOWS_FROM', 'f'), ref('CHILD_OF', 'c1'), ref('CHILD_OF', 'c2')] }),
      span('b', { references: [ref('FOLLOWS_FROM', 'f')], parentSpanID: 'p' }),
      span('c', { references: [], parentSpanID: 'P' }),
      span('d', { references: [ref('CHILD_OF', '0000000000000000')], parentSpanID: '0' }),
      { spanID: 'e', process: { serviceName: 'embedded' } },
      { traceID: 'abc' },
    ],
  };
  const result = importJaeger(trace, 'j', 1);
  assert.deepEqual(
    result.records.map((r) => [r.spanId, r.parentId, r.traceId, r.service]),
    [
      ['a', 'c1', 'abc', 's'],
      ['b', 'f', 'abc', 's'],
      ['c', 'p', 'abc', 's'],
      ['d', null, 'abc', 's'],
      ['e', null, 'abc', 'embedded'],
    ],
  );
  assert.equal(result.skipped, 1);
});

test('typed tags: int64 as string or number, bool as string, float64 as string; status and kind tags consumed', () => {
  const trace = {
    traceID: 'abc',
    processes: {},
    spans: [
      {
        traceID: 'abc',
        spanID: 'a',
        startTime: 1,
        duration: 1,
        tags: [
          { key: 'big', type: 'int64', value: '12345678901234567890' },
          { key: 'small', type: 'int64', value: '7' },
          { key: 'flag', type: 'bool', value: 'false' },
          { key: 'f', type: 'float64', value: '1.5' },
          { key: 'bin', type: 'binary', value: 'AQI=' },
          { key: 'span.kind', type: 'string', value: 'CONSUMER' },
          { key: 'otel.status_code', type: 'string', value: 'ERROR' },
          { key: 'otel.status_description', type: 'string', value: 'queue full' },
          { key: 'untyped', value: 3 },
        ],
        logs: [
          { timestamp: 2, fields: [{ key: 'message', type: 'string', value: 'hello' }, { key: 'n', type: 'int64', value: 1 }] },
          { fields: [{ key: 'x', type: 'string', value: 'y' }] },
        ],
      },
    ],
  };
  const { records, events } = importJaeger(trace, 'j', 1);
  const [span] = records;
  assert.equal(span.service, null);
  assert.equal(span.spanKind, 'consumer');
  assert.equal(span.error, true);
  assert.equal(span.statusMessage, 'queue full');
  assert.deepEqual(canon(span.tags), { big: { lossless: '12345678901234567890' }, small: 7, flag: false, f: 1.5, bin: 'AQI=', untyped: 3 });
  assert.deepEqual(
    events.map((e) => [e.message, e.timeNs, canon(e.tags)]),
    [
      ['hello', 2000n, { n: 1 }],
      ['log', 1000n, { x: 'y' }],
    ],
  );
});
