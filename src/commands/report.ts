/**
 * The end of every run on stderr: structural problems (capped), the one-line
 * skip summary, and unreadable files. Returns the exit status they imply.
 */
import type { Diagnostics } from '../diagnostics.js';
import { EXIT_OK, EXIT_USAGE } from '../errors.js';
import type { Io } from './io.js';

const MAX_PROBLEM_LINES = 20;

/** Replaces control characters so input cannot drive the terminal through stderr. */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

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
