// OTLP/JSON export: checked against the official protobuf definitions (encode,
// decode, compare: FORMATS.md E) and against our own stricter JSON schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { OtlpTextWriter, otlpSpanLines, toOtlpRequests, toAnyValue } from '../../../dist/export/otlp.js';
import { LosslessNumber } from '../../../dist/types.js';
import { allTraces, datadogTrace, hexTrace, uuidTrace, EPOCH_NS } from '../../helpers/export-traces.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';

const require = createRequire(import.meta.url);
// protobufjs static module generated from opentelemetry-proto (no "exports" map, so the deep path resolves).
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Deep copy with id fields converted by `convert` (hex ↔ base64, the protobuf JSON mapping of bytes). */
function mapIds(value, convert) {
  if (Array.isArray(value)) return value.map((item) => mapIds(item, convert));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = ID_KEYS.has(key) ? convert(item) : mapIds(item, convert);
    return out;
  }
  return value;
}

/** Drops empty arrays, which protobuf's toObject leaves out. */
function dropEmptyArrays(value) {
  if (Array.isArray(value)) return value.map(dropEmptyArrays);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      if (Array.isArray(item) && item.length === 0) continue;
      out[key] = dropEmptyArrays(item);
    }
    return out;
  }
  return value;
}

function protobufRoundTrip(doc) {
  const asProto = mapIds(doc, (hex) => Buffer.from(hex, 'hex').toString('base64'));
  const message = ExportTraceServiceRequest.fromObject(asProto);
  const decoded = ExportTraceServiceRequest.decode(ExportTraceServiceRequest.encode(message).finish());
  const object = ExportTraceServiceRequest.toObject(decoded, { longs: String, enums: Number, bytes: String });
  return mapIds(object, (b64) => Buffer.from(b64, 'base64').toString('hex'));
}

// Our stricter rules (FORMATS.md E): anchored ids, not all zeros, decimal-string int64s,
// kind 0–5, status.code 0–2, lowerCamelCase keys, no unknown members.
const CAMEL = { pattern: '^[a-z][a-zA-Z0-9]*$' };
const hexId = (width) => ({ type: 'string', pattern: `^[0-9a-f]{${width}}$`, not: { pattern: '^0+$' } });
const uint64 = { type: 'string', pattern: '^[0-9]+$' };
const OTLP_SCHEMA = {
  $id: 'tracelog-otlp',
  type: 'object',
  required: ['resourceSpans'],
  additionalProperties: false,
  properties: { resourceSpans: { type: 'array', minItems: 1, items: { $ref: '#/definitions/resourceSpans' } } },
  definitions: {
    anyValue: {
      type: 'object',
      propertyNames: CAMEL,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        stringValue: { type: 'string' },
        boolValue: { type: 'boolean' },
        intValue: { type: 'string', pattern: '^-?[0-9]+$' },
        doubleValue: { type: 'number' },
        arrayValue: {
          type: 'object',
          required: ['values'],
          additionalProperties: false,
          properties: { values: { type: 'array', items: { $ref: '#/definitions/anyValue' } } },
        },
        kvlistValue: {
          type: 'object',
          required: ['values'],
          additionalProperties: false,
          properties: { values: { $ref: '#/definitions/attributes' } },
        },
      },
    },
    attributes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'value'],
        additionalProperties: false,
        properties: { key: { type: 'string' }, value: { $ref: '#/definitions/anyValue', minProperties: 1 } },
      },
    },
    resourceSpans: {
      type: 'object',
      required: ['resource', 'scopeSpans'],
      additionalProperties: false,
      propertyNames: CAMEL,
      properties: {
        resource: {
          type: 'object',
          required: ['attributes'],
          additionalProperties: false,
          properties: { attributes: { $ref: '#/definitions/attributes' } },
        },
        scopeSpans: {
          type: 'array',
          items: {
            type: 'object',
            required: ['scope', 'spans'],
            additionalProperties: false,
            properties: {
              scope: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: { name: { const: 'tracelog' }, version: { type: 'string' } },
              },
              spans: { type: 'array', minItems: 1, items: { $ref: '#/definitions/span' } },
            },
          },
        },
      },
    },
    span: {
      type: 'object',
      required: ['traceId', 'spanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano'],
      additionalProperties: false,
      propertyNames: CAMEL,
      properties: {
        traceId: hexId(32),
        spanId: hexId(16),
        parentSpanId: hexId(16),
        name: { type: 'string' },
        kind: { type: 'integer', minimum: 0, maximum: 5 },
        startTimeUnixNano: uint64,
        endTimeUnixNano: uint64,
        attributes: { $ref: '#/definitions/attributes' },
        events: {
          type: 'array',
          items: {
            type: 'object',
            required: ['timeUnixNano', 'name'],
            additionalProperties: false,
            properties: { timeUnixNano: uint64, name: { type: 'string' }, attributes: { $ref: '#/definitions/attributes' } },
          },
        },
        status: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: { code: { type: 'integer', minimum: 0, maximum: 2 }, message: { type: 'string' } },
        },
      },
    },
  },
};
const validateOtlp = new Ajv({ allErrors: true }).compile(OTLP_SCHEMA);

function assertValid(doc) {
  const text = JSON.stringify(doc);
  assert.doesNotMatch(text, /NaN|Infinity/);
  const parsed = JSON.parse(text);
  assert.ok(validateOtlp(parsed), JSON.stringify(validateOtlp.errors, null, 1));
  // End ≥ start everywhere.
  for (const rs of parsed.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) assert.ok(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano));
    }
  }
  return parsed;
}

function spansOf(doc) {
  return doc.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ service: rs.resource.attributes[0].value.stringValue, span }))),
  );
}

const attr = (span, key) => span.attributes.find((a) => a.key === key)?.value;

test('every request survives protobuf encode/decode unchanged (official definitions)', () => {
  const docs = toOtlpRequests(allTraces(), { scopeVersion: '0.1.0' });
  assert.equal(docs.length, 1);
  for (const doc of docs) {
    const json = assertValid(doc);
    assert.deepEqual(protobufRoundTrip(json), dropEmptyArrays(json));
  }
});

test('the schema and the protobuf round trip catch broken documents', () => {
  const [doc] = toOtlpRequests([hexTrace()]);
  const json = JSON.parse(JSON.stringify(doc));
  const span = json.resourceSpans[0].scopeSpans[0].spans[0];
  for (const [label, mutate] of [
    ['uppercase id', (s) => (s.traceId = s.traceId.toUpperCase())],
    ['zero span id', (s) => (s.spanId = '0000000000000000')],
    ['numeric time', (s) => (s.startTimeUnixNano = 1)],
    ['enum name', (s) => (s.kind = 'SPAN_KIND_SERVER')],
    ['snake_case key', (s) => (s.start_time_unix_nano = '1')],
    ['intValue as number', (s) => (s.attributes = [{ key: 'n', value: { intValue: 42 } }])],
    ['status code 3', (s) => (s.status = { code: 3 })],
  ]) {
    const copy = structuredClone(json);
    mutate(copy.resourceSpans[0].scopeSpans[0].spans[0]);
    assert.equal(validateOtlp(copy), false, label);
  }
  // fromObject silently turns a bad number string into 0: only the comparison sees it.
  const bad = structuredClone(json);
  bad.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano = '12x';
  assert.notDeepEqual(protobufRoundTrip(bad), dropEmptyArrays(bad));
  assert.ok(span);
});

test('ids: hex32/hex16 per C.2, originals kept as attributes, parent equals the parent span id', () => {
  const [doc] = toOtlpRequests([uuidTrace()]);
  const spans = spansOf(doc).map(({ span }) => span);
  const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
  const root = byName['GET /cart'];
  assert.equal(root.traceId, '3f1c1e0a4d5b4c1e9a775b0e2f3c9d11');
  assert.equal(root.spanId, '8e2f0a1b2c3d4e5f');
  assert.equal('parentSpanId' in root, false);
  assert.deepEqual(attr(root, 'tracelog.original_trace_id'), { stringValue: '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11' });
  assert.deepEqual(attr(root, 'tracelog.original_span_id'), { stringValue: '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f' });
  for (const child of [byName['SELECT cart'], byName['price lookup']]) assert.equal(child.parentSpanId, root.spanId);
  assert.equal(byName['rpc pricing'].parentSpanId, byName['price lookup'].spanId);
  assert.equal(byName['price lookup'].spanId, 'ab54a98ceb1f0ad2'); // 12345678901234567890 as uint64
  assert.equal(byName['rpc pricing'].spanId, '00f067aa0ba902b7');
  assert.deepEqual(attr(byName['rpc pricing'], 'tracelog.original_parent_id'), { stringValue: '12345678901234567890' });

  const [plain] = toOtlpRequests([hexTrace()]);
  for (const { span } of spansOf(plain)) assert.equal(span.attributes.some((a) => a.key.startsWith('tracelog.')), false);
  const [short] = toOtlpRequests([hexTrace('5af7183fb1d4cf5f')]);
  assert.equal(spansOf(short)[0].span.traceId, '00000000000000005af7183fb1d4cf5f');
});

test('times are ns decimal strings; end = start + duration; events at their time or the span start', () => {
  const [doc] = toOtlpRequests([uuidTrace()]);
  const byName = Object.fromEntries(spansOf(doc).map(({ span }) => [span.name, span]));
  const db = byName['SELECT cart'];
  assert.equal(db.startTimeUnixNano, String(EPOCH_NS + 10_123_457n));
  assert.equal(db.endTimeUnixNano, String(EPOCH_NS + 10_123_457n + 5_000_001n));
  const root = byName['GET /cart'];
  assert.deepEqual(root.events, [
    {
      timeUnixNano: String(EPOCH_NS + 1_500_000n),
      name: 'cache miss',
      attributes: [
        { key: 'key', value: { stringValue: 'cart:42' } },
        { key: 'size', value: { intValue: '3' } },
      ],
    },
    { timeUnixNano: String(EPOCH_NS + 2_000_001n), name: 'retry', attributes: [] },
  ]);
  const span = makeSpan({ events: [{ timeNs: null, timeDigits: 0, name: 'no time', fields: {} }] });
  const [one] = toOtlpRequests([makeTrace([span])]);
  const only = spansOf(one)[0].span;
  assert.equal(only.events[0].timeUnixNano, only.startTimeUnixNano);
});

test('typed attributes: string, bool, int64 as string, double, array, kvlist; null omitted', () => {
  const [doc] = toOtlpRequests([uuidTrace()]);
  const root = spansOf(doc).find(({ span }) => span.name === 'GET /cart').span;
  const byKey = Object.fromEntries(root.attributes.map((a) => [a.key, a.value]));
  assert.deepEqual(byKey['http.route'], { stringValue: '/cart' });
  assert.deepEqual(byKey.big, { intValue: '9007199254740993' });
  assert.deepEqual(byKey.negative, { intValue: '-42' });
  assert.deepEqual(byKey.ratio, { doubleValue: 0.25 });
  assert.deepEqual(byKey.ok, { boolValue: false });
  assert.deepEqual(byKey.http, {
    kvlistValue: {
      values: [
        { key: 'method', value: { stringValue: 'GET' } },
        { key: 'status', value: { intValue: '200' } },
        { key: 'headers', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
      ],
    },
  });
  assert.deepEqual(byKey.mixed, {
    arrayValue: {
      values: [
        { intValue: '1' },
        { stringValue: 'two' },
        {},
        { boolValue: true },
        { kvlistValue: { values: [{ key: 'x', value: { doubleValue: 1.5 } }] } },
      ],
    },
  });
  assert.deepEqual(byKey.__proto__, { stringValue: 'kept as a key' });
  assert.equal('nothing' in byKey, false);
  assert.equal(root.attributes.filter((a) => a.key === 'big').length, 1);
});

test('toAnyValue edge cases: int64 bounds, lossless decimals, huge exponents never give NaN/Infinity', () => {
  assert.deepEqual(toAnyValue(new LosslessNumber('9223372036854775807')), { intValue: '9223372036854775807' });
  assert.deepEqual(toAnyValue(new LosslessNumber('-9223372036854775808')), { intValue: '-9223372036854775808' });
  assert.deepEqual(toAnyValue(new LosslessNumber('9223372036854775808')), { doubleValue: 9223372036854775808 });
  assert.deepEqual(toAnyValue(new LosslessNumber('0.1000000000000000055511151231257827')), { doubleValue: 0.1 });
  assert.deepEqual(toAnyValue(new LosslessNumber('1e400')), { stringValue: '1e400' });
  assert.deepEqual(toAnyValue(2 ** 60), { intValue: '1152921504606846976' });
  assert.deepEqual(toAnyValue(1e20), { doubleValue: 1e20 });
  assert.deepEqual(toAnyValue(-0), { intValue: '0' });
  assert.equal(toAnyValue(null), null);
});

test('resources per service (null → unknown_service), kind integers, status, synthetic flag', () => {
  const [doc] = toOtlpRequests([uuidTrace(), datadogTrace()], { scopeVersion: '1.2.3' });
  assert.deepEqual(
    doc.resourceSpans.map((rs) => rs.resource.attributes),
    ['checkout', 'db', 'pricing', 'unknown_service', 'worker'].map((name) => [{ key: 'service.name', value: { stringValue: name } }]),
  );
  for (const rs of doc.resourceSpans) assert.deepEqual(rs.scopeSpans[0].scope, { name: 'tracelog', version: '1.2.3' });
  const byName = Object.fromEntries(spansOf(doc).map(({ span }) => [span.name || span.spanId, span]));
  assert.equal(byName['GET /cart'].kind, 2);
  assert.equal(byName['SELECT cart'].kind, 3);
  assert.equal(byName['price lookup'].kind, 1);
  assert.equal(byName['rpc pricing'].kind, 4);
  assert.equal(byName.work.kind, 0);
  assert.deepEqual(byName['SELECT cart'].status, { code: 2, message: 'timeout after 5s' });
  assert.deepEqual(byName.work.status, { code: 2 });
  assert.equal('status' in byName['GET /cart'], false);
  const unknown = doc.resourceSpans.find((rs) => rs.resource.attributes[0].value.stringValue === 'unknown_service');
  const [placeholder, consumer] = unknown.scopeSpans[0].spans;
  assert.deepEqual(attr(placeholder, 'tracelog.synthetic'), { boolValue: true });
  assert.equal(placeholder.name, '');
  assert.equal(consumer.kind, 5);
  assert.equal(consumer.parentSpanId, placeholder.spanId);
  assert.equal(attr(consumer, 'tracelog.synthetic'), undefined);
  const [noVersion] = toOtlpRequests([hexTrace()]);
  assert.deepEqual(noVersion.resourceSpans[0].scopeSpans[0].scope, { name: 'tracelog' });
});

test('no traces, no requests', () => {
  assert.deepEqual(toOtlpRequests([]), []);
});

function bigTraces(traceCount, spansPerTrace) {
  const traces = [];
  for (let t = 0; t < traceCount; t++) {
    const spans = [];
    for (let i = 0; i < spansPerTrace; i++) {
      spans.push(
        makeSpan({
          spanId: `t${t}-s${i}`,
          parentId: i === 0 ? null : `t${t}-s0`,
          name: `op ${i} ✓`,
          service: `svc-${i % 3}`,
          startMs: i,
          durationMs: 1,
          tags: { i, text: 'é'.repeat(i % 7) },
        }),
      );
    }
    traces.push(makeTrace(spans, `trace-${t}`));
  }
  return traces;
}

test('splits by maxSpans and keeps every span once, in order', () => {
  const traces = bigTraces(30, 50);
  const docs = toOtlpRequests(traces);
  assert.deepEqual(
    docs.map((d) => spansOf(d).length),
    [512, 512, 476],
  );
  const names = docs.flatMap((d) => spansOf(d).map(({ span }) => span.attributes.find((a) => a.key === 'tracelog.original_span_id').value.stringValue));
  assert.equal(new Set(names).size, 1500);
});

test('splits by maxBytes: each request fits, and no request could have taken the next span', () => {
  const maxBytes = 20_000;
  const docs = toOtlpRequests(bigTraces(10, 40), { maxBytes });
  assert.ok(docs.length > 5);
  let total = 0;
  docs.forEach((doc, i) => {
    const size = Buffer.byteLength(JSON.stringify(doc));
    assert.ok(size <= maxBytes, `request ${i}: ${size} bytes`);
    assertValid(doc);
    total += spansOf(doc).length;
    const next = docs[i + 1];
    if (next) {
      const firstNext = spansOf(next)[0].span;
      assert.ok(size + Buffer.byteLength(JSON.stringify(firstNext)) + 1 > maxBytes, `request ${i} was cut early`);
    }
  });
  assert.equal(total, 400);
});

test('a span larger than maxBytes gets a request of its own', () => {
  const huge = makeSpan({ spanId: 'huge', tags: { blob: 'x'.repeat(5000) } });
  const small = makeSpan({ spanId: 'small', parentId: 'huge' });
  const docs = toOtlpRequests([makeTrace([huge, small])], { maxBytes: 1000 });
  assert.equal(docs.length, 2);
  assert.equal(spansOf(docs[0]).length, 1);
  assert.ok(Buffer.byteLength(JSON.stringify(docs[1])) <= 1000);
});

test('OtlpTextWriter writes, span by span, from text or bytes, the JSON of the requests toOtlpRequests makes', () => {
  const odd = makeTrace(
    [
      makeSpan({ spanId: 'a', service: 'tab\there "spans":[] \n new\u2028line', name: 'x', tags: { t: '\t' } }),
      makeSpan({ spanId: 'b', parentId: 'a', service: null, name: 'y' }),
      makeSpan({ spanId: 'c', parentId: 'a', service: 'ünï', name: 'z' }),
    ],
    'odd',
  );
  const cases = [
    [[...bigTraces(30, 50), odd], {}],
    [[...bigTraces(10, 40), odd], { maxBytes: 20_000, scopeVersion: '1.2.3' }],
    [[odd, ...bigTraces(3, 9)], { maxSpans: 2 }],
    [[makeTrace([makeSpan({ spanId: 'huge', tags: { blob: 'x'.repeat(5000) } }), makeSpan({ spanId: 'small', parentId: 'huge' })])], { maxBytes: 1000 }],
    [[], {}],
  ];
  for (const [traces, options] of cases) {
    const requests = toOtlpRequests(traces, options);
    const expected = requests.map((r) => `${JSON.stringify(r)}\n`).join('');
    const writer = new OtlpTextWriter(options);
    const lines = [];
    for (const [i, trace] of traces.entries()) {
      // As text (the plain read) and as UTF-8 bytes (written early), alike.
      writer.add(i % 2 ? otlpSpanLines(trace) : new Uint8Array(Buffer.from(otlpSpanLines(trace))));
      lines.push(...writer.takeLines());
    }
    lines.push(...writer.takeLines(true));
    assert.equal(Buffer.concat(lines).toString('utf8'), expected, JSON.stringify(options));
    // The same requests, as the bytes of each one's JSON with its span count.
    const again = new OtlpTextWriter(options);
    for (const trace of traces) again.add(otlpSpanLines(trace));
    assert.deepEqual(
      again.takeRequests(true).map(({ json, spans }) => [Buffer.from(json).toString('utf8'), spans]),
      requests.map((r) => [JSON.stringify(r), r.resourceSpans.reduce((n, res) => n + res.scopeSpans[0].spans.length, 0)]),
    );
  }
});
