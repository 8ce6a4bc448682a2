/**
 * Traces → the Jaeger query/UI JSON document (FORMATS.md B.3) that the Jaeger
 * UI "JSON File" upload opens: CHILD_OF references, µs integers, typed tags,
 * events as logs, one process per service. Pure: no I/O.
 */
import type { Fields, Span, Trace } from '../types.js';
import { listSpans } from '../trace/walk.js';
import { SYNTHETIC_KEY, mapSpanIds, toTraceIdHex16or32, isDecimalIdText } from './ids.js';
import { UNKNOWN_SERVICE } from './otlp.js';
import { classifyValue, eventFields, floorMicros, isSafeIntegerText, roundMicros, spanTags, stringifyJsonValue } from './values.js';

/** The value types of a Jaeger key-value (B.3). */
export type JaegerTagType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

/** A tag, process tag or log field: `{key, type, value}`. */
export interface JaegerTag {
  key: string;
  type: JaegerTagType;
  value: string | boolean | number;
}

/** A link to another span; the parent is the CHILD_OF one. */
export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

/** A span log (an event): epoch µs and fields. */
export interface JaegerLog {
  timestamp: number;
  fields: JaegerTag[];
}

/** A span as the Jaeger UI reads it (internal/uimodel/model.go Span). */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[];
  startTime: number;
  duration: number;
  tags: JaegerTag[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
}

/** A service, referenced from spans by `processID`. */
export interface JaegerProcess {
  serviceName: string;
  tags: JaegerTag[];
}

/** One trace: its spans and the processes they point at. */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

/** The query API envelope the UI upload accepts. */
export interface JaegerDocument {
  data: JaegerTrace[];
  total: number;
  limit: number;
  offset: number;
  errors: null;
}

/** Tag keys that carry kind and status (B.3 "Span kind and status travel as tags"). */
export const JAEGER_KIND_KEY = 'span.kind';
export const JAEGER_ERROR_KEY = 'error';
export const JAEGER_STATUS_CODE_KEY = 'otel.status_code';
export const JAEGER_STATUS_DESCRIPTION_KEY = 'otel.status_description';
/** The log field holding the event name, as Jaeger's OTLP translator writes it. */
export const JAEGER_EVENT_KEY = 'event';

/** One `data[]` entry per trace, in input order, as `GET /api/traces/{id}` returns them. */
export function toJaegerDocument(traces: readonly Trace[]): JaegerDocument {
  const data = traces.map(toJaegerTrace);
  return { data, total: data.length, limit: 0, offset: 0, errors: null };
}

/**
 * One trace: processes `p1`, `p2`, … one per service in order of first
 * appearance; the trace's problems (cycles, duplicate ids) become its warnings.
 */
export function toJaegerTrace(trace: Trace): JaegerTrace {
  const processes: Record<string, JaegerProcess> = Object.create(null);
  const processIds = new Map<string, string>();
  const spans: JaegerSpan[] = [];
  for (const span of listSpans(trace)) {
    const service = span.service ?? UNKNOWN_SERVICE;
    let processId = processIds.get(service);
    if (processId === undefined) {
      processId = `p${processIds.size + 1}`;
      processIds.set(service, processId);
      processes[processId] = { serviceName: service, tags: [] };
    }
    spans.push(toJaegerSpan(span, processId));
  }
  return {
    traceID: toTraceIdHex16or32(trace.traceId, {
      decimal: isDecimalIdText(trace.traceId) || (trace.roots[0]?.decimalIds === true && /^\d{1,20}$/.test(trace.traceId)),
    }),
    spans,
    processes,
    warnings: trace.problems.length > 0 ? [...trace.problems] : null,
  };
}

function toJaegerSpan(span: Span, processId: string): JaegerSpan {
  const ids = mapSpanIds(span, 'hex16or32');
  const extra: JaegerTag[] = [];
  if (span.kind !== null) extra.push({ key: JAEGER_KIND_KEY, type: 'string', value: span.kind });
  if (span.error) {
    extra.push({ key: JAEGER_ERROR_KEY, type: 'bool', value: true });
    extra.push({ key: JAEGER_STATUS_CODE_KEY, type: 'string', value: 'ERROR' });
    if (span.statusMessage !== null) {
      extra.push({ key: JAEGER_STATUS_DESCRIPTION_KEY, type: 'string', value: span.statusMessage });
    }
  }
  for (const [key, text] of ids.originals) extra.push({ key, type: 'string', value: text });
  if (span.synthetic) extra.push({ key: SYNTHETIC_KEY, type: 'bool', value: true });
  const reserved = new Set(extra.map((tag) => tag.key));

  return {
    traceID: ids.traceId,
    spanID: ids.spanId,
    operationName: span.name ?? '',
    references: ids.parentId === null ? [] : [{ refType: 'CHILD_OF', traceID: ids.traceId, spanID: ids.parentId }],
    startTime: floorMicros(span.startNs),
    duration: roundMicros(span.durationNs),
    tags: [...toJaegerTags(spanTags(span), reserved), ...extra],
    logs: span.events.map((event) => ({
      timestamp: floorMicros(event.timeNs ?? span.startNs),
      fields: [
        { key: JAEGER_EVENT_KEY, type: 'string', value: event.name },
        ...toJaegerTags(eventFields(event), new Set([JAEGER_EVENT_KEY])),
      ],
    })),
    processID: processId,
    warnings: null,
  };
}

/**
 * Typed tags: string, bool, int64 (a decimal string outside ±(2^53−1), as
 * Jaeger's from_domain.go does past `jsMaxSafeInteger`), float64; arrays and
 * objects as JSON text; null values and `skip` keys are left out.
 */
export function toJaegerTags(fields: Fields, skip: ReadonlySet<string>): JaegerTag[] {
  const tags: JaegerTag[] = [];
  for (const key of Object.keys(fields)) {
    if (skip.has(key)) continue;
    const typed = classifyValue(fields[key]!);
    switch (typed.type) {
      case 'null':
        break;
      case 'string':
        tags.push({ key, type: 'string', value: typed.value });
        break;
      case 'bool':
        tags.push({ key, type: 'bool', value: typed.value });
        break;
      case 'int':
        tags.push({ key, type: 'int64', value: isSafeIntegerText(typed.value) ? Number(typed.value) : typed.value });
        break;
      case 'double':
        tags.push({ key, type: 'float64', value: typed.value });
        break;
      case 'array':
      case 'object':
        tags.push({ key, type: 'string', value: stringifyJsonValue(typed.value) });
        break;
    }
  }
  return tags;
}
