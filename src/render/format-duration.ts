/**
 * Human durations for people to read: 0, 850ns, 1.23µs, 12.3ms, 1.24s, 2m3s,
 * 1h2m — three significant digits, trailing zeros dropped, integer BigInt
 * arithmetic only. Pure.
 */
import { formatDecimal } from '../extract/decimal.js';

const NS_PER_US = 1_000n;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const NS_PER_MIN = 60n * NS_PER_S;

/** `ns` rounded (half up) to three significant digits. */
function roundSignificant(ns: bigint, digits: number): bigint {
  const length = ns.toString().length;
  if (length <= digits) return ns;
  const scale = 10n ** BigInt(length - digits);
  return ((ns + scale / 2n) / scale) * scale;
}

/** `ns` divided by `unit`, rounded half up. */
function roundTo(ns: bigint, unit: bigint): bigint {
  return (ns + unit / 2n) / unit;
}

/**
 * A duration in the largest unit that keeps it ≥ 1, with three significant
 * digits: `0`, `850ns`, `1.23µs`, `12.3ms`, `1.24s`; from a minute on, whole
 * seconds (`2m3s`, `5m`), from an hour on, whole minutes (`1h2m`, `26h`).
 */
export function formatDuration(ns: bigint): string {
  if (ns < 0n) return `-${formatDuration(-ns)}`;
  if (ns === 0n) return '0';
  const rounded = roundSignificant(ns, 3);
  if (rounded < NS_PER_US) return `${rounded}ns`;
  if (rounded < NS_PER_MS) return `${formatDecimal(rounded, 3)}µs`;
  if (rounded < NS_PER_S) return `${formatDecimal(rounded, 6)}ms`;
  if (rounded < NS_PER_MIN) return `${formatDecimal(rounded, 9)}s`;
  const seconds = roundTo(ns, NS_PER_S);
  if (seconds < 3600n) {
    const s = seconds % 60n;
    return s === 0n ? `${seconds / 60n}m` : `${seconds / 60n}m${s}s`;
  }
  const minutes = roundTo(ns, NS_PER_MIN);
  const m = minutes % 60n;
  return m === 0n ? `${minutes / 60n}h` : `${minutes / 60n}h${m}m`;
}

