// What an exported trace should look like once imported again, per format:
// OTLP keeps everything to the ns; Zipkin and Jaeger keep µs, and Zipkin
// keeps string tags and event names only.

import { LosslessNumber } from '../../dist/types.js';
import { canon } from './export-traces.js';

const floorUs = (ns) => (ns / 1000n) * 1000n;
const roundUs = (ns) => ((ns + 500n) / 1000n) * 1000n;

function dropNullTags(tags) {
  const out = Object.create(null);
  for (const key of Object.keys(tags)) if (tags[key] !== null) out[key] = tags[key];
  return out;
}

function jsonText(value) {
  return JSON.stringify(value, (_key, v) => (v instanceof LosslessNumber ? Number(v.text) : v));
}

function zipkinTags(tags) {
  const out = Object.create(null);
  for (const key of Object.keys(tags)) {
    const v = tags[key];
    if (v === null) continue;
    out[key] = typeof v === 'string' ? v : v instanceof LosslessNumber ? v.text : jsonText(v);
  }
  return out;
}

function jaegerTags(tags) {
  const out = Object.create(null);
  for (const key of Object.keys(tags)) {
    const v = tags[key];
    if (v === null) continue;
    out[key] = v !== null && typeof v === 'object' && !(v instanceof LosslessNumber) ? jsonText(v) : v;
  }
  return out;
}

/** Spans of the traces (placeholders excluded) as the fields a span record carries after `format`'s round trip. */
export function expectedSpanRecords(traces, format) {
  const out = [];
  for (const trace of traces) {
    for (const span of walk(trace)) {
      if (span.synthetic) continue;
      const micro = format !== 'otlp';
      out.push({
        kind: 'span',
        traceId: span.traceId,
        spanId: span.spanId,
        parentId: span.parentId,
        name: span.name,
        service: span.service,
        timeNs: micro ? floorUs(span.startNs) : span.startNs,
        timeDigits: micro ? 6 : 9,
        durationNs:
          format === 'zipkin'
            ? (roundUs(span.durationNs) > 0n ? roundUs(span.durationNs) : 1000n)
            : micro
              ? roundUs(span.durationNs)
              : span.durationNs,
        error: span.error,
        statusMessage: span.statusMessage,
        spanKind: format === 'zipkin' && span.kind === 'internal' ? null : span.kind,
        message: null,
        tags: canon(format === 'otlp' ? dropNullTags(span.tags) : format === 'zipkin' ? zipkinTags(span.tags) : jaegerTags(span.tags)),
      });
    }
  }
  return out;
}

/** Span events (placeholders included) as event records after `format`'s round trip. */
export function expectedEventRecords(traces, format) {
  const out = [];
  for (const trace of traces) {
    for (const span of walk(trace)) {
      const seen = new Set();
      for (const event of span.events) {
        const timeNs = event.timeNs ?? span.startNs;
        const record = {
          kind: 'event',
          traceId: span.traceId,
          spanId: span.spanId,
          service: span.service,
          timeNs: format === 'otlp' ? timeNs : floorUs(timeNs),
          message: event.name,
          tags: format === 'zipkin' ? {} : canon(format === 'otlp' ? dropNullTags(event.fields) : jaegerTags(event.fields)),
        };
        if (format === 'zipkin') {
          const key = `${record.timeNs} ${record.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        out.push(record);
      }
    }
  }
  return out;
}

/** The comparable fields of imported records. */
export function spanRecordView(record) {
  const { source, line, ...rest } = record;
  return { ...rest, tags: canon(rest.tags) };
}

export function eventRecordView(record) {
  return {
    kind: record.kind,
    traceId: record.traceId,
    spanId: record.spanId,
    service: record.service,
    timeNs: record.timeNs,
    message: record.message,
    tags: canon(record.tags),
  };
}

function walk(trace) {
  const out = [];
  const stack = [...trace.roots].reverse();
  while (stack.length > 0) {
    const span = stack.pop();
    out.push(span);
    for (let i = span.children.length - 1; i >= 0; i--) stack.push(span.children[i]);
  }
  return out;
}
