/**
 * tracelog's own span JSON (schema/span.schema.json): one span a line
 * (`--format spans`) or one trace a line with nested children (`--format
 * traces`). Written by hand so big integers keep their digits and a
 * 100,000-deep trace needs no recursion. Pure.
 */
import type { Span, SpanEvent, Trace } from '../types.js';
import { stringifyJson } from '../extract/json.js';
import { formatDecimal } from '../extract/decimal.js';
import { formatRfc3339 } from '../extract/time.js';
import { walkSpans } from '../trace/walk.js';

/** A string JSON.stringify writes as it is, between quotes: nothing to escape, no UTF-16 surrogate. */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
/** A string as JSON (null as null); a plain one is quoted without JSON.stringify's copy. */
const str = (value: string | null): string => (value === null ? 'null' : PLAIN.test(value) ? `"${value}"` : JSON.stringify(value));

/** Milliseconds as exact decimal text from integer nanoseconds. */
export function durationMsText(ns: bigint): string {
  return formatDecimal(ns, 6);
}

function eventJson(event: SpanEvent, span: Span): string {
  const time = formatRfc3339(event.timeNs ?? span.startNs, event.timeNs === null ? span.startDigits : event.timeDigits);
  return `{"time":${str(time)},"name":${str(event.name)},"fields":${event.fieldsText ?? stringifyJson(event.fields)}}`;
}

/** Pushes a string as JSON (null as null); a plain one between quotes, uncopied. */
function pushString(out: string[], value: string | null): void {
  if (value === null) out.push('null');
  else if (PLAIN.test(value)) out.push('"', value, '"');
  else out.push(JSON.stringify(value));
}

/**
 * Pushes the span's own keys, without the closing brace (so `traces` can add children), as
 * pieces for one join: a span written by concatenation was dozens of intermediate strings.
 */
function pushSpanBody(out: string[], span: Span): void {
  out.push('{"traceId":');
  pushString(out, span.traceId);
  out.push(',"spanId":');
  pushString(out, span.spanId);
  out.push(',"parentId":');
  pushString(out, span.parentId);
  out.push(',"name":');
  pushString(out, span.name);
  out.push(',"service":');
  pushString(out, span.service);
  out.push(',"startTime":"', formatRfc3339(span.startNs, span.startDigits), '","durationMs":', durationMsText(span.durationNs));
  out.push(',"tags":', span.tagsText ?? stringifyJson(span.tags), ',"events":[');
  for (let i = 0; i < span.events.length; i++) {
    if (i > 0) out.push(',');
    out.push(eventJson(span.events[i]!, span));
  }
  out.push(']');
  if (span.error) out.push(',"error":true');
  if (span.statusMessage !== null) {
    out.push(',"statusMessage":');
    pushString(out, span.statusMessage);
  }
  if (span.kind !== null) out.push(',"kind":"', span.kind, '"');
  if (span.synthetic) out.push(',"synthetic":true');
  if (span.skew) out.push(',"skew":true');
  if (span.duplicate) out.push(',"duplicate":true');
  if (span.unfinished) out.push(',"unfinished":true');
  if (span.startInferred) out.push(',"startInferred":true');
  if (span.cycleParentId !== null) {
    out.push(',"cycleParentId":');
    pushString(out, span.cycleParentId);
  }
  if (span.decimalIds) out.push(',"decimalIds":true');
}

/** The span's own keys, without the closing brace. */
function spanBody(span: Span): string {
  const out: string[] = [];
  pushSpanBody(out, span);
  return out.join('');
}

/** One span as a JSON line (no newline). */
export function spanToJson(span: Span): string {
  return `${spanBody(span)}}`;
}

/** Every span of a trace, depth-first, one JSON text each. */
export function traceToSpanLines(trace: Trace): string[] {
  const lines: string[] = [];
  walkSpans(trace, (span) => lines.push(spanToJson(span)));
  return lines;
}

/** Pieces of the trace being written, used again from trace to trace. */
const pieces: string[] = [];

/** Every span of a trace as JSON lines, each ending in a newline, in one text. */
export function traceToSpansText(trace: Trace): string {
  try {
    walkSpans(trace, (span) => {
      pushSpanBody(pieces, span);
      pieces.push('}\n');
    });
    return pieces.join('');
  } finally {
    pieces.length = 0;
  }
}

/** A whole trace as one JSON text, spans nested under `children`. */
export function traceToJson(trace: Trace): string {
  const parts: string[] = [
    `{"traceId":${str(trace.traceId)},"startTime":${str(formatRfc3339(trace.startNs, maxDigits(trace)))}` +
      `,"durationMs":${durationMsText(trace.endNs - trace.startNs)},"spanCount":${trace.spanCount},"roots":[`,
  ];
  // Iterative: push closers on the stack so nesting depth never reaches the JS stack.
  type Step = { span: Span; first: boolean } | { close: string };
  const stack: Step[] = [];
  for (let i = trace.roots.length - 1; i >= 0; i--) stack.push({ span: trace.roots[i]!, first: i === 0 });
  while (stack.length > 0) {
    const step = stack.pop()!;
    if ('close' in step) {
      parts.push(step.close);
      continue;
    }
    parts.push(`${step.first ? '' : ','}${spanBody(step.span)},"children":[`);
    stack.push({ close: ']}' });
    const kids = step.span.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, first: i === 0 });
  }
  parts.push(']}');
  return parts.join('');
}

function maxDigits(trace: Trace): number {
  let digits = 0;
  for (const r of trace.roots) digits = Math.max(digits, r.startDigits);
  return digits;
}
