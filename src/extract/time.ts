/**
 * Timestamps to epoch nanoseconds (BigInt) and back to RFC 3339. Numbers are
 * told apart by magnitude (s, ms, µs, ns), strings are RFC 3339 / ISO 8601 with
 * up to nanosecond digits or OTLP decimal nanoseconds. Nothing passes through a
 * float millisecond. Pure.
 */
import { LosslessNumber, type JsonValue } from '../types.js';
import { scaleDecimal } from './decimal.js';

export interface Instant {
  ns: bigint;
  /** Fractional-second digits the input carried (0–9). */
  digits: number;
}

export type TimeUnit = 's' | 'ms' | 'us' | 'ns';
const UNIT_NS: Record<TimeUnit, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };
const UNIT_DIGITS: Record<TimeUnit, number> = { s: 0, ms: 3, us: 6, ns: 9 };

/** Date's own range: ±8.64e15 ms around the epoch. */
const MAX_NS = 8_640_000_000_000_000_000_000n;

/** FORMATS.md A.3: < 1e11 s, < 1e14 ms, < 1e17 µs, else ns. */
export function unitByMagnitude(value: number): TimeUnit {
  const a = Math.abs(value);
  if (a < 1e11) return 's';
  if (a < 1e14) return 'ms';
  if (a < 1e17) return 'us';
  return 'ns';
}

const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const ISO =
  /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/** A number's decimal text in `unit` (or by magnitude) as an Instant. */
export function instantFromDecimal(text: string, unit?: TimeUnit): Instant | null {
  const approx = Number(text);
  if (!Number.isFinite(approx)) return null;
  const u = unit ?? unitByMagnitude(approx);
  const ns = scaleDecimal(text, UNIT_NS[u]);
  if (ns === null || ns > MAX_NS || ns < -MAX_NS) return null;
  const frac = /\.(\d+)/.exec(text.replace(/[eE].*$/, ''))?.[1]?.replace(/0+$/, '') ?? '';
  // JSON numbers lose trailing zeros (…600.120 → …600.12): show whole ms, µs or ns.
  return { ns, digits: Math.min(9, UNIT_DIGITS[u] + Math.ceil(frac.length / 3) * 3) };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the proleptic Gregorian calendar (the one RFC 3339 uses). */
function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** The two digits at `at` as a number; NaN when they are not two digits. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 0x30;
  const b = text.charCodeAt(at + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * The shape nearly every log writes, `2024-05-01T10:00:00.123456Z` or with an offset
 * `+02:00`, read character by character; null for anything else, which the regular
 * expression then reads (and judges).
 */
function parseCommonIsoTime(text: string): Instant | null {
  const length = text.length;
  if (length < 20 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x54 /* T */) return null;
  if (text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return null;
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  // NaN fails every comparison: a non-digit anywhere leaves it to the regular expression.
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 60)) return null;
  let at = 19;
  let digits = 0;
  let fraction = 0;
  if (text.charCodeAt(at) === 0x2e /* . */) {
    at++;
    for (let c = text.charCodeAt(at); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++at)) {
      if (digits < 9) {
        fraction = fraction * 10 + (c - 0x30);
        digits++;
      }
    }
    if (digits === 0) return null;
  }
  let offsetMin = 0;
  const zone = text.charCodeAt(at);
  if (zone === 0x5a /* Z */ && at + 1 === length) offsetMin = 0;
  else if ((zone === 0x2b || zone === 0x2d) && at + 6 === length && text.charCodeAt(at + 3) === 0x3a) {
    const offsetHours = twoDigits(text, at + 1);
    const offsetMinutes = twoDigits(text, at + 4);
    if (!(offsetHours <= 23 && offsetMinutes <= 59)) return null;
    offsetMin = (offsetHours * 60 + offsetMinutes) * (zone === 0x2d ? -1 : 1);
  } else return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute - offsetMin, second);
  for (let d = digits; d < 9; d++) fraction *= 10;
  return { ns: BigInt(ms) * 1_000_000n + BigInt(fraction), digits };
}

/** An RFC 3339 / ISO 8601 string as an Instant; no offset means UTC. */
export function parseIsoTime(text: string): Instant | null {
  return parseCommonIsoTime(text) ?? parseIsoTimeByPattern(text);
}

/** As parseIsoTime, every shape read by the regular expression (exported for tests). */
export function parseIsoTimeByPattern(text: string): Instant | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // A date that does not exist (2023-02-29, 04-31) is no time: it stays in the fields, where it can be seen.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || minute > 59 || second > 60) return null;
  // 24:00:00 is the end of the day (ISO 8601); no other time in hour 24 exists.
  if (hour > 24 || (hour === 24 && (minute > 0 || second > 0 || /[1-9]/.test(frac)))) return null;
  let offsetMin = 0;
  if (zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
    const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const [offsetHours, offsetMinutes] = [Number(zm[2]), Number(zm[3] ?? '0')];
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    offsetMin = (offsetHours * 60 + offsetMinutes) * (zm[1] === '-' ? -1 : 1);
  }
  let ms: number;
  if (year >= 100 || year < 0) ms = Date.UTC(year, month - 1, day, hour, minute - offsetMin, second);
  else {
    // Date.UTC reads the years 0–99 as 1900–1999.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute - offsetMin, second, 0);
    ms = date.getTime();
  }
  if (!Number.isFinite(ms)) return null;
  const digits = Math.min(9, frac.length);
  const fracNs = digits > 0 ? BigInt(frac.slice(0, 9).padEnd(9, '0')) : 0n;
  return { ns: BigInt(ms) * 1_000_000n + fracNs, digits };
}

/** Any JSON value a log uses for a point in time, or null when it is none. */
export function parseTimestamp(value: JsonValue | undefined, unit?: TimeUnit): Instant | null {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return Number.isFinite(value) ? instantFromDecimal(String(value), unit) : null;
    // An integer (epoch ms, µs or ns that fits a double exactly): no decimal text needed.
    const u = unit ?? unitByMagnitude(value);
    const ns = BigInt(value) * UNIT_NS[u];
    return ns > MAX_NS || ns < -MAX_NS ? null : { ns, digits: UNIT_DIGITS[u] };
  }
  if (value instanceof LosslessNumber) return instantFromDecimal(value.text, unit);
  if (typeof value === 'string') {
    const t = value.trim();
    if (NUMERIC.test(t)) {
      if (/^0+$/.test(t)) return null; // OTLP: "0" means unset
      return instantFromDecimal(t, unit);
    }
    return parseIsoTime(t);
  }
  return null;
}

let lastSecs: bigint | null = null;
let lastBase = '';

/** RFC 3339 UTC text with at least `digits` fractional digits, more when the value needs them. */
export function formatRfc3339(ns: bigint, digits: number): string {
  let secs = ns / 1_000_000_000n;
  let rem = Number(ns % 1_000_000_000n);
  if (rem < 0) {
    rem += 1e9;
    secs -= 1n;
  }
  // Many spans share a second: remember the last one's text.
  if (secs !== lastSecs) {
    lastSecs = secs;
    lastBase = new Date(Number(secs) * 1000).toISOString().replace(/\.\d+Z$/, '');
  }
  // The fraction's digits up to its last non-zero one.
  let needed = 9;
  for (let r = rem; needed > 0 && r % 10 === 0; r /= 10) needed--;
  const shown = Math.max(digits, needed);
  // 1e9 + rem: the nine digits of the fraction, zeros in front kept, after a leading 1.
  return shown > 0 ? `${lastBase}.${String(1e9 + rem).slice(1, 1 + shown)}Z` : `${lastBase}Z`;
}
