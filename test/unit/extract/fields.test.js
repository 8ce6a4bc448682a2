// Field conventions (FORMATS.md A.1): which keys give the trace, span and
// parent ids, the start, the duration and the name, nested or dotted; what is
// left becomes tags; --field overrides. Lines are given as JSON text and go
// through the lossless parser, as the CLI does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractRecord, flatFields, parseDurationValue } from '../../../dist/extract/fields.js';
import { parseJson, stringifyJson } from '../../../dist/extract/json.js';
import { readLine } from '../../../dist/extract/line.js';
import { readdirSync, readFileSync } from 'node:fs';

const EPOCH_NS = 1_714_557_600_000_000_000n; // 2024-05-01T10:00:00Z

function extract(text, overrides) {
  return extractRecord(parseJson(text), 'test.log', 1, overrides ? { overrides } : {});
}

const tagsOf = (record) => ({ ...record.tags });

const ID_CONVENTIONS = [
  {
    name: 'Honeycomb dotted keys, empty parent = root',
    line: '{"trace.trace_id":"t-1","trace.span_id":"s-1","trace.parent_id":"","duration_ms":1}',
    ids: ['t-1', 's-1', null],
  },
  {
    name: 'Honeycomb nested keys',
    line: '{"trace":{"trace_id":"t-1","span_id":"s-2","parent_id":"s-1"},"duration_ms":1}',
    ids: ['t-1', 's-2', 's-1'],
  },
  {
    name: 'book example: UUID ids',
    line: '{"trace.trace_id":"3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11","trace.span_id":"7c1e9a20-4b3d-4f5e-8a6b-1c2d3e4f5a6b","trace.parent_id":"9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f","duration_ms":21.7}',
    ids: ['3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11', '7c1e9a20-4b3d-4f5e-8a6b-1c2d3e4f5a6b', '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f'],
  },
  {
    name: 'snake_case trace_id/span_id/parent_id',
    line: '{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","parent_id":"53995c3f42cd8ad8","duration_ms":1}',
    ids: ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', '53995c3f42cd8ad8'],
  },
  {
    name: 'OTel camelCase traceId/spanId/parentSpanId',
    line: '{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"eee19b7ec3c1b173","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000"}',
    ids: ['5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174', 'eee19b7ec3c1b173'],
  },
  {
    name: 'ECS flat trace.id/span.id/parent.id',
    line: '{"trace.id":"4bf92f3577b34da6a3ce929d0e0e4736","span.id":"3ff9a8981b7ccd5a","parent.id":"00f067aa0ba902b7","event.duration":1000}',
    ids: ['4bf92f3577b34da6a3ce929d0e0e4736', '3ff9a8981b7ccd5a', '00f067aa0ba902b7'],
  },
  {
    name: 'ECS nested trace.id, transaction.id as the span when there is no span.id',
    line: '{"trace":{"id":"4bf92f3577b34da6a3ce929d0e0e4736"},"transaction":{"id":"00f067aa0ba902b7"},"event":{"duration":1000}}',
    ids: ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', null],
  },
  {
    name: 'ECS span.id wins over transaction.id',
    line: '{"trace.id":"4bf92f3577b34da6a3ce929d0e0e4736","transaction.id":"00f067aa0ba902b7","span.id":"3ff9a8981b7ccd5a","event.duration":1000}',
    ids: ['4bf92f3577b34da6a3ce929d0e0e4736', '3ff9a8981b7ccd5a', null],
  },
  {
    name: 'Datadog nested decimal strings',
    line: '{"dd":{"trace_id":"1234567890123456789","span_id":"9876543210987654321","service":"checkout"},"duration_ms":1}',
    ids: ['1234567890123456789', '9876543210987654321', null],
  },
  {
    name: 'Datadog flat JSON numbers above 2^53, digit for digit',
    line: '{"dd.trace_id":12345678901234567890,"dd.span_id":18446744073709551615,"duration_ms":1}',
    ids: ['12345678901234567890', '18446744073709551615', null],
  },
  {
    name: 'Datadog number just above 2^53',
    line: '{"dd.trace_id":9007199254740993,"dd.span_id":9007199254740995,"duration_ms":1}',
    ids: ['9007199254740993', '9007199254740995', null],
  },
  {
    name: 'Go stdouttrace: all-zero Parent.SpanID is a root',
    line: '{"Name":"/foo","SpanContext":{"TraceID":"0102030405060708090a0b0c0d0e0f10","SpanID":"0102030405060708"},"Parent":{"TraceID":"00000000000000000000000000000000","SpanID":"0000000000000000"},"StartTime":"2024-05-01T10:00:00Z","EndTime":"2024-05-01T10:00:01Z"}',
    ids: ['0102030405060708090a0b0c0d0e0f10', '0102030405060708', null],
  },
  {
    name: 'Go stdouttrace child',
    line: '{"Name":"q","SpanContext":{"TraceID":"0102030405060708090a0b0c0d0e0f10","SpanID":"1112131415161718"},"Parent":{"TraceID":"0102030405060708090a0b0c0d0e0f10","SpanID":"0102030405060708"},"StartTime":"2024-05-01T10:00:00Z","EndTime":"2024-05-01T10:00:01Z"}',
    ids: ['0102030405060708090a0b0c0d0e0f10', '1112131415161718', '0102030405060708'],
  },
  {
    name: 'Python ConsoleSpanExporter: 0x ids kept as written, null parent',
    line: '{"name":"GET /","context":{"trace_id":"0x5b8efff798038103d269b633813fc60c","span_id":"0xeee19b7ec3c1b174"},"parent_id":null,"start_time":"2024-05-01T10:00:00.123456Z","end_time":"2024-05-01T10:00:00.223456Z"}',
    ids: ['0x5b8efff798038103d269b633813fc60c', '0xeee19b7ec3c1b174', null],
  },
  {
    name: 'Python ConsoleSpanExporter child',
    line: '{"name":"q","context":{"trace_id":"0x5b8efff798038103d269b633813fc60c","span_id":"0x1a2b3c4d5e6f7081"},"parent_id":"0xeee19b7ec3c1b174","start_time":"2024-05-01T10:00:00.123456Z","end_time":"2024-05-01T10:00:00.223456Z"}',
    ids: ['0x5b8efff798038103d269b633813fc60c', '0x1a2b3c4d5e6f7081', '0xeee19b7ec3c1b174'],
  },
  {
    name: 'Python logging instrumentation otelTraceID/otelSpanID',
    line: '{"message":"hi","otelTraceID":"1bd9d47616693f63f613a5f79519b6ea","otelSpanID":"9cec213abc6dfd35","otelServiceName":"api","duration_ms":2}',
    ids: ['1bd9d47616693f63f613a5f79519b6ea', '9cec213abc6dfd35', null],
  },
  {
    name: 'Zipkin v2 span line: id next to traceId',
    line: '{"traceId":"5af7183fb1d4cf5f","parentId":"6b221d5bc9e6496c","id":"352bff9a74ca9ad2","name":"get /api","timestamp":1556604172355737,"duration":1431}',
    ids: ['5af7183fb1d4cf5f', '352bff9a74ca9ad2', '6b221d5bc9e6496c'],
  },
  {
    name: 'all-zero parent id is a root',
    line: '{"trace_id":"t","span_id":"s","parent_id":"0000000000000000","duration_ms":1}',
    ids: ['t', 's', null],
  },
  {
    name: '0x-prefixed all-zero parent id is a root',
    line: '{"trace_id":"t","span_id":"s","parent_id":"0x0000000000000000","duration_ms":1}',
    ids: ['t', 's', null],
  },
  {
    name: 'null parent id is a root',
    line: '{"trace_id":"t","span_id":"s","parent_id":null,"duration_ms":1}',
    ids: ['t', 's', null],
  },
  {
    name: 'ids kept exactly as written (case, punctuation)',
    line: '{"trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736","span_id":"Span/1 α","parent_id":"00F067AA0BA902B7","duration_ms":1}',
    ids: ['4BF92F3577B34DA6A3CE929D0E0E4736', 'Span/1 α', '00F067AA0BA902B7'],
  },
  {
    name: 'numeric ids below 2^53 as text',
    line: '{"trace_id":42,"span_id":7,"parent_id":6,"duration_ms":1}',
    ids: ['42', '7', '6'],
  },
];

for (const { name, line, ids } of ID_CONVENTIONS) {
  test(`ids: ${name}`, () => {
    const record = extract(line);
    assert.ok(record, 'a record');
    assert.deepEqual([record.traceId, record.spanId, record.parentId], ids);
  });
}

test('ids: id fields never end up in tags', () => {
  for (const { line } of ID_CONVENTIONS) {
    const record = extract(line);
    for (const key of ['trace_id', 'span_id', 'parent_id', 'trace.trace_id', 'trace.span_id', 'trace.parent_id', 'traceId', 'spanId', 'parentSpanId', 'trace.id', 'span.id', 'parent.id', 'dd.trace_id', 'dd.span_id', 'SpanContext.TraceID', 'SpanContext.SpanID', 'Parent.SpanID', 'context.trace_id', 'context.span_id', 'otelTraceID', 'otelSpanID']) {
      assert.equal(key in record.tags, false, `${key} in tags of ${line}`);
    }
  }
});

test('ids: a line without a trace id gives no record', () => {
  for (const line of [
    '{"msg":"hello","level":30}',
    '{"span_id":"s","duration_ms":1}',
    '{"trace_id":"","span_id":"s","duration_ms":1}',
    '{"trace_id":null,"span_id":"s"}',
    '{"trace_id":"00000000000000000000000000000000","span_id":"s","duration_ms":1}',
    '{"otelTraceID":"0","otelSpanID":"0","message":"outside a span"}',
    '{"trace_id":{"nested":"object"},"span_id":"s"}',
  ]) {
    assert.equal(extract(line), null, line);
  }
});

test('ids: an all-zero span id means no span (the line is an event on the trace)', () => {
  const record = extract('{"otelTraceID":"1bd9d47616693f63f613a5f79519b6ea","otelSpanID":"0000000000000000","message":"hi"}');
  assert.equal(record.spanId, null);
  assert.equal(record.kind, 'event');
});

test('ids: a whole span (it has a duration) with an all-zero span id is kept as that span (FORMATS.md C.2 rule 1)', () => {
  for (const id of ['"0000000000000000"', '"0"', '"0x0000"', '0']) {
    const record = extract(`{"trace_id":"t","span_id":${id},"name":"real work","duration_ms":42,"time":1714557600000}`);
    assert.equal(record.kind, 'span', id);
    assert.equal(record.spanId, JSON.parse(`[${id}]`)[0].toString());
    assert.equal(record.durationNs, 42_000_000n);
    assert.deepEqual(record.tags, {});
  }
  const begin = extract('{"trace_id":"t","span_id":"0000000000000000","name":"x","msg":"start","time":1714557600000}');
  assert.equal(begin.spanId, null);
});

const START_ENCODINGS = [
  ['epoch seconds (number)', '"time":1714557600', EPOCH_NS, 0],
  ['fractional epoch seconds', '"ts":1714557600.1234567', EPOCH_NS + 123_456_700n, 9],
  ['epoch milliseconds (pino time)', '"time":1714557600123', EPOCH_NS + 123_000_000n, 3],
  ['epoch microseconds', '"timestamp":1714557600123456', EPOCH_NS + 123_456_000n, 6],
  ['epoch nanoseconds as a JSON number above 2^53', '"time":1714557600123456789', EPOCH_NS + 123_456_789n, 9],
  ['OTLP nanosecond string', '"startTimeUnixNano":"1714557600123456789"', EPOCH_NS + 123_456_789n, 9],
  ['RFC 3339 Z with milliseconds', '"timestamp":"2024-05-01T10:00:00.120Z"', EPOCH_NS + 120_000_000n, 3],
  ['RFC 3339 nanoseconds with offset', '"time":"2024-05-01T12:00:00.123456789+02:00"', EPOCH_NS + 123_456_789n, 9],
  ['zap dev offset without colon', '"ts":"2024-05-01T12:00:00.123+0200"', EPOCH_NS + 123_000_000n, 3],
  ['ECS @timestamp', '"@timestamp":"2024-05-01T10:00:00.5Z"', EPOCH_NS + 500_000_000n, 1],
  ['Go StartTime', '"StartTime":"2024-05-01T10:00:00.000000001Z"', EPOCH_NS + 1n, 9],
  ['Python start_time, 6 digits', '"start_time":"2024-05-01T10:00:00.123456Z"', EPOCH_NS + 123_456_000n, 6],
];

for (const [name, field, ns, digits] of START_ENCODINGS) {
  test(`start: ${name}`, () => {
    const record = extract(`{"trace_id":"t","span_id":"s","duration_ms":1,${field}}`);
    assert.equal(record.timeNs, ns);
    assert.equal(record.timeDigits, digits);
  });
}

const DURATION_ENCODINGS = [
  ['duration_ms number', '"duration_ms":152.3', 152_300_000n],
  ['duration_ms tiny fraction stays exact', '"duration_ms":0.000001', 1n],
  ['durationMs', '"durationMs":2', 2_000_000n],
  ['duration_us', '"duration_us":350', 350_000n],
  ['duration_ns', '"duration_ns":1500', 1500n],
  ['duration_ns above 2^53', '"duration_ns":9007199254740993', 9_007_199_254_740_993n],
  ['duration number is milliseconds', '"duration":1.5', 1_500_000n],
  ['duration Go string 1.5ms', '"duration":"1.5ms"', 1_500_000n],
  ['duration Go string 2s', '"duration":"2s"', 2_000_000_000n],
  ['duration Go string 350us', '"duration":"350us"', 350_000n],
  ['duration Go string 350µs (U+00B5)', '"duration":"350\u00b5s"', 350_000n],
  ['duration Go string 350μs (U+03BC)', '"duration":"350\u03bcs"', 350_000n],
  ['duration Go string 1m2.5s', '"duration":"1m2.5s"', 62_500_000_000n],
  ['ECS event.duration is nanoseconds', '"event.duration":152300000', 152_300_000n],
  ['ECS nested event.duration', '"event":{"duration":1000}', 1000n],
  ['APM span.duration.us', '"span.duration.us":45250', 45_250_000n],
  ['APM transaction.duration.us', '"transaction":{"duration":{"us":7}}', 7000n],
];

for (const [name, field, ns] of DURATION_ENCODINGS) {
  test(`duration: ${name}`, () => {
    const record = extract(`{"trace_id":"t","span_id":"s","time":1714557600,${field}}`);
    assert.equal(record.kind, 'span');
    assert.equal(record.durationNs, ns);
  });
}

const END_ENCODINGS = [
  ['end_time (Python)', '"start_time":"2024-05-01T10:00:00.123456Z","end_time":"2024-05-01T10:00:00.223457Z"', 100_001_000n],
  ['endTime', '"startTime":1714557600000,"endTime":1714557600250', 250_000_000n],
  ['OTLP endTimeUnixNano', '"startTimeUnixNano":"1714557600000000001","endTimeUnixNano":"1714557600000000003"', 2n],
  ['Go EndTime with other offset', '"StartTime":"2024-05-01T12:00:00.1+02:00","EndTime":"2024-05-01T10:00:00.300000001Z"', 200_000_001n],
];

for (const [name, fields, ns] of END_ENCODINGS) {
  test(`duration from an end time: ${name}`, () => {
    const record = extract(`{"trace_id":"t","span_id":"s",${fields}}`);
    assert.equal(record.kind, 'span');
    assert.equal(record.durationNs, ns);
  });
}

test('duration: a negative or unreadable duration is no duration', () => {
  for (const field of ['"duration_ms":-1', '"duration":"soon"', '"duration":"-2s"', '"duration":true']) {
    const record = extract(`{"trace_id":"t","span_id":"s","msg":"x",${field}}`);
    assert.equal(record.durationNs, null, field);
    assert.equal(record.kind, 'event', field);
  }
});

test('an end time before the start makes no duration; the end stays in the tags', () => {
  const record = extract('{"trace_id":"t","span_id":"s","name":"x","start_time":"2026-01-01T00:00:01Z","end_time":"2026-01-01T00:00:00Z"}');
  assert.equal(record.durationNs, null);
  assert.equal(record.kind, 'begin');
  assert.deepEqual(record.tags, { end_time: '2026-01-01T00:00:00Z' });
});

test('parseDurationValue: units for numbers, Go syntax for strings, exact', () => {
  assert.equal(parseDurationValue(1.5, 'ms'), 1_500_000n);
  assert.equal(parseDurationValue(1.5, 's'), 1_500_000_000n);
  assert.equal(parseDurationValue(350, 'us'), 350_000n);
  assert.equal(parseDurationValue('150', 'ms'), 150_000_000n);
  assert.equal(parseDurationValue('1.5ms', 'ns'), 1_500_000n);
  assert.equal(parseDurationValue(0.1 + 0.2, 'ms'), 300_000n); // 0.30000000000000004 ms rounds to 300000 ns
  assert.equal(parseDurationValue(parseJson('{"d":1700000000123456789}').d, 'ns'), 1_700_000_000_123_456_789n);
});

test('record kinds: span, begin, end, event', () => {
  const kind = (line) => extract(line).kind;
  assert.equal(kind('{"trace_id":"t","span_id":"s","duration_ms":1,"msg":"done"}'), 'span');
  assert.equal(kind('{"trace_id":"t","span_id":"s","time":1,"end_time":2}'), 'span');
  assert.equal(kind('{"trace_id":"t","span_id":"s","name":"GET /","phase":"begin"}'), 'begin');
  assert.equal(kind('{"trace_id":"t","span_id":"s","msg":"start"}'), 'begin');
  assert.equal(kind('{"trace_id":"t","span_id":"s","name":"GET /"}'), 'begin');
  assert.equal(kind('{"trace_id":"t","span_id":"s","phase":"end"}'), 'end');
  assert.equal(kind('{"trace_id":"t","span_id":"s","end_time":"2024-05-01T10:00:00Z"}'), 'end');
  assert.equal(kind('{"trace_id":"t","span_id":"s","msg":"cache miss"}'), 'event');
  assert.equal(kind('{"trace_id":"t","msg":"no span id","duration_ms":5}'), 'event');
});

test('an event keeps its message as the event name and its name/service as fields', () => {
  const record = extract('{"trace_id":"t","span_id":"s","time":1714557600,"msg":"cache miss","name":"logger-a","service.name":"api","key":"k1"}');
  assert.equal(record.kind, 'event');
  assert.equal(record.message, 'cache miss');
  assert.deepEqual(tagsOf(record), { name: 'logger-a', 'service.name': 'api', key: 'k1' });
});

test('name and service conventions', () => {
  const cases = [
    ['{"trace_id":"t","span_id":"s","duration_ms":1,"name":"GET /","service.name":"api"}', 'GET /', 'api'],
    ['{"trace_id":"t","span_id":"s","duration_ms":1,"name":"GET /","service_name":"api"}', 'GET /', 'api'],
    ['{"trace_id":"t","span_id":"s","duration_ms":1,"span":{"name":"q"},"service":{"name":"db"}}', 'q', 'db'],
    ['{"trace_id":"t","span_id":"s","duration_ms":1,"transaction.name":"GET /","dd":{"service":"web"}}', 'GET /', 'web'],
    ['{"traceId":"t","spanId":"s","duration_ms":1,"operationName":"op","serviceName":"svc"}', 'op', 'svc'],
    ['{"context":{"trace_id":"0x1","span_id":"0x2"},"name":"n","duration_ms":1,"resource":{"attributes":{"service.name":"py"}}}', 'n', 'py'],
    ['{"SpanContext":{"TraceID":"1","SpanID":"2"},"Name":"go","duration_ms":1,"Resource":[{"Key":"service.name","Value":{"Type":"STRING","Value":"gosvc"}}]}', 'go', 'gosvc'],
  ];
  for (const [line, name, service] of cases) {
    const record = extract(line);
    assert.equal(record.name, name, line);
    assert.equal(record.service, service, line);
  }
});

test('tags: other fields become tags, a nested tags object is flattened into them', () => {
  const record = extract(
    '{"timestamp":1714557600.1201,"trace.trace_id":"t","trace.span_id":"s","trace.parent_id":"","name":"/oauth2/authorize","service_name":"auth","duration_ms":21.7,"tags":{"hostname":"auth-7f9c","user_name":"alice","http":{"status":200}},"region":"eu"}',
  );
  assert.deepEqual(tagsOf(record), { region: 'eu', hostname: 'auth-7f9c', user_name: 'alice', 'http.status': 200 });
});

test('tags: a top-level field wins over the same key inside tags', () => {
  const record = extract('{"trace_id":"t","span_id":"s","duration_ms":1,"host":"top","tags":{"host":"nested"}}');
  assert.equal(record.tags.host, 'top');
});

test('tags: big numbers in tags keep their digits', () => {
  const record = extract('{"trace_id":"t","span_id":"s","duration_ms":1,"order":123456789012345678901234567890}');
  assert.equal(String(record.tags.order), '123456789012345678901234567890');
});

test('flatFields: dotted keys in order, arrays kept whole, the first of two equal paths wins', () => {
  const flat = flatFields(parseJson('{"a":{"b":{"c":1}},"d":[1,{"e":2}],"f.g":3,"h":{},"f":{"g":4,"i":5}}'));
  assert.deepEqual(flat.keys.slice(0, flat.size), ['d', 'f.g', 'h', 'a.b.c', 'f.i']);
  assert.deepEqual(flat.values.slice(0, flat.size), [[1, { e: 2 }], 3, {}, 1, 5]);
});

test('flatFields: a very deep object does not overflow the stack', () => {
  let text = '{"trace_id":"t","span_id":"s","duration_ms":1,"deep":';
  const depth = 50_000;
  text += '{"x":'.repeat(depth) + '1' + '}'.repeat(depth) + '}';
  const record = extract(text);
  assert.equal(record.traceId, 't');
});

test('--field overrides: paths and units', () => {
  const line = '{"req":{"trace":"T1","span":"S1","parent":"P0"},"trace_id":"ignored","op":"custom op","svc":"custom","t":1714557600,"elapsed":1500000,"time":"2030-01-01T00:00:00Z"}';
  const record = extract(line, {
    trace: { path: 'req.trace' },
    span: { path: 'req.span' },
    parent: { path: 'req.parent' },
    start: { path: 't', unit: 's' },
    duration: { path: 'elapsed', unit: 'ns' },
    name: { path: 'op' },
    service: { path: 'svc' },
  });
  assert.deepEqual([record.traceId, record.spanId, record.parentId], ['T1', 'S1', 'P0']);
  assert.equal(record.timeNs, EPOCH_NS);
  assert.equal(record.durationNs, 1_500_000n);
  assert.equal(record.name, 'custom op');
  assert.equal(record.service, 'custom');
  // The fields the conventions would have used stay as tags.
  assert.deepEqual(tagsOf(record), { trace_id: 'ignored', time: '2030-01-01T00:00:00Z' });
});

test('--field overrides: a unit forces how a start number is read', () => {
  const asMs = extract('{"trace_id":"t","span_id":"s","duration_ms":1,"at":1714557600}', { start: { path: 'at', unit: 'ms' } });
  assert.equal(asMs.timeNs, 1_714_557_600_000_000n);
  const asUs = extract('{"trace_id":"t","span_id":"s","duration_ms":1,"at":1714557600000000}', { start: { path: 'at', unit: 'us' } });
  assert.equal(asUs.timeNs, EPOCH_NS);
});

test('--field overrides: an end field and a Go duration string', () => {
  const end = extract('{"trace_id":"t","span_id":"s","begin":"2024-05-01T10:00:00Z","stop":"2024-05-01T10:00:01.5Z"}', {
    start: { path: 'begin' },
    end: { path: 'stop' },
  });
  assert.equal(end.durationNs, 1_500_000_000n);
  const took = extract('{"trace_id":"t","span_id":"s","took":"1.5s"}', { duration: { path: 'took' } });
  assert.equal(took.durationNs, 1_500_000_000n);
});

test('--field overrides: the overridden role ignores the conventions', () => {
  assert.equal(extract('{"trace_id":"t","span_id":"s"}', { trace: { path: 'missing' } }), null);
});

test('span kind: names, OTel enums, Python SpanKind.X, Go numbers', () => {
  const kind = (v) => extract(`{"trace_id":"t","span_id":"s","duration_ms":1,"kind":${JSON.stringify(v)}}`).spanKind;
  assert.equal(kind('server'), 'server');
  assert.equal(kind('SPAN_KIND_CLIENT'), 'client');
  assert.equal(kind('SpanKind.PRODUCER'), 'producer');
  assert.equal(kind(5), 'consumer');
  assert.equal(kind('weird'), null);
});

test('span kind: Object.prototype names are not kinds', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    const record = extract(`{"trace_id":"t","span_id":"s","duration_ms":1,"span.kind":${JSON.stringify(name)}}`);
    assert.equal(record.spanKind, null, name);
  }
});

test('error status: Go Status.Code, OTel status.code 2, level 50, HTTP 5xx', () => {
  const go = extract('{"SpanContext":{"TraceID":"1","SpanID":"2"},"duration_ms":1,"Status":{"Code":"Error","Description":"deadlock"}}');
  assert.equal(go.error, true);
  assert.equal(go.statusMessage, 'deadlock');
  assert.equal(extract('{"trace_id":"t","span_id":"s","duration_ms":1,"status":{"code":2}}').error, true);
  assert.equal(extract('{"trace_id":"t","span_id":"s","duration_ms":1,"level":50}').error, true);
  assert.equal(extract('{"trace_id":"t","span_id":"s","duration_ms":1,"http.status_code":503}').error, true);
  assert.equal(extract('{"trace_id":"t","span_id":"s","duration_ms":1,"http.status_code":404,"level":30}').error, false);
});

test('Go stdouttrace attributes become tags', () => {
  const record = extract('{"SpanContext":{"TraceID":"1","SpanID":"2"},"duration_ms":1,"Attributes":[{"Key":"http.method","Value":{"Type":"STRING","Value":"GET"}},{"Key":"db.rows","Value":{"Type":"INT64","Value":3}}]}');
  assert.equal(record.tags['http.method'], 'GET');
  assert.equal(record.tags['db.rows'], 3);
  assert.equal('Attributes' in record.tags, false);
});

test('__proto__, constructor and prototype keys stay data and never reach Object.prototype', () => {
  const lines = [
    '{"__proto__":{"polluted":"yes"},"trace_id":"p","span_id":"s","duration_ms":1,"tags":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}},"prototype":{"polluted":"yes"}}',
    '{"__proto__":{"polluted":"yes"},"trace_id":"p","span_id":"s","duration_ms":1,"big":12345678901234567890,"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"trace_id":"__proto__","span_id":"constructor","parent_id":"prototype","duration_ms":1,"name":"toString","service":"__proto__"}',
  ];
  for (const line of lines) {
    const record = extract(line);
    assert.ok(record);
    // Whatever the keys, the tags object's prototype is never replaced by input.
    assert.ok([null, Object.prototype].includes(Object.getPrototypeOf(record.tags)));
    for (const key of Object.keys(record.tags)) assert.ok(Object.hasOwn(record.tags, key));
  }
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  const weird = extract(lines[2]);
  assert.deepEqual([weird.traceId, weird.spanId, weird.parentId, weird.name, weird.service], ['__proto__', 'constructor', 'prototype', 'toString', '__proto__']);
  assert.equal(extract(lines[0]).tags['__proto__.polluted'], 'yes');
  const raw = extract('{"trace_id":"p","span_id":"s","duration_ms":1,"tags":{"__proto__":"data","constructor":"c"}}');
  assert.equal(Object.getOwnPropertyDescriptor(raw.tags, '__proto__')?.value, 'data');
  assert.equal(Object.getOwnPropertyDescriptor(raw.tags, 'constructor')?.value, 'c');
});

test('an end time and a duration without a start: the start is the end minus the duration', () => {
  const record = extract('{"trace_id":"t","span_id":"s","end_time":"2024-05-01T10:00:01Z","duration_ms":500}');
  assert.equal(record.kind, 'span');
  assert.equal(record.durationNs, 500_000_000n);
  assert.equal(record.timeNs, EPOCH_NS + 500_000_000n);
});

/** Calls `visit(text, source, lineNo)` for every line of every fixture, then for `extra` lines. */
function eachFixtureLine(visit, extra = []) {
  const dir = new URL('../../../fixtures/', import.meta.url);
  for (const name of readdirSync(dir).filter((f) => /\.(jsonl|log)$/.test(f))) {
    readFileSync(new URL(name, dir), 'utf8').split('\n').forEach((text, i) => visit(text, name, i + 1));
  }
  extra.forEach((text, i) => visit(text, 'extra', i + 1));
}

test('fields: false leaves tags empty and changes nothing else (every fixture line)', () => {
  let emptied = 0;
  eachFixtureLine((text, name, line) => {
    const full = readLine(text, name, line);
    const lean = readLine(text, name, line, { fields: false });
    if (full === null || !('records' in full)) return assert.deepEqual(lean, full);
    const withoutTags = full.records.map((r) => ({ ...r, tags: {} }));
    // Span JSON and document imports keep their own fields; log lines lose theirs.
    const expected = lean.records.map((r, k) => (Object.keys(r.tags).length === 0 ? withoutTags[k] : full.records[k]));
    assert.deepEqual(lean.records, expected, `${name}:${line}`);
    emptied += lean.records.filter((r, k) => Object.keys(r.tags).length === 0 && Object.keys(full.records[k].tags).length > 0).length;
  });
  assert.ok(emptied > 30, `${emptied} records lost their tags`);
});

test("fields: 'text' writes the tags as the JSON text of the object the default builds (every fixture line)", () => {
  let asText = 0;
  const extra = [
    '{"trace_id":"t","span_id":"s","duration_ms":1,"2":"two","1":"one","__proto__":{"x":12345678901234567890},"a\\"b":[1,{"c":null}],"n":-0,"e":1e400}',
    '{"trace_id":"t","span_id":"s","duration_ms":1,"tags.k":"from container","k2":"v"}',
  ];
  eachFixtureLine((text, name, line) => {
    const objects = readLine(text, name, line);
    const texts = readLine(text, name, line, { fields: 'text' });
    if (objects === null || !('records' in objects)) return assert.deepEqual(texts, objects);
    texts.records.forEach((r, k) => {
      const o = objects.records[k];
      if (r.tagsText === undefined) return assert.deepEqual(r, o, `${name}:${line}`);
      asText++;
      assert.equal(r.tagsText, stringifyJson(o.tags), `${name}:${line}`);
      assert.deepEqual(r, { ...o, tags: {}, tagsText: r.tagsText }, `${name}:${line}`);
    });
  }, extra);
  assert.ok(asText > 100, `${asText} records read as text`);
});
