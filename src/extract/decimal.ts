/**
 * Exact decimal arithmetic for times: a number's decimal text scaled to
 * integer nanoseconds with BigInt, so 1714557600.1234567 s or 1.234567 ms never
 * pass through a lossy float multiplication. Pure.
 */

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * `text` (a decimal number, exponent allowed) times `unitNs`, rounded half away
 * from zero to an integer. Null when `text` is not a finite decimal.
 */
export function scaleDecimal(text: string, unitNs: bigint): bigint | null {
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart.length === 0 && fracPart.length === 0) return null;
  const exp = m[4] ? Number(m[4]) : 0;
  if (!Number.isFinite(exp) || Math.abs(exp) > 400) return null;
  let value = BigInt((intPart + fracPart).replace(/^0+(?=\d)/, '') || '0') * unitNs;
  const scale = exp - fracPart.length;
  if (scale >= 0) {
    value *= 10n ** BigInt(scale);
  } else {
    const div = 10n ** BigInt(-scale);
    const q = value / div;
    const r = value % div;
    value = r * 2n >= div ? q + 1n : q;
  }
  return m[1] === '-' ? -value : value;
}

/** A JS number's exact decimal text scaled by `unitNs` (uses the shortest round-trip text). */
export function scaleNumber(value: number, unitNs: bigint): bigint | null {
  if (Number.isSafeInteger(value)) return BigInt(value) * unitNs;
  if (!Number.isFinite(value)) return null;
  return scaleDecimal(String(value), unitNs);
}

/** `ns / 10^shift` written as a plain decimal with no trailing zeros ("152.3", "0.000001", "-2"). */
export function formatDecimal(ns: bigint, shift: number): string {
  const negative = ns < 0n;
  let digits = (negative ? -ns : ns).toString();
  if (shift > 0) {
    digits = digits.padStart(shift + 1, '0');
    const intPart = digits.slice(0, digits.length - shift);
    const fracPart = digits.slice(digits.length - shift).replace(/0+$/, '');
    digits = fracPart ? `${intPart}.${fracPart}` : intPart;
  }
  return negative && digits !== '0' ? `-${digits}` : digits;
}
