/**
 * JUnit XML for CI test reports (Jenkins, GitLab): one test case per rule and
 * operation, per percentile rule, per baseline operation and per structural
 * kind; a failing case holds one <failure> listing its violations. Pure; every
 * value is escaped and characters XML 1.0 forbids never reach the output.
 */
import { formatDuration } from '../render/format-duration.js';
import { sanitizeText } from '../render/sanitize-text.js';
import { STRUCTURE_KINDS, type StructureKind } from './config.js';
import type { CheckResult, Violation } from './evaluate.js';
import type { OperationComparison } from './baseline.js';
import { describeVerdict, describeViolation } from './verdict.js';

export interface CheckJunitOptions {
  /** The name of the top-level <testsuites>; default `tracelog check`. */
  name?: string;
  /** Violations listed in one failure's text; default 50. */
  maxListed?: number;
}

// What XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const XML_INVALID = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/**
 * Escapes text for an XML attribute or element: control characters become
 * visible escapes (`\x1b`), anything else XML 1.0 forbids is dropped, and
 * `& < > " '` become entities.
 */
export function escapeXml(text: string): string {
  return sanitizeText(text)
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  classname: string;
  name: string;
  failure: { type: string; message: string; body: string[] } | null;
  skipped: string | null;
  /** Lines; each is escaped on its own so input text cannot add line breaks. */
  systemOut: string[] | null;
}

interface Suite {
  name: string;
  cases: Case[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function op(service: string | null, name: string | null): string {
  return `${service ?? '-'}:${name ?? '-'}`;
}

function listViolations(kept: Violation[], total: number, maxListed: number): string[] {
  const lines = kept.slice(0, maxListed).map(describeViolation);
  const hidden = total - lines.length;
  if (hidden > 0) lines.push(`… and ${hidden} more`);
  return lines;
}

function formatChange(change: number | null): string {
  return change === null ? 'from 0' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
}

function comparisonText(c: OperationComparison): string {
  return (
    `p50 ${formatDuration(c.baseline.p50Ns)} → ${formatDuration(c.current.p50Ns)} (${formatChange(c.p50Change)}), ` +
    `p95 ${formatDuration(c.baseline.p95Ns)} → ${formatDuration(c.current.p95Ns)} (${formatChange(c.p95Change)}); ` +
    `${c.baseline.count} → ${c.current.count} spans`
  );
}

function buildSuites(result: CheckResult, maxListed: number): Suite[] {
  // Kept violations grouped by the test case they belong to.
  const byCase = new Map<string, Violation[]>();
  const caseKey = (kind: string, rule: string, service: string | null, name: string | null): string =>
    JSON.stringify([kind, rule, service, name]);
  for (const v of result.violations) {
    const kind = v.kind === 'max' || v.kind === 'rule' ? 'duration' : v.kind;
    const key =
      kind === 'duration'
        ? caseKey(kind, v.rule, v.service, v.name)
        : kind === 'percentile'
          ? caseKey(kind, v.rule, null, null)
          : kind === 'regression'
            ? caseKey(kind, '', v.service, v.name)
            : caseKey('structure', v.rule, null, null);
    const list = byCase.get(key) ?? [];
    list.push(v);
    byCase.set(key, list);
  }

  const suites: Suite[] = [];

  const duration: Suite = { name: 'tracelog check: duration limits', cases: [] };
  for (const c of result.checked) {
    const subject = c.other ? '(other operations)' : op(c.service, c.name);
    const kept = c.other ? [] : (byCase.get(caseKey('duration', c.rule, c.service, c.name)) ?? []);
    duration.cases.push({
      classname: 'tracelog.duration',
      name: `${subject} [${c.rule === 'max' ? 'max' : `rule ${c.rule}`} ≤ ${formatDuration(c.limitNs)}]`,
      failure:
        c.violationCount === 0
          ? null
          : {
              type: c.kind,
              message: `${plural(c.violationCount, 'span')} of ${c.spanCount} over ${formatDuration(c.limitNs)} (worst ${formatDuration(c.worstNs)})`,
              body: listViolations(kept, c.violationCount, maxListed),
            },
      skipped: null,
      systemOut: null,
    });
  }
  if (duration.cases.length > 0) suites.push(duration);

  const percentiles: Suite = { name: 'tracelog check: percentiles', cases: [] };
  for (const p of result.percentiles) {
    const value = p.valueNs === null ? 'no matching spans' : `${formatDuration(p.valueNs)} over ${plural(p.sampleCount, 'span')}${p.exact ? '' : ' (approximate, ±1%)'}`;
    percentiles.cases.push({
      classname: 'tracelog.percentile',
      name: `${p.rule} ≤ ${formatDuration(p.limitNs)}`,
      failure: p.passed
        ? null
        : { type: 'percentile', message: `p${p.percentile} is ${value}, limit ${formatDuration(p.limitNs)}`, body: [] },
      skipped: p.valueNs === null ? 'no span matched this rule' : null,
      systemOut: p.passed && p.valueNs !== null ? [`p${p.percentile} is ${value}`] : null,
    });
  }
  if (percentiles.cases.length > 0) suites.push(percentiles);

  const b = result.baseline;
  if (b) {
    const suite: Suite = { name: 'tracelog check: baseline', cases: [] };
    const threshold = `${(b.regressionFraction * 100).toFixed(1)}%`;
    const push = (c: OperationComparison): void => {
      const kept = byCase.get(caseKey('regression', '', c.service, c.name)) ?? [];
      suite.cases.push({
        classname: 'tracelog.baseline',
        name: `${op(c.service, c.name)} [p50, p95 within ${threshold} of baseline]`,
        failure:
          c.status === 'regressed'
            ? { type: 'regression', message: `regressed: ${comparisonText(c)}`, body: listViolations(kept, kept.length, maxListed) }
            : null,
        skipped: c.status === 'insufficient' ? `fewer than ${b.minSamples} samples: ${comparisonText(c)}` : null,
        systemOut: c.status === 'improved' || c.status === 'unchanged' ? [`${c.status}: ${comparisonText(c)}`] : null,
      });
    };
    [...b.regressions, ...b.improvements, ...b.unchanged, ...b.insufficient].forEach(push);
    for (const added of b.added) {
      suite.cases.push({
        classname: 'tracelog.baseline',
        name: `${op(added.service, added.name)} [p50, p95 within ${threshold} of baseline]`,
        failure: null,
        skipped: `new operation, not in the baseline (${plural(added.count, 'span')})`,
        systemOut: null,
      });
    }
    if (suite.cases.length > 0) suites.push(suite);
  }

  const structure: Suite = { name: 'tracelog check: structure', cases: [] };
  for (const kind of STRUCTURE_KINDS) {
    const count = result.structure[kind];
    const fails = result.failOn.includes(kind) && count > 0;
    const warnings = result.warnings.filter((w) => w.rule === kind);
    structure.cases.push({
      classname: 'tracelog.structure',
      name: `no ${kind}`,
      failure: fails
        ? {
            type: kind,
            message: `${findingCount(kind, count)} found`,
            body: listViolations(byCase.get(caseKey('structure', kind, null, null)) ?? [], count, maxListed),
          }
        : null,
      skipped: null,
      systemOut: !fails && count > 0 ? [`${findingCount(kind, count)} found (warning only)`, ...listViolations(warnings, count, maxListed)] : null,
    });
  }
  suites.push(structure);
  return suites;
}

function renderCase(c: Case): string {
  const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
  const inner: string[] = [];
  if (c.failure) {
    const body = c.failure.body.map(escapeXml).join('\n');
    inner.push(`      <failure type="${escapeXml(c.failure.type)}" message="${escapeXml(c.failure.message)}">${body}</failure>`);
  }
  if (c.skipped !== null) inner.push(`      <skipped message="${escapeXml(c.skipped)}"/>`);
  if (c.systemOut !== null) inner.push(`      <system-out>${c.systemOut.map(escapeXml).join('\n')}</system-out>`);
  return inner.length === 0 ? `${open}/>` : `${open}>\n${inner.join('\n')}\n    </testcase>`;
}

function counts(cases: Case[]): { tests: number; failures: number; skipped: number } {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.failure !== null).length,
    skipped: cases.filter((c) => c.failure === null && c.skipped !== null).length,
  };
}

/** Renders a check result as a JUnit XML document, ending with a newline. */
export function renderCheckJunit(result: CheckResult, options: CheckJunitOptions = {}): string {
  const name = options.name ?? 'tracelog check';
  const suites = buildSuites(result, options.maxListed ?? 50);
  const all = counts(suites.flatMap((s) => s.cases));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(name)}" tests="${all.tests}" failures="${all.failures}" errors="0" skipped="${all.skipped}" time="0">`,
  ];
  suites.forEach((suite, id) => {
    const n = counts(suite.cases);
    lines.push(
      `  <testsuite name="${escapeXml(suite.name)}" id="${id}" tests="${n.tests}" failures="${n.failures}" errors="0" skipped="${n.skipped}" time="0">`,
    );
    for (const c of suite.cases) lines.push(renderCase(c));
    lines.push('  </testsuite>');
  });
  // The verdict is built from counts only, never from input text; `--` may not appear in a comment.
  lines.push(`  <!-- ${describeVerdict(result).replace(/-/g, ' ')} -->`, '</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** `1 cycle`, `3 cycles`, `1 skewed span` — the finding kinds are plural nouns. */
function findingCount(kind: StructureKind, count: number): string {
  const singular: Record<StructureKind, string> = { orphans: 'orphan', cycles: 'cycle', duplicates: 'duplicate', skew: 'skewed span' };
  const plural: Record<StructureKind, string> = { orphans: 'orphans', cycles: 'cycles', duplicates: 'duplicates', skew: 'skewed spans' };
  return `${count} ${count === 1 ? singular[kind] : plural[kind]}`;
}
