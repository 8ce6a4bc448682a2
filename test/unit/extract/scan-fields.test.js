import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heldPathChars, scanFields } from '../../../dist/extract/scan-fields.js';
import { newFlatFields } from '../../../dist/extract/fields.js';
import { LosslessNumber } from '../../../dist/types.js';

const scan = (text) => {
  const flat = newFlatFields();
  if (!scanFields(text, flat)) return null;
  const entries = [];
  for (let at = 0; at < flat.size; at++) {
    const raw = flat.rawStart[at] < 0 ? null : text.slice(flat.rawStart[at], flat.rawEnd[at]);
    const member = flat.memberStart[at] < 0 ? null : text.slice(flat.memberStart[at], flat.rawEnd[at]);
    entries.push([flat.keys[at], flat.values[at], raw, member]);
  }
  return entries;
};

test('scanFields: scalars in order, nested objects after them, depth first, dotted', () => {
  assert.deepEqual(scan('{"a":{"b":1,"c":{"d":true}},"e":"x","f":{"g":null},"h":{}}'), [
    ['e', 'x', '"x"', '"e":"x"'],
    ['h', {}, '{}', '"h":{}'],
    ['a.b', 1, '1', null],
    ['a.c.d', true, 'true', null],
    ['f.g', null, 'null', null],
  ]);
});

test('scanFields: a value whose text JSON.stringify would write otherwise is marked to be written again', () => {
  const [[, v1, raw1], [, v2, raw2], [, v3, raw3], [, v4, raw4], [, v5, raw5], [, , , member6]] = scan(
    '{"a":1.50,"b":-0,"c":"\\u0041\\/","d":"q\\"\\\\\\n","e":1e2,"f" : 2}',
  );
  assert.deepEqual([v1, raw1], [1.5, null]);
  assert.ok(Object.is(v2, -0) && raw2 === null);
  assert.deepEqual([v3, raw3], ['A/', null]);
  assert.deepEqual([v4, raw4], ['q"\\\n', '"q\\"\\\\\\n"']);
  assert.deepEqual([v5, raw5], [100, null]);
  assert.equal(member6, null);
});

test('scanFields: decimals read as Number() reads them, their text kept only where JSON.stringify writes it the same', () => {
  const tokens = ['0.1', '3.604', '-0.5', '-0.0', '1.50', '0.000001', '0.0000015', '-0.0000015', '0.0000001', '0.00000010', '12345678901.234', '-1234567890.1234', '99999999999999.9', '0.30000000000004', '5e-7', '1.5E+3', '123456789012345.6'];
  for (const token of tokens) {
    const [[, value, raw]] = scan(`{"n":${token}}`);
    assert.ok(Object.is(value, Number(token)), `${token}: ${value}`);
    assert.equal(raw, String(Number(token)) === token ? token : null, token);
  }
});

test('scanFields: long numbers as parseJson reads them — exact once one of them would change', () => {
  const plain = scan('{"a":1234567890123456,"b":0.30000000000000004}');
  assert.deepEqual(plain.map(([, v]) => v), [1234567890123456, 0.30000000000000004]);
  const [[, a], [, b], [, c]] = scan('{"a":12345678901234567890,"b":0.30000000000000004,"c":7}');
  assert.ok(a instanceof LosslessNumber && a.text === '12345678901234567890');
  assert.ok(b instanceof LosslessNumber && b.text === '0.30000000000000004');
  assert.equal(c, 7);
});

test('scanFields: leaves to JSON.parse what it does not read the same way', () => {
  for (const text of [
    '{"a":[1]}',
    '{"a\\"b":1}',
    '{"1":1}',
    '{"a":1,"a":2}',
    '{"a":1,"a":{"b":2}}',
    '{"a.b":1,"a":{"b":2}}',
    `{"a":${'{"b":'.repeat(17)}1${'}'.repeat(17)}}`,
    '{"a":"tab\there"}',
    '{"a":"\ud800"}',
    '{"a":1} x',
    '{"a":01}',
    '{"a":tru}',
    '{"a":1',
    '[{"a":1}]',
    ' {"a":1}',
  ]) assert.equal(scan(text), null, text);
});

test('scanFields: the paths it remembers stay bounded when every line brings long keys of its own', () => {
  const flat = newFlatFields();
  let written = 0;
  for (let line = 0; line < 2000; line++) {
    const members = [];
    for (let k = 0; k < 50; k++) members.push(`"k${line}_${k}_${'x'.repeat(200)}":${k}`);
    const text = `{${members.join(',')}}`;
    assert.equal(scanFields(text, flat), true);
    assert.equal(flat.size, 50);
    written += 50 * 200;
  }
  // 20,000,000 characters of keys went by; a few million at most are held.
  assert.ok(written >= 5 * 4_000_000);
  assert.ok(heldPathChars() <= 4_000_000 + 50 * 220, `${heldPathChars()} characters held`);
});
