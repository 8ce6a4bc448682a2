/**
 * Propagation headers logged with a request (FORMATS.md D): a W3C traceparent
 * or B3 (single `b3` or X-B3-* headers), found as a field or inside a logged
 * headers object, by the last segment of the dotted key, case-insensitively. Pure.
 */
import type { FlatFields } from './fields.js';

export interface Propagation {
  traceId: string;
  spanId: string | null;
  parentId: string | null;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const HEX16 = /^[0-9a-f]{16}$/i;
const HEX16_32 = /^([0-9a-f]{16}|[0-9a-f]{32})$/i;
const ZEROS = /^0+$/;

/** W3C traceparent: the trace id, and the caller's span id, which is the logging span's parent. */
export function parseTraceparent(value: string): Propagation | null {
  const m = TRACEPARENT.exec(value.trim());
  if (!m) return null;
  const [, version, traceId, parentId, , rest] = m;
  if (version === 'ff' || ZEROS.test(traceId!) || ZEROS.test(parentId!)) return null;
  if (version === '00' && rest !== undefined) return null;
  return { traceId: traceId!, spanId: null, parentId: parentId! };
}

/** Single-header B3: {TraceId}-{SpanId}-{SamplingState}-{ParentSpanId}, the last two optional. */
export function parseB3(value: string): Propagation | null {
  const parts = value.trim().split('-');
  if (parts.length < 2 || parts.length > 4) return null;
  const [traceId, spanId] = parts;
  let parentId: string | undefined;
  if (parts.length === 4) parentId = parts[3];
  else if (parts.length === 3 && HEX16.test(parts[2]!)) parentId = parts[2]; // sampling omitted
  if (!HEX16_32.test(traceId!) || !HEX16.test(spanId!) || ZEROS.test(traceId!)) return null;
  if (parentId !== undefined && !HEX16.test(parentId)) return null;
  return { traceId: traceId!, spanId: spanId!, parentId: parentId && !ZEROS.test(parentId) ? parentId : null };
}

/** Looks through every field for propagation headers; B3 single wins over multi, then traceparent. */
export function findPropagation(flat: FlatFields): Propagation | null {
  let traceparent: string | undefined;
  let b3: string | undefined;
  let b3Trace: string | undefined;
  let b3Span: string | undefined;
  let b3Parent: string | undefined;
  for (let at = 0; at < flat.size; at++) {
    const key = flat.keys[at]!;
    const value = flat.values[at];
    const text = typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
    if (text === undefined) continue;
    const last = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
    if (last === 'traceparent') traceparent ??= text;
    else if (last === 'b3') b3 ??= text;
    else if (last === 'x-b3-traceid') b3Trace ??= text;
    else if (last === 'x-b3-spanid') b3Span ??= text;
    else if (last === 'x-b3-parentspanid') b3Parent ??= text;
  }
  const single = b3 === undefined ? null : parseB3(b3);
  if (single) return single;
  if (b3Trace !== undefined && HEX16_32.test(b3Trace) && !ZEROS.test(b3Trace)) {
    return {
      traceId: b3Trace,
      spanId: b3Span !== undefined && HEX16.test(b3Span) ? b3Span : null,
      parentId: b3Parent !== undefined && HEX16.test(b3Parent) && !ZEROS.test(b3Parent) ? b3Parent : null,
    };
  }
  return traceparent === undefined ? null : parseTraceparent(traceparent);
}
