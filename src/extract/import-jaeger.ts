/**
 * A Jaeger query/UI JSON document (FORMATS.md A.2, B.3) → span and event
 * records: every form the Jaeger UI upload accepts ({data:[…]}, {data:{…}},
 * an array of traces, one trace), typed tags, logs as events. Pure: no I/O.
 */
import { LosslessNumber, type Fields, type JsonObject, type JsonValue } from '../types.js';
import {
  type ImportResult,
  intFromText,
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
/** Jaeger times are integer µs: 6 fractional second digits. */
const JAEGER_TIME_DIGITS = 6;
/** Name of an event whose log has neither an `event` nor a `message` field. */
const UNNAMED_LOG = 'log';

/** The trace objects of any accepted document form (jaeger-ui readJsonFile.ts). */
export function listJaegerTraces(value: JsonValue): JsonObject[] {
  const candidates: JsonValue[] = isObject(value)
    ? Array.isArray(value.data)
      ? value.data
      : isObject(value.data)
        ? [value.data]
        : [value]
    : Array.isArray(value)
      ? value
      : [];
  return candidates.filter((trace): trace is JsonObject => isObject(trace) && Array.isArray(trace.spans));
}

/**
 * Every span of every trace. The parent is the first CHILD_OF reference,
 * else the first FOLLOWS_FROM, else the deprecated `parentSpanID`; the
 * service is `processes[processID].serviceName` (or an embedded `process`;
 * `unknown_service` reads as none).
 * `span.kind`, `error`, `otel.status_code`/`otel.status_description` become
 * the span's kind and status. Placeholders marked `tracelog.synthetic` give
 * events only, as in `importOtlp`.
 */
export function importJaeger(value: JsonValue, source: string, line: number): ImportResult {
  const result: ImportResult = { records: [], events: [], skipped: 0 };
  for (const trace of listJaegerTraces(value)) {
    const processes = isObject(trace.processes) ? trace.processes : null;
    const traceTraceId = readHexId(trace.traceID);
    for (const span of trace.spans as JsonValue[]) {
      if (!isObject(span)) {
        result.skipped += 1;
        continue;
      }
      const traceId = readHexId(span.traceID) ?? traceTraceId;
      const spanId = readHexId(span.spanID);
      if (traceId === null || spanId === null) {
        result.skipped += 1;
        continue;
      }
      const tags = readTags(span.tags);
      const { ids, synthetic } = restoreOriginalIds(tags, { traceId, spanId, parentId: readParent(span) }, 'hex16or32');
      const spanKind = readSpanKind(tags['span.kind']);
      if (spanKind !== null) delete tags['span.kind'];
      const status = takeStatus(tags);
      const service = readService(span, processes);
      const startNs = readScaledNs(span.startTime, MICROS_NS);
      if (!synthetic) {
        result.records.push(
          makeSpanRecord(
            {
              ...ids,
              name: readText(span.operationName),
              service,
              timeNs: startNs,
              timeDigits: JAEGER_TIME_DIGITS,
              durationNs: readScaledNs(span.duration, MICROS_NS),
              error: status.error,
              statusMessage: status.message,
              spanKind,
              tags,
            },
            source,
            line,
          ),
        );
      }
      if (Array.isArray(span.logs)) {
        for (const log of span.logs) {
          if (!isObject(log)) continue;
          const fields = readTags(log.fields);
          const nameKey = typeof fields.event === 'string' ? 'event' : typeof fields.message === 'string' ? 'message' : null;
          const name = nameKey === null ? UNNAMED_LOG : (fields[nameKey] as string);
          if (nameKey !== null) delete fields[nameKey];
          const timeNs = readScaledNs(log.timestamp, MICROS_NS) ?? startNs;
          result.events.push(makeEventRecord(ids, service, timeNs, JAEGER_TIME_DIGITS, name, fields, source, line));
        }
      }
    }
  }
  return result;
}

function readParent(span: JsonObject): string | null {
  if (Array.isArray(span.references)) {
    for (const refType of ['CHILD_OF', 'FOLLOWS_FROM']) {
      for (const ref of span.references) {
        if (!isObject(ref) || ref.refType !== refType) continue;
        const parent = readParentId(ref.spanID);
        if (parent !== null) return parent;
      }
    }
  }
  return readParentId(span.parentSpanID);
}

function readService(span: JsonObject, processes: JsonObject | null): string | null {
  const processId = span.processID;
  const process =
    typeof processId === 'string' && processes !== null && Object.hasOwn(processes, processId)
      ? processes[processId]
      : span.process;
  return isObject(process) ? readServiceName(process.serviceName) : null;
}

/** `[{key, type, value}]` → tags, decoding each type (B.3: int64 may be a decimal string). */
export function readTags(value: unknown): Fields {
  const tags = newFields();
  if (!Array.isArray(value)) return tags;
  for (const tag of value) {
    if (!isObject(tag) || typeof tag.key !== 'string') continue;
    tags[tag.key] = readTypedValue(tag.type, tag.value ?? null);
  }
  return tags;
}

function readTypedValue(type: JsonValue | undefined, value: JsonValue): JsonValue {
  switch (type) {
    case 'bool':
      return typeof value === 'string' ? value === 'true' : value;
    case 'int64':
      if (typeof value === 'string' || value instanceof LosslessNumber) return intFromText(String(value));
      return value;
    case 'float64':
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      return value;
    default:
      return value;
  }
}

/** Takes the kind-and-status tags out of `tags` (B.3 "Span kind and status travel as tags"). */
function takeStatus(tags: Fields): { error: boolean; message: string | null } {
  let error = false;
  if (tags.error === true || tags.error === 'true') {
    error = true;
    delete tags.error;
  }
  if (tags['otel.status_code'] === 'ERROR') {
    error = true;
    delete tags['otel.status_code'];
  }
  let message: string | null = null;
  if (error && typeof tags['otel.status_description'] === 'string') {
    message = tags['otel.status_description'];
    delete tags['otel.status_description'];
  }
  return { error, message };
}
