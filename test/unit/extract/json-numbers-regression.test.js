// Regressions found by the property tests (test/property): numbers that
// JSON.parse changes without the fast path noticing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson } from '../../../dist/extract/json.js';
import { LosslessNumber } from '../../../dist/types.js';

test('1e400 is kept as written, not read as Infinity (and written back as null)', () => {
  const v = parseJson('{"duration_ms":1e400,"n":-2E+999}');
  assert.ok(v.duration_ms instanceof LosslessNumber);
  assert.equal(v.duration_ms.text, '1e400');
  assert.equal(v.n.text, '-2E+999');
});

test('1e-400 is kept as written, not read as 0', () => {
  assert.equal(parseJson('{"x":1e-400}').x.text, '1e-400');
  assert.equal(parseJson('{"x":0e-400}').x, 0);
});

test('an integer above 2^53 whose shortest double text matches is still kept exactly', () => {
  // 46006139453408650 is the double 46006139453408648: String() gives the
  // first, BigInt() the second, so an exporter would write a different integer.
  const v = parseJson('{"a":-46006139453408650,"b":100000000000000000000}');
  assert.equal(v.a.text, '-46006139453408650');
  assert.equal(v.b.text, '100000000000000000000');
  assert.equal(parseJson('{"c":9007199254740991}').c, 9007199254740991);
});
