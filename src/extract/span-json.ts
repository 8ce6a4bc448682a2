/**
 * Reads tracelog's own span JSON back (`convert --format spans` lines and
 * `--format traces` documents), so a baseline or an earlier export is input
 * like any log. Placeholders are not read: assembly makes them again. Pure.
 */
import { LosslessNumber, type Fields, type JsonObject, type JsonValue, type LogRecord, type SpanKind } from '../types.js';
import { scaleDecimal, scaleNumber } from './decimal.js';
import { parseTimestamp } from './time.js';
import { boundDepth } from './json.js';
import { setOwn } from './fields.js';

const KINDS = new Set(['internal', 'server', 'client', 'producer', 'consumer']);

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof LosslessNumber);
}

/** A span line as `convert --format spans` writes it, or a trace as `--format traces` writes it. */
export function isSpanJson(obj: JsonObject): boolean {
  if (typeof obj.traceId !== 'string') return false;
  if (Array.isArray(obj.roots) && typeof obj.spanCount === 'number') return true;
  return (
    typeof obj.spanId === 'string' &&
    typeof obj.startTime === 'string' &&
    (typeof obj.durationMs === 'number' || obj.durationMs instanceof LosslessNumber) &&
    isObject(obj.tags) &&
    Array.isArray(obj.events)
  );
}

function copyFields(value: JsonValue | undefined): Fields {
  const out: Fields = {};
  if (isObject(value)) for (const key of Object.keys(value)) setOwn(out, key, boundDepth(value[key]!));
  return out;
}

function text(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** Records for one span (and its events), then for its nested children when present. */
export function recordsFromSpanJson(obj: JsonObject, source: string, line: number): LogRecord[] {
  const records: LogRecord[] = [];
  const stack: JsonObject[] = Array.isArray(obj.roots) ? obj.roots.filter(isObject).reverse() : [obj];
  while (stack.length > 0) {
    const span = stack.pop()!;
    if (Array.isArray(span.children)) for (let i = span.children.length - 1; i >= 0; i--) {
      const child = span.children[i];
      if (isObject(child)) stack.push(child);
    }
    const traceId = text(span.traceId) ?? text(obj.traceId);
    const spanId = text(span.spanId);
    if (traceId === null || spanId === null) continue;
    const start = span.startInferred === true ? null : parseTimestamp(span.startTime ?? null);
    const d = span.durationMs;
    const durationNs = typeof d === 'number' ? scaleNumber(d, 1_000_000n) : d instanceof LosslessNumber ? scaleDecimal(d.text, 1_000_000n) : null;
    const base = { traceId, spanId, source, line, service: text(span.service) };
    if (span.synthetic !== true) {
      const kind = text(span.kind);
      records.push({
        ...base,
        kind: span.unfinished === true ? 'begin' : 'span',
        parentId: text(span.cycleParentId) ?? text(span.parentId),
        name: text(span.name),
        timeNs: start?.ns ?? null,
        timeDigits: start?.digits ?? 0,
        durationNs: span.unfinished === true ? null : durationNs,
        error: span.error === true,
        statusMessage: text(span.statusMessage),
        spanKind: kind !== null && KINDS.has(kind) ? (kind as SpanKind) : null,
        message: null,
        tags: copyFields(span.tags),
        ...(span.decimalIds === true ? { decimalIds: true } : {}),
      });
    }
    if (Array.isArray(span.events)) {
      for (const event of span.events) {
        if (!isObject(event)) continue;
        const time = parseTimestamp(event.time ?? null);
        records.push({
          ...base,
          kind: 'event',
          parentId: null,
          name: null,
          timeNs: time?.ns ?? null,
          timeDigits: time?.digits ?? 0,
          durationNs: null,
          error: false,
          statusMessage: null,
          spanKind: null,
          message: text(event.name) ?? '',
          tags: copyFields(event.fields),
        });
      }
    }
  }
  return records;
}
