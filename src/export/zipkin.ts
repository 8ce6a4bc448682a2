/**
 * Traces → a Zipkin v2 span list (FORMATS.md B.2), the body of
 * `POST /api/v2/spans`: lowercase hex ids, integer µs times, string tags,
 * events as annotations. Pure: no I/O.
 */
import type { Span, SpanKind, Trace } from '../types.js';
import { listSpans } from '../trace/walk.js';
import { SYNTHETIC_KEY, mapSpanIds } from './ids.js';
import { floorMicros, roundMicros, spanTags, stringifyTagValue } from './values.js';

/** An event: epoch µs and a short value (zipkin2-api.yaml Annotation). */
export interface ZipkinAnnotation {
  timestamp: number;
  value: string;
}

/** A Zipkin v2 span (zipkin2-api.yaml Span), as this writer fills it. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  timestamp: number;
  duration: number;
  localEndpoint?: { serviceName: string };
  tags?: Record<string, string>;
  annotations?: ZipkinAnnotation[];
}

/** Zipkin has no INTERNAL kind: internal and unknown spans omit `kind` (B.2). */
const ZIPKIN_KIND: Readonly<Record<SpanKind, ZipkinSpan['kind'] | undefined>> = {
  internal: undefined,
  server: 'SERVER',
  client: 'CLIENT',
  producer: 'PRODUCER',
  consumer: 'CONSUMER',
};

/** The error tag's value when a failed span has no message: it must be a non-empty string (B.2). */
const ERROR_WITHOUT_MESSAGE = 'true';

/** Every span of the traces as a Zipkin v2 span, trace by trace, depth-first. */
export function toZipkinSpans(traces: readonly Trace[]): ZipkinSpan[] {
  const spans: ZipkinSpan[] = [];
  for (const trace of traces) for (const span of listSpans(trace)) spans.push(toZipkinSpan(span));
  return spans;
}

/**
 * One span: trace id hex16 or hex32 (C.2, 16 kept as 16), `timestamp` floored
 * and `duration` rounded to µs with a minimum of 1 (B.2, the schema's
 * `minimum: 1`), tags stringified, `error` tag from the status.
 */
export function toZipkinSpan(span: Span): ZipkinSpan {
  const ids = mapSpanIds(span, 'hex16or32');
  const zipkin: ZipkinSpan = {
    traceId: ids.traceId,
    id: ids.spanId,
    ...(ids.parentId === null ? {} : { parentId: ids.parentId }),
    // "Leave absent if unknown" (zipkin2-api.yaml Span.name).
    ...(span.name === null ? {} : { name: span.name }),
    timestamp: floorMicros(span.startNs),
    duration: Math.max(1, roundMicros(span.durationNs)),
  };
  const kind = span.kind === null ? undefined : ZIPKIN_KIND[span.kind];
  if (kind !== undefined) zipkin.kind = kind;
  if (span.service !== null) zipkin.localEndpoint = { serviceName: span.service };

  // Null prototype: a `__proto__` tag key stays a key.
  const tags: Record<string, string> = Object.create(null);
  const spanFields = spanTags(span);
  for (const key of Object.keys(spanFields)) {
    const value = spanFields[key]!;
    // Zipkin tags are string → string; a null has no string form, so it is left out.
    if (value !== null) tags[key] = stringifyTagValue(value);
  }
  if (span.error) tags.error = span.statusMessage || ERROR_WITHOUT_MESSAGE;
  for (const [key, text] of ids.originals) tags[key] = text;
  if (span.synthetic) tags[SYNTHETIC_KEY] = 'true';
  if (Object.keys(tags).length > 0) zipkin.tags = tags;

  const annotations = toAnnotations(span, zipkin.timestamp);
  if (annotations.length > 0) zipkin.annotations = annotations;
  return zipkin;
}

/** Events as annotations (value = event name); the schema wants unique items, so exact repeats are dropped. */
function toAnnotations(span: Span, spanTimestamp: number): ZipkinAnnotation[] {
  const seen = new Set<string>();
  const annotations: ZipkinAnnotation[] = [];
  for (const event of span.events) {
    const timestamp = event.timeNs === null ? spanTimestamp : floorMicros(event.timeNs);
    const key = `${timestamp} ${event.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    annotations.push({ timestamp, value: event.name });
  }
  return annotations;
}
