/**
 * Helpers shared by the OTLP, Zipkin and Jaeger importers: reading numbers
 * that may be JS numbers, LosslessNumber or decimal text, building span and
 * event records, and restoring the original ids our exporters recorded.
 * Pure: no I/O.
 */
import { LosslessNumber, type Fields, type JsonObject, type JsonValue, type LogRecord, type SpanKind } from '../types.js';
import { scaleDecimal, scaleNumber } from './decimal.js';
import {
  ORIGINAL_PARENT_ID_KEY,
  ORIGINAL_SPAN_ID_KEY,
  ORIGINAL_TRACE_ID_KEY,
  SYNTHETIC_KEY,
  toParentIdHex16,
  toSpanIdHex16,
  toTraceIdHex16or32,
  toTraceIdHex32,
} from '../export/ids.js';

/** What an imported document yields: span records, event records, and how many spans were unusable. */
export interface ImportResult {
  records: LogRecord[];
  events: LogRecord[];
  /** Spans dropped for lack of a trace or span id. */
  skipped: number;
}


/** Mirrored from src/export/otlp.ts. */
export const UNKNOWN_SERVICE = 'unknown_service';

const SPAN_KINDS: ReadonlySet<string> = new Set(['internal', 'server', 'client', 'producer', 'consumer']);
const INT_TEXT = /^[+-]?\d+$/;
const ZERO_ID = /^(0x)?0*$/i;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A JSON object (not an array, null or a LosslessNumber). */
export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof LosslessNumber);
}

/** An empty tag object with no prototype, so any key is just a key. */
export function newFields(): Fields {
  return Object.create(null) as Fields;
}

/** A non-empty trimmed string, or null. */
export function readString(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' ? null : text;
}

/**
 * A name, service or message exactly as written (surrounding spaces are part of
 * it, as they are when read from a log line), or null when absent or empty.
 */
export function readText(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * A service name, null when absent, empty or exactly `unknown_service`: the
 * OTel SDK default (resource semantic conventions, `service.name`) that our
 * exporters also write for spans without a service, so it means "not known".
 */
export function readServiceName(value: unknown): string | null {
  const text = readText(value);
  return text === null || text === UNKNOWN_SERVICE ? null : text;
}

/** An id as lowercase text (hex ids are case-insensitive), or null when absent or empty. */
export function readHexId(value: unknown): string | null {
  const text = readString(value);
  return text === null ? null : text.toLowerCase();
}

/** A parent id, null when absent, empty or all zeros (FORMATS.md C.2 rule 1). */
export function readParentId(value: unknown): string | null {
  const text = readHexId(value);
  return text === null || ZERO_ID.test(text) ? null : text;
}

/**
 * A number given as a JS number, LosslessNumber or decimal text, times
 * `unitNs`, exactly (decimal.ts); null when absent or not a number.
 */
export function readScaledNs(value: unknown, unitNs: bigint): bigint | null {
  if (typeof value === 'number') return scaleNumber(value, unitNs);
  if (value instanceof LosslessNumber) return scaleDecimal(value.text.trim(), unitNs);
  if (typeof value === 'string') return scaleDecimal(value.trim(), unitNs);
  return null;
}

/** Integer text as a JSON value: a number when exact (±(2^53−1)), else LosslessNumber with canonical digits. */
export function intFromText(text: string): JsonValue {
  const trimmed = text.trim();
  if (!INT_TEXT.test(trimmed)) return trimmed;
  const big = BigInt(trimmed);
  return big <= MAX_SAFE && big >= -MAX_SAFE ? Number(big) : new LosslessNumber(big.toString());
}

/** A lowercase span kind name, or null. */
export function readSpanKind(value: unknown): SpanKind | null {
  if (typeof value !== 'string') return null;
  const kind = value.trim().toLowerCase();
  return SPAN_KINDS.has(kind) ? (kind as SpanKind) : null;
}

/** The three ids of a span record. */
export interface SpanIds {
  traceId: string;
  spanId: string;
  parentId: string | null;
}

/**
 * Replaces mapped ids by the originals recorded in `tracelog.original_*` tags
 * and removes those tags and `tracelog.synthetic` from `tags`, so an export
 * read back gives the ids as first written. An original is taken only when it
 * maps to the id the document has (as the exporter mapped it, `traceWidth` for
 * the trace id): a log field of that name that is no such record stays a tag.
 * Returns whether the span was a synthetic placeholder.
 */
export function restoreOriginalIds(tags: Fields, ids: SpanIds, traceWidth: 'hex32' | 'hex16or32'): { ids: SpanIds; synthetic: boolean } {
  const restored = { ...ids };
  const take = (key: string, written: string | null, map: (text: string, options: { decimal: boolean }) => string | null): string | null => {
    const original = tags[key];
    if (typeof original !== 'string' || written === null) return null;
    const id = written.toLowerCase();
    if (map(original, { decimal: false }) !== id && map(original, { decimal: true }) !== id) return null;
    delete tags[key];
    return original;
  };
  restored.traceId = take(ORIGINAL_TRACE_ID_KEY, ids.traceId, traceWidth === 'hex32' ? toTraceIdHex32 : toTraceIdHex16or32) ?? ids.traceId;
  restored.spanId = take(ORIGINAL_SPAN_ID_KEY, ids.spanId, toSpanIdHex16) ?? ids.spanId;
  restored.parentId = take(ORIGINAL_PARENT_ID_KEY, ids.parentId, toParentIdHex16) ?? ids.parentId;
  const flag = tags[SYNTHETIC_KEY];
  const synthetic = flag === true || flag === 'true';
  delete tags[SYNTHETIC_KEY];
  return { ids: restored, synthetic };
}

/** A `span` record (one finished span) from an imported document. */
export function makeSpanRecord(
  fields: Pick<
    LogRecord,
    'traceId' | 'spanId' | 'parentId' | 'name' | 'service' | 'timeNs' | 'timeDigits' | 'durationNs' | 'error' | 'statusMessage' | 'spanKind' | 'tags'
  >,
  source: string,
  line: number,
): LogRecord {
  return { kind: 'span', ...fields, message: null, source, line };
}

/** An `event` record: a span event whose name travels as the message, as log-line events do. */
export function makeEventRecord(
  ids: { traceId: string; spanId: string },
  service: string | null,
  timeNs: bigint | null,
  timeDigits: number,
  name: string,
  tags: Fields,
  source: string,
  line: number,
): LogRecord {
  return {
    kind: 'event',
    traceId: ids.traceId,
    spanId: ids.spanId,
    parentId: null,
    name: null,
    service,
    timeNs,
    timeDigits,
    durationNs: null,
    error: false,
    statusMessage: null,
    spanKind: null,
    message: name,
    tags,
    source,
    line,
  };
}

/** Duration from start and end, never negative; null unless both are known. */
export function durationBetween(startNs: bigint | null, endNs: bigint | null): bigint | null {
  if (startNs === null || endNs === null) return null;
  return endNs > startNs ? endNs - startNs : 0n;
}
