/**
 * Recognises a parsed JSON value that is a whole trace document — OTLP/JSON,
 * a Zipkin v2 span list or a Jaeger UI document — and dispatches it to its
 * importer. Ordinary log lines give null and go through field detection.
 * Pure: no I/O.
 */
import type { JsonValue, LogRecord } from '../types.js';
import { type ImportResult, isObject } from './import-shared.js';
import { importJaeger, listJaegerTraces } from './import-jaeger.js';
import { importOtlp } from './import-otlp.js';
import { importZipkin } from './import-zipkin.js';

/** The document formats the importers read. */
export type DocumentFormat = 'otlp' | 'zipkin' | 'jaeger';

/**
 * The document format of a value, or null: a top-level `resourceSpans` array
 * is OTLP (FORMATS.md A.2); a non-empty array of objects that all have
 * `traceId` and `id` is Zipkin; `{data:[…]}`/`{data:{…}}`, an array of
 * traces, or one trace object with `spans` and `processes` is Jaeger (B.3).
 * A single Zipkin span object is left to field detection, like any log line.
 */
export function detectDocumentFormat(value: JsonValue): DocumentFormat | null {
  // Every log line comes here: an object without any of the three keys is settled first, cheaply.
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('resourceSpans' in value) && !('data' in value) && !('spans' in value)) return null;
  if (isObject(value)) {
    if (Array.isArray(value.resourceSpans)) return 'otlp';
    if (Array.isArray(value.data) || isObject(value.data)) {
      return listJaegerTraces(value).length > 0 ? 'jaeger' : null;
    }
    return Array.isArray(value.spans) && isObject(value.processes) ? 'jaeger' : null;
  }
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((item) => isObject(item) && typeof item.traceId === 'string' && typeof item.id === 'string')) {
      return 'zipkin';
    }
    if (value.every((item) => isObject(item) && Array.isArray(item.spans) && (item.traceID !== undefined || isObject(item.processes)))) {
      return 'jaeger';
    }
  }
  return null;
}

/** Imports a document of any recognised format; null when the value is not one. */
export function importDocument(value: JsonValue, source: string, line: number): ImportResult | null {
  switch (detectDocumentFormat(value)) {
    case 'otlp':
      return importOtlp(value, source, line);
    case 'zipkin':
      return importZipkin(value, source, line);
    case 'jaeger':
      return importJaeger(value, source, line);
    case null:
      return null;
  }
}

/**
 * `importDocument` flattened to span records followed by event records: the
 * shape of the line reader's `readDocument` hook. Null when the value is not
 * a document.
 */
export function importDocumentRecords(value: JsonValue, source: string, line: number): LogRecord[] | null {
  const result = importDocument(value, source, line);
  return result === null ? null : [...result.records, ...result.events];
}
