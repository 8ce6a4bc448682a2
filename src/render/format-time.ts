/**
 * Timestamps as RFC 3339 in UTC (`2024-05-01T10:00:00.123Z`) from epoch
 * nanoseconds, with as many fraction digits as the input had. Pure: never
 * reads the clock or the time zone.
 */

const NS_PER_S = 1_000_000_000n;
// Date handles ±8.64e15 ms; beyond that the raw number is shown.
const MAX_SECONDS = 8_640_000_000_000n;

/**
 * `ns` (epoch nanoseconds) as `YYYY-MM-DDTHH:MM:SS[.fff]Z` with `fractionDigits`
 * (0–9) digits after the point, truncated, never rounded into the next second.
 */
export function formatTimestamp(ns: bigint, fractionDigits: number): string {
  let seconds = ns / NS_PER_S;
  let fraction = ns % NS_PER_S;
  if (fraction < 0n) {
    fraction += NS_PER_S;
    seconds -= 1n;
  }
  if (seconds > MAX_SECONDS || seconds < -MAX_SECONDS) return `${ns}ns`;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, -5);
  const digits = Math.max(0, Math.min(9, Math.trunc(fractionDigits)));
  const frac = digits > 0 ? `.${fraction.toString().padStart(9, '0').slice(0, digits)}` : '';
  return `${base}${frac}Z`;
}
