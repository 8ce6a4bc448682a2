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

/** The span's own keys, without the closing brace (so `traces` can add children). */
function spanBody(span: Span): string {
  let out =
    `{"traceId":${str(span.traceId)},"spanId":${str(span.spanId)},"parentId":${str(span.parentId)}` +
    `,"name":${str(span.name)},"service":${str(span.service)}` +
    `,"startTime":${str(formatRfc3339(span.startNs, span.startDigits))},"durationMs":${durationMsText(span.durationNs)}` +
    `,"tags":${span.tagsText ?? stringifyJson(span.tags)},"events":[${span.events.map((e) => eventJson(e, span)).join(',')}]`;
  if (span.error) out += ',"error":true';
  if (span.statusMessage !== null) out += `,"statusMessage":${str(span.statusMessage)}`;
  if (span.kind !== null) out += `,"kind":${str(span.kind)}`;
  if (span.synthetic) out += ',"synthetic":true';
  if (span.skew) out += ',"skew":true';
  if (span.duplicate) out += ',"duplicate":true';
  if (span.unfinished) out += ',"unfinished":true';
  if (span.startInferred) out += ',"startInferred":true';
  if (span.cycleParentId !== null) out += `,"cycleParentId":${str(span.cycleParentId)}`;
  if (span.decimalIds) out += ',"decimalIds":true';
  return out;
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
