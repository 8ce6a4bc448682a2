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
import { ownCopy } from '../strings.js';
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
/** Each list's index in `found`. */
const L = Object.fromEntries(LIST_NAMES.map((name, i) => [name, i])) as Record<KeyList, number>;

/** The lists of conventions a key is in (by index), with its rank in each (lower wins). */
export type KeyLists = Array<[number, number]> | undefined;

/** key → the lists it is in. */
const KEY_INDEX = new Map<string, NonNullable<KeyLists>>();

/** The lists of conventions a key is in; undefined for a key no convention names. */
export function keyLists(key: string): KeyLists {
  return KEY_INDEX.get(key);
}
LIST_NAMES.forEach((list, index) => {
  KEY_LISTS[list].forEach((key, rank) => {
    const entries = KEY_INDEX.get(key) ?? [];
    entries.push([index, rank]);
    KEY_INDEX.set(key, entries);
  });
});

/**
 * A line's fields, nested objects flattened to dotted keys, in the order the keys of a
 * flattened object would have (of two equal paths, the first wins). Extraction reads these
 * arrays instead of building an object for each line.
 */
export interface FlatFields {
  keys: string[];
  values: JsonValue[];
  /** How many entries are this line's: extraction reuses the arrays from line to line. */
  size: number;
  /**
   * The line's JSON text when the fields were read from it (scan-fields.ts), else null.
   * String values are then slices of it, and per entry `rawStart`/`rawEnd` say where the
   * value's text stands when it is what JSON.stringify writes (else rawStart is -1),
   * `memberStart` where its `"key":value` starts when that is written whole (else -1).
   */
  text: string | null;
  /** Per entry, when scanned: keyLists of its key. */
  lists: KeyLists[];
  rawStart: number[];
  rawEnd: number[];
  memberStart: number[];
}

/** Empty flat fields, to be filled. */
export function newFlatFields(): FlatFields {
  return { keys: [], values: [], size: 0, text: null, lists: [], rawStart: [], rawEnd: [], memberStart: [] };
}

/** The flattened fields of one object, in arrays of their own. */
export function flatFields(obj: JsonObject): FlatFields {
  const flat = newFlatFields();
  flattenInto(obj, flat);
  return flat;
}

/** The value of a field of a line; undefined when it has none of that name. */
export function fieldValue(flat: FlatFields, key: string): JsonValue | undefined {
  return valueAt(flat, indexOfKey(flat, key));
}

/**
 * What extraction reuses from line to line (it never runs re-entrantly: a shipper's inner
 * line is read after the outer one is done): the line's fields, which of them a role
 * consumed, and per list (indexed by `L`) where the best-ranked key with a usable value
 * (not null, not '') stands, or -1, with its rank.
 */
const LINE = newFlatFields();
let used = new Uint8Array(64);
const found = new Int32Array(LIST_NAMES.length);
const ranks = new Int32Array(LIST_NAMES.length);

interface KeyIndex {
  errorKey: boolean;
  /** Where empty id fields stand. */
  emptyIds: number[] | null;
  /** The duration keys present with a usable value, as [rank in DURATION_KEYS, place]. */
  durations: Array<[number, number]> | null;
}

/** Fills `found` and `ranks` for a line's fields. */
function indexKeys(flat: FlatFields): KeyIndex {
  const { keys, values, size } = flat;
  const scanned = flat.text !== null;
  found.fill(-1);
  ranks.fill(0x7fffffff);
  let emptyIds: number[] | null = null;
  let durations: Array<[number, number]> | null = null;
  let errorKey = false;
  for (let at = 0; at < size; at++) {
    const key = keys[at]!;
    const c = key.charCodeAt(0);
    if (c === 0x65 /* e */ && !errorKey && (key === 'err' || key.startsWith('error.') || key.startsWith('err.') || key.startsWith('exception.'))) errorKey = true;
    const entries = scanned ? flat.lists[at] : KEY_INDEX.get(key);
    if (entries === undefined) continue;
    const value = values[at];
    if (value === null || value === '') {
      // Empty id fields are consumed too: an empty parent id is how a root says so.
      if (entries.some(([list]) => list === L.trace || list === L.span || list === L.parent)) (emptyIds ??= []).push(at);
      continue;
    }
    for (const [list, rank] of entries) {
      if (list === L.duration) (durations ??= []).push([rank, at]);
      if (rank < ranks[list]!) {
        ranks[list] = rank;
        found[list] = at;
      }
    }
  }
  if (durations !== null && durations.length > 1) durations.sort((a, b) => a[0] - b[0]);
  return { errorKey, emptyIds, durations };
}

/** Where `key` stands in a line's fields; -1 when it is not there. */
function indexOfKey(flat: FlatFields, key: string): number {
  for (let at = 0; at < flat.size; at++) if (flat.keys[at] === key) return at;
  return -1;
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
 * Nested objects → dotted keys, written into `flat`. Arrays and values deeper than
 * FLATTEN_DEPTH stay whole, cut at MAX_VALUE_DEPTH (json.ts `boundDepth`). Iterative:
 * input depth cannot overflow the stack.
 */
function flattenInto(obj: JsonObject, flat: FlatFields): void {
  const { keys, values } = flat;
  let n = 0;
  let stack: Array<[JsonObject, string, number]> | null = null;
  // The top level first, then each nested object in turn, depth first.
  for (const key in obj) {
    const value = obj[key]!;
    if (typeof value === 'object' && value !== null) {
      if (isPlainObject(value) && hasKeys(value)) {
        (stack ??= []).push([value, `${key}.`, 1]);
        continue;
      }
      keys[n] = key;
      values[n++] = boundDepth(value);
    } else {
      keys[n] = key;
      values[n++] = value;
    }
  }
  if (stack !== null) {
    // Only nested paths can repeat a key ({"a.b":1,"a":{"b":2}}).
    const seen = new Set<string>();
    for (let at = 0; at < n; at++) seen.add(keys[at]!);
    stack.reverse();
    while (stack.length > 0) {
      const [current, prefix, depth] = stack.pop()!;
      const nested: Array<[JsonObject, string, number]> = [];
      for (const key of Object.keys(current)) {
        const value = current[key]!;
        const path = prefix + key;
        if (isPlainObject(value) && depth < FLATTEN_DEPTH && hasKeys(value)) nested.push([value, `${path}.`, depth + 1]);
        else if (!seen.has(path)) {
          seen.add(path);
          keys[n] = path;
          values[n++] = boundDepth(value);
        }
      }
      for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
    }
  }
  flat.size = n;
  flat.text = null;
  releaseFields(flat, n);
}

/**
 * After a line of very many fields, keeps only the first `keep` entries of each array, so
 * that its fields are not all held until a line as long comes again.
 */
export function releaseFields(flat: FlatFields, keep: number): void {
  if (flat.keys.length <= 4096 || keep >= 4096) return;
  flat.keys.length = flat.values.length = flat.lists.length = keep;
  flat.rawStart.length = flat.rawEnd.length = flat.memberStart.length = keep;
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

/** The value at a place in a line's fields; undefined for -1. */
function valueAt(flat: FlatFields, at: number): JsonValue | undefined {
  return at < 0 ? undefined : flat.values[at];
}

/** Error status by FORMATS conventions: status/error fields, level ≥ 50, HTTP status ≥ 500. */
function findError(flat: FlatFields, errorKey: boolean, statusKey: string | undefined): { error: boolean; message: string | null } {
  let error = false;
  const statusAt = statusKey ? indexOfKey(flat, statusKey) : found[L.status]!;
  const statusValue = valueAt(flat, statusAt);
  if (statusValue !== undefined) {
    const v = statusValue;
    if (typeof v === 'string' && ERROR_STATUS.test(v)) error = true;
    else if (typeof v === 'number' && (flat.keys[statusAt] === 'status' ? v >= 500 : v === 2)) error = true;
    else if (v === true) error = true;
  }
  const err = valueAt(flat, indexOfKey(flat, 'error'));
  if (err === true || (typeof err === 'string' && err.length > 0 && err !== 'false')) error = true;
  if (!error && errorKey) error = true;
  if (!error) {
    const level = valueAt(flat, found[L.level]!);
    if (typeof level === 'number' && level >= 50) error = true;
    else if (typeof level === 'string' && ERROR_LEVEL.test(level)) error = true;
  }
  if (!error) {
    const http = valueAt(flat, found[L.http]!);
    const code = typeof http === 'string' ? Number(http) : http;
    if (typeof code === 'number' && code >= 500 && code < 600) error = true;
  }
  let message: string | null = null;
  if (error) {
    const m = valueAt(flat, found[L.statusMessage]!);
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
  /**
   * False when the records die with the line's trace, built and written at once: their
   * texts are left as slices of the line instead of copies (see `own`).
   */
  copyTexts?: boolean;
}

/** Where the key of a role stands in a line's fields (an override's path, else the convention's best key); -1 for none. */
function roleAt(flat: FlatFields, overrides: FieldOverrides, r: Role & KeyList): number {
  const o = overrides[r];
  if (!o) return found[L[r]]!;
  const at = indexOfKey(flat, o.path);
  const v = valueAt(flat, at);
  return v === undefined || v === null || v === '' ? -1 : at;
}

/** The value at a place, marked as consumed by a role; undefined for -1. */
function take(flat: FlatFields, at: number): JsonValue | undefined {
  if (at < 0) return undefined;
  used[at] = 1;
  return flat.values[at];
}

/** Ids written as decimal numbers: by convention (Datadog `dd.*`) or as JSON numbers. */
function isDecimalAt(flat: FlatFields, at: number): boolean {
  if (at < 0) return false;
  const value = flat.values[at];
  return flat.keys[at]!.startsWith('dd.') || typeof value === 'number' || value instanceof LosslessNumber;
}

/**
 * Reads one parsed line. Returns null when it has no trace id (the caller counts
 * it as skipped).
 */
export function extractRecord(obj: JsonObject, source: string, line: number, options: ExtractOptions = {}): LogRecord | null {
  flattenInto(obj, LINE);
  return extractFlat(LINE, obj, source, line, options);
}

/**
 * A text of the record that outlives the line: a copy when it is a slice of the line's
 * text (scan-fields.ts), which would keep the whole line alive; `copy` says whether it is.
 */
function own<T extends string | null>(copy: boolean, value: T): T {
  return copy && value !== null && value.length >= 13 ? (ownCopy(value) as T) : value;
}

/**
 * Reads a line's flat fields (from flattenInto or scanFields); `obj` is the parsed line,
 * or null when the fields were scanned from its text (scanFields reads no line with
 * arrays, so none of a Go exporter's).
 */
export function extractFlat(flat: FlatFields, obj: JsonObject | null, source: string, line: number, options: ExtractOptions = {}): LogRecord | null {
  const { keys, values, size } = flat;
  if (used.length < size) used = new Uint8Array(Math.max(size, used.length * 2));
  used.fill(0, 0, size);
  const overrides = options.overrides ?? {};
  const copy = flat.text !== null && options.copyTexts !== false;
  const { errorKey, emptyIds, durations } = indexKeys(flat);

  if (emptyIds !== null) for (const at of emptyIds) used[at] = 1;
  const traceAt = roleAt(flat, overrides, 'trace');
  let traceId = idText(take(flat, traceAt));
  let spanAt = roleAt(flat, overrides, 'span');
  // Zipkin v2 lines call the span id `id`; only trust it next to `traceId`.
  let zipkin = false;
  if (spanAt < 0 && !overrides.span) {
    const idAt = indexOfKey(flat, 'id');
    if (idAt >= 0 && indexOfKey(flat, 'traceId') >= 0) {
      zipkin = true;
      spanAt = idAt;
    }
  }
  let spanId = idText(take(flat, spanAt));
  const decimalIds = isDecimalAt(flat, traceAt) || isDecimalAt(flat, spanAt);
  const parentValue = take(flat, roleAt(flat, overrides, 'parent'));
  let parentId = idText(parentValue);
  let hasParentField = parentValue !== undefined;

  // Headers fill whichever of trace, span and parent no direct field gave (FORMATS.md D).
  if (traceId === null || spanId === null || !hasParentField) {
    const headers = findPropagation(flat);
    if (headers) {
      if (traceId === null) traceId = headers.traceId;
      if (traceId === headers.traceId) {
        if (spanId === null && headers.spanId) spanId = headers.spanId;
        // B3 names the span it belongs to: its parent is only this line's parent for that span.
        // A traceparent whose parent-id is the line's own span id was sent by that span (a client): no parent.
        if (!hasParentField && headers.parentId && headers.parentId !== spanId && (headers.spanId === null || headers.spanId === spanId)) {
          parentId = headers.parentId;
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

  // Times. A time that cannot be read is no time; it stays in the fields, where it can be seen.
  const startAt = roleAt(flat, overrides, 'start');
  const startValue = take(flat, startAt);
  const timeUnit: TimeUnit | undefined = overrides.start?.unit ?? (zipkin ? 'us' : undefined);
  const start: Instant | null = startValue === undefined ? null : parseTimestamp(startValue, timeUnit);
  if (startValue !== undefined && start === null) used[startAt] = 0;
  const endAt = roleAt(flat, overrides, 'end');
  const endValue = take(flat, endAt);
  const end: Instant | null = endValue === undefined ? null : parseTimestamp(endValue, overrides.end?.unit);
  if (endValue !== undefined && end === null) used[endAt] = 0;

  let durationNs: bigint | null = null;
  const durOverride = overrides.duration;
  if (durOverride) {
    const at = indexOfKey(flat, durOverride.path);
    const v = valueAt(flat, at);
    const ns = v === undefined || v === null ? null : parseDurationValue(v, durOverride.unit ?? 'ms');
    // A negative, unreadable or absurd value is no duration; it stays in the fields, where it can be seen.
    if (isDuration(ns)) {
      durationNs = ns;
      used[at] = 1;
    }
  } else if (durations !== null) {
    for (const [rank, at] of durations) {
      const v = values[at]!;
      if (v === null || typeof v === 'boolean' || (typeof v === 'object' && !(v instanceof LosslessNumber))) continue;
      const ns = parseDurationValue(v, zipkin && keys[at] === 'duration' ? 'us' : DURATION_KEYS[rank]![1]);
      if (isDuration(ns)) {
        durationNs = ns;
        used[at] = 1;
        break;
      }
    }
  }
  if (durationNs === null && start && end) {
    if (isDuration(end.ns - start.ns)) durationNs = end.ns - start.ns;
    // An end before the start makes no span: the end stays in the fields, where it can be seen.
    else used[endAt] = 0;
  }
  if (zeroSpanId && durationNs === null) spanId = null;

  const nameAt = roleAt(flat, overrides, 'name');
  const nameValue = take(flat, nameAt);
  const name = nameValue === undefined ? null : textOf(nameValue);
  const serviceAt = roleAt(flat, overrides, 'service');
  const serviceValue = take(flat, serviceAt);
  const service = serviceValue === undefined ? null : textOf(serviceValue);
  const { error, message: statusMessage } = findError(flat, errorKey, overrides.status?.path);
  const kindAt = found[L.kind]!;
  const spanKind = parseKind(valueAt(flat, kindAt));
  if (kindAt >= 0 && spanKind) used[kindAt] = 1;

  const messageAt = found[L.message]!;
  const message = messageAt < 0 ? null : textOf(values[messageAt]!);
  const phaseAt = found[L.phase]!;
  const phaseText = phaseAt < 0 ? null : textOf(values[phaseAt]!);
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
  if (phase !== null && phaseAt >= 0 && kind !== 'event') used[phaseAt] = 1;
  if (phase !== null && phaseAt < 0 && messageAt >= 0 && kind !== 'event') used[messageAt] = 1;

  if (kind === 'event') {
    // An event keeps its own name and service fields as fields; only ids, time and message are consumed.
    if (nameValue !== undefined) used[nameAt] = 0;
    if (serviceValue !== undefined) used[serviceAt] = 0;
    if (messageAt >= 0) used[messageAt] = 1;
  }

  const tags: Fields = {};
  const tagsText = options.fields === 'text' ? fieldsText(flat, obj) : undefined;
  if (options.fields !== false && tagsText === undefined) {
    let containerTags: Array<[string, JsonValue]> | null = null;
    for (let at = 0; at < size; at++) {
      if (used[at]) continue;
      const key = keys[at]!;
      const value = values[at]!;
      const kept = typeof value === 'string' ? own(copy, value) : value;
      const c = key.charCodeAt(0);
      const container = c === 0x74 /* t */ || c === 0x61 /* a */ ? TAG_CONTAINERS.find((p) => key.startsWith(p)) : undefined;
      if (container) (containerTags ??= []).push([key.slice(container.length), kept]);
      else setOwn(tags, key, kept);
    }
    if (containerTags) for (const [key, value] of containerTags) if (!Object.hasOwn(tags, key)) setOwn(tags, key, value);
    if (obj !== null) goExporterFields(obj, tags);
  }

  return {
    kind,
    traceId: own(copy, traceId),
    spanId: own(copy, spanId),
    parentId: own(copy, parentId),
    name: own(copy, name),
    service: own(copy, service) ?? (obj === null ? null : goExporterService(obj)),
    timeNs,
    timeDigits,
    durationNs: kind === 'span' ? durationNs : null,
    error,
    statusMessage: own(copy, statusMessage),
    spanKind,
    message: own(copy, message),
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
 * line's fields that no role consumed; undefined when that path would do more than copy
 * them (tag containers, Go exporter attributes).
 */
function fieldsText(flat: FlatFields, obj: JsonObject | null): string | undefined {
  if (obj !== null && Array.isArray(obj.Attributes)) return undefined;
  const { keys, values, size, text, rawStart, rawEnd, memberStart } = flat;
  // Joined at the end into one flat string of its own (text built with + would be a rope,
  // several times larger, and keep the line's text alive); the array is used again.
  const parts = TAG_PARTS;
  parts.length = 0;
  parts.push('{');
  // Members written in the line as JSON.stringify writes them, one after the other, are copied at once.
  let runStart = -1;
  let runEnd = -1;
  const part = (piece: string): void => {
    if (parts.length > 1) parts.push(',');
    parts.push(piece);
  };
  for (let at = 0; at < size; at++) {
    if (used[at]) continue;
    const key = keys[at]!;
    const c = key.charCodeAt(0);
    if ((c === 0x74 /* t */ || c === 0x61) /* a */ && TAG_CONTAINERS.some((p) => key.startsWith(p))) return undefined;
    const raw = text === null ? -1 : rawStart[at]!;
    const member = raw < 0 ? -1 : memberStart[at]!;
    if (member >= 0 && member === runEnd + 1) {
      runEnd = rawEnd[at]!;
      continue;
    }
    if (runStart >= 0) part(text!.slice(runStart, runEnd));
    runStart = member;
    runEnd = member < 0 ? -1 : rawEnd[at]!;
    if (member >= 0) continue;
    // Scanned keys hold no escapes.
    part(raw < 0 ? `${JSON.stringify(key)}:${stringifyJson(values[at]!)}` : `"${key}":${text!.slice(raw, rawEnd[at])}`);
  }
  if (runStart >= 0) part(text!.slice(runStart, runEnd));
  parts.push('}');
  const joined = parts.join('');
  parts.length = 0;
  return joined;
}

/** The pieces of the tags text being built (fieldsText). */
const TAG_PARTS: string[] = [];

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
