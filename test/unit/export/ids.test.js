// FORMATS.md C.2, rule by rule: each row is (function, input, options, expected).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  isDecimalIdText,
  isNoParent,
  mapSpanIds,
  toParentIdHex16,
  toSpanIdHex16,
  toTraceIdHex16or32,
  toTraceIdHex32,
} from '../../../dist/export/ids.js';

const sha = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const sha16 = (text) => sha(text).slice(0, 16);
const sha32 = (text) => sha(text).slice(0, 32);

const T32 = toTraceIdHex32;
const T16 = toTraceIdHex16or32;
const S = toSpanIdHex16;

const ROWS = [
  // Rule 1: empty or all zeros is not a valid trace/span id → rule 7.
  ['rule 1: empty trace id hashes', T32, '', {}, sha32('')],
  ['rule 1: zero span id hashes', S, '0000000000000000', {}, sha16('0000000000000000')],
  ['rule 1: zero trace id hashes (Zipkin width)', T16, '0', {}, sha32('0')],
  ['rule 1: 0x0 span id hashes the text as written', S, '0x0000', {}, sha16('0x0000')],
  // Rule 2: 0x / 0X prefix stripped; the rest is hex, never decimal.
  ['rule 2: 0x hex16 span', S, '0x00f067aa0ba902b7', {}, '00f067aa0ba902b7'],
  ['rule 2: 0X hex32 trace, uppercase', T32, '0X4BF92F3577B34DA6A3CE929D0E0E4736', {}, '4bf92f3577b34da6a3ce929d0e0e4736'],
  ['rule 2: 0x digits stay hex', S, '0x123', {}, '0000000000000123'],
  ['rule 2: 0x digits stay hex even when flagged decimal', S, '0x1234567890123456', { decimal: true }, '1234567890123456'],
  ['rule 2: 0x with no hex after it hashes', S, '0xzz', {}, sha16('0xzz')],
  // Rule 3: UUID.
  ['rule 3: UUID trace', T32, '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11', {}, '3f1c1e0a4d5b4c1e9a775b0e2f3c9d11'],
  ['rule 3: UUID trace keeps 32 for Zipkin', T16, '3F1C1E0A-4D5B-4C1E-9A77-5B0E2F3C9D11', {}, '3f1c1e0a4d5b4c1e9a775b0e2f3c9d11'],
  ['rule 3: UUID span takes the last 16', S, '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f', {}, '8e2f0a1b2c3d4e5f'],
  ['rule 3: UUID span whose last 16 are zero hashes', S, '12345678-1234-1234-0000-000000000000', {}, sha16('12345678-1234-1234-0000-000000000000')],
  ['rule 3: surrounding spaces are trimmed', T32, '  3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11 ', {}, '3f1c1e0a4d5b4c1e9a775b0e2f3c9d11'],
  // Rule 4: hex of exactly 16 or 32.
  ['rule 4: hex16 span lowercased', S, 'EEE19B7EC3C1B174', {}, 'eee19b7ec3c1b174'],
  ['rule 4: hex16 trace padded for OTLP', T32, 'eee19b7ec3c1b174', {}, '0000000000000000eee19b7ec3c1b174'],
  ['rule 4: hex16 trace kept for Zipkin/Jaeger', T16, 'EEE19B7EC3C1B174', {}, 'eee19b7ec3c1b174'],
  ['rule 4: hex32 trace', T32, '4BF92F3577B34DA6A3CE929D0E0E4736', {}, '4bf92f3577b34da6a3ce929d0e0e4736'],
  ['rule 4: hex32 span takes the last 16', S, '4bf92f3577b34da6a3ce929d0e0e4736', {}, 'a3ce929d0e0e4736'],
  ['rule 4: hex32 span with a zero low half hashes', S, '4bf92f3577b34da60000000000000000', {}, sha16('4bf92f3577b34da60000000000000000')],
  ['rule 4: 16 digits are hex (ambiguity note)', S, '1234567890123456', {}, '1234567890123456'],
  ['rule 4: 16-digit trace is hex, padded', T32, '1234567890123456', {}, '00000000000000001234567890123456'],
  ['rule 4: 32 digits are hex even when flagged', T32, '12345678901234567890123456789012', { decimal: true }, '12345678901234567890123456789012'],
  // Rule 5: decimal.
  ['rule 5: 16 digits flagged decimal', S, '1234567890123456', { decimal: true }, '000462d53c8abac0'],
  ['rule 5: 16-digit decimal trace for Zipkin stays 16', T16, '1234567890123456', { decimal: true }, '000462d53c8abac0'],
  ['rule 5: Datadog span id above 2^53', S, '9876543210987654321', {}, '891087b8e3b70cb1'],
  ['rule 5: Datadog trace id → low 64 bits in hex32', T32, '1234567890123456789', {}, '0000000000000000112210f47de98115'],
  ['rule 5: Datadog trace id for Zipkin/Jaeger is hex16', T16, '1234567890123456789', {}, '112210f47de98115'],
  ['rule 5: 2^64−1', S, '18446744073709551615', {}, 'ffffffffffffffff'],
  ['rule 5: short decimal', S, '42', {}, '000000000000002a'],
  ['rule 5: 2^64 is no uint64: hashed', S, '18446744073709551616', {}, sha16('18446744073709551616')],
  ['rule 5: 2^64 trace hashed when not flagged', T32, '18446744073709551616', {}, sha32('18446744073709551616')],
  ['rule 5: flagged decimal trace above 64 bits fills hex32', T32, '18446744073709551616', { decimal: true }, '00000000000000010000000000000000'],
  ['rule 5: flagged decimal trace above 64 bits, Zipkin width', T16, '18446744073709551616', { decimal: true }, '00000000000000010000000000000000'],
  ['rule 5: flagged decimal span above 64 bits hashes', S, '18446744073709551616', { decimal: true }, sha16('18446744073709551616')],
  ['rule 5: 25 digits unflagged hash', T32, '1234567890123456789012345', {}, sha32('1234567890123456789012345')],
  // Rule 6: other hex lengths, left-padded as Zipkin's normalizeTraceId.
  ['rule 6: short hex span', S, 'ABC', {}, '0000000000000abc'],
  ['rule 6: short hex trace, Zipkin width 16', T16, 'abc', {}, '0000000000000abc'],
  ['rule 6: short hex trace, OTLP', T32, 'abc', {}, '00000000000000000000000000000abc'],
  ['rule 6: 17-char hex trace pads to 32', T16, 'abcdef0123456789a', {}, '000000000000000abcdef0123456789a'],
  ['rule 6: 17-char hex span hashes', S, 'abcdef0123456789a', {}, sha16('abcdef0123456789a')],
  // Rule 7: anything else.
  ['rule 7: free text span', S, 'db-query-1', {}, sha16('db-query-1')],
  ['rule 7: free text trace', T32, 'order 42 checkout', {}, sha32('order 42 checkout')],
  ['rule 7: free text trace, Zipkin width is 32', T16, 'order 42 checkout', {}, sha32('order 42 checkout')],
  ['rule 7: hex longer than 32 hashes', T32, 'a'.repeat(33), {}, sha32('a'.repeat(33))],
  ['rule 7: UTF-8 text', S, 'spän-ünïcode-✓', {}, sha16('spän-ünïcode-✓')],
];

for (const [label, fn, input, options, expected] of ROWS) {
  test(`${label}: ${JSON.stringify(input)}`, () => {
    const result = fn(input, options);
    assert.equal(result, expected);
    assert.match(result, fn === S ? /^[0-9a-f]{16}$/ : fn === T32 ? /^[0-9a-f]{32}$/ : /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/);
    assert.doesNotMatch(result, /^0+$/);
  });
}

test('the same text maps to the same hex, call after call', () => {
  for (const text of ['db-query-1', '9876543210987654321', '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11', 'x'.repeat(200)]) {
    const first = [T32(text), T16(text), S(text)];
    for (let i = 0; i < 3; i++) assert.deepEqual([T32(text), T16(text), S(text)], first);
  }
});

test('the decimal flag is part of the cache key', () => {
  assert.equal(S('1234567890123456'), '1234567890123456');
  assert.equal(S('1234567890123456', { decimal: true }), '000462d53c8abac0');
  assert.equal(S('1234567890123456'), '1234567890123456');
});

test('rule 1: parents meaning "no parent" map to null', () => {
  for (const text of [null, '', '   ', '0', '0000000000000000', '00000000000000000000000000000000', '0x0', '0X0000000000000000']) {
    assert.equal(toParentIdHex16(text), null, JSON.stringify(text));
    if (text !== null) assert.equal(isNoParent(text), true);
  }
});

test('a parent maps with the span rules, so it equals the parent span id', () => {
  for (const id of ['9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f', 'db-query-1', '12345678901234567890', '0x00f067aa0ba902b7', 'ABCDEF0123456789']) {
    assert.equal(toParentIdHex16(id), S(id));
  }
});

test('isDecimalIdText: all digits and not exactly 16 long', () => {
  assert.equal(isDecimalIdText('42'), true);
  assert.equal(isDecimalIdText('12345678901234567890'), true);
  assert.equal(isDecimalIdText('1234567890123456789012345'), true);
  assert.equal(isDecimalIdText('1234567890123456'), false);
  assert.equal(isDecimalIdText('12ab'), false);
  assert.equal(isDecimalIdText(''), false);
});

test('mapSpanIds records originals only for ids the mapping changed', () => {
  const plain = mapSpanIds({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentId: '3ff9a8981b7ccd5a' }, 'hex32');
  assert.deepEqual(plain.originals, []);

  const padded = mapSpanIds({ traceId: '5af7183fb1d4cf5f', spanId: '00f067aa0ba902b7', parentId: null }, 'hex32');
  assert.equal(padded.traceId, '00000000000000005af7183fb1d4cf5f');
  assert.deepEqual(padded.originals, [['tracelog.original_trace_id', '5af7183fb1d4cf5f']]);
  assert.deepEqual(mapSpanIds({ traceId: '5af7183fb1d4cf5f', spanId: '00f067aa0ba902b7', parentId: null }, 'hex16or32').originals, []);

  const dd = mapSpanIds({ traceId: '1234567890123456789', spanId: '9876543210987654321', parentId: '0' }, 'hex16or32');
  assert.deepEqual(dd, {
    traceId: '112210f47de98115',
    spanId: '891087b8e3b70cb1',
    parentId: null,
    originals: [
      ['tracelog.original_trace_id', '1234567890123456789'],
      ['tracelog.original_span_id', '9876543210987654321'],
      ['tracelog.original_parent_id', '0'],
    ],
  });
});
