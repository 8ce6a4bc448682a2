/**
 * The one-line verdict every check reporter ends with, and the short
 * descriptions of violations they share. Pure; plain text, not yet escaped for
 * any output format.
 */
import { formatDuration } from '../render/format-duration.js';
import type { CheckResult, Violation, ViolationKind } from './evaluate.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const KIND_WORDS: ReadonlyArray<[ViolationKind[], (n: number) => string]> = [
  [['max', 'rule'], (n) => `${n} over limit`],
  [['percentile'], (n) => `${n} percentile`],
  [['regression'], (n) => plural(n, 'regression')],
  [['orphan', 'cycle', 'duplicate', 'skew'], (n) => `${n} structural`],
];

/**
 * `PASS: no violations in 1200 spans across 40 traces` or
 * `FAIL: 3 violations (2 over limit, 1 regression) in 1200 spans across 40 traces; 2 warnings`.
 */
export function describeVerdict(result: CheckResult): string {
  const scope = `${plural(result.spanCount, 'span')} across ${plural(result.traceCount, 'trace')}`;
  const warnings = result.warningCount > 0 ? `; ${plural(result.warningCount, 'warning')}` : '';
  const unread = result.inputErrors?.length ?? 0;
  if (unread > 0) {
    const found = result.violationCount === 0 ? 'no violations' : plural(result.violationCount, 'violation');
    return `ERROR: ${plural(unread, 'input')} could not be read; ${found} in ${scope}${warnings}`;
  }
  if (result.violationCount === 0) return `PASS: no violations in ${scope}${warnings}`;
  const parts: string[] = [];
  for (const [kinds, word] of KIND_WORDS) {
    const n = kinds.reduce((sum, k) => sum + result.violationCounts[k], 0);
    if (n > 0) parts.push(word(n));
  }
  return `FAIL: ${plural(result.violationCount, 'violation')} (${parts.join(', ')}) in ${scope}${warnings}`;
}

/** The operation a violation is about: `service:name`, the pattern's sample count for a percentile. */
export function describeSubject(v: Violation): string {
  if (v.kind === 'percentile') return v.detail ?? v.rule;
  return `${v.service ?? '-'}:${v.name ?? '-'}`;
}

/** One sentence for a violation or warning, e.g. `db:query took 150ms, over db:* limit 100ms by 50ms (trace t1, span s1)`. */
export function describeViolation(v: Violation): string {
  const where = v.traceId !== null ? ` (trace ${v.traceId}${v.spanId !== null ? `, span ${v.spanId}` : ''})` : '';
  switch (v.kind) {
    case 'max':
    case 'rule':
      return `${describeSubject(v)} took ${formatDuration(v.durationNs ?? 0n)}, over ${v.rule === 'max' ? 'the max' : `${v.rule}`} limit ${formatDuration(v.limitNs ?? 0n)} by ${formatDuration(v.excessNs ?? 0n)}${where}`;
    case 'percentile':
      return `${v.rule} is ${formatDuration(v.durationNs ?? 0n)}, over its limit ${formatDuration(v.limitNs ?? 0n)} by ${formatDuration(v.excessNs ?? 0n)} (${v.detail ?? ''})`;
    case 'regression':
      return `${describeSubject(v)} regressed: ${v.detail ?? ''}`;
    default:
      return `${v.rule}: ${describeSubject(v)}: ${v.detail ?? ''}${where}`;
  }
}
