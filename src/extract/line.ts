/**
 * One raw log line → records, or the reason it was skipped. Strips a BOM and
 * any prefix a log pipeline added before the first `{` (docker compose, kubectl),
 * parses losslessly, then reads trace fields. Pure: no I/O.
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
  return record ? { records: [record] } : { skip: 'no-trace-id' };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}
