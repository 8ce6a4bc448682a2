/**
 * Check rules: `PATTERN=DURATION` limits per operation and percentile limits
 * (`p95` of every span matching a pattern), parsed from command-line text or a
 * config, and the most-specific-wins lookup. Pure.
 */
import { parseHumanDuration } from '../extract/duration.js';
import { ConfigError } from './config-error.js';
import { compilePattern, compareSpecificity, matchesPattern, type OperationPattern } from './pattern.js';

/** A limit for every span matching `pattern`. */
export interface DurationRule {
  pattern: string;
  limitNs: bigint;
}

/** The percentiles a percentile rule may name. */
export type Percentile = 50 | 90 | 95 | 99;

export const PERCENTILES: readonly Percentile[] = [50, 90, 95, 99];

/** A limit on the nearest-rank `percentile` of the durations of all spans matching `pattern`. */
export interface PercentileRule {
  percentile: Percentile;
  pattern: string;
  limitNs: bigint;
}

/**
 * A limit written by a person ("250ms", "1.5s", "800us", or a bare number of
 * milliseconds) to ns. Throws ConfigError `tracelog.config.invalidDuration`.
 */
export function parseLimit(text: string, path = '', source = 'config'): bigint {
  const ns = text.trim().startsWith('-') ? null : parseHumanDuration(text);
  if (ns === null) {
    throw new ConfigError(
      [
        {
          code: 'tracelog.config.invalidDuration',
          path,
          message: `${JSON.stringify(text)} is not a duration (use e.g. 250ms, 1.5s, 800us)`,
        },
      ],
      source,
    );
  }
  return ns;
}

/** Checks a pattern compiles; throws ConfigError `tracelog.config.invalidPattern`. */
export function validatePattern(pattern: string, path = '', source = 'config'): void {
  try {
    compilePattern(pattern);
  } catch (error) {
    throw new ConfigError(
      [
        {
          code: 'tracelog.config.invalidPattern',
          path,
          message: `${JSON.stringify(pattern)} is not a pattern: ${(error as Error).message}`,
        },
      ],
      source,
    );
  }
}

/**
 * `PATTERN=DURATION` (as given to `--rule`) to a rule. The text splits at the
 * last `=`, so patterns may contain `=`. Throws ConfigError `tracelog.invalidRule`
 * or `tracelog.config.invalidDuration`.
 */
export function parseRule(text: string): DurationRule {
  const at = text.lastIndexOf('=');
  if (at <= 0) {
    throw new ConfigError(
      [{ code: 'tracelog.invalidRule', path: '', message: `${JSON.stringify(text)} is not PATTERN=DURATION (e.g. 'db:*=100ms')` }],
      'rule',
    );
  }
  const pattern = text.slice(0, at);
  validatePattern(pattern, text, 'rule');
  return { pattern, limitNs: parseLimit(text.slice(at + 1), text, 'rule') };
}

/** Parses `p95`, `P95` or `95` to a supported percentile; null otherwise. */
export function parsePercentile(text: string): Percentile | null {
  const m = /^[pP]?(\d+)$/.exec(text.trim());
  const p = m ? Number(m[1]) : NaN;
  return (PERCENTILES as readonly number[]).includes(p) ? (p as Percentile) : null;
}

/** `PATTERN=DURATION` for a percentile flag such as `--p95`. Throws like `parseRule`. */
export function parsePercentileRule(percentile: Percentile, text: string): PercentileRule {
  const rule = parseRule(text);
  return { percentile, pattern: rule.pattern, limitNs: rule.limitNs };
}

/** How a rule is named in reports: `db:*` or `p95 *:GET /checkout*`. */
export function percentileRuleLabel(rule: PercentileRule): string {
  return `p${rule.percentile} ${rule.pattern}`;
}

/** Duration rules compiled for lookup. */
export interface RuleSet {
  readonly rules: readonly DurationRule[];
  /** Index into `rules` of the rule that governs a span, or -1 when none matches. */
  resolve(service: string | null, name: string | null): number;
}

/**
 * Compiles duration rules for most-specific-wins lookup: among the rules whose
 * pattern matches, the one with the most literal characters wins, then the one
 * with the fewest wildcards, then the one given last.
 */
export function compileRules(rules: readonly DurationRule[]): RuleSet {
  const compiled: Array<{ index: number; pattern: OperationPattern }> = rules.map((rule, index) => ({
    index,
    pattern: compilePattern(rule.pattern),
  }));
  compiled.sort((a, b) => compareSpecificity(b.pattern, a.pattern) || b.index - a.index);
  return {
    rules,
    resolve(service, name) {
      for (const c of compiled) if (matchesPattern(c.pattern, service, name)) return c.index;
      return -1;
    },
  };
}
