/**
 * A Markdown check report for $GITHUB_STEP_SUMMARY or a merge-request comment:
 * a heading with the verdict, a table of violations, warnings and the baseline
 * summary. Pure; text from input is escaped so it can neither break the table
 * nor turn into links, HTML, mentions or formatting.
 */
import { formatDuration } from '../render/format-duration.js';
import { sanitizeText } from '../render/sanitize-text.js';
import type { CheckResult, Violation } from './evaluate.js';
import type { OperationComparison } from './baseline.js';
import { describeVerdict } from './verdict.js';

export interface CheckMarkdownOptions {
  /** Rows per table; default 100 (a step summary is limited to 1 MiB). */
  maxRows?: number;
  /** Heading level of the title, 1–6; default 2. */
  headingLevel?: number;
}

/**
 * Escapes text for a Markdown table cell: control characters become visible
 * escapes, then every ASCII punctuation character Markdown or GitHub may act on
 * (`|`, `*`, `_`, `<`, `[`, `` ` ``, `#`, `@`, `$`, `~`, `&`, …) gets a backslash.
 */
export function escapeMarkdown(text: string): string {
  return sanitizeText(text).replace(/[\\`*_{}[\]()<>#+.!|~&@$^:]/g, '\\$&');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function cell(text: string | null): string {
  return text === null || text === '' ? '' : escapeMarkdown(text);
}

function formatChange(change: number | null): string {
  return change === null ? 'from 0' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
}

function violationRows(rows: Violation[]): string[] {
  const out = [
    row(['Rule', 'Service', 'Span name', 'Duration', 'Limit', 'Excess', 'Trace ID', 'Span ID']),
    row(['---', '---', '---', '---:', '---:', '---:', '---', '---']),
  ];
  for (const v of rows) {
    out.push(
      row([
        cell(v.rule),
        cell(v.service),
        v.kind === 'percentile' ? cell(`(${v.detail ?? ''})`) : cell(v.name),
        v.durationNs === null ? '' : formatDuration(v.durationNs),
        v.limitNs === null ? '' : formatDuration(v.limitNs),
        v.excessNs === null ? '' : `+${formatDuration(v.excessNs)}`,
        cell(v.traceId),
        cell(v.spanId),
      ]),
    );
  }
  return out;
}

function comparisonRows(ops: OperationComparison[]): string[] {
  const out = [
    row(['Service', 'Span name', 'Status', 'p50 before', 'p50 now', 'Change', 'p95 before', 'p95 now', 'Change', 'Spans before', 'Spans now']),
    row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const c of ops) {
    out.push(
      row([
        cell(c.service),
        cell(c.name),
        c.status,
        formatDuration(c.baseline.p50Ns),
        formatDuration(c.current.p50Ns),
        formatChange(c.p50Change),
        formatDuration(c.baseline.p95Ns),
        formatDuration(c.current.p95Ns),
        formatChange(c.p95Change),
        String(c.baseline.count),
        String(c.current.count),
      ]),
    );
  }
  return out;
}

function more(hidden: number, word: string): string[] {
  return hidden > 0 ? ['', `_… and ${hidden} more ${word}${hidden === 1 ? '' : 's'} not shown._`] : [];
}

/** Renders a check result as GitHub-flavoured Markdown, ending with a newline. */
export function renderCheckMarkdown(result: CheckResult, options: CheckMarkdownOptions = {}): string {
  const maxRows = options.maxRows ?? 100;
  const level = Math.min(6, Math.max(1, options.headingLevel ?? 2));
  const h = '#'.repeat(level);
  const sub = '#'.repeat(Math.min(6, level + 1));
  const out: string[] = [];
  const title = result.passed
    ? `✅ tracelog check passed`
    : `❌ tracelog check failed: ${plural(result.violationCount, 'violation')}`;
  out.push(`${h} ${title}`, '', escapeMarkdown(describeVerdict(result)));

  if (result.violations.length > 0) {
    const shown = result.violations.slice(0, maxRows);
    out.push('', `${sub} Violations`, '', ...violationRows(shown), ...more(result.violationCount - shown.length, 'violation'));
  }

  if (result.warnings.length > 0) {
    const shown = result.warnings.slice(0, maxRows);
    out.push('', `${sub} Warnings`, '', row(['Kind', 'Service', 'Span name', 'Trace ID', 'Span ID', 'Detail']), row(['---', '---', '---', '---', '---', '---']));
    for (const w of shown) out.push(row([cell(w.rule), cell(w.service), cell(w.name), cell(w.traceId), cell(w.spanId), cell(w.detail)]));
    out.push(...more(result.warningCount - shown.length, 'warning'));
  }

  if (result.percentiles.length > 0) {
    out.push('', `${sub} Percentiles`, '', row(['Rule', 'Value', 'Limit', 'Spans', 'Result']), row(['---', '---:', '---:', '---:', '---']));
    for (const p of result.percentiles) {
      const value = p.valueNs === null ? '' : `${formatDuration(p.valueNs)}${p.exact ? '' : ' ±1%'}`;
      out.push(row([cell(p.rule), value, formatDuration(p.limitNs), String(p.sampleCount), p.valueNs === null ? 'no spans' : p.passed ? 'pass' : '**fail**']));
    }
  }

  const b = result.baseline;
  if (b) {
    out.push(
      '',
      `${sub} Baseline`,
      '',
      `${b.regressions.length} regressed, ${b.improvements.length} improved, ${b.unchanged.length} unchanged, ` +
        `${b.added.length} new, ${b.vanished.length} vanished, ${b.insufficient.length} with fewer than ${b.minSamples} samples ` +
        `(threshold ${formatChange(b.regressionFraction)}).`,
    );
    const changed = [...b.regressions, ...b.improvements];
    if (changed.length > 0) {
      const shown = changed.slice(0, maxRows);
      out.push('', ...comparisonRows(shown), ...more(changed.length - shown.length, 'operation'));
    }
    const names = (ops: typeof b.added): string =>
      ops.slice(0, maxRows).map((o) => escapeMarkdown(`${o.service ?? '-'}:${o.name ?? '-'}`)).join(', ') +
      (ops.length > maxRows ? `, … ${ops.length - maxRows} more` : '');
    if (b.added.length > 0) out.push('', `New: ${names(b.added)}`);
    if (b.vanished.length > 0) out.push('', `Vanished: ${names(b.vanished)}`);
  }

  if (result.unusedRules.length > 0) {
    out.push('', `Rules that matched no span: ${result.unusedRules.map(escapeMarkdown).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}
