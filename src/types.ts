/**
 * The domain's nouns, shared by every stage: a JSON value read losslessly, the
 * record one log line yields, and the spans and traces assembled from records.
 * Types only (plus the tiny LosslessNumber class): no behaviour lives here.
 */

/** A JSON number whose digits a double would change (ids above 2^53, long fractions). */
export class LosslessNumber {
  /** How many times JSON.stringify has met one: `stringifyJson` checks it instead of walking values. */
  static stringified = 0;
  constructor(readonly text: string) {}
  /** JSON.stringify writes it as a string; use `stringifyJson` to keep it a number. */
  toJSON(): string {
    LosslessNumber.stringified++;
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}

export type JsonValue = null | boolean | number | string | LosslessNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Tags and event fields: dotted key → value; objects are null-prototype. */
export type Fields = Record<string, JsonValue>;

export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** What one log line means once its trace fields are found. */
export type RecordKind = 'span' | 'begin' | 'end' | 'event';

export interface LogRecord {
  kind: RecordKind;
  traceId: string;
  spanId: string | null;
  parentId: string | null;
  name: string | null;
  service: string | null;
  /** Epoch nanoseconds of the line's time (a span's start; an event's time; an end line's end). */
  timeNs: bigint | null;
  /** Fractional second digits the input wrote (0–9), kept so output shows the same precision. */
  timeDigits: number;
  durationNs: bigint | null;
  error: boolean;
  statusMessage: string | null;
  spanKind: SpanKind | null;
  /** The log message of an event line (msg, message, …). */
  message: string | null;
  tags: Fields;
  /** The tags as JSON text, when they were read as text (`fields: 'text'`); `tags` is then empty. */
  tagsText?: string;
  /** Ids were decimal numbers by convention (Datadog `dd.*`) or written as JSON numbers (FORMATS.md C.2 rule 5). */
  decimalIds?: boolean;
  /** Where the line came from, for diagnostics. */
  source: string;
  line: number;
}

export interface SpanEvent {
  timeNs: bigint | null;
  timeDigits: number;
  name: string;
  fields: Fields;
  /** The fields as JSON text, when they were read as text; `fields` is then empty. */
  fieldsText?: string;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** The parent id as written; null for a root. */
  parentId: string | null;
  name: string | null;
  service: string | null;
  /** Epoch nanoseconds. When the input had no time, taken from the parent and `startInferred` is set. */
  startNs: bigint;
  durationNs: bigint;
  startDigits: number;
  tags: Fields;
  /** The tags as JSON text, when they were read as text; `tags` is then empty. */
  tagsText?: string;
  events: SpanEvent[];
  error: boolean;
  statusMessage: string | null;
  kind: SpanKind | null;
  /** A placeholder for a parent (or an event's span) that never arrived. */
  synthetic: boolean;
  /** The span starts before or ends after its parent. Raw times are kept. */
  skew: boolean;
  /** Another span in the trace has the same id. */
  duplicate: boolean;
  /** A begin line with no end: duration unknown (0). */
  unfinished: boolean;
  startInferred: boolean;
  /** Set when this span's parent link was cut to break a cycle: the parent id it had. */
  cycleParentId: string | null;
  children: Span[];
  /** Ids were decimal numbers by convention or as written, even those of 16 digits. */
  decimalIds?: boolean;
}

export interface Trace {
  traceId: string;
  /** Top-level spans, by start time: the real root(s), placeholders, spans cut out of cycles. */
  roots: Span[];
  spanCount: number;
  startNs: bigint;
  endNs: bigint;
  /** One line each: cycles broken, duplicate ids. Also reported on stderr. */
  problems: string[];
  /** Follow mode: late spans of a trace that was already shown. */
  continuation?: boolean;
}
