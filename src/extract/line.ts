/**
 * One raw log line → records, or the reason it was skipped. Strips a BOM and
 * any prefix a log pipeline added before the first `{` (docker compose, kubectl),
 * parses losslessly, then reads trace fields — of the application's line inside a
 * shipper's record too (Docker's json-file `log`). Pure: no I/O.
 */
import type { JsonObject, JsonValue, LogRecord } from '../types.js';
import { extractRecord, type ExtractOptions } from './fields.js';
import { parseJson } from './json.js';
import { recordsFromSpanJson, isSpanJson } from './span-json.js';

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
function wrappedLine(obj: JsonObject): string | null {
  for (const key of WRAPPER_KEYS) {
    const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (typeof value === 'string' && /^\s*\{/.test(value)) return value;
  }
  return null;
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
  const inner = unwrap ? wrappedLine(obj) : null;
  const unwrapped = inner === null ? null : readText(inner, source, line, options, false);
  return unwrapped !== null && 'records' in unwrapped ? unwrapped : { skip: 'no-trace-id' };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}
