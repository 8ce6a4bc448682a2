/**
 * Shared helpers for the exporters: classify a tag value (string, bool,
 * int64, double, array, object), write JSON values as text with lossless
 * numbers kept as numbers, and convert nanoseconds to microseconds.
 * Pure: no I/O.
 */
import { LosslessNumber, type Fields, type JsonValue, type Span, type SpanEvent } from '../types.js';
import { formatDecimal } from '../extract/decimal.js';
import { parseJson } from '../extract/json.js';

/**
 * A span's tags as an object. Read as JSON text (how `convert` holds them while a trace is
 * in flight: a string weighs far less than the objects), they are parsed back here, to the
 * same object the line's fields would have given.
 */
export function spanTags(span: Span): Fields {
  return span.tagsText === undefined ? span.tags : (parseJson(span.tagsText) as Fields);
}

/** An event's fields as an object (see `spanTags`). */
export function eventFields(event: SpanEvent): Fields {
  return event.fieldsText === undefined ? event.fields : (parseJson(event.fieldsText) as Fields);
}

const INT_TEXT = /^-?\d+$/;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A tag value sorted by the type the export formats care about. */
export type TypedValue =
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean }
  /** An integer within int64, as exact decimal text. */
  | { type: 'int'; value: string }
  /** A finite double. */
  | { type: 'double'; value: number }
  | { type: 'array'; value: JsonValue[] }
  | { type: 'object'; value: { [key: string]: JsonValue } }
  | { type: 'null' };

/**
 * Sorts a JSON value for typed attributes (FORMATS.md B.1 "Map tags"):
 * integers within int64 — JS numbers or LosslessNumber text — are `int`,
 * other finite numbers `double`; a number with no finite double (1e400) is
 * kept as its text in a `string` so nothing emits NaN/Infinity.
 */
export function classifyValue(value: JsonValue): TypedValue {
  if (value === null) return { type: 'null' };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'boolean') return { type: 'bool', value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { type: 'string', value: String(value) };
    if (Number.isInteger(value)) {
      const big = BigInt(value);
      if (big >= MIN_INT64 && big <= MAX_INT64) return { type: 'int', value: big.toString() };
    }
    return { type: 'double', value };
  }
  if (value instanceof LosslessNumber) {
    const text = value.text.trim();
    if (INT_TEXT.test(text)) {
      const big = BigInt(text);
      if (big >= MIN_INT64 && big <= MAX_INT64) return { type: 'int', value: big.toString() };
    }
    const double = Number(text);
    return Number.isFinite(double) ? { type: 'double', value: double } : { type: 'string', value: text };
  }
  if (Array.isArray(value)) return { type: 'array', value };
  return { type: 'object', value };
}

/** True when an int64 decimal text is exactly representable as a JS number (±(2^53−1)). */
export function isSafeIntegerText(text: string): boolean {
  const big = BigInt(text);
  return big <= MAX_SAFE && big >= -MAX_SAFE;
}

/**
 * JSON text of a value with LosslessNumber written as the number it is (plain
 * `JSON.stringify` would quote it) and non-finite numbers as null.
 */
export function stringifyJsonValue(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value instanceof LosslessNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(stringifyJsonValue).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value)) parts.push(`${JSON.stringify(key)}:${stringifyJsonValue(value[key]!)}`);
  return `{${parts.join(',')}}`;
}

/** Text of a scalar tag value for string-only formats (Zipkin tags); objects and arrays as JSON. */
export function stringifyTagValue(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof LosslessNumber) return value.text;
  return stringifyJsonValue(value);
}

/**
 * A copy made only of plain JSON: LosslessNumber becomes a number when the
 * double has the same text, its text otherwise; non-finite numbers become
 * their text. Objects get a null prototype.
 */
export function toPlainJson(value: JsonValue): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof LosslessNumber) {
    const double = Number(value.text);
    return Number.isFinite(double) && String(double) === value.text ? double : value.text;
  }
  if (Array.isArray(value)) return value.map(toPlainJson);
  const copy: { [key: string]: JsonValue } = Object.create(null);
  for (const key of Object.keys(value)) copy[key] = toPlainJson(value[key]!);
  return copy;
}

/** Epoch µs rounded down (Zipkin `timestamp`, Jaeger `startTime`: FORMATS.md B.2, B.3). */
export function floorMicros(ns: bigint): number {
  const q = ns / 1000n;
  return Number(ns < 0n && ns % 1000n !== 0n ? q - 1n : q);
}

/** A duration in µs rounded half up; never negative. */
export function roundMicros(ns: bigint): number {
  if (ns <= 0n) return 0;
  return Number((ns + 500n) / 1000n);
}

/** Nanoseconds as a µs number keeping up to 3 fraction digits (Chrome `ts`/`dur`, B.4). */
export function microsWithFraction(ns: bigint): number {
  return Number(formatDecimal(ns, 3));
}
