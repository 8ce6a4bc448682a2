/**
 * The machine-readable check report (`--format json`): a versioned document
 * described by schema/check-report.schema.json. Durations are integer
 * nanoseconds as JSON numbers (exact below 2^53 ns, 104 days). Pure.
 */
import type { CheckResult, Violation } from './evaluate.js';
import type { OperationComparison } from './baseline.js';
import type { OperationSummary } from './operation-durations.js';
import { exitCodeFor } from './evaluate.js';
import { describeVerdict } from './verdict.js';
import { escapeJsonText } from '../render/sanitize-text.js';

/** Bumped when a field changes meaning or disappears; new fields do not bump it. */
export const CHECK_REPORT_VERSION = 1;

const ns = (value: bigint | null): number | null => (value === null ? null : Number(value));

function violationJson(v: Violation): Record<string, unknown> {
  return {
    kind: v.kind,
    rule: v.rule,
    service: v.service,
    name: v.name,
    durationNs: ns(v.durationNs),
    limitNs: ns(v.limitNs),
    excessNs: ns(v.excessNs),
    traceId: v.traceId,
    spanId: v.spanId,
    detail: v.detail,
  };
}

function summaryJson(op: OperationSummary): Record<string, unknown> {
  return { service: op.service, name: op.name, count: op.count, p50Ns: Number(op.p50Ns), p95Ns: Number(op.p95Ns), exact: op.exact };
}

function comparisonJson(c: OperationComparison): Record<string, unknown> {
  return {
    service: c.service,
    name: c.name,
    status: c.status,
    baseline: summaryJson(c.baseline),
    current: summaryJson(c.current),
    p50Change: c.p50Change,
    p95Change: c.p95Change,
  };
}

/** The report as a JSON-able object. */
export function toCheckJson(result: CheckResult): Record<string, unknown> {
  const b = result.baseline;
  return {
    version: CHECK_REPORT_VERSION,
    passed: result.passed,
    exitCode: exitCodeFor(result),
    ...(result.inputErrors?.length ? { inputErrors: result.inputErrors } : {}),
    verdict: describeVerdict(result),
    traceCount: result.traceCount,
    spanCount: result.spanCount,
    violationCount: result.violationCount,
    violationCounts: { ...result.violationCounts },
    violations: result.violations.map(violationJson),
    warningCount: result.warningCount,
    warnings: result.warnings.map(violationJson),
    structure: { ...result.structure },
    failOn: [...result.failOn],
    maxNs: ns(result.maxNs),
    checked: result.checked.map((c) => ({
      kind: c.kind,
      rule: c.rule,
      limitNs: Number(c.limitNs),
      service: c.service,
      name: c.name,
      other: c.other,
      spanCount: c.spanCount,
      violationCount: c.violationCount,
      worstNs: Number(c.worstNs),
    })),
    percentiles: result.percentiles.map((p) => ({
      rule: p.rule,
      percentile: p.percentile,
      pattern: p.pattern,
      limitNs: Number(p.limitNs),
      valueNs: ns(p.valueNs),
      sampleCount: p.sampleCount,
      exact: p.exact,
      passed: p.passed,
    })),
    baseline:
      b === null
        ? null
        : {
            regressionFraction: b.regressionFraction,
            minSamples: b.minSamples,
            regressions: b.regressions.map(comparisonJson),
            improvements: b.improvements.map(comparisonJson),
            unchanged: b.unchanged.map(comparisonJson),
            insufficient: b.insufficient.map(comparisonJson),
            added: b.added.map(summaryJson),
            vanished: b.vanished.map(summaryJson),
          },
    unusedRules: [...result.unusedRules],
    relativeAccuracy: result.relativeAccuracy,
  };
}

/** The report as JSON text, two-space indented, ending with a newline. */
export function renderCheckJson(result: CheckResult): string {
  return `${escapeJsonText(JSON.stringify(toCheckJson(result), null, 2))}\n`;
}
