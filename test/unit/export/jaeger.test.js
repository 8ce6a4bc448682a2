// Jaeger UI JSON export: no official schema exists (FORMATS.md E), so this
// checks a small schema written from B.3 plus the cross-references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { toJaegerDocument } from '../../../dist/export/jaeger.js';
import { allTraces, datadogTrace, hexTrace, uuidTrace, EPOCH_NS } from '../../helpers/export-traces.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';

const hex16 = { type: 'string', pattern: '^[0-9a-f]{16}$', not: { pattern: '^0+$' } };
const traceHex = { type: 'string', pattern: '^(?:[0-9a-f]{16}|[0-9a-f]{32})$', not: { pattern: '^0+$' } };
const tag = {
  type: 'object',
  required: ['key', 'type', 'value'],
  additionalProperties: false,
  properties: { key: { type: 'string' }, type: { enum: ['string', 'bool', 'int64', 'float64', 'binary'] }, value: true },
  allOf: [
    { if: { properties: { type: { const: 'string' } } }, then: { properties: { value: { type: 'string' } } } },
    { if: { properties: { type: { const: 'bool' } } }, then: { properties: { value: { type: 'boolean' } } } },
    {
      if: { properties: { type: { const: 'int64' } } },
      then: {
        properties: {
          value: {
            oneOf: [
              { type: 'integer', minimum: -(2 ** 53 - 1), maximum: 2 ** 53 - 1 },
              { type: 'string', pattern: '^-?[0-9]+$' },
            ],
          },
        },
      },
    },
    { if: { properties: { type: { const: 'float64' } } }, then: { properties: { value: { type: 'number' } } } },
  ],
};
const validateJaeger = new Ajv({ allErrors: true }).compile({
  type: 'object',
  required: ['data', 'total', 'limit', 'offset', 'errors'],
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['traceID', 'spans', 'processes', 'warnings'],
        additionalProperties: false,
        properties: {
          traceID: traceHex,
          warnings: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'string' } }] },
          processes: {
            type: 'object',
            propertyNames: { pattern: '^p[1-9][0-9]*$' },
            additionalProperties: {
              type: 'object',
              required: ['serviceName', 'tags'],
              properties: { serviceName: { type: 'string', minLength: 1 }, tags: { type: 'array', items: tag } },
            },
          },
          spans: {
            type: 'array',
            items: {
              type: 'object',
              required: ['traceID', 'spanID', 'operationName', 'references', 'startTime', 'duration', 'tags', 'logs', 'processID'],
              additionalProperties: false,
              properties: {
                traceID: traceHex,
                spanID: hex16,
                operationName: { type: 'string' },
                references: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['refType', 'traceID', 'spanID'],
                    additionalProperties: false,
                    properties: { refType: { enum: ['CHILD_OF', 'FOLLOWS_FROM'] }, traceID: traceHex, spanID: hex16 },
                  },
                },
                startTime: { type: 'integer', minimum: 1 },
                duration: { type: 'integer', minimum: 0 },
                tags: { type: 'array', items: tag },
                logs: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['timestamp', 'fields'],
                    additionalProperties: false,
                    properties: { timestamp: { type: 'integer' }, fields: { type: 'array', items: tag } },
                  },
                },
                processID: { type: 'string' },
                warnings: { type: 'null' },
              },
            },
          },
        },
      },
    },
  },
});

function assertValid(doc) {
  const text = JSON.stringify(doc);
  assert.doesNotMatch(text, /NaN|Infinity/);
  const parsed = JSON.parse(text);
  assert.ok(validateJaeger(parsed), JSON.stringify(validateJaeger.errors, null, 1));
  for (const trace of parsed.data) {
    const ids = new Set(trace.spans.map((s) => s.spanID));
    for (const span of trace.spans) {
      assert.ok(Object.hasOwn(trace.processes, span.processID), `process ${span.processID}`);
      assert.equal(span.traceID, trace.traceID);
      for (const ref of span.references) {
        assert.equal(ref.traceID, trace.traceID);
        assert.ok(ids.has(ref.spanID), `reference to ${ref.spanID} resolves`);
      }
    }
  }
  return parsed;
}

const tagsOf = (span) => Object.fromEntries(span.tags.map((t) => [t.key, [t.type, t.value]]));

test('all awkward traces give a valid document', () => {
  const doc = assertValid(toJaegerDocument(allTraces()));
  assert.equal(doc.data.length, 4);
  assert.equal(doc.total, 4);
  assert.equal(doc.errors, null);
});

test('envelope, processes p1, p2… per service, CHILD_OF references', () => {
  const doc = toJaegerDocument([uuidTrace()]);
  const [trace] = doc.data;
  assert.equal(trace.traceID, '3f1c1e0a4d5b4c1e9a775b0e2f3c9d11');
  assert.deepEqual({ ...trace.processes }, {
    p1: { serviceName: 'checkout', tags: [] },
    p2: { serviceName: 'db', tags: [] },
    p3: { serviceName: 'pricing', tags: [] },
  });
  assert.equal(Object.getPrototypeOf(trace.processes), null);
  const [root, db, decimal, prefixed] = trace.spans;
  assert.deepEqual(root.references, []);
  assert.deepEqual(db.references, [{ refType: 'CHILD_OF', traceID: trace.traceID, spanID: root.spanID }]);
  assert.deepEqual(prefixed.references, [{ refType: 'CHILD_OF', traceID: trace.traceID, spanID: decimal.spanID }]);
  assert.deepEqual([root.processID, db.processID, decimal.processID, prefixed.processID], ['p1', 'p2', 'p1', 'p3']);
  assert.equal(root.warnings, null);
  assert.equal(trace.warnings, null);

  const dd = toJaegerDocument([datadogTrace()]).data[0];
  assert.equal(dd.traceID, '112210f47de98115');
  assert.deepEqual(dd.processes.p1, { serviceName: 'unknown_service', tags: [] });
});

test('µs integers: start floored, duration rounded (0 allowed)', () => {
  const [root, db, , prefixed] = toJaegerDocument([uuidTrace()]).data[0].spans;
  assert.equal(root.startTime, Number(EPOCH_NS / 1000n));
  assert.equal(root.duration, 152300);
  assert.equal(db.startTime, Number((EPOCH_NS + 10_123_457n) / 1000n));
  assert.equal(db.duration, 5000);
  assert.equal(prefixed.duration, 0);
});

test('typed tags; int64 beyond 2^53−1 as decimal string; kind, error and status as tags; originals', () => {
  const [root, db, decimal] = toJaegerDocument([uuidTrace()]).data[0].spans;
  const tags = tagsOf(root);
  assert.deepEqual(tags['http.route'], ['string', '/cart']);
  assert.deepEqual(tags.big, ['int64', '9007199254740993']);
  assert.deepEqual(tags.negative, ['int64', -42]);
  assert.deepEqual(tags.ratio, ['float64', 0.25]);
  assert.deepEqual(tags.ok, ['bool', false]);
  assert.deepEqual(tags.http, ['string', '{"method":"GET","status":200,"headers":["a","b"]}']);
  assert.deepEqual(tags['span.kind'], ['string', 'server']);
  assert.deepEqual(tags['tracelog.original_span_id'], ['string', '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f']);
  assert.equal('nothing' in tags, false);
  assert.equal('error' in tags, false);
  const dbTags = tagsOf(db);
  assert.deepEqual(dbTags.error, ['bool', true]);
  assert.deepEqual(dbTags['otel.status_code'], ['string', 'ERROR']);
  assert.deepEqual(dbTags['otel.status_description'], ['string', 'timeout after 5s']);
  assert.deepEqual(dbTags['db.rows'], ['int64', 0]);
  assert.deepEqual(tagsOf(decimal)['span.kind'], ['string', 'internal']);
  const [placeholder, consumer] = toJaegerDocument([datadogTrace()]).data[0].spans;
  assert.deepEqual(tagsOf(placeholder)['tracelog.synthetic'], ['bool', true]);
  assert.deepEqual(tagsOf(consumer).count, ['int64', '-9223372036854775808']);
  assert.equal(consumer.operationName, '');
});

test('a span tag named like a status tag does not duplicate it', () => {
  const span = makeSpan({ error: true, statusMessage: 'boom', kind: 'client', tags: { error: 'from the log', 'span.kind': 'x' } });
  const [jaeger] = toJaegerDocument([makeTrace([span])]).data[0].spans;
  const keys = jaeger.tags.map((t) => t.key);
  assert.equal(new Set(keys).size, keys.length);
  assert.deepEqual(tagsOf(jaeger).error, ['bool', true]);
  assert.deepEqual(tagsOf(jaeger)['span.kind'], ['string', 'client']);
});

test('events become logs with an "event" field first', () => {
  const [root] = toJaegerDocument([uuidTrace()]).data[0].spans;
  assert.deepEqual(root.logs, [
    {
      timestamp: Number((EPOCH_NS + 1_500_000n) / 1000n),
      fields: [
        { key: 'event', type: 'string', value: 'cache miss' },
        { key: 'key', type: 'string', value: 'cart:42' },
        { key: 'size', type: 'int64', value: 3 },
      ],
    },
    { timestamp: Number((EPOCH_NS + 2_000_001n) / 1000n), fields: [{ key: 'event', type: 'string', value: 'retry' }] },
  ]);
});

test('trace problems become trace warnings', () => {
  const trace = hexTrace();
  trace.problems = ['duplicate span id 00f067aa0ba902b7'];
  const doc = assertValid(toJaegerDocument([trace]));
  assert.deepEqual(doc.data[0].warnings, ['duplicate span id 00f067aa0ba902b7']);
});

test('the schema rejects what Jaeger would misread', () => {
  const doc = JSON.parse(JSON.stringify(toJaegerDocument([hexTrace()])));
  for (const [label, mutate] of [
    ['unsafe int64 number', (d) => (d.data[0].spans[0].tags = [{ key: 'n', type: 'int64', value: 2 ** 60 }])],
    ['string as bool', (d) => (d.data[0].spans[0].tags = [{ key: 'b', type: 'bool', value: 'true' }])],
    ['uppercase span id', (d) => (d.data[0].spans[0].spanID = d.data[0].spans[0].spanID.toUpperCase())],
    ['fractional start', (d) => (d.data[0].spans[0].startTime += 0.5)],
    ['unknown refType', (d) => (d.data[0].spans[1].references[0].refType = 'PARENT')],
  ]) {
    const copy = structuredClone(doc);
    mutate(copy);
    assert.equal(validateJaeger(copy), false, label);
  }
});
