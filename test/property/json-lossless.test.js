// Lossless JSON: the fast path (long numbers marked, then JSON.parse) reads every
// text exactly as the iterative slow parser does — numbers inside strings, escaped
// quotes and backslashes, nesting, odd spacing — and rejects what it rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseJson, parseLossless } from '../../dist/extract/json.js';
import { canon as plain } from '../helpers/export-traces.js';
import { checkProperty } from './arbitraries.js';

const digits = (min, max) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
// Number tokens as written: short, long, with fractions and exponents (some invalid on purpose).
const numberToken = fc.oneof(
  fc.tuple(fc.constantFrom('', '-'), fc.constantFrom('1', '9'), digits(0, 25)).map(([s, a, b]) => s + a + b),
  fc.tuple(digits(1, 3), digits(1, 25)).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.constantFrom('1', '12345678901234567890', '0.5'), fc.constantFrom('e', 'E', 'e+', 'e-'), digits(1, 4)).map(([a, e, b]) => a + e + b),
);
// String bodies full of what could confuse a scanner: commas and colons before digits, quotes, backslashes.
const stringBody = fc
  .array(fc.oneof(fc.constantFrom(',', ':', '[', ' ', '\\"', '\\\\', '\\u0041', 'e', 'x'), numberToken), { maxLength: 8 })
  .map((parts) => parts.join(''));
const ws = fc.constantFrom('', ' ', '\t');

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberToken,
    stringBody.map((s) => `"${s}"`),
    fc.constantFrom('true', 'null'),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc.array(fc.tuple(stringBody, ws, tie('value')), { maxLength: 4 }).map((members) => `{${members.map(([k, w, v]) => `"${k}"${w}:${w}${v}`).join(',')}}`),
  ),
})).value;

test('parseJson and the slow parser agree on every text', async () => {
  await checkProperty(
    fc.property(value, (text) => {
      let slow;
      try {
        slow = { ok: plain(parseLossless(text)) };
      } catch {
        slow = { error: true };
      }
      let fast;
      try {
        fast = { ok: plain(parseJson(text)) };
      } catch {
        fast = { error: true };
      }
      assert.deepEqual(fast, slow, text);
    }),
    { runs: 3000, fuzzRuns: 100000 },
  );
});
