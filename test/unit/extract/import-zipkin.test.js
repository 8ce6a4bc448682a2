// Zipkin v2 import: the A.2/B.2 shapes, OTel exporter quirks, and the round
// trip traces → toZipkinSpans → importZipkin (µs precision, string tags).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importZipkin } from '../../../dist/extract/import-zipkin.js';
import { parseJson } from '../../../dist/extract/json.js';
import { toZipkinSpans } from '../../../dist/export/zipkin.js';
import { allTraces, canon } from '../../helpers/export-traces.js';
import { expectedEventRecords, expectedSpanRecords, eventRecordView, spanRecordView } from '../../helpers/round-trip.js';

test('round trip: ids restored, µs times, string tags, error status, kinds, annotations', () => {
  const traces = allTraces();
  const result = importZipkin(toZipkinSpans(traces), 'zipkin.json', 1);
  assert.equal(result.skipped, 0);
  assert.deepEqual(result.records.map(spanRecordView), expectedSpanRecords(traces, 'zipkin'));
  assert.deepEqual(result.events.map(eventRecordView), expectedEventRecords(traces, 'zipkin'));
});

test('round trip through JSON text and the lossless line parser', () => {
  const traces = allTraces();
  const result = importZipkin(parseJson(JSON.stringify(toZipkinSpans(traces))), 'zipkin.json', 1);
  assert.deepEqual(result.records.map(spanRecordView), expectedSpanRecords(traces, 'zipkin'));
});

test('the FORMATS.md example span and OTel JS exporter quirks', () => {
  const doc = parseJson(`[
    {"traceId":"5af7183fb1d4cf5f","parentId":"6b221d5bc9e6496c","id":"352bff9a74ca9ad2","name":"get /api","kind":"SERVER",
     "timestamp":1556604172355737,"duration":1431,"localEndpoint":{"serviceName":"frontend"},"tags":{"http.path":"/api"},
     "annotations":[{"timestamp":1556604172356000,"value":"retry"}]},
    {"traceId":"5AF7183FB1D4CF5F","id":"6b221d5bc9e6496c","timestamp":1700000000123456.8,"duration":0,
     "tags":{"otel.status_code":"ERROR","otel.status_description":"bad gateway","error":""}},
    {"traceId":"5af7183fb1d4cf5f","id":"0000000000000003","parentId":"0000000000000000","tags":{"otel.status_code":"OK"}},
    {"id":"no-trace"}
  ]`);
  const result = importZipkin(doc, 'z.json', 3);
  assert.equal(result.skipped, 1);
  const [server, failed, bare] = result.records;
  assert.deepEqual(spanRecordView(server), {
    kind: 'span',
    traceId: '5af7183fb1d4cf5f',
    spanId: '352bff9a74ca9ad2',
    parentId: '6b221d5bc9e6496c',
    name: 'get /api',
    service: 'frontend',
    timeNs: 1556604172355737000n,
    timeDigits: 6,
    durationNs: 1431000n,
    error: false,
    statusMessage: null,
    spanKind: 'server',
    message: null,
    tags: { 'http.path': '/api' },
  });
  // Fractional µs (exporter-zipkin writes them) kept exactly in ns.
  assert.equal(failed.timeNs, 1700000000123456800n);
  assert.equal(failed.traceId, '5af7183fb1d4cf5f');
  assert.equal(failed.durationNs, 0n);
  assert.equal(failed.error, true);
  assert.equal(failed.statusMessage, 'bad gateway');
  assert.deepEqual(canon(failed.tags), {});
  assert.equal(bare.parentId, null);
  assert.equal(bare.timeNs, null);
  assert.equal(bare.durationNs, null);
  assert.equal(bare.service, null);
  assert.equal(bare.error, false);
  assert.deepEqual(canon(bare.tags), { 'otel.status_code': 'OK' });
  assert.deepEqual(
    result.events.map((e) => [e.kind, e.spanId, e.timeNs, e.timeDigits, e.message, e.service]),
    [['event', '352bff9a74ca9ad2', 1556604172356000000n, 6, 'retry', 'frontend']],
  );
});

test('an error tag with text is the status message; "true" is no message', () => {
  const { records } = importZipkin(
    [
      { traceId: '5af7183fb1d4cf5f', id: '0000000000000001', tags: { error: 'timeout' } },
      { traceId: '5af7183fb1d4cf5f', id: '0000000000000002', tags: { error: 'true' } },
    ],
    'z.json',
    1,
  );
  assert.deepEqual(records.map((r) => [r.error, r.statusMessage, Object.keys(r.tags).length]), [
    [true, 'timeout', 0],
    [true, null, 0],
  ]);
});

test('non-array input and non-object items', () => {
  assert.deepEqual(importZipkin({ traceId: 'x' }, 'z', 1), { records: [], events: [], skipped: 0 });
  assert.equal(importZipkin([1, null], 'z', 1).skipped, 2);
});
