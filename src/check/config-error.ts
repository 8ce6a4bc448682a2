/**
 * The error thrown for a bad check configuration or rule: a stable code tests
 * and the CLI can switch on, plus every problem found, with where it was.
 * Pure data; the CLI decides the exit status (2, usage).
 */

/** One thing wrong with a config value or rule text. */
export interface ConfigProblem {
  /** Stable code, e.g. `tracelog.config.invalidDuration`. */
  code: string;
  /** JSON Pointer into the config (`/rules/db:*`), or the rule text for a command-line rule. */
  path: string;
  message: string;
}

/** Thrown by `parseConfig`, `parseRule` and `parsePercentileRule`. `code` is the first problem's. */
export class ConfigError extends Error {
  readonly code: string;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], source = 'config') {
    const first = problems[0] ?? { code: 'tracelog.config.invalid', path: '', message: 'invalid configuration' };
    const lines = problems.map((p) => (p.path ? `${source} ${p.path}: ${p.message}` : `${source}: ${p.message}`));
    super(lines.length > 1 ? `${lines.length} problems:\n  ${lines.join('\n  ')}` : (lines[0] ?? first.message));
    this.name = 'ConfigError';
    this.code = first.code;
    this.problems = problems.length > 0 ? problems : [first];
  }
}
