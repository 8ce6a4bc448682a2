/**
 * GitHub Actions workflow commands: one `::error` annotation per violation and
 * one `::warning` per warning, capped, then a `::notice` with the verdict and
 * what was left out. Escaped as @actions/core does (issue-command / escapeData,
 * escapeProperty) so input text can never end or forge a command. Pure.
 */
import { sanitizeText } from '../render/sanitize-text.js';
import type { CheckResult, Violation } from './evaluate.js';
import { describeVerdict, describeViolation } from './verdict.js';

export interface CheckGithubOptions {
  /** Annotations (errors, then warnings) before the summary notice; default 50. */
  maxAnnotations?: number;
}

/** Control characters other than CR and LF become visible escapes; CR and LF are left for `escapeData`. */
function sanitizeKeepingLines(text: string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 1 ? part : sanitizeText(part)))
    .join('');
}

/** A workflow command message: % → %25, CR → %0D, LF → %0A. */
export function escapeGithubData(text: string): string {
  return sanitizeKeepingLines(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command property value: as `escapeGithubData`, plus : → %3A and , → %2C. */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(command: 'error' | 'warning', v: Violation): string {
  const title = `tracelog check: ${v.rule}`;
  return `::${command} title=${escapeGithubProperty(title)}::${escapeGithubData(describeViolation(v))}`;
}

/** Renders a check result as workflow command lines, ending with a newline. */
export function renderCheckGithub(result: CheckResult, options: CheckGithubOptions = {}): string {
  const budget = Math.max(0, options.maxAnnotations ?? 50);
  const lines: string[] = [];
  const errors = result.violations.slice(0, budget);
  for (const v of errors) lines.push(annotation('error', v));
  const warnings = result.warnings.slice(0, budget - errors.length);
  for (const w of warnings) lines.push(annotation('warning', w));

  const hiddenErrors = result.violationCount - errors.length;
  const hiddenWarnings = result.warningCount - warnings.length;
  const rest: string[] = [];
  if (hiddenErrors > 0) rest.push(`${hiddenErrors} more violation${hiddenErrors === 1 ? '' : 's'}`);
  if (hiddenWarnings > 0) rest.push(`${hiddenWarnings} more warning${hiddenWarnings === 1 ? '' : 's'}`);
  const summary = rest.length > 0 ? `${describeVerdict(result)}. Not annotated: ${rest.join(' and ')}.` : describeVerdict(result);
  lines.push(`::notice title=${escapeGithubProperty('tracelog check')}::${escapeGithubData(summary)}`);
  return `${lines.join('\n')}\n`;
}
