/**
 * An OTLP/JSON `ExportTraceServiceRequest` / `TracesData` value (one line of
 * the Collector's file exporter, or our own export) → span and event records
 * (FORMATS.md A.2 "Reader rule", B.1). Pure: no I/O.
 */
import { LosslessNumber, type Fields, type JsonValue, type SpanKind } from '../types.js';
import { MAX_VALUE_DEPTH, stringifyJson } from './json.js';
import {
  type ImportResult,
  durationBetween,
  intFromText,
  isObject,
  makeEventRecord,
  makeSpanRecord,
  newFields,
  readParentId,
  readScaledNs,
  readServiceName,
  readSpanKind,
  readString,
  readText,
  restoreOriginalIds,
} from './import-shared.js';

/** `Span.SpanKind` integers (trace.proto). */
const OTLP_KINDS: ReadonlyArray<SpanKind | null> = [null, 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_ERROR = 2;
/** Fractional second digits of OTLP's ns timestamps. */
const OTLP_TIME_DIGITS = 9;
const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Every span of every `resourceSpans[].scopeSpans[]` (or the pre-1.0
 * `instrumentationLibrarySpans[]`). Each span takes `service.name` from its
 * resource (`unknown_service` reads as none); other resource attributes are
 * not copied. Spans marked
 * `tracelog.synthetic` were placeholders for missing parents: they yield no
 * span record (re-assembly makes the placeholder again), only their events.
 */
export function importOtlp(value: JsonValue, source: string, line: number): ImportResult {
  const result: ImportResult = { records: [], events: [], skipped: 0 };
  if (!isObject(value) || !Array.isArray(value.resourceSpans)) return result;
  for (const resourceSpans of value.resourceSpans) {
    if (!isObject(resourceSpans)) continue;
    const resource = resourceSpans.resource;
    const resourceTags = isObject(resource) ? readAttributes(resource.attributes) : newFields();
    const service = readServiceName(resourceTags['service.name']);
    const scopes = resourceSpans.scopeSpans ?? resourceSpans.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) continue;
    for (const scope of scopes) {
      if (!isObject(scope) || !Array.isArray(scope.spans)) continue;
      for (const span of scope.spans) readSpan(span, service, source, line, result);
    }
  }
  return result;
}

function readSpan(span: JsonValue, service: string | null, source: string, line: number, result: ImportResult): void {
  if (!isObject(span)) {
    result.skipped += 1;
    return;
  }
  const traceId = readOtlpId(span.traceId, 16);
  const spanId = readOtlpId(span.spanId, 8);
  if (traceId === null || spanId === null) {
    result.skipped += 1;
    return;
  }
  // "" / absent / all zeros mean a root (B.1; Go stdouttrace writes zeros).
  const parentText = readOtlpId(span.parentSpanId, 8);
  const tags = readAttributes(span.attributes);
  const { ids, synthetic } = restoreOriginalIds(tags, { traceId, spanId, parentId: readParentId(parentText) }, 'hex32');

  const startNs = readUnixNano(span.startTimeUnixNano);
  const status = isObject(span.status) ? span.status : null;
  const error = status !== null && (status.code === STATUS_ERROR || status.code === 'STATUS_CODE_ERROR');
  const statusMessage = status !== null ? readText(status.message) : null;

  if (!synthetic) {
    result.records.push(
      makeSpanRecord(
        {
          ...ids,
          name: readText(span.name),
          service,
          timeNs: startNs,
          timeDigits: OTLP_TIME_DIGITS,
          durationNs: durationBetween(startNs, readUnixNano(span.endTimeUnixNano)),
          error,
          statusMessage,
          spanKind: readKind(span.kind),
          tags,
        },
        source,
        line,
      ),
    );
  }
  if (Array.isArray(span.events)) {
    for (const event of span.events) {
      if (!isObject(event)) continue;
      const name = typeof event.name === 'string' ? event.name : '';
      const timeNs = readUnixNano(event.timeUnixNano) ?? startNs;
      result.events.push(
        makeEventRecord(ids, service, timeNs, OTLP_TIME_DIGITS, name, readAttributes(event.attributes), source, line),
      );
    }
  }
}

/**
 * An OTLP id: hex (any case) lowercased; base64 of exactly `bytes` bytes
 * (the protobuf JSON mapping some older producers wrote) converted to hex;
 * any other non-empty text kept lowercased.
 */
export function readOtlpId(value: unknown, bytes: number): string | null {
  const text = readString(value);
  if (text === null) return null;
  if (HEX.test(text)) return text.toLowerCase();
  if (BASE64.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    if (decoded.length === bytes) return decoded.toString('hex');
  }
  return text.toLowerCase();
}

/** A fixed64 ns time as string or number; "0" means unset (FORMATS.md A.3). */
function readUnixNano(value: unknown): bigint | null {
  const ns = readScaledNs(value, 1n);
  return ns === null || ns <= 0n ? null : ns;
}

function readKind(value: unknown): SpanKind | null {
  if (typeof value === 'number') return OTLP_KINDS[value] ?? null;
  // Enum names are not valid OTLP/JSON, but protobuf's JSON mapping writes them: accept both.
  if (typeof value === 'string') return readSpanKind(value.replace(/^SPAN_KIND_/i, ''));
  return null;
}

/** `KeyValue[]` → tags with JSON values (B.1 "Map tags", read backwards). */
export function readAttributes(value: unknown, depth = 1): Fields {
  const fields = newFields();
  if (!Array.isArray(value)) return fields;
  for (const entry of value) {
    if (!isObject(entry) || typeof entry.key !== 'string') continue;
    fields[entry.key] = fromAnyValue(entry.value, depth);
  }
  return fields;
}

/**
 * An `AnyValue` as a JSON value: `intValue` (string or number) becomes a
 * number when exact, else a LosslessNumber; an empty AnyValue becomes null.
 */
export function fromAnyValue(value: unknown, depth = 1): JsonValue {
  if (!isObject(value)) return null;
  // Nested deeper than a tag value may be (json.ts MAX_VALUE_DEPTH): kept as its JSON text.
  if (depth > MAX_VALUE_DEPTH && ('arrayValue' in value || 'kvlistValue' in value)) return stringifyJson(value as JsonValue);
  if ('stringValue' in value) return typeof value.stringValue === 'string' ? value.stringValue : String(value.stringValue);
  if ('boolValue' in value) return value.boolValue === true || value.boolValue === 'true';
  if ('intValue' in value) {
    const int = value.intValue;
    if (typeof int === 'number') return int;
    if (int instanceof LosslessNumber || typeof int === 'string') return intFromText(String(int));
    return null;
  }
  if ('doubleValue' in value) {
    const double = value.doubleValue;
    if (typeof double === 'number' || double instanceof LosslessNumber) return double;
    if (typeof double === 'string') {
      // proto3 JSON writes NaN and ±Infinity as strings; keep those as text.
      const number = Number(double);
      return double.trim() !== '' && Number.isFinite(number) ? number : double;
    }
    return null;
  }
  if ('arrayValue' in value) {
    const values = isObject(value.arrayValue) ? value.arrayValue.values : undefined;
    return Array.isArray(values) ? values.map((item) => fromAnyValue(item, depth + 1)) : [];
  }
  if ('kvlistValue' in value) {
    const values = isObject(value.kvlistValue) ? value.kvlistValue.values : undefined;
    return readAttributes(values, depth + 1);
  }
  if ('bytesValue' in value) return typeof value.bytesValue === 'string' ? value.bytesValue : null;
  return null;
}
