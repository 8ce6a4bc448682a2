// Regression found by the export round-trip property (test/property): the
// importers trimmed span names and services, so " padded " came back as
// "padded" and a service " " as none, though every format holds them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importOtlp } from '../../../dist/extract/import-otlp.js';
import { importZipkin } from '../../../dist/extract/import-zipkin.js';
import { importJaeger } from '../../../dist/extract/import-jaeger.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

test('OTLP: a name, service and status message keep their surrounding spaces', () => {
  const doc = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: ' ' } }] },
      scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, name: ' padded ', startTimeUnixNano: '1', endTimeUnixNano: '2', status: { code: 2, message: ' why ' } }] }],
    }],
  };
  const [span] = importOtlp(doc, 'x', 1).records;
  assert.deepEqual([span.name, span.service, span.statusMessage], [' padded ', ' ', ' why ']);
});

test('Zipkin: a name and service keep their surrounding spaces', () => {
  const [span] = importZipkin([{ traceId: TRACE, id: SPAN, name: ' padded ', timestamp: 1, duration: 1, localEndpoint: { serviceName: '\tsvc ' } }], 'x', 1).records;
  assert.deepEqual([span.name, span.service], [' padded ', '\tsvc ']);
});

test('Jaeger: an operation name and service keep their surrounding spaces', () => {
  const doc = { data: [{ traceID: TRACE, spans: [{ traceID: TRACE, spanID: SPAN, operationName: ' padded ', startTime: 1, duration: 1, processID: 'p1' }], processes: { p1: { serviceName: ' svc' } } }] };
  const [span] = importJaeger(doc, 'x', 1).records;
  assert.deepEqual([span.name, span.service], [' padded ', ' svc']);
});

test('an empty name is still no name, and unknown_service still no service', () => {
  const [span] = importZipkin([{ traceId: TRACE, id: SPAN, name: '', timestamp: 1, duration: 1, localEndpoint: { serviceName: 'unknown_service' } }], 'x', 1).records;
  assert.deepEqual([span.name, span.service], [null, null]);
});
