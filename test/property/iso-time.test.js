// RFC 3339 times in the shape nearly every log writes are read character by character
// (time.ts parseCommonIsoTime); they must give what the regular expression gives, on
// times built near that shape: every field at and past its range, fractions of 0–12
// digits, every zone form, spaces and trailing characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIsoTime, parseIsoTimeByPattern } from '../../dist/extract/time.js';
import { checkProperty } from './arbitraries.js';

const pad = (n, width) => String(n).padStart(width, '0');
// Mostly numbers, now and then just past a field's range or not two digits at all.
const two = (max) => fc.oneof({ arbitrary: fc.integer({ min: 0, max }).map((n) => pad(n, 2)), weight: 12 }, fc.constantFrom('0', '1x', 'a1', '  ', '-1', '٣٣'));
const year = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 9999 }).map((n) => pad(n, 4)), weight: 12 }, fc.constantFrom('+2024', '-0001', '20245', '202', '2o24'));
const fraction = fc.oneof(
  { arbitrary: fc.constant(''), weight: 2 },
  { arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 12 }).map((d) => `.${d}`), weight: 4 },
  fc.constantFrom(',5', '.5x', '.'),
);
const zone = fc.oneof(
  { arbitrary: fc.constantFrom('Z', '+02:00', '-07:00'), weight: 3 },
  fc.constantFrom('Z', 'z', 'UTC', '', ' Z', 'Z ', 'ZZ', '+00:00', '-00:00', '+0200', '+02', '+2:00', '+02:0', '+02:00:00'),
  fc.tuple(fc.constantFrom('+', '-'), two(30), two(70)).map(([s, h, m]) => `${s}${h}:${m}`),
);
const time = fc
  .tuple(fc.constantFrom('', ' '), year, two(13), two(32), fc.constantFrom('T', 't', ' ', '_'), two(25), two(61), two(61), fraction, zone)
  .map(([lead, y, mo, d, sep, h, mi, s, frac, z]) => `${lead}${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${z}`);

test('parseIsoTime: the character-by-character reading gives what the regular expression gives', async () => {
  await checkProperty(
    fc.property(time, (text) => {
      assert.deepEqual(parseIsoTime(text), parseIsoTimeByPattern(text), text);
    }),
    { runs: 20000, fuzzRuns: 1000000 },
  );
});

test('parseIsoTime: common shapes read exactly (leap day, leap second, offsets, nine digits and more)', () => {
  const ns = (text) => parseIsoTime(text);
  assert.deepEqual(ns('2024-02-29T23:59:60.5Z'), { ns: 1709251200500000000n, digits: 1 });
  assert.equal(ns('2023-02-29T00:00:00Z'), null);
  assert.deepEqual(ns('2024-05-01T12:00:00.0050055+02:00'), { ns: 1714557600005005500n, digits: 7 });
  assert.deepEqual(ns('2024-05-01T10:00:00.1234567891Z'), { ns: 1714557600123456789n, digits: 9 });
  assert.deepEqual(ns('1970-01-01T00:00:00-00:30'), { ns: 1_800_000_000_000n, digits: 0 });
  assert.equal(ns('2024-05-01T10:00:00+24:00'), null);
});
