// Propagation headers found in logs (FORMATS.md D): W3C traceparent with its
// invalid forms, B3 single and multi headers, found by the last segment of a
// key anywhere in the line, and how they fill trace/span/parent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPropagation, parseB3, parseTraceparent } from '../../../dist/extract/propagation.js';
import { extractRecord, flatFields } from '../../../dist/extract/fields.js';
import { parseJson } from '../../../dist/extract/json.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

const TRACEPARENTS = [
  // [header, expected or null, why]
  [`00-${TRACE}-${PARENT}-01`, { traceId: TRACE, spanId: null, parentId: PARENT }, 'valid, sampled'],
  [`00-${TRACE}-${PARENT}-00`, { traceId: TRACE, spanId: null, parentId: PARENT }, 'valid, not sampled'],
  [`01-${TRACE}-${PARENT}-01-future-field`, { traceId: TRACE, spanId: null, parentId: PARENT }, 'higher version: fields after the fourth ignored'],
  [`ff-${TRACE}-${PARENT}-01`, null, 'version ff is invalid'],
  [`00-${TRACE}-${PARENT}-01-extra`, null, 'version 00 with trailing data'],
  [`00-${TRACE.toUpperCase()}-${PARENT}-01`, null, 'uppercase trace id'],
  [`00-${TRACE}-${PARENT.toUpperCase()}-01`, null, 'uppercase parent id'],
  [`00-${'0'.repeat(32)}-${PARENT}-01`, null, 'all-zero trace id'],
  [`00-${TRACE}-${'0'.repeat(16)}-01`, null, 'all-zero parent id'],
  [`00-${TRACE.slice(1)}-${PARENT}-01`, null, 'trace id too short'],
  [`00-${TRACE}-${PARENT}0-01`, null, 'parent id too long'],
  [`00-${TRACE}-${PARENT}-1`, null, 'flags one character'],
  [`0-${TRACE}-${PARENT}-01`, null, 'version one character'],
  [`00-${TRACE}-${PARENT}`, null, 'no flags'],
  [`00_${TRACE}_${PARENT}_01`, null, 'wrong separator'],
  [`00-${TRACE.replace('4', 'g')}-${PARENT}-01`, null, 'not hex'],
  ['', null, 'empty'],
];

for (const [header, expected, why] of TRACEPARENTS) {
  test(`traceparent: ${why}`, () => {
    assert.deepEqual(parseTraceparent(header), expected);
  });
}

const B3_SINGLE = [
  ['80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90', { traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1', parentId: '05e3ac9a4f6e3b90' }, 'all four parts'],
  ['80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d', { traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1', parentId: null }, 'debug, no parent'],
  ['80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1', { traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1', parentId: null }, 'trace and span only'],
  ['a3ce929d0e0e4736-00f067aa0ba902b7-1', { traceId: 'a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentId: null }, '64-bit trace id'],
  ['0', null, 'deny alone, no ids'],
  ['1', null, 'accept alone, no ids'],
  ['80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90-x', null, 'five parts'],
  ['80f198ee56343ba864fe8b2a57d3ef-e457b5a2e4d86bd1', null, 'trace id of 30 chars'],
  ['80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd', null, 'span id of 15 chars'],
  ['80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b9', null, 'parent id of 15 chars'],
  [`${'0'.repeat(32)}-e457b5a2e4d86bd1`, null, 'all-zero trace id'],
  ['80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-0000000000000000', { traceId: '80f198ee56343ba864fe8b2a57d3eff7', spanId: 'e457b5a2e4d86bd1', parentId: null }, 'all-zero parent is no parent'],
];

for (const [header, expected, why] of B3_SINGLE) {
  test(`b3 single: ${why}`, () => {
    assert.deepEqual(parseB3(header), expected);
  });
}

const find = (text) => findPropagation(flatFields(parseJson(text)));

test('findPropagation: traceparent inside a logged headers object', () => {
  assert.deepEqual(find(`{"req":{"headers":{"traceparent":"00-${TRACE}-${PARENT}-01"}}}`), { traceId: TRACE, spanId: null, parentId: PARENT });
});

test('findPropagation: OTel semantic-convention key and a header value logged as an array', () => {
  assert.deepEqual(find(`{"http.request.header.traceparent":["00-${TRACE}-${PARENT}-01"]}`), { traceId: TRACE, spanId: null, parentId: PARENT });
});

test('findPropagation: B3 multi headers, names case-insensitive', () => {
  const text = '{"headers":{"X-B3-TraceId":"463ac35c9f6413ad48485a3953bb6124","X-B3-SpanId":"a2fb4a1d1a96d312","X-B3-ParentSpanId":"0020000000000001","X-B3-Sampled":"1"}}';
  assert.deepEqual(find(text), { traceId: '463ac35c9f6413ad48485a3953bb6124', spanId: 'a2fb4a1d1a96d312', parentId: '0020000000000001' });
  assert.deepEqual(find(text.toLowerCase()), { traceId: '463ac35c9f6413ad48485a3953bb6124', spanId: 'a2fb4a1d1a96d312', parentId: '0020000000000001' });
});

test('findPropagation: B3 multi root has no parent; an invalid span id is dropped', () => {
  assert.deepEqual(find('{"x-b3-traceid":"463ac35c9f6413ad","x-b3-spanid":"a2fb4a1d1a96d312"}'), { traceId: '463ac35c9f6413ad', spanId: 'a2fb4a1d1a96d312', parentId: null });
  assert.deepEqual(find('{"x-b3-traceid":"463ac35c9f6413ad","x-b3-spanid":"nothex"}'), { traceId: '463ac35c9f6413ad', spanId: null, parentId: null });
  assert.equal(find(`{"x-b3-traceid":"${'0'.repeat(16)}","x-b3-spanid":"a2fb4a1d1a96d312"}`), null);
});

test('findPropagation: the single b3 header wins over multi headers and traceparent', () => {
  const text = `{"headers":{"b3":"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90","x-b3-traceid":"463ac35c9f6413ad48485a3953bb6124","x-b3-spanid":"a2fb4a1d1a96d312","traceparent":"00-${TRACE}-${PARENT}-01"}}`;
  assert.equal(find(text).traceId, '80f198ee56343ba864fe8b2a57d3eff7');
});

test('findPropagation: an invalid single b3 falls back to the next header', () => {
  assert.equal(find(`{"b3":"0","traceparent":"00-${TRACE}-${PARENT}-01"}`).traceId, TRACE);
});

test('findPropagation: invalid headers give nothing', () => {
  assert.equal(find(`{"traceparent":"ff-${TRACE}-${PARENT}-01"}`), null);
  assert.equal(find('{"traceparent":42}'), null);
  assert.equal(find('{"b3":"0"}'), null);
  assert.equal(find('{"headers":{"host":"x"}}'), null);
});

const extract = (text) => extractRecord(parseJson(text), 'test.log', 1);

test('extract: traceparent supplies trace and parent when the line has only a span id', () => {
  const record = extract(`{"span_id":"b7ad6b7169203331","duration_ms":1,"req":{"headers":{"traceparent":"00-${TRACE}-${PARENT}-01"}}}`);
  assert.deepEqual([record.traceId, record.spanId, record.parentId], [TRACE, 'b7ad6b7169203331', PARENT]);
});

test('extract: B3 supplies trace, span and parent', () => {
  const record = extract('{"duration_ms":1,"headers":{"b3":"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"}}');
  assert.deepEqual([record.traceId, record.spanId, record.parentId], ['80f198ee56343ba864fe8b2a57d3eff7', 'e457b5a2e4d86bd1', '05e3ac9a4f6e3b90']);
});

test('extract: traceparent supplies the parent when trace and span ids are direct fields without a parent', () => {
  const record = extract(`{"trace_id":"${TRACE}","span_id":"5555555555555555","duration_ms":1,"http.request.header.traceparent":"00-${TRACE}-${PARENT}-01"}`);
  assert.deepEqual([record.traceId, record.spanId, record.parentId], [TRACE, '5555555555555555', PARENT]);
});

test('extract: a traceparent sent by the logging span itself (a client) is not its parent', () => {
  const record = extract(`{"trace_id":"${TRACE}","span_id":"${PARENT}","duration_ms":1,"req":{"headers":{"traceparent":"00-${TRACE}-${PARENT}-01"}}}`);
  assert.deepEqual([record.traceId, record.spanId, record.parentId], [TRACE, PARENT, null]);
});

test('extract: B3 of another span does not give this span a parent', () => {
  const record = extract('{"trace_id":"80f198ee56343ba864fe8b2a57d3eff7","span_id":"1111111111111111","duration_ms":1,"b3":"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"}');
  assert.deepEqual([record.spanId, record.parentId], ['1111111111111111', null]);
});

test('extract: a direct parent field wins over the header', () => {
  const record = extract(`{"trace_id":"${TRACE}","span_id":"5555555555555555","parent_id":"1111111111111111","duration_ms":1,"traceparent":"00-${TRACE}-${PARENT}-01"}`);
  assert.equal(record.parentId, '1111111111111111');
});

test('extract: a header of another trace does not supply span or parent', () => {
  const record = extract(`{"trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","span_id":"5555555555555555","duration_ms":1,"traceparent":"00-${TRACE}-${PARENT}-01"}`);
  assert.deepEqual([record.traceId, record.spanId, record.parentId], ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '5555555555555555', null]);
});

test('extract: an invalid traceparent leaves the line without a trace id', () => {
  for (const header of [`ff-${TRACE}-${PARENT}-01`, `00-${TRACE.toUpperCase()}-${PARENT}-01`, `00-${'0'.repeat(32)}-${PARENT}-01`, `00-${TRACE}-${PARENT}-01-extra`]) {
    assert.equal(extract(`{"span_id":"5555555555555555","duration_ms":1,"traceparent":"${header}"}`), null, header);
  }
});
