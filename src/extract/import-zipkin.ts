/**
 * A Zipkin v2 span list (FORMATS.md A.2, B.2; zipkin2-api.yaml ListOfSpans)
 * → span and event records: µs times, string tags, the `error` tag as the
 * span's status, annotations as events. Pure: no I/O.
 */
import type { Fields, JsonValue } from '../types.js';
import {
  type ImportResult,
  isObject,
  makeEventRecord,
  makeSpanRecord,
  newFields,
  readHexId,
  readParentId,
  readScaledNs,
  readServiceName,
  readSpanKind,
  readText,
  restoreOriginalIds,
} from './import-shared.js';

const MICROS_NS = 1000n;
/** Zipkin times are integer µs: 6 fractional second digits. */
const ZIPKIN_TIME_DIGITS = 6;

/**
 * Every span of the list. `tags.error` marks a failed span (its text is the
 * message unless it is empty or "true"); OTel's `otel.status_code: ERROR` and
 * `otel.status_description` are read too. Placeholders marked
 * `tracelog.synthetic` give events only, as in `importOtlp`.
 */
export function importZipkin(value: JsonValue, source: string, line: number): ImportResult {
  const result: ImportResult = { records: [], events: [], skipped: 0 };
  if (!Array.isArray(value)) return result;
  for (const span of value) {
    if (!isObject(span)) {
      result.skipped += 1;
      continue;
    }
    const traceId = readHexId(span.traceId);
    const spanId = readHexId(span.id);
    if (traceId === null || spanId === null) {
      result.skipped += 1;
      continue;
    }
    const tags = readTags(span.tags);
    const { ids, synthetic } = restoreOriginalIds(tags, { traceId, spanId, parentId: readParentId(span.parentId) }, 'hex16or32');
    const status = takeStatus(tags);
    const service = isObject(span.localEndpoint) ? readServiceName(span.localEndpoint.serviceName) : null;
    const startNs = readScaledNs(span.timestamp, MICROS_NS);
    if (!synthetic) {
      result.records.push(
        makeSpanRecord(
          {
            ...ids,
            name: readText(span.name),
            service,
            timeNs: startNs,
            timeDigits: ZIPKIN_TIME_DIGITS,
            durationNs: readScaledNs(span.duration, MICROS_NS),
            error: status.error,
            statusMessage: status.message,
            spanKind: readSpanKind(span.kind),
            tags,
          },
          source,
          line,
        ),
      );
    }
    if (Array.isArray(span.annotations)) {
      for (const annotation of span.annotations) {
        if (!isObject(annotation) || typeof annotation.value !== 'string') continue;
        const timeNs = readScaledNs(annotation.timestamp, MICROS_NS) ?? startNs;
        result.events.push(
          makeEventRecord(ids, service, timeNs, ZIPKIN_TIME_DIGITS, annotation.value, newFields(), source, line),
        );
      }
    }
  }
  return result;
}

function readTags(value: unknown): Fields {
  const tags = newFields();
  if (!isObject(value)) return tags;
  for (const key of Object.keys(value)) tags[key] = value[key]!;
  return tags;
}

/** Takes the status tags out of `tags` (B.2 "Status error → tag error"; OTel's otel.status_* convention). */
function takeStatus(tags: Fields): { error: boolean; message: string | null } {
  let error = false;
  let message: string | null = null;
  if ('error' in tags) {
    const text = tags.error;
    error = true;
    if (typeof text === 'string' && text !== '' && text !== 'true') message = text;
    delete tags.error;
  }
  if (tags['otel.status_code'] === 'ERROR') {
    error = true;
    delete tags['otel.status_code'];
  }
  if (error && typeof tags['otel.status_description'] === 'string') {
    message ??= tags['otel.status_description'];
    delete tags['otel.status_description'];
  }
  return { error, message };
}
