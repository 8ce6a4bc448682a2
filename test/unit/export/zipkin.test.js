// Zipkin v2 export, validated with the upstream zipkin2-api.yaml definitions
// (FORMATS.md E) plus anchored patterns of our own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';
import { toZipkinSpans } from '../../../dist/export/zipkin.js';
import { allTraces, datadogTrace, hexTrace, uuidTrace, EPOCH_NS } from '../../helpers/export-traces.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';

const api = yaml.load(readFileSync(new URL('../../fixtures-schema/zipkin2-api.yaml', import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('int64', true);
ajv.addSchema({ $id: 'zipkin2', definitions: api.definitions });
const validateUpstream = ajv.getSchema('zipkin2#/definitions/ListOfSpans');

// The upstream patterns are unanchored ("[a-z0-9]{16,32}"): these are the real rules (B.2, C.1).
const notZero = { not: { pattern: '^0+$' } };
const validateOurs = ajv.compile({
  type: 'array',
  items: {
    type: 'object',
    required: ['traceId', 'id', 'timestamp', 'duration'],
    properties: {
      traceId: { type: 'string', pattern: '^(?:[0-9a-f]{16}|[0-9a-f]{32})$', ...notZero },
      id: { type: 'string', pattern: '^[0-9a-f]{16}$', ...notZero },
      parentId: { type: 'string', pattern: '^[0-9a-f]{16}$', ...notZero },
      timestamp: { type: 'integer', minimum: 1 },
      duration: { type: 'integer', minimum: 1 },
      kind: { enum: ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'] },
      localEndpoint: { type: 'object', required: ['serviceName'] },
      tags: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 },
      annotations: { type: 'array', minItems: 1 },
    },
  },
});

function assertValid(spans) {
  const parsed = JSON.parse(JSON.stringify(spans));
  assert.ok(validateUpstream(parsed), JSON.stringify(validateUpstream.errors, null, 1));
  assert.ok(validateOurs(parsed), JSON.stringify(validateOurs.errors, null, 1));
  return parsed;
}

test('the upstream schema is loaded and strict where FORMATS.md E says it is', () => {
  const good = [{ traceId: '5af7183fb1d4cf5f', id: '352bff9a74ca9ad2', timestamp: 1556604172355737, duration: 1431 }];
  assert.equal(validateUpstream(good), true);
  for (const [label, change] of [
    ['fractional timestamp', { timestamp: 1.5 }],
    ['duration 0', { duration: 0 }],
    ['uppercase id', { id: '352BFF9A74CA9AD2' }],
    ['number tag', { tags: { n: 1 } }],
    ['INTERNAL kind', { kind: 'INTERNAL' }],
    ['bad ipv4', { localEndpoint: { ipv4: 'not-an-ip' } }],
  ]) {
    assert.equal(validateUpstream([{ ...good[0], ...change }]), false, label);
  }
  assert.equal(validateUpstream([{ traceId: '5af7183fb1d4cf5f', timestamp: 1 }]), false, 'missing id');
  // Unanchored upstream pattern: 20 hex chars pass there, not in ours.
  assert.equal(validateUpstream([{ ...good[0], traceId: 'a'.repeat(20) }]), true);
  assert.equal(validateOurs([{ ...good[0], traceId: 'a'.repeat(20) }]), false);
});

test('all awkward traces give a valid span list', () => {
  const spans = assertValid(toZipkinSpans(allTraces()));
  assert.equal(spans.length, 4 + 3 + 2 + 2);
});

test('ids: 16-hex and decimal trace ids stay 16 wide, UUIDs 32; originals as tags', () => {
  const [root, db, decimal, prefixed] = toZipkinSpans([uuidTrace()]);
  assert.equal(root.traceId, '3f1c1e0a4d5b4c1e9a775b0e2f3c9d11');
  assert.equal(root.tags['tracelog.original_trace_id'], '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11');
  assert.equal(db.parentId, root.id);
  assert.equal(decimal.id, 'ab54a98ceb1f0ad2');
  assert.equal(prefixed.parentId, decimal.id);
  assert.equal(prefixed.tags['tracelog.original_span_id'], '0x00f067aa0ba902b7');
  assert.equal(prefixed.tags['tracelog.original_parent_id'], '12345678901234567890');
  assert.equal('parentId' in root, false);

  const dd = toZipkinSpans([datadogTrace()]);
  assert.equal(dd[0].traceId, '112210f47de98115');
  const short = toZipkinSpans([hexTrace('5af7183fb1d4cf5f')]);
  assert.equal(short[0].traceId, '5af7183fb1d4cf5f');
  assert.equal('tags' in short[0], false);
});

test('times: timestamp floored to µs, duration rounded with a minimum of 1', () => {
  const [root, db, , prefixed] = toZipkinSpans([uuidTrace()]);
  assert.equal(root.timestamp, Number(EPOCH_NS / 1000n));
  assert.equal(root.duration, 152300);
  assert.equal(db.timestamp, Number((EPOCH_NS + 10_123_457n) / 1000n));
  assert.equal(db.duration, 5000);
  assert.equal(prefixed.duration, 1);
  const halfUp = toZipkinSpans([makeTrace([makeSpan({ durationMs: 0.0025 })])]);
  assert.equal(halfUp[0].duration, 3);
  for (const span of toZipkinSpans(allTraces())) {
    assert.ok(Number.isSafeInteger(span.timestamp));
    assert.ok(Number.isSafeInteger(span.duration) && span.duration >= 1);
  }
});

test('kind only for SERVER/CLIENT/PRODUCER/CONSUMER; service in localEndpoint; name absent when unknown', () => {
  const [root, db, decimal, prefixed] = toZipkinSpans([uuidTrace()]);
  assert.equal(root.kind, 'SERVER');
  assert.equal(db.kind, 'CLIENT');
  assert.equal('kind' in decimal, false);
  assert.equal(prefixed.kind, 'PRODUCER');
  assert.deepEqual(root.localEndpoint, { serviceName: 'checkout' });
  const [placeholder, consumer, worker] = toZipkinSpans([datadogTrace()]);
  assert.equal(consumer.kind, 'CONSUMER');
  assert.equal('kind' in worker, false);
  assert.equal('localEndpoint' in consumer, false);
  assert.equal('name' in consumer, false);
  assert.equal(placeholder.tags['tracelog.synthetic'], 'true');
});

test('tags are strings: numbers, booleans, lossless numbers, objects as JSON; null left out; error from status', () => {
  const [root, db] = toZipkinSpans([uuidTrace()]);
  assert.equal(root.tags['http.route'], '/cart');
  assert.equal(root.tags.http, '{"method":"GET","status":200,"headers":["a","b"]}');
  assert.equal(root.tags.big, '9007199254740993');
  assert.equal(root.tags.negative, '-42');
  assert.equal(root.tags.ratio, '0.25');
  assert.equal(root.tags.mixed, '[1,"two",null,true,{"x":1.5}]');
  assert.equal(root.tags.ok, 'false');
  assert.equal('nothing' in root.tags, false);
  assert.equal(Object.hasOwn(root.tags, '__proto__'), true);
  assert.equal(root.tags.__proto__, 'kept as a key');
  assert.equal('error' in root.tags, false);
  assert.equal(db.tags.error, 'timeout after 5s');
  const worker = toZipkinSpans([datadogTrace()])[2];
  assert.equal(worker.tags.error, 'true');
  assert.equal(JSON.parse(JSON.stringify(toZipkinSpans([uuidTrace()])))[0].tags.__proto__, 'kept as a key');
});

test('events become annotations (value = name), exact repeats dropped for uniqueItems', () => {
  const [root] = toZipkinSpans([uuidTrace()]);
  assert.deepEqual(root.annotations, [
    { timestamp: Number((EPOCH_NS + 1_500_000n) / 1000n), value: 'cache miss' },
    { timestamp: Number((EPOCH_NS + 2_000_001n) / 1000n), value: 'retry' },
  ]);
  const twice = makeSpan({
    events: [
      { timeNs: EPOCH_NS + 1000n, timeDigits: 6, name: 'x', fields: {} },
      { timeNs: EPOCH_NS + 1400n, timeDigits: 9, name: 'x', fields: {} },
      { timeNs: null, timeDigits: 0, name: 'x', fields: {} },
    ],
  });
  const spans = assertValid(toZipkinSpans([makeTrace([twice])]));
  assert.deepEqual(spans[0].annotations, [
    { timestamp: Number((EPOCH_NS + 1000n) / 1000n), value: 'x' },
    { timestamp: Number(EPOCH_NS / 1000n), value: 'x' },
  ]);
});
