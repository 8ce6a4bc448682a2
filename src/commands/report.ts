/**
 * The end of every run on stderr: structural problems (capped), the one-line
 * skip summary, and unreadable files. Returns the exit status they imply.
 */
import type { Diagnostics } from '../diagnostics.js';
import { EXIT_OK, EXIT_USAGE } from '../errors.js';
import type { Io } from './io.js';
import { sanitizeText } from '../render/sanitize-text.js';

const MAX_PROBLEM_LINES = 20;

/** Replaces control characters so input cannot drive the terminal through stderr. */
export const escapeControls = sanitizeText;

export function warn(io: Io, message: string): void {
  io.stderr.write(`tracelog: ${escapeControls(message)}\n`);
}

/** Prints the run's diagnostics; 2 when a file could not be read, else 0. */
export function reportDiagnostics(diagnostics: Diagnostics, io: Io, quiet: boolean): number {
  if (!quiet) {
    const problems = diagnostics.problems;
    for (const p of problems.slice(0, MAX_PROBLEM_LINES)) warn(io, p);
    if (problems.length > MAX_PROBLEM_LINES) warn(io, `… and ${problems.length - MAX_PROBLEM_LINES} more problems`);
    const summary = diagnostics.summary();
    if (summary) warn(io, summary);
  }
  for (const failure of diagnostics.failures) warn(io, failure);
  return diagnostics.failures.length > 0 ? EXIT_USAGE : EXIT_OK;
}
