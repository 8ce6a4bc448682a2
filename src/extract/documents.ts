/**
 * Whole documents that arrive as one line: an OTLP/JSON request (the
 * Collector's file exporter writes one a line). Returns null for ordinary log
 * lines so they go through field detection. Pure.
 */
import type { JsonValue, LogRecord } from '../types.js';

export function readDocument(_value: JsonValue, _source: string, _line: number): LogRecord[] | null {
  return null;
}
