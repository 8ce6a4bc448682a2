/**
 * One raw log line → records, or the reason it was skipped. Strips a BOM and
 * any prefix a log pipeline added before the first `{` (docker compose, kubectl),
 * parses losslessly, then reads trace fields — of the application's line inside a
 * shipper's record too (Docker's json-file `log`). Pure: no I/O.
 */
import type { JsonObject, JsonValue, LogRecord } from '../types.js';
import { extractFlat, extractRecord, fieldValue, newFlatFields, type ExtractOptions } from './fields.js';
import { parseJson } from './json.js';
import { recordsFromSpanJson, isSpanJson } from './span-json.js';
import { scanFields } from './scan-fields.js';
import { importDocumentRecords } from './import-document.js';

export type SkipReason = 'not-json' | 'no-trace-id' | 'too-long';

export type LineResult = { records: LogRecord[] } | { skip: SkipReason } | null;

/** What a document-shaped value (OTLP request, Zipkin list, …) turns into; set by the caller. */
export type DocumentReader = (value: JsonValue, source: string, line: number) => LogRecord[] | null;

export interface LineOptions extends ExtractOptions {
  /** Tried first on each parsed value: returns records for document formats, null otherwise. */
  readDocument?: DocumentReader;
}

/** Reads one line. Null for a blank line (not counted). */
export function readLine(text: string, source: string, line: number, options: LineOptions = {}): LineResult {
  return readText(text, source, line, options, true);
}

/**
 * String fields in which a log shipper carries the application's own line: Docker's json-file
 * driver writes `{"log":"<line>\n","stream":"stdout","time":…}`, Fluent Bit and Fluentd keep
 * `log`, others `message`.
 */
const WRAPPER_KEYS = ['log', 'message', 'msg'];

/** The application's line inside a shipper's record: a wrapper field holding a JSON object's text. */
function wrappedLine(field: (key: string) => JsonValue | undefined): string | null {
  for (const key of WRAPPER_KEYS) {
    const value = field(key);
    if (typeof value === 'string' && /^\s*\{/.test(value)) return value;
  }
  return null;
}

/** A line's fields as scanFields reads them, reused from line to line. */
const SCANNED = newFlatFields();

/**
 * Top-level keys of a value the document readers take (import-document.ts) or that is
 * tracelog's own span JSON (span-json.ts): a line with one is parsed.
 */
const DOCUMENT_KEYS = ['resourceSpans', 'data', 'spans', 'roots', 'events'];

/** True when the scanned line is one the document readers or the span JSON reader might take. */
function mayBeDocument(): boolean {
  for (let at = 0; at < SCANNED.size; at++) if (DOCUMENT_KEYS.includes(SCANNED.keys[at]!)) return true;
  return false;
}

function readText(text: string, source: string, line: number, options: LineOptions, unwrap: boolean): LineResult {
  let start = 0;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  if (start >= text.length) return null;
  const first = text.charCodeAt(start);
  let body: string;
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) body = start === 0 ? text : text.slice(start);
  else {
    const brace = text.indexOf('{', start);
    if (brace < 0) return { skip: 'not-json' };
    body = text.slice(brace);
  }
  // Nearly every line: an object read straight from its text (scan-fields.ts). mayBeDocument
  // knows what importDocumentRecords takes; with another document reader every line is parsed.
  if ((options.readDocument === undefined || options.readDocument === importDocumentRecords) && scanFields(body, SCANNED) && !mayBeDocument()) {
    const record = extractFlat(SCANNED, null, source, line, options);
    if (record) return { records: [record] };
    const inner = unwrap ? wrappedLine((key) => fieldValue(SCANNED, key)) : null;
    const unwrapped = inner === null ? null : readText(inner, source, line, options, false);
    return unwrapped !== null && 'records' in unwrapped ? unwrapped : { skip: 'no-trace-id' };
  }
  let value: JsonValue;
  try {
    value = parseJson(body);
  } catch {
    // A prefix can start with '[' ("[api-1] {...}"): then the JSON starts at the first '{'.
    const brace = body[0] === '[' ? body.indexOf('{') : -1;
    if (brace < 0) return { skip: 'not-json' };
    try {
      value = parseJson(body.slice(brace));
    } catch {
      return { skip: 'not-json' };
    }
  }
  if (options.readDocument) {
    const records = options.readDocument(value, source, line);
    if (records) return records.length > 0 ? { records } : { skip: 'no-trace-id' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { skip: 'not-json' };
  const obj = value as JsonObject;
  if (isSpanJson(obj)) return { records: recordsFromSpanJson(obj, source, line) };
  const record = extractRecord(obj, source, line, options);
  if (record) return { records: [record] };
  // No trace here: the line may be a shipper's record around the application's line (one level).
  const inner = unwrap ? wrappedLine((key) => (Object.hasOwn(obj, key) ? obj[key] : undefined)) : null;
  const unwrapped = inner === null ? null : readText(inner, source, line, options, false);
  return unwrapped !== null && 'records' in unwrapped ? unwrapped : { skip: 'no-trace-id' };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}
