/**
 * Durations: Go-style strings ("1.5ms", "350µs", "1m2.5s") and numbers in a
 * known unit, to integer nanoseconds. Also the parser for human durations given
 * on the command line (--max 250ms). Pure.
 */
import { scaleDecimal } from './decimal.js';

export const NS_PER: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5, what Go's time.Duration.String() writes
  'μs': 1_000n, // U+03BC
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const GO_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** A Go duration string to nanoseconds, or null when it is not one. `"0"` is zero. */
export function parseGoDuration(text: string): bigint | null {
  let s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') return 0n;
  let sign = 1n;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1n;
    s = s.slice(1);
  }
  if (s.length === 0) return null;
  let total = 0n;
  GO_PART.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    GO_PART.lastIndex = pos;
    const m = GO_PART.exec(s);
    if (!m) return null;
    const part = scaleDecimal(m[1]!, NS_PER[m[2]!]!);
    if (part === null) return null;
    total += part;
    pos = GO_PART.lastIndex;
  }
  return sign * total;
}

/**
 * A duration typed by a person: a Go-style string ("250ms", "1.5s", "800us", "2m")
 * or a bare number of milliseconds. Null when it is neither or negative.
 */
export function parseHumanDuration(text: string): bigint | null {
  const t = text.trim();
  const ns = /^\d+(\.\d+)?$/.test(t) ? scaleDecimal(t, NS_PER.ms!) : parseGoDuration(t);
  return ns === null || ns < 0n ? null : ns;
}
