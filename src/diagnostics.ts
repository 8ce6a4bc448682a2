/**
 * Counts what input was skipped and why, and remembers where the first bad
 * line was, so a run ends with one summary line on stderr instead of noise.
 * No I/O: the CLI prints what `summary()` returns.
 */
import type { SkipReason } from './extract/line.js';

const REASON_TEXT: Record<SkipReason, string> = {
  'not-json': 'not JSON',
  'no-trace-id': 'without trace id',
  'too-long': 'too long',
};

const number = (n: number): string => n.toLocaleString('en-US');

export class Diagnostics {
  lines = 0;
  readonly skipped: Record<SkipReason, number> = { 'not-json': 0, 'no-trace-id': 0, 'too-long': 0 };
  firstSkip: { source: string; line: number; reason: SkipReason } | null = null;
  /** Structural findings (cycles, duplicate ids), one line each. */
  readonly problems: string[] = [];
  /** Files that could not be read, one message each. */
  readonly failures: string[] = [];

  skip(reason: SkipReason, source: string, line: number): void {
    this.skipped[reason]++;
    this.firstSkip ??= { source, line, reason };
  }

  get skippedTotal(): number {
    return this.skipped['not-json'] + this.skipped['no-trace-id'] + this.skipped['too-long'];
  }

  /** `skipped 3 of 10,000 lines (2 not JSON, 1 without trace id); first at app.log:17`, or null. */
  summary(): string | null {
    const total = this.skippedTotal;
    if (total === 0 || !this.firstSkip) return null;
    const parts = (Object.keys(this.skipped) as SkipReason[])
      .filter((r) => this.skipped[r] > 0)
      .map((r) => `${number(this.skipped[r])} ${REASON_TEXT[r]}`);
    return `skipped ${number(total)} of ${number(this.lines)} lines (${parts.join(', ')}); first at ${this.firstSkip.source}:${this.firstSkip.line}`;
  }
}

export function describeSkip(reason: SkipReason): string {
  return REASON_TEXT[reason];
}
