/**
 * One parsed log line → a LogRecord: finds the trace fields by the conventions
 * of FORMATS.md A (Honeycomb, OTel, ECS, Datadog, Zipkin, Go and Python
 * exporters), nested or as dotted keys, or by --field overrides; the rest
 * become tags. Pure: no I/O; never touches Object.prototype.
 */
import { LosslessNumber, type Fields, type JsonObject, type JsonValue, type LogRecord, type RecordKind, type SpanKind } from '../types.js';
import { NS_PER, parseGoDuration } from './duration.js';
import { scaleDecimal, scaleNumber } from './decimal.js';
import { parseTimestamp, type Instant, type TimeUnit } from './time.js';
import { findPropagation } from './propagation.js';
import { boundDepth, stringifyJson } from './json.js';
import type { FieldOverrides, Role } from './roles.js';

export { ROLES, type FieldOverride, type FieldOverrides, type Role } from './roles.js';

/** Candidate keys per role, most specific first (FORMATS.md A.1). */
export const FIELD_CONVENTIONS = {
  trace: ['trace.trace_id', 'trace_id', 'traceId', 'traceID', 'trace.id', 'dd.trace_id', 'otelTraceID', 'SpanContext.TraceID', 'context.trace_id', 'TraceId'],
  span: ['trace.span_id', 'span_id', 'spanId', 'spanID', 'span.id', 'transaction.id', 'dd.span_id', 'otelSpanID', 'SpanContext.SpanID', 'context.span_id', 'SpanId'],
  parent: ['trace.parent_id', 'parent_id', 'parentSpanId', 'parentSpanID', 'parentId', 'parentID', 'parent.id', 'Parent.SpanID', 'parent_span_id', 'dd.parent_id', 'ParentSpanId'],
  name: ['span.name', 'span_name', 'operationName', 'operation_name', 'transaction.name', 'Name', 'name'],
  service: ['service.name', 'service_name', 'serviceName', 'service', 'dd.service', 'otelServiceName', 'localEndpoint.serviceName', 'resource.attributes.service.name', 'resource.service.name'],
  start: ['start_time', 'startTime', 'startTimeUnixNano', 'StartTime', 'start', 'timestamp', 'time', 'ts', '@timestamp', 'Timestamp'],
  end: ['end_time', 'endTime', 'endTimeUnixNano', 'EndTime', 'end'],
} as const;

/** Duration keys with the unit a bare number is in. `duration` strings are Go-style. */
const DURATION_KEYS: ReadonlyArray<readonly [string, TimeUnit]> = [
  ['duration_ms', 'ms'],
  ['durationMs', 'ms'],
  ['duration_us', 'us'],
  ['durationUs', 'us'],
  ['duration_ns', 'ns'],
  ['durationNs', 'ns'],
  ['event.duration', 'ns'],
  ['span.duration.us', 'us'],
  ['transaction.duration.us', 'us'],
  ['duration', 'ms'],
];

const MESSAGE_KEYS = ['msg', 'message', 'Body', 'body'];
const KIND_KEYS = ['span.kind', 'kind', 'SpanKind', 'spanKind'];
const PHASE_KEYS = ['phase', 'span.event', 'span_event', 'event'];
const LEVEL_KEYS = ['level', 'log.level', 'levelname', 'severity', 'SeverityText'];
const HTTP_STATUS_KEYS = ['http.status_code', 'http.response.status_code', 'status_code', 'statusCode', 'res.statusCode', 'http.status'];
const STATUS_KEYS = ['status.code', 'Status.Code', 'otel.status_code', 'status'];
const STATUS_MESSAGE_KEYS = ['status.message', 'Status.Description', 'otel.status_description', 'error.message', 'err.message', 'exception.message'];
/** Prefixes of containers whose keys are tags themselves (the book's nested `tags`). */
const TAG_CONTAINERS = ['tags.', 'attributes.'];

/** Every list of candidate keys, by name, so one pass over a line's keys finds them all. */
const KEY_LISTS = {
  ...FIELD_CONVENTIONS,
  duration: DURATION_KEYS.map(([key]) => key),
  message: MESSAGE_KEYS,
  kind: KIND_KEYS,
  phase: PHASE_KEYS,
  level: LEVEL_KEYS,
  http: HTTP_STATUS_KEYS,
  status: STATUS_KEYS,
  statusMessage: STATUS_MESSAGE_KEYS,
} as const;
type KeyList = keyof typeof KEY_LISTS;

const LIST_NAMES = Object.keys(KEY_LISTS) as KeyList[];
/** Each list's index in `Found`. */
const L = Object.fromEntries(LIST_NAMES.map((name, i) => [name, i])) as Record<KeyList, number>;

/** key → the lists it is in (by index), with its rank there (lower wins). */
const KEY_INDEX = new Map<string, Array<[number, number]>>();
LIST_NAMES.forEach((list, index) => {
  KEY_LISTS[list].forEach((key, rank) => {
    const entries = KEY_INDEX.get(key) ?? [];
    entries.push([index, rank]);
    KEY_INDEX.set(key, entries);
  });
});

/** Per list (indexed by `L`), the best-ranked key present in a line with a usable value (not null, not ''). */
type Found = Array<[string, JsonValue] | undefined>;

/** Best rank so far per list; reset at each line (extraction never runs re-entrantly). */
const ranks = new Int32Array(LIST_NAMES.length);

interface KeyIndex {
  found: Found;
  errorKey: boolean;
  emptyIds: string[];
  /** The duration keys present with a usable value, as [rank in DURATION_KEYS, key]. */
  durations: Array<[number, string]>;
}

function indexKeys(flat: Fields): KeyIndex {
  const found: Found = new Array(LIST_NAMES.length);
  ranks.fill(0x7fffffff);
  const emptyIds: string[] = [];
  const durations: Array<[number, string]> = [];
  let errorKey = false;
  for (const key in flat) {
    const value = flat[key]!;
    const c = key.charCodeAt(0);
    if (c === 0x65 /* e */ && !errorKey && (key === 'err' || key.startsWith('error.') || key.startsWith('err.') || key.startsWith('exception.'))) errorKey = true;
    const entries = KEY_INDEX.get(key);
    if (entries === undefined) continue;
    if (value === null || value === '') {
      // Empty id fields are consumed too: an empty parent id is how a root says so.
      if (entries.some(([list]) => list === L.trace || list === L.span || list === L.parent)) emptyIds.push(key);
      continue;
    }
    for (const [list, rank] of entries) {
      if (list === L.duration) durations.push([rank, key]);
      if (rank < ranks[list]!) {
        ranks[list] = rank;
        found[list] = [key, value];
      }
    }
  }
  if (durations.length > 1) durations.sort((a, b) => a[0] - b[0]);
  return { found, errorKey, emptyIds, durations };
}

const FLATTEN_DEPTH = 32;
const ZERO_ID = /^(0x)?0+$/i;
const BEGIN = /^(span[ ._-]?)?(begin|start|started|b)$/i;
const END = /^(span[ ._-]?)?(end|ended|finish|finished|stop|e)$/i;
const ERROR_STATUS = /^(error|err|failed|failure|fail|status_code_error)$/i;
const ERROR_LEVEL = /^(error|err|fatal|critical|crit|panic|alert|emerg|emergency)$/i;

const KIND_NAMES: Record<string, SpanKind> = {
  internal: 'internal',
  server: 'server',
  client: 'client',
  producer: 'producer',
  consumer: 'consumer',
};
const KIND_NUMBERS: Record<number, SpanKind> = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };

/**
 * Sets an own property, even for the key `__proto__` (which plain assignment would
 * turn into a prototype change). Fields are plain objects for speed; this and
 * `Object.hasOwn` keep them safe.
 */
export function setOwn(target: Fields, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Nested objects → one object of dotted keys. Arrays and values deeper than
 * FLATTEN_DEPTH stay whole, cut at MAX_VALUE_DEPTH (json.ts `boundDepth`). Iterative:
 * input depth cannot overflow the stack.
 */
export function flattenFields(obj: JsonObject): Fields {
  // Most log lines are flat already: then the parsed object serves as it is.
  let nestedAny = false;
  for (const key in obj) {
    const value = obj[key]!;
    if (isPlainObject(value) && hasKeys(value)) {
      nestedAny = true;
      break;
    }
    if (Array.isArray(value)) {
      const bounded = boundDepth(value);
      if (bounded !== value) setOwn(obj, key, bounded);
    }
  }
  if (!nestedAny) return obj;
  const flat: Fields = {};
  let stack: Array<[JsonObject, string, number]> | null = null;
  // The top level is walked inline: most lines have few nested objects.
  for (const key of Object.keys(obj)) {
    const value = obj[key]!;
    if (isPlainObject(value) && hasKeys(value)) (stack ??= []).push([value, `${key}.`, 1]);
    else if (!Object.hasOwn(flat, key)) setOwn(flat, key, boundDepth(value));
  }
  if (stack === null) return flat;
  stack.reverse();
  while (stack.length > 0) {
    const [current, prefix, depth] = stack.pop()!;
    const nested: Array<[JsonObject, string, number]> = [];
    for (const key of Object.keys(current)) {
      const value = current[key]!;
      const path = prefix + key;
      if (isPlainObject(value) && depth < FLATTEN_DEPTH && hasKeys(value)) nested.push([value, `${path}.`, depth + 1]);
      else if (!Object.hasOwn(flat, path)) setOwn(flat, path, boundDepth(value));
    }
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
  }
  return flat;
}

function hasKeys(obj: JsonObject): boolean {
  for (const key in obj) if (Object.hasOwn(obj, key)) return true;
  return false;
}

function isPlainObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof LosslessNumber);
}

/** An id as text exactly as written; null when absent, empty or not a scalar. */
export function idText(value: JsonValue | undefined): string | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (value instanceof LosslessNumber) return value.text;
  return null;
}

function textOf(value: JsonValue): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof LosslessNumber) return value.text;
  return null;
}

/** The longest duration tracelog uses: int64 nanoseconds (~292 years), what every export format can hold. */
const MAX_DURATION_NS = 2n ** 63n - 1n;

/** A usable duration: known, not negative, not absurd (1e400 ms is a broken field, not a span). */
function isDuration(ns: bigint | null): ns is bigint {
  return ns !== null && ns >= 0n && ns <= MAX_DURATION_NS;
}

/** A duration value in `unit` (numbers) or Go syntax (strings), to ns. */
export function parseDurationValue(value: JsonValue, unit: TimeUnit): bigint | null {
  let ns: bigint | null = null;
  if (typeof value === 'number') ns = scaleNumber(value, NS_PER[unit]!);
  else if (value instanceof LosslessNumber) ns = scaleDecimal(value.text, NS_PER[unit]!);
  else if (typeof value === 'string') {
    const t = value.trim();
    ns = /^-?\d+(\.\d+)?$/.test(t) ? scaleDecimal(t, NS_PER[unit]!) : parseGoDuration(t);
  }
  return ns;
}

function parseKind(value: JsonValue | undefined): SpanKind | null {
  if (typeof value === 'number') return Object.hasOwn(KIND_NUMBERS, value) ? KIND_NUMBERS[value]! : null;
  if (typeof value !== 'string') return null;
  const key = value.toLowerCase().replace(/^(span_kind_|spankind\.)/, '');
  // Own keys only: "constructor" or "__proto__" must not find Object.prototype members.
  return Object.hasOwn(KIND_NAMES, key) ? KIND_NAMES[key]! : null;
}

/** Error status by FORMATS conventions: status/error fields, level ≥ 50, HTTP status ≥ 500. */
function findError(flat: Fields, found: Found, errorKey: boolean, statusKey: string | undefined): { error: boolean; message: string | null } {
  let error = false;
  const statusValue = statusKey ? (Object.hasOwn(flat, statusKey) ? flat[statusKey] : undefined) : found[L.status]?.[1];
  const statusName = statusKey ?? found[L.status]?.[0];
  if (statusValue !== undefined) {
    const v = statusValue;
    if (typeof v === 'string' && ERROR_STATUS.test(v)) error = true;
    else if (typeof v === 'number' && (statusName === 'status' ? v >= 500 : v === 2)) error = true;
    else if (v === true) error = true;
  }
  const err = flat.error;
  if (err === true || (typeof err === 'string' && err.length > 0 && err !== 'false')) error = true;
  if (!error && errorKey) error = true;
  if (!error) {
    const level = found[L.level]?.[1];
    if (typeof level === 'number' && level >= 50) error = true;
    else if (typeof level === 'string' && ERROR_LEVEL.test(level)) error = true;
  }
  if (!error) {
    const http = found[L.http]?.[1];
    const code = typeof http === 'string' ? Number(http) : http;
    if (typeof code === 'number' && code >= 500 && code < 600) error = true;
  }
  let message: string | null = null;
  if (error) {
    const m = found[L.statusMessage]?.[1];
    message = m === undefined ? (typeof err === 'string' && err !== 'true' ? err : null) : textOf(m);
  }
  return { error, message };
}

export interface ExtractOptions {
  overrides?: FieldOverrides;
  /**
   * False when the caller never reads tags or event fields (check, stats, a plain view):
   * they are left empty. 'text': they are written as JSON text (`tagsText`) where that is
   * the same as writing the object, for a caller that only writes span JSON.
   */
  fields?: boolean | 'text';
}

/**
 * Reads one parsed line. Returns null when it has no trace id (the caller counts
 * it as skipped).
 */
export function extractRecord(obj: JsonObject, source: string, line: number, options: ExtractOptions = {}): LogRecord | null {
  const flat = flattenFields(obj);
  const overrides = options.overrides ?? {};
  const used = new Set<string>();
  const { found, errorKey, emptyIds, durations } = indexKeys(flat);
  const role = (r: Role & KeyList): [string, JsonValue] | undefined => {
    const o = overrides[r];
    if (o) {
      const v = Object.hasOwn(flat, o.path) ? flat[o.path] : undefined;
      return v === undefined || v === null || v === '' ? undefined : [o.path, v];
    }
    return found[L[r]];
  };
  const take = (entry: [string, JsonValue] | undefined): JsonValue | undefined => {
    if (!entry) return undefined;
    used.add(entry[0]);
    return entry[1];
  };

  for (const key of emptyIds) used.add(key);
  const traceEntry = role('trace');
  let traceId = idText(take(traceEntry));
  let spanEntry = role('span');
  // Zipkin v2 lines call the span id `id`; only trust it next to `traceId`.
  const zipkin = !spanEntry && !overrides.span && flat.traceId !== undefined && flat.id !== undefined;
  if (zipkin) spanEntry = ['id', flat.id!];
  let spanId = idText(take(spanEntry));
  const isDecimal = (entry: [string, JsonValue] | undefined): boolean =>
    entry !== undefined && (entry[0].startsWith('dd.') || typeof entry[1] === 'number' || entry[1] instanceof LosslessNumber);
  const decimalIds = isDecimal(traceEntry) || isDecimal(spanEntry);
  const parentValue = take(role('parent'));
  let parentId = idText(parentValue);
  let hasParentField = parentValue !== undefined;

  // Headers fill whichever of trace, span and parent no direct field gave (FORMATS.md D).
  if (traceId === null || spanId === null || !hasParentField) {
    const found = findPropagation(flat);
    if (found) {
      if (traceId === null) traceId = found.traceId;
      if (traceId === found.traceId) {
        if (spanId === null && found.spanId) spanId = found.spanId;
        // B3 names the span it belongs to: its parent is only this line's parent for that span.
        // A traceparent whose parent-id is the line's own span id was sent by that span (a client): no parent.
        if (!hasParentField && found.parentId && found.parentId !== spanId && (found.spanId === null || found.spanId === spanId)) {
          parentId = found.parentId;
          hasParentField = true;
        }
      }
    }
  }
  if (traceId === null || ZERO_ID.test(traceId)) return null;
  // An all-zero span id means "no span" (Python logging writes "0" outside spans), unless the
  // line is a whole span: that span is kept with its id (exports map it, FORMATS.md C.2 rule 1).
  const zeroSpanId = spanId !== null && ZERO_ID.test(spanId);
  if (parentId !== null && ZERO_ID.test(parentId)) parentId = null;

  // Times.
  const startOverride = overrides.start;
  const startValue = take(role('start'));
  const timeUnit: TimeUnit | undefined = startOverride?.unit ?? (zipkin ? 'us' : undefined);
  const start: Instant | null = startValue === undefined ? null : parseTimestamp(startValue, timeUnit);
  const endValue = take(role('end'));
  const end: Instant | null = endValue === undefined ? null : parseTimestamp(endValue, overrides.end?.unit);
  // A time that cannot be read is no time; it stays in the fields, where it can be seen.
  if (startValue !== undefined && start === null) used.delete(role('start')![0]);
  if (endValue !== undefined && end === null) used.delete(role('end')![0]);

  let durationNs: bigint | null = null;
  const durOverride = overrides.duration;
  if (durOverride) {
    const v = Object.hasOwn(flat, durOverride.path) ? flat[durOverride.path] : undefined;
    const ns = v === undefined || v === null ? null : parseDurationValue(v, durOverride.unit ?? 'ms');
    // A negative, unreadable or absurd value is no duration; it stays in the fields, where it can be seen.
    if (isDuration(ns)) {
      durationNs = ns;
      used.add(durOverride.path);
    }
  } else {
    for (const [rank, key] of durations) {
      const unit = DURATION_KEYS[rank]![1];
      const v = flat[key];
      if (v === undefined || v === null || typeof v === 'boolean' || typeof v === 'object' && !(v instanceof LosslessNumber)) continue;
      const ns = parseDurationValue(v, zipkin && key === 'duration' ? 'us' : unit);
      if (isDuration(ns)) {
        durationNs = ns;
        used.add(key);
        break;
      }
    }
  }
  if (durationNs === null && start && end) {
    if (isDuration(end.ns - start.ns)) durationNs = end.ns - start.ns;
    // An end before the start makes no span: the end stays in the fields, where it can be seen.
    else used.delete(role('end')![0]);
  }
  if (zeroSpanId && durationNs === null) spanId = null;

  const nameValue = take(role('name'));
  const name = nameValue === undefined ? null : textOf(nameValue);
  const serviceValue = take(role('service'));
  const service = serviceValue === undefined ? null : textOf(serviceValue);
  const statusKey = overrides.status?.path;
  const { error, message: statusMessage } = findError(flat, found, errorKey, statusKey);
  const kindEntry = found[L.kind];
  const spanKind = parseKind(kindEntry?.[1]);
  if (kindEntry && spanKind) used.add(kindEntry[0]);

  const messageEntry = found[L.message];
  const message = messageEntry ? textOf(messageEntry[1]) : null;
  const phaseEntry = found[L.phase];
  const phaseText = phaseEntry ? textOf(phaseEntry[1]) : null;
  const phaseSource = phaseText ?? message;
  const phase = phaseSource === null ? null : BEGIN.test(phaseSource) ? 'begin' : END.test(phaseSource) ? 'end' : null;

  let kind: RecordKind;
  let timeNs: bigint | null = start?.ns ?? null;
  let timeDigits = start?.digits ?? 0;
  if (spanId !== null && durationNs !== null) {
    kind = 'span';
    // An end time and a duration but no start: the span started a duration before it ended.
    if (!start && end) {
      timeNs = end.ns - durationNs;
      timeDigits = end.digits;
    }
  } else if (spanId !== null && end && !start) {
    kind = 'end';
    timeNs = end.ns;
    timeDigits = end.digits;
  } else if (spanId !== null && phase === 'end') kind = 'end';
  else if (spanId !== null && (phase === 'begin' || (name !== null && message === null))) kind = 'begin';
  else kind = 'event';
  if (phase !== null && phaseEntry && kind !== 'event') used.add(phaseEntry[0]);
  if (phase !== null && !phaseEntry && messageEntry && kind !== 'event') used.add(messageEntry[0]);

  if (kind === 'event') {
    // An event keeps its own name and service fields as fields; only ids, time and message are consumed.
    if (nameValue !== undefined) used.delete(role('name')![0]);
    if (serviceValue !== undefined) used.delete(role('service')![0]);
    if (messageEntry) used.add(messageEntry[0]);
  }

  const tags: Fields = {};
  const tagsText = options.fields === 'text' ? fieldsText(flat, used, obj) : undefined;
  if (options.fields !== false && tagsText === undefined) {
    let containerTags: Array<[string, JsonValue]> | null = null;
    for (const key of Object.keys(flat)) {
      if (used.has(key)) continue;
      const c = key.charCodeAt(0);
      const container = c === 0x74 /* t */ || c === 0x61 /* a */ ? TAG_CONTAINERS.find((p) => key.startsWith(p)) : undefined;
      if (container) (containerTags ??= []).push([key.slice(container.length), flat[key]!]);
      else setOwn(tags, key, flat[key]!);
    }
    if (containerTags) for (const [key, value] of containerTags) if (!Object.hasOwn(tags, key)) setOwn(tags, key, value);
    goExporterFields(obj, tags);
  }

  return {
    kind,
    traceId,
    spanId,
    parentId,
    name,
    service: service ?? goExporterService(obj),
    timeNs,
    timeDigits,
    durationNs: kind === 'span' ? durationNs : null,
    error,
    statusMessage,
    spanKind,
    message,
    tags,
    // One shape for every record: the assembler's reads stay monomorphic.
    tagsText,
    decimalIds,
    source,
    line,
  };
}

/**
 * The JSON text of the tags the object path would build, written straight from the
 * line's fields; undefined when that path would do more than copy them (tag containers,
 * Go exporter attributes).
 */
function fieldsText(flat: Fields, used: Set<string>, obj: JsonObject): string | undefined {
  if (Array.isArray(obj.Attributes)) return undefined;
  const members: string[] = [];
  for (const key of Object.keys(flat)) {
    if (used.has(key)) continue;
    const c = key.charCodeAt(0);
    if ((c === 0x74 /* t */ || c === 0x61) /* a */ && TAG_CONTAINERS.some((p) => key.startsWith(p))) return undefined;
    members.push(`${JSON.stringify(key)}:${stringifyJson(flat[key]!)}`);
  }
  if (members.length === 0) return '{}';
  // join makes one flat string (text built with + would be a rope, several times larger).
  members[0] = `{${members[0]}`;
  members[members.length - 1] += '}';
  return members.join(',');
}

/** Go stdouttrace writes `Resource` and `Attributes` as [{Key, Value:{Type, Value}}]. */
function goKeyValues(value: JsonValue | undefined): Array<[string, JsonValue]> {
  if (!Array.isArray(value)) return [];
  const out: Array<[string, JsonValue]> = [];
  for (const item of value) {
    if (!isPlainObject(item) || typeof item.Key !== 'string') continue;
    const v = item.Value;
    out.push([item.Key, boundDepth(isPlainObject(v) && 'Value' in v ? v.Value! : (v ?? null))]);
  }
  return out;
}

function goExporterService(obj: JsonObject): string | null {
  for (const [key, value] of goKeyValues(obj.Resource)) if (key === 'service.name' && typeof value === 'string') return value;
  return null;
}

function goExporterFields(obj: JsonObject, tags: Fields): void {
  if (!Array.isArray(obj.Attributes)) return;
  delete tags.Attributes;
  for (const [key, value] of goKeyValues(obj.Attributes)) if (!Object.hasOwn(tags, key)) setOwn(tags, key, value);
}
