/**
 * Value parsers for command-line options. Each throws commander's
 * InvalidArgumentError with a one-line reason, which the CLI maps to exit 2.
 */
import { InvalidArgumentError } from 'commander';
import { parseHumanDuration } from '../extract/duration.js';
import { ROLES, type FieldOverrides, type Role } from '../extract/roles.js';
import type { TimeUnit } from '../extract/time.js';

const UNITS = new Set(['s', 'ms', 'us', 'ns']);
/** The roles whose numbers have a unit. */
const UNIT_ROLES = new Set<Role>(['start', 'end', 'duration']);

/** `ROLE=PATH[:UNIT]`, accumulated into overrides. */
export function parseField(value: string, previous: FieldOverrides = {}): FieldOverrides {
  const m = /^([a-z]+)=(.+)$/.exec(value);
  if (!m || !ROLES.includes(m[1] as Role)) {
    throw new InvalidArgumentError(`expected ROLE=PATH with ROLE one of ${ROLES.join(', ')}`);
  }
  let path = m[2]!;
  let unit: TimeUnit | undefined;
  // Times and durations take a unit after the last ':'; a word there that is not one is a mistake
  // (`duration_ms:msec` would otherwise read a key of that name and find nothing).
  const u = UNIT_ROLES.has(m[1] as Role) ? /^(.+):([A-Za-z]*)$/.exec(path) : null;
  if (u) {
    const name = u[2]!.toLowerCase();
    if (name === '') throw new InvalidArgumentError(`no unit after ':' in '${value}' (s, ms, us or ns)`);
    if (!UNITS.has(name)) throw new InvalidArgumentError(`unknown unit '${u[2]}' in '${value}' (s, ms, us or ns)`);
    path = u[1]!;
    unit = name as TimeUnit;
  }
  return { ...previous, [m[1]!]: unit ? { path, unit } : { path } };
}

/** A duration such as 250ms, 1.5s, 800us or a bare number of milliseconds, in ns. */
export function parseDurationOption(value: string): bigint {
  const ns = parseHumanDuration(value);
  if (ns === null) throw new InvalidArgumentError(`'${value}' is not a duration (e.g. 250ms, 1.5s, 800us)`);
  return ns;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3 };

/** A byte size: 16MiB, 4mb, 1048576. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError(`'${value}' is not a size (e.g. 16MiB, 4096)`);
  const bytes = Math.floor(Number(m[1]) * unit);
  if (!(bytes >= 1)) throw new InvalidArgumentError(`'${value}' must be at least 1 byte`);
  return bytes;
}

/** A positive whole number. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError(`'${value}' is not a positive whole number`);
  return Number(value);
}

/** `--threads`: 'auto' or a count from 1 to 64. */
export function parseThreads(value: string): number | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  const n = parseCount(value);
  if (n > 64) throw new InvalidArgumentError(`'${value}' is more threads than tracelog uses (at most 64)`);
  return n;
}

/** `--concurrency`: requests in flight, from 1 to 64 (each may hold a request of `--batch-bytes`). */
export function parseConcurrency(value: string): number {
  const n = parseCount(value);
  if (n > 64) throw new InvalidArgumentError(`'${value}' is more requests in flight than tracelog sends (at most 64)`);
  return n;
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
