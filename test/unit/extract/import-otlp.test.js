// OTLP/JSON import: real-producer shapes (FORMATS.md A.2, B.1) and the
// lossless round trip traces → toOtlpRequests → importOtlp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importOtlp, readOtlpId, fromAnyValue } from '../../../dist/extract/import-otlp.js';
import { parseJson } from '../../../dist/extract/json.js';
import { toOtlpRequests } from '../../../dist/export/otlp.js';
import { LosslessNumber } from '../../../dist/types.js';
import { allTraces, canon } from '../../helpers/export-traces.js';
import { expectedEventRecords, expectedSpanRecords, eventRecordView, spanRecordView } from '../../helpers/round-trip.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';

function importAll(docs) {
  const records = [];
  const events = [];
  for (const [i, doc] of docs.entries()) {
    const result = importOtlp(doc, 'export.jsonl', i + 1);
    assert.equal(result.skipped, 0);
    records.push(...result.records);
    events.push(...result.events);
  }
  return { records, events };
}

/** Records come out grouped by service; put them back in trace order for comparison. */
function sortLike(records, expected) {
  const order = new Map(expected.map((r, i) => [`${r.traceId} ${r.spanId}`, i]));
  return [...records].sort((a, b) => order.get(`${a.traceId} ${a.spanId}`) - order.get(`${b.traceId} ${b.spanId}`));
}

test('round trip: ids, parents, names, services, ns times, typed tags, status, kind and events survive', () => {
  const traces = allTraces();
  const { records, events } = importAll(toOtlpRequests(traces));
  const expected = expectedSpanRecords(traces, 'otlp');
  assert.deepEqual(sortLike(records, expected).map(spanRecordView), expected);
  const expectedEvents = expectedEventRecords(traces, 'otlp');
  assert.deepEqual(sortLike(events, expectedEvents).map(eventRecordView), expectedEvents);
  assert.ok(records.every((r) => r.source === 'export.jsonl' && r.line === 1));
});

test('round trip through JSON text and the lossless line parser, split into several requests', () => {
  const traces = allTraces();
  const docs = toOtlpRequests(traces, { maxSpans: 3 });
  assert.ok(docs.length >= 4);
  const { records, events } = importAll(docs.map((doc) => parseJson(JSON.stringify(doc))));
  const expected = expectedSpanRecords(traces, 'otlp');
  assert.deepEqual(sortLike(records, expected).map(spanRecordView), expected);
  assert.equal(events.length, expectedEventRecords(traces, 'otlp').length);
});

test('a synthetic placeholder yields no span record, but its events come back', () => {
  const placeholder = makeSpan({
    spanId: 'gone',
    synthetic: true,
    events: [{ timeNs: null, timeDigits: 0, name: 'orphan', fields: {} }],
  });
  const child = makeSpan({ spanId: 'kid', parentId: 'gone' });
  const { records, events } = importAll(toOtlpRequests([makeTrace([placeholder, child])]));
  assert.deepEqual(records.map((r) => [r.spanId, r.parentId]), [['kid', 'gone']]);
  assert.deepEqual(events.map((e) => [e.spanId, e.message]), [['gone', 'orphan']]);
  assert.equal('tracelog.synthetic' in records[0].tags, false);
});

// The spec's examples/trace.json style: uppercase hex, number intValue, enum integers.
const COLLECTOR_LINE = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my.service"}},{"key":"host.name","value":{"stringValue":"vm1"}}]},"scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0"},"spans":[
{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"EEE19B7EC3C1B173","name":"I'm a server span","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","kind":2,
 "attributes":[{"key":"my.span.attr","value":{"stringValue":"some value"}},{"key":"n","value":{"intValue":42}},{"key":"huge","value":{"intValue":9007199254740993}},{"key":"s","value":{"intValue":"-7"}},{"key":"d","value":{"doubleValue":"NaN"}},{"key":"b","value":{"bytesValue":"AQI="}},{"key":"empty","value":{}}],
 "events":[{"timeUnixNano":"1544712660500000000","name":"ev","attributes":[{"key":"k","value":{"boolValue":true}}]},{"name":"no time"}],
 "status":{"code":2,"message":"boom"},"droppedAttributesCount":0,"links":[],"flags":257},
{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b173","parentSpanId":"","name":"","startTimeUnixNano":1544712659000000000,"endTimeUnixNano":"1544712662000000000","kind":"SPAN_KIND_CLIENT"},
{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"0000000000000000","startTimeUnixNano":"0","endTimeUnixNano":"0","status":{"code":1}},
{"spanId":"eee19b7ec3c1b176"}
]}]}]}`;

test('Collector file-exporter line: uppercase hex, number intValue, zero and empty parents, enum names', () => {
  const result = importOtlp(parseJson(COLLECTOR_LINE), 'otel.jsonl', 7);
  assert.equal(result.skipped, 1);
  const [server, client, unset] = result.records;
  assert.deepEqual(
    { ...spanRecordView(server), tags: undefined },
    {
      kind: 'span',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentId: 'eee19b7ec3c1b173',
      name: "I'm a server span",
      service: 'my.service',
      timeNs: 1544712660000000000n,
      timeDigits: 9,
      durationNs: 1000000000n,
      error: true,
      statusMessage: 'boom',
      spanKind: 'server',
      message: null,
      tags: undefined,
    },
  );
  assert.deepEqual(canon(server.tags), {
    'my.span.attr': 'some value',
    n: 42,
    huge: { lossless: '9007199254740993' },
    s: -7,
    d: 'NaN',
    b: 'AQI=',
    empty: null,
  });
  assert.equal(Object.getPrototypeOf(server.tags), null);
  assert.equal(client.parentId, null);
  assert.equal(client.name, null);
  assert.equal(client.spanKind, 'client');
  assert.equal(client.durationNs, 3000000000n);
  assert.equal(unset.parentId, null);
  assert.equal(unset.timeNs, null);
  assert.equal(unset.durationNs, null);
  assert.equal(unset.error, false);
  assert.equal(unset.spanKind, null);
  assert.deepEqual(
    result.events.map((e) => [e.kind, e.traceId, e.spanId, e.timeNs, e.message, canon(e.tags), e.source, e.line]),
    [
      ['event', '5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174', 1544712660500000000n, 'ev', { k: true }, 'otel.jsonl', 7],
      ['event', '5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174', 1544712660000000000n, 'no time', {}, 'otel.jsonl', 7],
    ],
  );
});

test('ids: hex of any case, base64 of the right byte length, anything else as lowercase text', () => {
  assert.equal(readOtlpId('5B8EFFF798038103D269B633813FC60C', 16), '5b8efff798038103d269b633813fc60c');
  assert.equal(readOtlpId(Buffer.from('5b8efff798038103d269b633813fc60c', 'hex').toString('base64'), 16), '5b8efff798038103d269b633813fc60c');
  assert.equal(readOtlpId('7uGbfsPBsXQ=', 8), 'eee19b7ec3c1b174');
  assert.equal(readOtlpId('7uGbfsPBsXQ=', 16), '7ugbfspbsxq=');
  assert.equal(readOtlpId('', 8), null);
  assert.equal(readOtlpId('  ', 8), null);
  assert.equal(readOtlpId(42, 8), null);
});

test('AnyValue: nested arrays and kvlists, empty values, lossless ints', () => {
  const value = fromAnyValue({
    kvlistValue: {
      values: [
        { key: 'list', value: { arrayValue: { values: [{ intValue: '1' }, {}, { doubleValue: 2.5 }] } } },
        { key: 'big', value: { intValue: new LosslessNumber('-9223372036854775808') } },
        { key: 'deep', value: { kvlistValue: { values: [{ key: 'x', value: { boolValue: false } }] } } },
      ],
    },
  });
  assert.deepEqual(canon(value), { list: [1, null, 2.5], big: { lossless: '-9223372036854775808' }, deep: { x: false } });
  assert.equal(fromAnyValue(null), null);
  assert.deepEqual(fromAnyValue({ arrayValue: {} }), []);
});

test('legacy instrumentationLibrarySpans and resources without service.name', () => {
  const doc = parseJson(
    '{"resourceSpans":[{"resource":{},"instrumentationLibrarySpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"old"}]}]}]}',
  );
  const { records } = importOtlp(doc, 'old.json', 1);
  assert.deepEqual(records.map((r) => [r.name, r.service]), [['old', null]]);
  assert.deepEqual(importOtlp(parseJson('{"resourceSpans":[]}'), 'x', 1), { records: [], events: [], skipped: 0 });
});
