// The lossless JSON parser: numbers a double would change keep their digits,
// untrusted keys never touch a prototype, deep nesting cannot overflow the
// stack, and malformed text is rejected like JSON.parse rejects it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundDepth, MAX_VALUE_DEPTH, parseJson, parseLossless, stringifyJson } from '../../../dist/extract/json.js';
import { LosslessNumber } from '../../../dist/types.js';
import { canon as plain } from '../../helpers/export-traces.js';

test('small numbers come back as plain numbers', () => {
  assert.deepEqual(parseJson('{"a":1,"b":-2.5,"c":1e3,"d":[0,1.25]}'), { a: 1, b: -2.5, c: 1000, d: [0, 1.25] });
});

test('integers above 2^53 keep every digit', () => {
  const v = parseJson('{"a":12345678901234567890,"b":[18446744073709551615],"c":-9007199254740993,"d":9007199254740993}');
  for (const [key, text] of [['a', '12345678901234567890'], ['c', '-9007199254740993'], ['d', '9007199254740993']]) {
    assert.ok(v[key] instanceof LosslessNumber, key);
    assert.equal(v[key].text, text);
  }
  assert.equal(v.b[0].text, '18446744073709551615');
});

test('a 16-digit safe integer is still a number', () => {
  const v = parseJson('{"a":1234567890123456,"b":9007199254740991}');
  assert.equal(v.a, 1234567890123456);
  assert.equal(v.b, 9007199254740991);
});

test('long fractions keep their digits', () => {
  const v = parseJson('{"t":1714557600.123456789,"x":0.12345678901234567890123}');
  assert.equal(v.t.text, '1714557600.123456789');
  assert.equal(v.x.text, '0.12345678901234567890123');
});

test('a number out of double range is kept as text', () => {
  assert.equal(parseLossless('{"x":1e400}').x.text, '1e400');
});

test('digits inside strings are left alone', () => {
  const v = parseJson('{"msg":"id:12345678901234567890, next:[98765432109876543210]","n":1}');
  assert.equal(v.msg, 'id:12345678901234567890, next:[98765432109876543210]');
  assert.equal(v.n, 1);
});

test('the slow path decodes string escapes like JSON.parse', () => {
  const text = '{"big":12345678901234567890,"s":"a\\"b\\\\c\\u00e9\\n\\ud83d\\ude00","k\\u0041":true,"e":"","z":null,"f":false}';
  const v = parseLossless(text);
  assert.equal(v.s, 'a"b\\c\u00e9\n\u{1f600}');
  assert.equal(v.kA, true);
  assert.equal(v.e, '');
  assert.equal(v.z, null);
  assert.equal(v.f, false);
});

test('the slow path agrees with JSON.parse on ordinary documents', () => {
  const docs = [
    '{"a":[1,2,{"b":[]}],"c":{},"d":"x","e":-0.5,"f":1E-7,"g":true}',
    ' [ 1 , "two" , { "three" : [ ] } ] ',
    '"just a string"',
    '42',
    'null',
    '{"a":1,"a":2}',
  ];
  for (const doc of docs) assert.deepEqual(JSON.parse(JSON.stringify(parseLossless(doc))), JSON.parse(doc), doc);
});

test('malformed text throws SyntaxError on both paths', () => {
  const bad = ['{', '{"a":1,}', '[1,]', '{"a" 1}', '{"a":1}}', '{"a":01}', '{"a":"unterminated}', '{"a":"tab\there"}', '{a:1}', "{'a':1}", '{"a":NaN}', '{"a":1} x', '', '{"a":tru}', '{"a":-}'];
  for (const text of bad) {
    assert.throws(() => parseJson(text), SyntaxError, `fast: ${text}`);
    assert.throws(() => parseLossless(text), SyntaxError, `slow: ${text}`);
    assert.throws(() => parseJson(`{"n":12345678901234567890,"x":${text}}`), SyntaxError, `slow via parseJson: ${text}`);
  }
});

test('__proto__, constructor and prototype keys are plain data on both paths', () => {
  const texts = [
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":{"__proto__":{"polluted":"yes"}}}',
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"a":{"__proto__":{"polluted":"yes"}},"n":12345678901234567890}',
  ];
  for (const text of texts) {
    const v = parseJson(text);
    assert.ok(Object.hasOwn(v, '__proto__'), 'own __proto__ key');
    assert.ok(Object.hasOwn(v.a, '__proto__'));
    assert.equal(v.polluted, undefined);
    assert.equal(v.a.polluted, undefined);
    assert.deepEqual(Object.keys(v).slice(0, 3), ['__proto__', 'constructor', 'a']);
  }
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  // The slow path builds null-prototype objects.
  assert.equal(Object.getPrototypeOf(parseLossless('{"a":{}}').a), null);
});

test('deep nesting does not overflow the stack (slow path is iterative)', () => {
  const depth = 200_000;
  const arrays = '['.repeat(depth) + ']'.repeat(depth);
  const objects = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  for (const inner of [arrays, objects]) {
    const v = parseLossless(`{"n":12345678901234567890,"d":${inner}}`);
    assert.equal(v.n.text, '12345678901234567890');
    let cur = v.d;
    let levels = 0;
    while (cur !== null && typeof cur === 'object') {
      cur = Array.isArray(cur) ? cur[0] : cur.a;
      levels++;
    }
    assert.equal(levels, depth);
  }
});

test('stringifyJson writes LosslessNumber digits as bare numbers', () => {
  const v = parseJson('{"a":12345678901234567890,"b":[1,{"c":0.12345678901234567890123}],"s":"x"}');
  assert.equal(stringifyJson(v), '{"a":12345678901234567890,"b":[1,{"c":0.12345678901234567890123}],"s":"x"}');
  assert.equal(stringifyJson({ plain: 1 }), '{"plain":1}');
  const proto = parseLossless('{"__proto__":{"x":12345678901234567890}}');
  assert.equal(stringifyJson(proto), '{"__proto__":{"x":12345678901234567890}}');
});

test('marked JSON.parse gives what the slow parser gives: numbers in strings, escapes, nesting, __proto__', () => {
  const lines = [
    '{"dd.trace_id":12345678901234567890,"msg":"id,12345678901234567890 in text","n":1}',
    '{"s":"quote \\" then ,98765432109876543210","big":98765432109876543210}',
    '{"s":"backslash \\\\","big":98765432109876543210,"t":"\\\\\\" ,11111111111111111111"}',
    '{"a":[1,12345678901234567890,{"b":[0.12345678901234567890123]}],"c":{"d":-9007199254740993}}',
    '{"__proto__":12345678901234567890,"constructor":{"x":12345678901234567890}}',
    '{"f":0.1234567890123456,"g":12345678901234567890,"h":1.5000000000000000000}',
    '{"x":"\\u0001 0","y":12345678901234567890}',
    '{"x":"\\u00010","y":12345678901234567890}',
    '{"e":12345678901234567890e5,"f":1.0e-400,"g":5e+300}',
    '{"a" : 12345678901234567890 , "b" :[ 12345678901234567891 ]}',
    '[12345678901234567890,"12345678901234567890"]',
    '{"id":"5339e89ebd016f2a1f36458ed920cb89","n":12345678901234567890}',
  ];
  for (const text of lines) assert.deepEqual(plain(parseJson(text)), plain(parseLossless(text)), text);
  // Not JSON stays not JSON.
  for (const text of ['{"a":12345678901234567890,}', '{"a":012345678901234567890}', '{"a":12345678901234567890 "b":1}', '{"a":"\u0001","b":12345678901234567890}']) {
    assert.throws(() => parseJson(text), SyntaxError, text);
  }
});

test('a hex id that looks like an exponent does not send the line to the slow parser', () => {
  const v = parseJson('{"trace_id":"5339e890bd016f2a","a":{"b":1}}');
  // JSON.parse objects have Object.prototype; the slow parser's have none.
  assert.equal(Object.getPrototypeOf(v.a), Object.prototype);
  assert.equal(parseJson('{"x":1e400}').x.text, '1e400');
});

test('boundDepth: a value nesting 64 deep is the value itself; deeper, a copy whose containers past 64 are their JSON text', () => {
  const nested = (depth, leaf) => {
    let v = leaf;
    for (let i = 0; i < depth; i++) v = i % 2 ? { k: v, n: i } : [v, i];
    return v;
  };
  const shallow = nested(MAX_VALUE_DEPTH, 'x');
  assert.equal(boundDepth(shallow), shallow);
  assert.equal(boundDepth('x'), 'x');
  const deep = nested(MAX_VALUE_DEPTH + 10, { __proto__: null, ['__proto__']: new LosslessNumber('12345678901234567890') });
  const cut = boundDepth(deep);
  assert.notEqual(cut, deep);
  let at = cut;
  let original = deep;
  for (let d = 1; d < MAX_VALUE_DEPTH; d++) {
    at = Array.isArray(at) ? at[0] : at.k;
    original = Array.isArray(original) ? original[0] : original.k;
  }
  const inner = Array.isArray(at) ? at[0] : at.k;
  assert.equal(typeof inner, 'string');
  assert.equal(inner, stringifyJson(Array.isArray(original) ? original[0] : original.k));
  assert.match(inner, /"__proto__":12345678901234567890\}/);
});

test('stringifyJson writes any depth (100,000 nested arrays) and, past the native writer, the same text', () => {
  let v = [];
  for (let i = 0; i < 100000; i++) v = [v];
  assert.equal(stringifyJson(v), `${'['.repeat(100001)}${']'.repeat(100001)}`);
  let o = { a: [1, 'two', null, true, { c: new LosslessNumber('1e400') }], '': -0 };
  const shallowText = stringifyJson(o);
  for (let i = 0; i < 100000; i++) o = { k: o };
  assert.equal(stringifyJson(o), `${'{"k":'.repeat(100000)}${shallowText}${'}'.repeat(100000)}`);
});
