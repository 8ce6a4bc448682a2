/**
 * The terminal report of `tracelog check`: a table of violations, worst excess
 * first, with the trace and span ids to open in `tracelog view --trace ID`,
 * then warnings, the baseline summary and a one-line verdict. Pure: the colour
 * level comes in as an option; every value from input is escaped.
 */
import Table from 'cli-table3';
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDuration } from '../render/format-duration.js';
import { sanitizeText } from '../render/sanitize-text.js';
import type { CheckResult, Violation } from './evaluate.js';
import type { OperationComparison } from './baseline.js';
import { describeVerdict, describeViolation } from './verdict.js';

export interface CheckTextOptions {
  /** chalk colour level: 0 none (default), 1 basic, 2 256, 3 truecolor. */
  colorLevel?: 0 | 1 | 2 | 3;
  /** Violation rows shown; default 100. */
  maxRows?: number;
  /** Warning lines shown; default 20. */
  maxWarnings?: number;
  /** Longer names are cut with `…`; default 60 columns. Ids are never cut. */
  maxNameCols?: number;
}

function truncate(text: string, cols: number): string {
  const chars = Array.from(text);
  return chars.length <= cols ? text : `${chars.slice(0, Math.max(1, cols - 1)).join('')}…`;
}

function formatChange(change: number | null): string {
  if (change === null) return 'from 0';
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
}

function violationTable(rows: Violation[], c: ChalkInstance, maxNameCols: number): string {
  const cell = (text: string | null): string => (text === null ? '' : truncate(sanitizeText(text), maxNameCols));
  const table = new Table({
    head: ['rule', 'service', 'span name', 'duration', 'limit', 'excess', 'trace id', 'span id'].map((h) => c.bold(h)),
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'left'],
    // cli-table3 colours headers and borders itself unless told not to.
    style: { head: [], border: [], compact: true },
  });
  for (const v of rows) {
    table.push([
      cell(v.rule),
      cell(v.service),
      v.kind === 'percentile' ? cell(`(${v.detail ?? ''})`) : cell(v.name),
      v.durationNs === null ? '' : formatDuration(v.durationNs),
      v.limitNs === null ? '' : formatDuration(v.limitNs),
      v.excessNs === null ? '' : c.red(`+${formatDuration(v.excessNs)}`),
      v.traceId === null ? '' : sanitizeText(v.traceId),
      v.spanId === null ? '' : sanitizeText(v.spanId),
    ]);
  }
  return table.toString();
}

function comparisonLine(op: OperationComparison): string {
  const name = sanitizeText(`${op.service ?? '-'}:${op.name ?? '-'}`);
  return (
    `  ${name}  p50 ${formatDuration(op.baseline.p50Ns)} → ${formatDuration(op.current.p50Ns)} (${formatChange(op.p50Change)}), ` +
    `p95 ${formatDuration(op.baseline.p95Ns)} → ${formatDuration(op.current.p95Ns)} (${formatChange(op.p95Change)})`
  );
}

/** Renders a check result for a terminal. Ends with a newline. */
export function renderCheckText(result: CheckResult, options: CheckTextOptions = {}): string {
  const c = new Chalk({ level: options.colorLevel ?? 0 });
  const maxRows = options.maxRows ?? 100;
  const maxWarnings = options.maxWarnings ?? 20;
  const maxNameCols = options.maxNameCols ?? 60;
  const out: string[] = [];

  if (result.violations.length > 0) {
    const shown = result.violations.slice(0, maxRows);
    out.push(violationTable(shown, c, maxNameCols));
    const hidden = result.violationCount - shown.length;
    if (hidden > 0) out.push(c.dim(`… and ${hidden} more violation${hidden === 1 ? '' : 's'} not shown`));
  }

  if (result.warnings.length > 0) {
    out.push('', c.yellow.bold(`warnings (${result.warningCount}):`));
    for (const w of result.warnings.slice(0, maxWarnings)) out.push(`  ${c.yellow('warning')} ${sanitizeText(describeViolation(w))}`);
    const hidden = result.warningCount - Math.min(result.warnings.length, maxWarnings);
    if (hidden > 0) out.push(c.dim(`  … and ${hidden} more warning${hidden === 1 ? '' : 's'}`));
  }

  const b = result.baseline;
  if (b) {
    out.push(
      '',
      c.bold('baseline:') +
        ` ${b.regressions.length} regressed, ${b.improvements.length} improved, ${b.unchanged.length} unchanged, ` +
        `${b.added.length} new, ${b.vanished.length} vanished, ${b.insufficient.length} with fewer than ${b.minSamples} samples ` +
        `(threshold ${formatChange(b.regressionFraction)})`,
    );
    if (b.regressions.length > 0) out.push(c.red('regressed:'), ...b.regressions.slice(0, maxRows).map(comparisonLine));
    if (b.improvements.length > 0) out.push(c.green('improved:'), ...b.improvements.slice(0, maxRows).map(comparisonLine));
    const list = (label: string, ops: typeof b.added): void => {
      if (ops.length === 0) return;
      const names = ops.slice(0, maxRows).map((op) => sanitizeText(`${op.service ?? '-'}:${op.name ?? '-'}`));
      out.push(`${label}: ${names.join(', ')}${ops.length > maxRows ? `, … ${ops.length - maxRows} more` : ''}`);
    };
    list('new', b.added);
    list('vanished', b.vanished);
  }

  if (result.unusedRules.length > 0) {
    out.push('', c.dim(`rules that matched no span: ${result.unusedRules.map(sanitizeText).join(', ')}`));
  }

  const verdict = describeVerdict(result);
  out.push('', result.passed ? c.green.bold(verdict) : c.red.bold(verdict));
  while (out[0] === '') out.shift();
  return `${out.join('\n')}\n`;
}
