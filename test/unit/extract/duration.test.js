// Durations (FORMATS.md A.4): Go duration strings with every unit spelling,
// human durations for flags, and the exact decimal scaling underneath.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, parseHumanDuration } from '../../../dist/extract/duration.js';
import { formatDecimal, scaleDecimal, scaleNumber } from '../../../dist/extract/decimal.js';

const GO_DURATIONS = [
  ['1.5ms', 1_500_000n],
  ['2s', 2_000_000_000n],
  ['350us', 350_000n],
  ['350\u00b5s', 350_000n], // µ MICRO SIGN, what time.Duration.String() writes
  ['350\u03bcs', 350_000n], // μ GREEK SMALL LETTER MU
  ['1m2.5s', 62_500_000_000n],
  ['2m3.5s', 123_500_000_000n],
  ['2h45m', 9_900_000_000_000n],
  ['1h', 3_600_000_000_000n],
  ['15ns', 15n],
  ['0', 0n],
  ['0s', 0n],
  ['.5s', 500_000_000n],
  ['1.s', 1_000_000_000n],
  ['0.000000001s', 1n],
  ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
  ['-1.5s', -1_500_000_000n],
  ['+2ms', 2_000_000n],
  [' 2ms ', 2_000_000n],
];

for (const [text, ns] of GO_DURATIONS) {
  test(`parseGoDuration ${JSON.stringify(text)}`, () => {
    assert.equal(parseGoDuration(text), ns);
  });
}

test('parseGoDuration: not Go durations', () => {
  for (const text of ['', 'ms', '1', '1.5', '5 ms', '1ms2', '1d', '1w', 's1', '1.2.3s', '--1s', 'µs', '1MS', 'NaN', 'Infinity']) {
    assert.equal(parseGoDuration(text), null, text);
  }
});

test('parseHumanDuration: Go strings or bare milliseconds, never negative', () => {
  assert.equal(parseHumanDuration('250ms'), 250_000_000n);
  assert.equal(parseHumanDuration('1.5s'), 1_500_000_000n);
  assert.equal(parseHumanDuration('800us'), 800_000n);
  assert.equal(parseHumanDuration('2m'), 120_000_000_000n);
  assert.equal(parseHumanDuration('500'), 500_000_000n);
  assert.equal(parseHumanDuration('0.5'), 500_000n);
  assert.equal(parseHumanDuration('-1s'), null);
  assert.equal(parseHumanDuration('soon'), null);
});

test('scaleDecimal: exact, rounds half away from zero', () => {
  assert.equal(scaleDecimal('152.3', 1_000_000n), 152_300_000n);
  assert.equal(scaleDecimal('1714557600.1234567', 1_000_000_000n), 1_714_557_600_123_456_700n);
  assert.equal(scaleDecimal('1.5e3', 1n), 1500n);
  assert.equal(scaleDecimal('15e-1', 1n), 2n);
  assert.equal(scaleDecimal('0.0000005', 1_000_000n), 1n);
  assert.equal(scaleDecimal('0.0000004', 1_000_000n), 0n);
  assert.equal(scaleDecimal('-2.5', 1n), -3n);
  assert.equal(scaleDecimal('12345678901234567890', 1n), 12_345_678_901_234_567_890n);
  assert.equal(scaleDecimal('abc', 1n), null);
  assert.equal(scaleDecimal('', 1n), null);
  assert.equal(scaleDecimal('.', 1n), null);
  assert.equal(scaleDecimal('1e999', 1n), null);
});

test('scaleNumber uses the shortest round-trip text of a double', () => {
  assert.equal(scaleNumber(21.7, 1_000_000n), 21_700_000n);
  assert.equal(scaleNumber(0.1, 1_000_000_000n), 100_000_000n);
  assert.equal(scaleNumber(NaN, 1n), null);
  assert.equal(scaleNumber(Infinity, 1n), null);
});

test('formatDecimal: exact text, no trailing zeros', () => {
  assert.equal(formatDecimal(152_300_000n, 6), '152.3');
  assert.equal(formatDecimal(1n, 6), '0.000001');
  assert.equal(formatDecimal(20_000_001n, 6), '20.000001');
  assert.equal(formatDecimal(1_000_000n, 6), '1');
  assert.equal(formatDecimal(0n, 6), '0');
  assert.equal(formatDecimal(-2_000_000n, 6), '-2');
  assert.equal(formatDecimal(1_700_000_000_123_456_789n, 6), '1700000000123.456789');
});
