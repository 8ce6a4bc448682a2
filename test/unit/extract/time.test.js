// Timestamps (FORMATS.md A.3): numbers by magnitude, RFC 3339 with up to nine
// digits and any offset, OTLP nanosecond strings; nanoseconds kept exactly and
// written back with the input's precision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRfc3339, parseIsoTime, parseTimestamp, unitByMagnitude } from '../../../dist/extract/time.js';
import { parseJson } from '../../../dist/extract/json.js';

const EPOCH_NS = 1_714_557_600_000_000_000n; // 2024-05-01T10:00:00Z

test('unitByMagnitude: the thresholds of FORMATS.md A.3', () => {
  const cases = [
    [1714557600, 's'],
    [99_999_999_999, 's'],
    [1e11, 'ms'],
    [1714557600123, 'ms'],
    [99_999_999_999_999, 'ms'],
    [1e14, 'us'],
    [1714557600123456, 'us'],
    [1e17, 'ns'],
    [1714557600123456789, 'ns'],
  ];
  for (const [value, unit] of cases) assert.equal(unitByMagnitude(value), unit, String(value));
});

const TIMESTAMPS = [
  // [input, ns, digits]
  [1714557600, EPOCH_NS, 0],
  [1714557600.5, EPOCH_NS + 500_000_000n, 3],
  [1714557600.123456, EPOCH_NS + 123_456_000n, 6],
  [1714557600123, EPOCH_NS + 123_000_000n, 3],
  [1714557600123.5, EPOCH_NS + 123_500_000n, 6],
  [1714557600123456, EPOCH_NS + 123_456_000n, 6],
  ['1714557600123456789', EPOCH_NS + 123_456_789n, 9],
  ['1714557600', EPOCH_NS, 0],
  ['2024-05-01T10:00:00Z', EPOCH_NS, 0],
  ['2024-05-01T10:00:00.1Z', EPOCH_NS + 100_000_000n, 1],
  ['2024-05-01T10:00:00.120Z', EPOCH_NS + 120_000_000n, 3],
  ['2024-05-01T10:00:00.123456Z', EPOCH_NS + 123_456_000n, 6],
  ['2024-05-01T10:00:00.123456789Z', EPOCH_NS + 123_456_789n, 9],
  ['2024-05-01T10:00:00.000000001Z', EPOCH_NS + 1n, 9],
  ['2024-05-01T12:00:00.123456789+02:00', EPOCH_NS + 123_456_789n, 9],
  ['2024-05-01T12:00:00.123+0200', EPOCH_NS + 123_000_000n, 3],
  ['2024-05-01T04:30:00-05:30', EPOCH_NS, 0],
  ['2024-05-01T12:00:00+02', EPOCH_NS, 0],
  ['2024-05-01t10:00:00z', EPOCH_NS, 0],
  ['2024-05-01T10:00:00+00:00', EPOCH_NS, 0],
  ['2024-05-01 10:00:00Z', EPOCH_NS, 0],
  ['2024-05-01T10:00:00', EPOCH_NS, 0],
  ['2024-04-30T23:59:59.999999999-10:00', EPOCH_NS - 1n, 9],
];

for (const [input, ns, digits] of TIMESTAMPS) {
  test(`parseTimestamp ${JSON.stringify(input)}`, () => {
    assert.deepEqual(parseTimestamp(input), { ns, digits });
  });
}

test('parseTimestamp: nanosecond numbers above 2^53 read losslessly', () => {
  const value = parseJson('{"t":1714557600123456789}').t;
  assert.deepEqual(parseTimestamp(value), { ns: EPOCH_NS + 123_456_789n, digits: 9 });
});

test('parseTimestamp: fractional seconds are exact (no float multiplication)', () => {
  const value = parseJson('{"t":1714557600.123456789}').t;
  assert.equal(parseTimestamp(value).ns, EPOCH_NS + 123_456_789n);
  assert.equal(parseTimestamp(1714557600.1201).ns, EPOCH_NS + 120_100_000n);
});

test('parseTimestamp: not a time', () => {
  for (const input of ['', 'garbage', '0', '000', '2024-13-01T00:00:00Z', '2024-05-01T25:00:00Z', '2024-05-01T10:61:00Z', 'yesterday', true, null, undefined, [1], { a: 1 }, NaN, Infinity]) {
    assert.equal(parseTimestamp(input), null, String(input));
  }
});

test('parseTimestamp: more than nine fractional digits are cut to nanoseconds', () => {
  assert.deepEqual(parseTimestamp('2024-05-01T10:00:00.1234567891Z'), { ns: EPOCH_NS + 123_456_789n, digits: 9 });
});

test('parseTimestamp: a unit given by --field wins over the magnitude', () => {
  assert.equal(parseTimestamp(1714557600, 'ms').ns, 1_714_557_600_000_000n);
  assert.equal(parseTimestamp('1714557600000', 'ms').ns, EPOCH_NS);
  assert.equal(parseTimestamp(1714557600000000, 'us').ns, EPOCH_NS);
});

test('parseIsoTime: dates and offsets that do not exist are not times; leap days and 24:00 are', () => {
  for (const input of ['2023-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-05-01T24:00:01Z', '2024-05-01T24:00:00.5Z', '2024-05-01T10:00:00+25:00', '2024-05-01T10:00:00-01:60']) {
    assert.equal(parseIsoTime(input), null, input);
  }
  assert.equal(parseIsoTime('2024-02-29T00:00:00Z').ns, EPOCH_NS - 62n * 86_400n * 1_000_000_000n + (-10n * 3600n) * 1_000_000_000n);
  assert.equal(parseIsoTime('2000-02-29T00:00:00Z').ns, 951_782_400_000_000_000n);
  assert.equal(parseIsoTime('2024-04-30T24:00:00Z').ns, parseIsoTime('2024-05-01T00:00:00Z').ns);
  assert.equal(parseIsoTime('2024-05-01T12:00:00+02:00').ns, EPOCH_NS);
  assert.equal(parseIsoTime('2024-05-01T00:00:00-23:59').ns, EPOCH_NS + 14n * 3600n * 1_000_000_000n - 1n * 60n * 1_000_000_000n);
});

test('parseIsoTime ignores surrounding spaces', () => {
  assert.deepEqual(parseIsoTime(' 2024-05-01T10:00:00Z '), { ns: EPOCH_NS, digits: 0 });
});

test('formatRfc3339 keeps the input precision, more when the value needs it', () => {
  assert.equal(formatRfc3339(EPOCH_NS, 0), '2024-05-01T10:00:00Z');
  assert.equal(formatRfc3339(EPOCH_NS, 3), '2024-05-01T10:00:00.000Z');
  assert.equal(formatRfc3339(EPOCH_NS + 120_000_000n, 3), '2024-05-01T10:00:00.120Z');
  assert.equal(formatRfc3339(EPOCH_NS + 123_456_780n, 9), '2024-05-01T10:00:00.123456780Z');
  assert.equal(formatRfc3339(EPOCH_NS + 1n, 0), '2024-05-01T10:00:00.000000001Z');
  assert.equal(formatRfc3339(-1n, 0), '1969-12-31T23:59:59.999999999Z');
});

test('round trip: every RFC 3339 input comes back with the same instant and digits', () => {
  for (const [input, ns, digits] of TIMESTAMPS) {
    if (typeof input !== 'string' || !input.includes('-')) continue;
    const text = formatRfc3339(ns, digits);
    assert.deepEqual(parseTimestamp(text), { ns, digits }, `${input} → ${text}`);
  }
});
