/**
 * Exact decimal arithmetic for times: a number's decimal text scaled to
 * integer nanoseconds with BigInt, so 1714557600.1234567 s or 1.234567 ms never
 * pass through a lossy float multiplication. Pure.
 */

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** 10^k for k = 0…22, each exact as a double. */
export const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `digits / 10^k * unitNs` rounded half away from zero, in doubles where every step is
 * exact (|digits| and |digits × unit| below 2^53); null where one would not be.
 */
function scaleExact(digits: number, k: number, unitNs: bigint): bigint | null {
  const unit = Number(unitNs);
  const product = digits * unit;
  if (!Number.isSafeInteger(digits) || !Number.isSafeInteger(product)) return null;
  if (k === 0) return BigInt(product);
  const div = POWERS_OF_TEN[k]!;
  const rest = product % div;
  let q = (product - rest) / div;
  if (2 * Math.abs(rest) >= div) q += product < 0 ? -1 : 1;
  return BigInt(q);
}

/**
 * `text` (a decimal number, exponent allowed) times `unitNs`, rounded half away
 * from zero to an integer. Null when `text` is not a finite decimal.
 */
export function scaleDecimal(text: string, unitNs: bigint): bigint | null {
  // Most texts are a few plain digits with a point: read them as a double, exactly.
  const length = text.length;
  if (length > 0 && length <= 16) {
    let at = text.charCodeAt(0) === 0x2d /* - */ ? 1 : 0;
    let digits = 0;
    let k = -1;
    let count = 0;
    for (; at < length; at++) {
      const c = text.charCodeAt(at);
      if (c >= 0x30 && c <= 0x39) {
        digits = digits * 10 + (c - 0x30);
        count++;
        if (k >= 0) k++;
      } else if (c === 0x2e /* . */ && k < 0) k = 0;
      else break;
    }
    if (at === length && count > 0 && count <= 15) {
      const scaled = scaleExact(text.charCodeAt(0) === 0x2d ? -digits : digits, Math.max(k, 0), unitNs);
      if (scaled !== null) return scaled;
    }
  }
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
  // The shortest decimal that reads back as `value` (what String(value) writes) has the
  // fewest digits after the point: the first k where value × 10^k rounds to digits that
  // read back as it. Past 15 digits, or where a step would not be exact, through the text.
  for (let k = 1; k <= 15; k++) {
    const digits = Math.round(value * POWERS_OF_TEN[k]!);
    if (Math.abs(digits) >= 1e15) break;
    if (digits / POWERS_OF_TEN[k]! === value) {
      const scaled = scaleExact(digits, k, unitNs);
      if (scaled !== null) return scaled;
      break;
    }
  }
  return scaleDecimal(String(value), unitNs);
}

/** `ns / 10^shift` written as a plain decimal with no trailing zeros ("152.3", "0.000001", "-2"). */
export function formatDecimal(ns: bigint, shift: number): string {
  if (ns <= MAX_SAFE && ns >= -MAX_SAFE && shift <= 15) {
    // Exact in doubles: no BigInt text, no regular expression.
    const n = Number(ns);
    const a = Math.abs(n);
    const div = POWERS_OF_TEN[shift]!;
    const rest = a % div;
    const whole = (a - rest) / div;
    const sign = n < 0 ? '-' : '';
    if (rest === 0) return `${sign}${whole}`;
    let length = shift;
    for (let r = rest; r % 10 === 0; r /= 10) length--;
    // div + rest: the fraction's digits, zeros in front kept, after a leading 1.
    return `${sign}${whole}.${String(div + rest).slice(1, 1 + length)}`;
  }
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
