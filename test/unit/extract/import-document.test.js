// Document detection (FORMATS.md A.2, B.3) and dispatch, including the line
// reader's readDocument hook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectDocumentFormat, importDocument, importDocumentRecords } from '../../../dist/extract/import-document.js';
import { readLine } from '../../../dist/extract/line.js';
import { toOtlpRequests } from '../../../dist/export/otlp.js';
import { toZipkinSpans } from '../../../dist/export/zipkin.js';
import { toJaegerDocument } from '../../../dist/export/jaeger.js';
import { hexTrace } from '../../helpers/export-traces.js';

const jaegerTrace = { traceID: 'abc', spans: [], processes: {} };

const ROWS = [
  ['OTLP request', { resourceSpans: [] }, 'otlp'],
  ['OTLP with spans', toOtlpRequests([hexTrace()])[0], 'otlp'],
  ['Zipkin list', [{ traceId: '5af7183fb1d4cf5f', id: '352bff9a74ca9ad2' }], 'zipkin'],
  ['Zipkin export', toZipkinSpans([hexTrace()]), 'zipkin'],
  ['Jaeger envelope', { data: [jaegerTrace] }, 'jaeger'],
  ['Jaeger export', toJaegerDocument([hexTrace()]), 'jaeger'],
  ['Jaeger data object', { data: jaegerTrace }, 'jaeger'],
  ['Jaeger array of traces', [jaegerTrace], 'jaeger'],
  ['Jaeger single trace', { spans: [], processes: {} }, 'jaeger'],
  ['log line', { msg: 'hello', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }, null],
  ['single Zipkin span object (left to field detection)', { traceId: '5af7183fb1d4cf5f', id: '352bff9a74ca9ad2' }, null],
  ['empty array', [], null],
  ['array with a stray item', [{ traceId: 'a', id: 'b' }, { msg: 'x' }], null],
  ['data that is not Jaeger', { data: [1, 2] }, null],
  ['data empty', { data: [] }, null],
  ['spans without processes', { spans: [] }, null],
  ['scalar', 42, null],
  ['null', null, null],
];

for (const [label, value, expected] of ROWS) {
  test(`detectDocumentFormat: ${label} → ${expected}`, () => {
    assert.equal(detectDocumentFormat(value), expected);
  });
}

test('importDocument dispatches; null for anything else', () => {
  for (const doc of [toOtlpRequests([hexTrace()])[0], toZipkinSpans([hexTrace()]), toJaegerDocument([hexTrace()])]) {
    const result = importDocument(doc, 'f', 1);
    assert.deepEqual(
      result.records.map((r) => [r.spanId, r.parentId]),
      [
        ['00f067aa0ba902b7', null],
        ['3ff9a8981b7ccd5a', '00f067aa0ba902b7'],
      ],
    );
  }
  assert.equal(importDocument({ msg: 'x' }, 'f', 1), null);
});

test('importDocumentRecords plugs into readLine as its readDocument hook', () => {
  const trace = hexTrace();
  trace.roots[0].events.push({ timeNs: trace.startNs, timeDigits: 9, name: 'started', fields: {} });
  const line = JSON.stringify(toOtlpRequests([trace])[0]);
  const result = readLine(line, 'otel.jsonl', 12, { readDocument: importDocumentRecords });
  assert.deepEqual(
    result.records.map((r) => [r.kind, r.spanId, r.message, r.source, r.line]),
    [
      ['span', '00f067aa0ba902b7', null, 'otel.jsonl', 12],
      ['span', '3ff9a8981b7ccd5a', null, 'otel.jsonl', 12],
      ['event', '00f067aa0ba902b7', 'started', 'otel.jsonl', 12],
    ],
  );
  assert.equal(importDocumentRecords({ msg: 'plain' }, 'f', 1), null);
});

test('the importers read the service name the exporters write for none', async () => {
  const shared = await import('../../../dist/extract/import-shared.js');
  const otlp = await import('../../../dist/export/otlp.js');
  assert.equal(shared.UNKNOWN_SERVICE, otlp.UNKNOWN_SERVICE);
});

test('"unknown_service" exactly reads as no service in every format; "unknown_service:node" is a name', () => {
  const span = (service) => {
    const trace = hexTrace();
    for (const root of trace.roots) root.service = service;
    return [trace];
  };
  for (const [service, expected] of [
    [null, null],
    ['unknown_service', null],
    ['unknown_service:node', 'unknown_service:node'],
  ]) {
    for (const doc of [toOtlpRequests(span(service))[0], toZipkinSpans(span(service)), toJaegerDocument(span(service))]) {
      assert.equal(importDocument(doc, 'f', 1).records[0].service, expected, `${detectDocumentFormat(doc)} ${service}`);
    }
  }
});
