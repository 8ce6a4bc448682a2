/**
 * The check report formats by name, for `tracelog check --format NAME`: each a
 * pure function from a result to the text to write. Pure.
 */
import type { CheckResult } from './evaluate.js';
import { renderCheckText, type CheckTextOptions } from './render-check-text.js';
import { renderCheckJson } from './render-check-json.js';
import { renderCheckJunit } from './render-check-junit.js';
import { renderCheckGithub } from './render-check-github.js';
import { renderCheckMarkdown } from './render-check-markdown.js';

export type CheckFormat = 'text' | 'json' | 'junit' | 'github' | 'markdown';

export const CHECK_FORMATS: readonly CheckFormat[] = ['text', 'json', 'junit', 'github', 'markdown'];

/** Options the CLI passes to every reporter; each uses what applies to it. */
export interface CheckReportOptions {
  /** Only `text` colours. */
  colorLevel?: CheckTextOptions['colorLevel'];
}

/** Renders `result` in `format`. */
export function renderCheckReport(result: CheckResult, format: CheckFormat, options: CheckReportOptions = {}): string {
  switch (format) {
    case 'text':
      return renderCheckText(result, { colorLevel: options.colorLevel ?? 0 });
    case 'json':
      return renderCheckJson(result);
    case 'junit':
      return renderCheckJunit(result);
    case 'github':
      return renderCheckGithub(result);
    case 'markdown':
      return renderCheckMarkdown(result);
  }
}
