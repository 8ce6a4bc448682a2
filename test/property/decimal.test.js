// Times and durations are scaled to integer nanoseconds, and written back as decimal and
// RFC 3339 text, in doubles where every step is exact (decimal.ts, time.ts); they must give
// what exact BigInt arithmetic on the same decimal gives. A text with an exponent takes the
// BigInt path of scaleDecimal, so `text + 'e0'` is its reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDecimal, scaleDecimal, scaleNumber } from '../../dist/extract/decimal.js';
import { formatRfc3339 } from '../../dist/extract/time.js';
import { checkProperty } from './arbitraries.js';

const UNITS = [1n, 1_000n, 1_000_000n, 1_000_000_000n, 60_000_000_000n, 3_600_000_000_000n, 86_400_000_000_000n];
const unit = fc.constantFrom(...UNITS);
const digitString = (max) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: max });

// Decimal texts around the fast path's limits: 0–17 digits, a point anywhere, a sign, odd characters.
const plainText = fc.oneof(
  { arbitrary: fc.tuple(fc.constantFrom('', '-', '+'), digitString(9), fc.constantFrom('', '.'), digitString(9)).map((p) => p.join('')), weight: 8 },
  { arbitrary: fc.tuple(fc.constantFrom('', '-'), digitString(17)).map(([sign, d]) => `${sign}${d}`), weight: 2 },
  fc.constantFrom('.', '-', '-.', '..5', '1.2.3', '1,5', ' 1', '1 ', '٣', '0x10', '1_000', '-0', '-0.0', '000000000000001.5'),
);

// Doubles written by producers: short decimals, any double, tiny and huge ones, halves.
const double = fc.oneof(
  { arbitrary: fc.tuple(fc.integer({ min: -1e15 + 1, max: 1e15 - 1 }), fc.integer({ min: 0, max: 15 })).map(([d, k]) => d / 10 ** k), weight: 6 },
  { arbitrary: fc.double({ noNaN: true }), weight: 3 },
  { arbitrary: fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: -12, max: 25 })).map(([d, e]) => Number(`${d}e${e}`)), weight: 2 },
  fc.constantFrom(0.5, -0.5, 2.5e-7, 1.5e-9, 0.1 + 0.2, 9007199254740.993, 123456789.12345678, -0, Number.MIN_VALUE, Number.MAX_VALUE),
);

test('scaleDecimal: plain decimal texts give what the exact reading gives', async () => {
  await checkProperty(
    fc.property(plainText, unit, (text, u) => {
      const reference = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) ? scaleDecimal(`${text}e0`, u) : scaleDecimal(text, u);
      assert.equal(scaleDecimal(text, u), reference, `${text} × ${u}`);
    }),
    { runs: 20_000, fuzzRuns: 1_000_000 },
  );
});

test('scaleNumber: doubles give what their shortest decimal text, read exactly, gives', async () => {
  await checkProperty(
    fc.property(double, unit, (value, u) => {
      const reference = Number.isFinite(value) ? scaleDecimal(`${String(value)}e0`.replace(/e([+-]?\d+)e0$/, 'e$1'), u) : null;
      assert.equal(scaleNumber(value, u), Number.isSafeInteger(value) ? BigInt(value) * u : reference, `${value} × ${u}`);
    }),
    { runs: 20_000, fuzzRuns: 1_000_000 },
  );
});

/** `ns / 10^shift` as exact decimal text, in BigInt. */
function decimalText(ns, shift) {
  const negative = ns < 0n;
  let digits = (negative ? -ns : ns).toString().padStart(shift + 1, '0');
  const whole = digits.slice(0, digits.length - shift);
  const fraction = digits.slice(digits.length - shift).replace(/0+$/, '');
  digits = fraction ? `${whole}.${fraction}` : whole;
  return negative ? `-${digits}` : digits;
}

/** RFC 3339 text of `ns`, in BigInt, with at least `digits` fractional digits. */
function rfc3339Text(ns, digits) {
  let secs = ns / 1_000_000_000n;
  let rest = ns % 1_000_000_000n;
  if (rest < 0n) {
    rest += 1_000_000_000n;
    secs -= 1n;
  }
  const base = new Date(Number(secs) * 1000).toISOString().replace(/\.\d+Z$/, '');
  const fraction = rest.toString().padStart(9, '0');
  const shown = Math.max(digits, fraction.replace(/0+$/, '').length);
  return shown > 0 ? `${base}.${fraction.slice(0, shown)}Z` : `${base}Z`;
}

// Nanoseconds: around 2^53 and the round numbers, any 64-bit value, times near now and 1970.
const nanoseconds = fc.oneof(
  { arbitrary: fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }), weight: 4 },
  { arbitrary: fc.tuple(fc.bigInt({ min: -99n, max: 99n }), fc.integer({ min: 0, max: 18 })).map(([d, e]) => d * 10n ** BigInt(e)), weight: 2 },
  { arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n }), weight: 1 },
  fc.constantFrom(2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n) + 1n, -(2n ** 53n), 0n, 1n, -1n, 1_000_000n, 999_999n),
);

test('formatDecimal: what exact BigInt arithmetic writes', async () => {
  await checkProperty(
    fc.property(nanoseconds, fc.integer({ min: 0, max: 18 }), (ns, shift) => {
      assert.equal(formatDecimal(ns, shift), decimalText(ns, shift), `${ns} / 10^${shift}`);
    }),
    { runs: 20_000, fuzzRuns: 1_000_000 },
  );
});

test('formatRfc3339: what exact BigInt arithmetic writes', async () => {
  // Within what a Date can show (±8.64e15 ms).
  const instants = fc.oneof(
    fc.bigInt({ min: 0n, max: 4_102_444_800_000_000_000n }),
    fc.bigInt({ min: -62_135_596_800_000_000_000n, max: 253_402_300_799_999_999_999n }),
    fc.tuple(fc.bigInt({ min: 1_700_000_000n, max: 1_800_000_000n }), fc.constantFrom(0n, 1n, 10n, 100_000n, 120_000_000n, 999_999_999n, 500_000_000n)).map(([s, f]) => s * 1_000_000_000n + f),
    fc.tuple(fc.bigInt({ min: -100n, max: 100n }), fc.bigInt({ min: 0n, max: 999_999_999n })).map(([s, f]) => s * 1_000_000_000n - f),
  );
  await checkProperty(
    fc.property(instants, fc.integer({ min: 0, max: 9 }), (ns, digits) => {
      assert.equal(formatRfc3339(ns, digits), rfc3339Text(ns, digits), `${ns}, ${digits} digits`);
    }),
    { runs: 20_000, fuzzRuns: 1_000_000 },
  );
});
