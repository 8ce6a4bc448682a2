/**
 * The check configuration (`tracelog.config.json`): validation of an untrusted
 * JSON value into limits, rules, percentile rules, structural failures and
 * baseline settings, reporting every problem with a stable code and a JSON
 * Pointer. Pure: the CLI reads the file. Schema: schema/tracelog.config.schema.json.
 */
import { LosslessNumber } from '../types.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { parseLimit, parsePercentile, validatePattern, type DurationRule, type PercentileRule } from './rules.js';

/** Structural findings that are warnings unless named in `failOn`. */
export type StructureKind = 'orphans' | 'cycles' | 'duplicates' | 'skew';

export const STRUCTURE_KINDS: readonly StructureKind[] = ['orphans', 'cycles', 'duplicates', 'skew'];

/** A validated configuration; absent settings are undefined so command-line flags can fill them. */
export interface Config {
  maxNs: bigint | undefined;
  /** In file order; on equal specificity the later rule wins. */
  rules: DurationRule[];
  percentileRules: PercentileRule[];
  failOn: StructureKind[];
  /** Relative increase that counts as a regression (0.2 for "20%"). */
  regressionFraction: number | undefined;
  minSamples: number | undefined;
}

const TOP_LEVEL_KEYS = ['$schema', 'max', 'rules', 'percentiles', 'failOn', 'regression', 'minSamples'];

/** Escapes one JSON Pointer segment (RFC 6901). */
function pointer(...segments: string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof LosslessNumber || typeof value === 'number') return 'a number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Collects the problems of one sub-parse instead of stopping at the first. */
function collect<T>(problems: ConfigProblem[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) {
      problems.push(...error.problems);
      return undefined;
    }
    throw error;
  }
}

/** "20%" (or "12.5%") to a fraction (0.2). Throws ConfigError `tracelog.config.invalidPercent`. */
export function parsePercent(text: string, path = '', source = 'config'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (!m) {
    throw new ConfigError(
      [{ code: 'tracelog.config.invalidPercent', path, message: `${JSON.stringify(text)} is not a percentage (use e.g. "20%")` }],
      source,
    );
  }
  return Number(m[1]) / 100;
}

function parseRuleMap(value: unknown, path: string, problems: ConfigProblem[]): Array<{ pattern: string; limitNs: bigint }> {
  const out: Array<{ pattern: string; limitNs: bigint }> = [];
  if (!isObject(value)) {
    problems.push({
      code: 'tracelog.config.invalidType',
      path,
      message: `must be an object of "PATTERN": "DURATION" (e.g. {"db:*": "100ms"}), got ${typeName(value)}`,
    });
    return out;
  }
  for (const pattern of Object.keys(value)) {
    const limit = value[pattern];
    const at = path + pointer(pattern);
    if (pattern.length === 0) {
      problems.push({ code: 'tracelog.config.invalidPattern', path: at, message: 'a pattern must not be empty' });
      continue;
    }
    if (typeof limit !== 'string') {
      problems.push({
        code: 'tracelog.config.invalidDuration',
        path: at,
        message: `must be a duration string such as "100ms", got ${typeName(limit)}`,
      });
      continue;
    }
    collect(problems, () => validatePattern(pattern, at));
    const limitNs = collect(problems, () => parseLimit(limit, at));
    if (limitNs !== undefined) out.push({ pattern, limitNs });
  }
  return out;
}

/**
 * Validates a config: the parsed JSON value, or its text. Throws ConfigError
 * listing every problem; `code` is the first one's (`tracelog.config.invalidJson`,
 * `.notObject`, `.unknownKey`, `.invalidType`, `.invalidDuration`, `.invalidPattern`,
 * `.invalidPercentile`, `.invalidFailOn`, `.invalidPercent`, `.invalidMinSamples`).
 */
export function parseConfig(json: unknown): Config {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new ConfigError([
        { code: 'tracelog.config.invalidJson', path: '', message: `not valid JSON: ${(error as Error).message}` },
      ]);
    }
  }
  if (!isObject(value)) {
    throw new ConfigError([
      { code: 'tracelog.config.notObject', path: '', message: `must be a JSON object, got ${typeName(value)}` },
    ]);
  }
  const problems: ConfigProblem[] = [];
  const config: Config = {
    maxNs: undefined,
    rules: [],
    percentileRules: [],
    failOn: [],
    regressionFraction: undefined,
    minSamples: undefined,
  };

  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      problems.push({
        code: 'tracelog.config.unknownKey',
        path: pointer(key),
        message: `unknown setting (known: ${TOP_LEVEL_KEYS.slice(1).join(', ')})`,
      });
    }
  }

  if (value.$schema !== undefined && typeof value.$schema !== 'string') {
    problems.push({ code: 'tracelog.config.invalidType', path: '/$schema', message: `must be a string, got ${typeName(value.$schema)}` });
  }

  if (value.max !== undefined) {
    if (typeof value.max === 'string') {
      const text = value.max;
      config.maxNs = collect(problems, () => parseLimit(text, '/max'));
    } else {
      problems.push({
        code: 'tracelog.config.invalidDuration',
        path: '/max',
        message: `must be a duration string such as "500ms", got ${typeName(value.max)}`,
      });
    }
  }

  if (value.rules !== undefined) config.rules = parseRuleMap(value.rules, '/rules', problems);

  if (value.percentiles !== undefined) {
    if (!isObject(value.percentiles)) {
      problems.push({
        code: 'tracelog.config.invalidType',
        path: '/percentiles',
        message: `must be an object such as {"p95": {"*:GET /checkout*": "300ms"}}, got ${typeName(value.percentiles)}`,
      });
    } else {
      for (const key of Object.keys(value.percentiles)) {
        const percentile = /^p\d+$/.test(key) ? parsePercentile(key) : null;
        const at = pointer('percentiles', key);
        if (percentile === null) {
          problems.push({ code: 'tracelog.config.invalidPercentile', path: at, message: 'must be one of p50, p90, p95, p99' });
          continue;
        }
        for (const rule of parseRuleMap(value.percentiles[key], at, problems)) {
          config.percentileRules.push({ percentile, ...rule });
        }
      }
    }
  }

  if (value.failOn !== undefined) {
    if (!Array.isArray(value.failOn)) {
      problems.push({
        code: 'tracelog.config.invalidType',
        path: '/failOn',
        message: `must be an array such as ["orphans", "cycles"], got ${typeName(value.failOn)}`,
      });
    } else {
      value.failOn.forEach((kind: unknown, i: number) => {
        if (typeof kind === 'string' && (STRUCTURE_KINDS as readonly string[]).includes(kind)) {
          if (!config.failOn.includes(kind as StructureKind)) config.failOn.push(kind as StructureKind);
        } else {
          problems.push({
            code: 'tracelog.config.invalidFailOn',
            path: pointer('failOn', String(i)),
            message: `${JSON.stringify(kind)} is not one of ${STRUCTURE_KINDS.join(', ')}`,
          });
        }
      });
    }
  }

  if (value.regression !== undefined) {
    if (typeof value.regression === 'string') {
      const text = value.regression;
      config.regressionFraction = collect(problems, () => parsePercent(text, '/regression'));
    } else {
      problems.push({
        code: 'tracelog.config.invalidPercent',
        path: '/regression',
        message: `must be a percentage string such as "20%", got ${typeName(value.regression)}`,
      });
    }
  }

  if (value.minSamples !== undefined) {
    const raw = value.minSamples;
    const n = raw instanceof LosslessNumber ? Number(raw.text) : raw;
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1) {
      config.minSamples = n;
    } else {
      problems.push({
        code: 'tracelog.config.invalidMinSamples',
        path: '/minSamples',
        message: `must be a whole number of at least 1, got ${raw instanceof LosslessNumber ? raw.text : JSON.stringify(raw) ?? typeName(raw)}`,
      });
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
