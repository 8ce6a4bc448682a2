/**
 * Traces → OTLP/JSON `ExportTraceServiceRequest` documents (FORMATS.md B.1),
 * split so each stays within a byte and span budget; callers write one
 * document per line or POST each to a collector's /v1/traces.
 * Pure: no I/O; the scope version comes in as an option.
 */
import type { Fields, JsonValue, Span, SpanEvent, SpanKind, Trace } from '../types.js';
import { listSpans } from '../trace/walk.js';
import { SYNTHETIC_KEY, mapSpanIds } from './ids.js';
import { classifyValue, eventFields, spanTags } from './values.js';

/** OTLP/HTTP receivers commonly cap a request at 4 MiB (gRPC's default message size). */
export const OTLP_DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** The OTel SDK BatchSpanProcessor's default `maxExportBatchSize`. */
export const OTLP_DEFAULT_MAX_SPANS = 512;
/** Resource `service.name` for spans with no service, as the OTel SDKs default it. */
export const UNKNOWN_SERVICE = 'unknown_service';
/** `scope.name` of every exported span. */
export const OTLP_SCOPE_NAME = 'tracelog';

/** `Span.SpanKind` enum values; JSON must carry the integer (B.1 "Enums must be integers"). */
export const OTLP_SPAN_KIND: Readonly<Record<SpanKind, number>> = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

/** `AnyValue`: exactly one member set; `{}` stands for a null inside an array. */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } }
  | Record<string, never>;

/** An attribute: `{key, value}` (common.proto KeyValue). */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** `Span.Event` (trace.proto). */
export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}

/** A span in OTLP/JSON: lowerCamelCase proto field names, hex ids, int64 times as decimal strings (B.1). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: OtlpEvent[];
  status?: { code: number; message?: string };
}

/** All spans of one service: its resource plus one scope. */
export interface OtlpResourceSpans {
  resource: { attributes: OtlpKeyValue[] };
  scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpSpan[] }>;
}

/** `ExportTraceServiceRequest`: one line of output, one POST to /v1/traces. */
export interface OtlpRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** Limits and scope version for `toOtlpRequests`. */
export interface OtlpOptions {
  /** UTF-8 size limit of each request's JSON text (default 4 MiB). A single larger span gets a request of its own. */
  maxBytes?: number;
  /** Spans per request (default 512). */
  maxSpans?: number;
  /** `scope.version`; omitted when not given. */
  scopeVersion?: string;
}

/**
 * The traces as one or more requests, spans grouped by service into
 * `resourceSpans`. An empty input gives no request, since senders should not
 * send empty envelopes (B.1 "Transport").
 */
export function toOtlpRequests(traces: readonly Trace[], options: OtlpOptions = {}): OtlpRequest[] {
  const requests: OtlpRequest[] = [];
  const batcher = new Batcher<OtlpSpan>(options, (batch) => {
    requests.push({ resourceSpans: [...batch].map(([service, spans]) => makeResourceSpans(service, spans, options.scopeVersion)) });
  });
  for (const trace of traces) {
    for (const span of listSpans(trace)) {
      const otlpSpan = toOtlpSpan(span);
      batcher.add(span.service ?? UNKNOWN_SERVICE, otlpSpan, byteLength(JSON.stringify(otlpSpan)));
    }
  }
  batcher.flush();
  return requests;
}

/**
 * A trace's spans as `OtlpTextWriter.add` takes them, one a line: the service as a JSON
 * string, a tab, the span's OTLP/JSON (neither holds a raw tab or newline).
 */
export function otlpSpanLines(trace: Trace): string {
  let text = '';
  for (const span of listSpans(trace)) text += `${JSON.stringify(span.service ?? UNKNOWN_SERVICE)}\t${JSON.stringify(toOtlpSpan(span))}\n`;
  return text;
}

/** An OTLP request as the UTF-8 bytes of its JSON, with how many spans it holds. */
export interface OtlpRequestJson {
  json: Uint8Array;
  spans: number;
}

/**
 * Requests made as JSON lines while spans come, in bytes: the span lines of each trace
 * (`otlpSpanLines`, as text or UTF-8 bytes) are batched, and each request's JSON is put
 * together from the spans' bytes — never decoded or encoded again. Each request is what
 * `JSON.stringify` gives for the request `toOtlpRequests` would make of the same spans.
 */
export class OtlpTextWriter {
  private readonly batcher: Batcher<Uint8Array>;
  /** Each service's resourceSpans JSON before and after its spans. */
  private readonly resources = new Map<string, [Buffer, Buffer]>();
  /** Requests made and not yet taken: each request's line (its JSON and a newline), and its spans. */
  private made: Array<{ line: Buffer; spans: number }> = [];

  constructor(private readonly options: OtlpOptions = {}) {
    this.batcher = new Batcher<Uint8Array>(options, (batch) => this.make(batch));
  }

  /** Adds a trace's lines from `otlpSpanLines`; the requests they complete wait to be taken. */
  add(lines: string | Uint8Array): void {
    const bytes = typeof lines === 'string' ? Buffer.from(lines) : Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength);
    for (let at = 0; at < bytes.length; ) {
      const tab = bytes.indexOf(0x09, at);
      const end = bytes.indexOf(0x0a, tab);
      const span = bytes.subarray(tab + 1, end);
      this.batcher.add(JSON.parse(bytes.toString('utf8', at, tab)) as string, span, span.length);
      at = end + 1;
    }
  }

  /** The lines of the requests made so far (JSON and a newline each), taken; `end`: the last one too. */
  takeLines(end = false): Buffer[] {
    if (end) this.batcher.flush();
    const lines = this.made.map((request) => request.line);
    this.made = [];
    return lines;
  }

  /** The requests made so far, taken; `end`: the last one too. */
  takeRequests(end = false): OtlpRequestJson[] {
    if (end) this.batcher.flush();
    const requests = this.made.map(({ line, spans }) => ({ json: line.subarray(0, line.length - 1), spans }));
    this.made = [];
    return requests;
  }

  /** One request's line, copied together from the spans' bytes. */
  private make(batch: Map<string, Uint8Array[]>): void {
    // Commas between resources (one fewer than resources) and the newline: one a resource.
    let size = REQUEST_HEAD.length + REQUEST_TAIL.length + batch.size;
    let spanCount = 0;
    for (const [service, spans] of batch) {
      const [head, tail] = this.resource(service);
      size += head.length + tail.length + spans.length - 1;
      for (const span of spans) size += span.length;
      spanCount += spans.length;
    }
    const line = Buffer.allocUnsafe(size);
    let at = REQUEST_HEAD.copy(line, 0);
    let firstResource = true;
    for (const [service, spans] of batch) {
      if (!firstResource) line[at++] = 0x2c;
      firstResource = false;
      const [head, tail] = this.resource(service);
      at += head.copy(line, at);
      for (let i = 0; i < spans.length; i++) {
        if (i > 0) line[at++] = 0x2c;
        line.set(spans[i]!, at);
        at += spans[i]!.length;
      }
      at += tail.copy(line, at);
    }
    at += REQUEST_TAIL.copy(line, at);
    line[at] = 0x0a;
    this.made.push({ line, spans: spanCount });
  }

  /** A service's resourceSpans JSON around its spans. */
  private resource(service: string): [Buffer, Buffer] {
    let parts = this.resources.get(service);
    if (parts === undefined) {
      const empty = JSON.stringify(makeResourceSpans(service, [], this.options.scopeVersion));
      const at = empty.lastIndexOf('"spans":[]') + '"spans":['.length;
      parts = [Buffer.from(empty.slice(0, at)), Buffer.from(empty.slice(at))];
      this.resources.set(service, parts);
    }
    return parts;
  }
}

const REQUEST_HEAD = Buffer.from('{"resourceSpans":[');
const REQUEST_TAIL = Buffer.from(']}');

/**
 * Spans gathered into requests in the order they come, grouped by service: a request
 * is handed to `emit` when the next span would take it past `maxSpans` spans or
 * `maxBytes` bytes of JSON (a single larger span gets a request of its own).
 */
class Batcher<T> {
  private readonly maxBytes: number;
  private readonly maxSpans: number;
  private readonly emptyResourceBytes = new Map<string, number>();
  private batch = new Map<string, T[]>();
  private batchBytes = EMPTY_REQUEST_BYTES;
  private batchSpans = 0;

  constructor(
    private readonly options: OtlpOptions,
    private readonly emit: (batch: Map<string, T[]>) => void,
  ) {
    this.maxBytes = options.maxBytes ?? OTLP_DEFAULT_MAX_BYTES;
    this.maxSpans = Math.max(1, options.maxSpans ?? OTLP_DEFAULT_MAX_SPANS);
  }

  add(service: string, span: T, spanBytes: number): void {
    let added = this.addedBytes(service, spanBytes);
    if (this.batchSpans > 0 && (this.batchSpans >= this.maxSpans || this.batchBytes + added > this.maxBytes)) {
      this.flush();
      added = this.addedBytes(service, spanBytes);
    }
    let spans = this.batch.get(service);
    if (spans === undefined) {
      spans = [];
      this.batch.set(service, spans);
    }
    spans.push(span);
    this.batchBytes += added;
    this.batchSpans += 1;
  }

  flush(): void {
    if (this.batchSpans === 0) return;
    const batch = this.batch;
    this.batch = new Map();
    this.batchBytes = EMPTY_REQUEST_BYTES;
    this.batchSpans = 0;
    this.emit(batch);
  }

  /** Exact size of what adding one span adds to the request's JSON text. */
  private addedBytes(service: string, spanBytes: number): number {
    if (this.batch.has(service)) return spanBytes + 1;
    let empty = this.emptyResourceBytes.get(service);
    if (empty === undefined) {
      empty = byteLength(JSON.stringify(makeResourceSpans(service, [], this.options.scopeVersion)));
      this.emptyResourceBytes.set(service, empty);
    }
    return empty + spanBytes + (this.batch.size > 0 ? 1 : 0);
  }
}

const EMPTY_REQUEST_BYTES = byteLength(JSON.stringify({ resourceSpans: [] }));

function makeResourceSpans(service: string, spans: OtlpSpan[], scopeVersion: string | undefined): OtlpResourceSpans {
  const scope: { name: string; version?: string } = { name: OTLP_SCOPE_NAME };
  if (scopeVersion !== undefined) scope.version = scopeVersion;
  return {
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [{ scope, spans }],
  };
}

/**
 * One span in OTLP/JSON: hex ids mapped per C.2 (originals kept as
 * `tracelog.original_*` attributes), times as decimal-string ns, typed
 * attributes, events, status and kind as integers.
 */
export function toOtlpSpan(span: Span): OtlpSpan {
  const ids = mapSpanIds(span, 'hex32');
  // OTLP times are uint64 ns: 1970 to 2554. Times outside are clamped to that range.
  const startNs = clampUnixNano(span.startNs);
  const endNs = clampUnixNano(span.durationNs > 0n ? startNs + span.durationNs : startNs);
  const reserved = new Set<string>(ids.originals.map(([key]) => key));
  if (span.synthetic) reserved.add(SYNTHETIC_KEY);
  const attributes = toOtlpAttributes(spanTags(span), reserved);
  for (const [key, text] of ids.originals) attributes.push({ key, value: { stringValue: text } });
  if (span.synthetic) attributes.push({ key: SYNTHETIC_KEY, value: { boolValue: true } });

  const otlp: OtlpSpan = {
    traceId: ids.traceId,
    spanId: ids.spanId,
    // A root omits parentSpanId, as the JS SDK does (B.1).
    ...(ids.parentId === null ? {} : { parentSpanId: ids.parentId }),
    name: span.name ?? '',
    kind: span.kind === null ? 0 : OTLP_SPAN_KIND[span.kind],
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: endNs.toString(),
    attributes,
    events: span.events.map((event) => toOtlpEvent(event, startNs)),
  };
  if (span.error) {
    otlp.status = span.statusMessage === null ? { code: STATUS_ERROR } : { code: STATUS_ERROR, message: span.statusMessage };
  } else if (span.statusMessage !== null) {
    // Kept so an import restores it; receivers ignore a message without ERROR (B.1).
    otlp.status = { code: STATUS_UNSET, message: span.statusMessage };
  }
  return otlp;
}

const MAX_UNIX_NANO = 2n ** 64n - 1n;

/** A time as OTLP can carry it: fixed64 ns since 1970, so 0 to 2^64 − 1. */
function clampUnixNano(ns: bigint): bigint {
  return ns < 0n ? 0n : ns > MAX_UNIX_NANO ? MAX_UNIX_NANO : ns;
}

function toOtlpEvent(event: SpanEvent, spanStartNs: bigint): OtlpEvent {
  const timeNs = event.timeNs === null ? spanStartNs : clampUnixNano(event.timeNs);
  return { timeUnixNano: timeNs.toString(), name: event.name, attributes: toOtlpAttributes(eventFields(event), new Set()) };
}

/** Tags as `KeyValue`s; null values are omitted (B.1 "null → omit"), as are `skip` keys. */
export function toOtlpAttributes(fields: Fields, skip: ReadonlySet<string>): OtlpKeyValue[] {
  const attributes: OtlpKeyValue[] = [];
  for (const key of Object.keys(fields)) {
    if (skip.has(key)) continue;
    const value = toAnyValue(fields[key]!);
    if (value !== null) attributes.push({ key, value });
  }
  return attributes;
}

/**
 * A JSON value as `AnyValue` (B.1 "Map tags"): string, bool, int64 as decimal
 * string, double, array, object as kvlist; null gives null.
 */
export function toAnyValue(value: JsonValue): OtlpAnyValue | null {
  const typed = classifyValue(value);
  switch (typed.type) {
    case 'null':
      return null;
    case 'string':
      return { stringValue: typed.value };
    case 'bool':
      return { boolValue: typed.value };
    case 'int':
      return { intValue: typed.value };
    case 'double':
      return { doubleValue: typed.value };
    case 'array':
      // A null element stays in place as an empty AnyValue, so positions survive.
      return { arrayValue: { values: typed.value.map((item) => toAnyValue(item) ?? {}) } };
    case 'object':
      return { kvlistValue: { values: toOtlpAttributes(typed.value, new Set()) } };
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
