// Checks of export output by machine (FORMATS.md E), for end-to-end tests:
// OTLP/JSON through the official protobuf definitions (the protobufjs module
// @opentelemetry/otlp-transformer 0.52.1 ships) plus anchored rules of our own,
// Zipkin v2 against the upstream zipkin2-api.yaml, Jaeger UI JSON against a
// small schema written from B.3, and Chrome trace events structurally.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

const require = createRequire(import.meta.url);
// No "exports" map in that package, so the deep path resolves.
const protoRoot = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
/** The protobufjs message type of an OTLP/HTTP trace request. */
export const ExportTraceServiceRequest = protoRoot.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Deep copy with the id fields converted by `convert` (hex ↔ base64: the protobuf JSON mapping of bytes). */
function mapIds(value, convert) {
  if (Array.isArray(value)) return value.map((item) => mapIds(item, convert));
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) out[key] = ID_KEYS.has(key) ? convert(item) : mapIds(item, convert);
    return out;
  }
  return value;
}

/** Drops empty arrays, which protobuf's toObject leaves out. */
export function dropEmptyArrays(value) {
  if (Array.isArray(value)) return value.map(dropEmptyArrays);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) if (!(Array.isArray(item) && item.length === 0)) out[key] = dropEmptyArrays(item);
    return out;
  }
  return value;
}

/**
 * An OTLP/JSON request encoded to protobuf bytes and decoded again, as a
 * plain object with hex ids and decimal-string int64s. Equal to the input
 * (less empty arrays) only when every value had the type the proto declares.
 */
export function otlpProtobufRoundTrip(doc) {
  const message = ExportTraceServiceRequest.fromObject(mapIds(doc, (hex) => Buffer.from(hex, 'hex').toString('base64')));
  const bytes = ExportTraceServiceRequest.encode(message).finish();
  const decoded = ExportTraceServiceRequest.decode(bytes);
  const object = ExportTraceServiceRequest.toObject(decoded, { longs: String, enums: Number, bytes: String });
  return { object: mapIds(object, (b64) => Buffer.from(b64, 'base64').toString('hex')), bytes };
}

const hexId = (width) => ({ type: 'string', pattern: `^[0-9a-f]{${width}}$`, not: { pattern: '^0+$' } });
const uint64 = { type: 'string', pattern: '^[0-9]+$' };
const attributes = {
  type: 'array',
  items: {
    type: 'object',
    required: ['key', 'value'],
    properties: {
      key: { type: 'string' },
      value: {
        type: 'object',
        maxProperties: 1,
        properties: { intValue: { type: 'string', pattern: '^-?[0-9]+$' }, doubleValue: { type: 'number' }, stringValue: { type: 'string' }, boolValue: { type: 'boolean' } },
      },
    },
  },
};

/** Our stricter OTLP rules (B.1, E): anchored non-zero ids, decimal-string int64s, integer enums. */
const OTLP_RULES = {
  type: 'object',
  required: ['resourceSpans'],
  properties: {
    resourceSpans: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['resource', 'scopeSpans'],
        properties: {
          resource: { type: 'object', required: ['attributes'], properties: { attributes } },
          scopeSpans: {
            type: 'array',
            items: {
              type: 'object',
              required: ['scope', 'spans'],
              properties: {
                spans: {
                  type: 'array',
                  minItems: 1,
                  items: {
                    type: 'object',
                    required: ['traceId', 'spanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano'],
                    propertyNames: { pattern: '^[a-z][a-zA-Z0-9]*$' },
                    properties: {
                      traceId: hexId(32),
                      spanId: hexId(16),
                      parentSpanId: hexId(16),
                      kind: { type: 'integer', minimum: 0, maximum: 5 },
                      startTimeUnixNano: uint64,
                      endTimeUnixNano: uint64,
                      attributes,
                      events: { type: 'array', items: { type: 'object', required: ['timeUnixNano', 'name'], properties: { timeUnixNano: uint64, attributes } } },
                      status: { type: 'object', properties: { code: { type: 'integer', minimum: 0, maximum: 2 } } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('int64', true);
const validateOtlpRules = ajv.compile(OTLP_RULES);

const zipkinApi = yaml.load(readFileSync(new URL('../fixtures-schema/zipkin2-api.yaml', import.meta.url), 'utf8'));
ajv.addSchema({ $id: 'zipkin2', definitions: zipkinApi.definitions });
const validateZipkinUpstream = ajv.getSchema('zipkin2#/definitions/ListOfSpans');
// The upstream patterns are unanchored ("[a-z0-9]{16,32}"); these are the real rules (B.2, C.1).
const notZero = { not: { pattern: '^0+$' } };
const validateZipkinAnchored = ajv.compile({
  type: 'array',
  items: {
    type: 'object',
    required: ['traceId', 'id', 'timestamp', 'duration'],
    properties: {
      traceId: { type: 'string', pattern: '^(?:[0-9a-f]{16}|[0-9a-f]{32})$', ...notZero },
      id: { type: 'string', pattern: '^[0-9a-f]{16}$', ...notZero },
      parentId: { type: 'string', pattern: '^[0-9a-f]{16}$', ...notZero },
      timestamp: { type: 'integer', minimum: 1 },
      duration: { type: 'integer', minimum: 1 },
      tags: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
});

const jaegerTag = {
  type: 'object',
  required: ['key', 'type', 'value'],
  properties: { key: { type: 'string' }, type: { enum: ['string', 'bool', 'int64', 'float64', 'binary'] } },
};
/** Jaeger UI JSON (B.3): no official schema exists, so this is ours. */
const validateJaegerSchema = ajv.compile({
  type: 'object',
  required: ['data'],
  properties: {
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['traceID', 'spans', 'processes'],
        properties: {
          traceID: { type: 'string', pattern: '^(?:[0-9a-f]{16}|[0-9a-f]{32})$', ...notZero },
          processes: {
            type: 'object',
            additionalProperties: { type: 'object', required: ['serviceName', 'tags'], properties: { serviceName: { type: 'string', minLength: 1 }, tags: { type: 'array', items: jaegerTag } } },
          },
          spans: {
            type: 'array',
            items: {
              type: 'object',
              required: ['traceID', 'spanID', 'operationName', 'references', 'startTime', 'duration', 'tags', 'logs', 'processID'],
              properties: {
                traceID: { type: 'string', pattern: '^(?:[0-9a-f]{16}|[0-9a-f]{32})$' },
                spanID: hexId(16),
                operationName: { type: 'string' },
                references: {
                  type: 'array',
                  items: { type: 'object', required: ['refType', 'traceID', 'spanID'], properties: { refType: { enum: ['CHILD_OF', 'FOLLOWS_FROM'] }, spanID: hexId(16) } },
                },
                startTime: { type: 'integer', minimum: 1 },
                duration: { type: 'integer', minimum: 0 },
                tags: { type: 'array', items: jaegerTag },
                logs: { type: 'array', items: { type: 'object', required: ['timestamp', 'fields'], properties: { timestamp: { type: 'integer' }, fields: { type: 'array', items: jaegerTag } } } },
                processID: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
});

const errorsOf = (validate) => (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');

/** Problems of an OTLP/JSON request under our rules (empty when valid). */
export function otlpRuleErrors(doc) {
  return validateOtlpRules(doc) ? [] : [errorsOf(validateOtlpRules)];
}

/** Problems of a Zipkin v2 span list: upstream definition first, then the anchored rules. */
export function zipkinErrors(list) {
  const errors = [];
  if (!validateZipkinUpstream(list)) errors.push(`zipkin2-api.yaml: ${errorsOf(validateZipkinUpstream)}`);
  if (!validateZipkinAnchored(list)) errors.push(`anchored: ${errorsOf(validateZipkinAnchored)}`);
  return errors;
}

/** Problems of a Jaeger UI document: the schema, then each span's processID and CHILD_OF target. */
export function jaegerErrors(doc) {
  if (!validateJaegerSchema(doc)) return [errorsOf(validateJaegerSchema)];
  const errors = [];
  for (const trace of doc.data) {
    for (const span of trace.spans) {
      if (span.traceID !== trace.traceID) errors.push(`span ${span.spanID}: traceID ${span.traceID} is not its trace's ${trace.traceID}`);
      if (!Object.hasOwn(trace.processes, span.processID)) errors.push(`span ${span.spanID}: no process ${span.processID}`);
    }
  }
  return errors;
}

/** Integer ns from a µs number with up to 3 fraction digits. */
const usToNs = (micros) => Math.round(micros * 1000);

/**
 * Problems of a Chrome trace document (B.4, E): phases, integer pid/tid, numeric
 * ts and dur ≥ 0, named processes and threads, and X slices on each (pid, tid)
 * that nest properly (disjoint or contained). Also returns the X events by lane.
 */
export function chromeErrors(doc) {
  const errors = [];
  const lanes = new Map();
  const processNames = new Set();
  const threadNames = new Set();
  if (!doc || !Array.isArray(doc.traceEvents)) return { errors: ['no traceEvents array'], lanes };
  for (const event of doc.traceEvents) {
    if (!['X', 'B', 'E', 'i', 'M'].includes(event.ph)) errors.push(`ph ${event.ph}`);
    if (!Number.isInteger(event.pid) || !Number.isInteger(event.tid ?? 0)) errors.push(`pid/tid of ${event.name} not integers`);
    if (event.ph === 'M') {
      if (event.name === 'process_name') processNames.add(event.pid);
      if (event.name === 'thread_name') threadNames.add(`${event.pid}/${event.tid}`);
      continue;
    }
    if (typeof event.ts !== 'number' || !Number.isFinite(event.ts)) errors.push(`ts of ${event.name}: ${event.ts}`);
    if (event.ph !== 'X') continue;
    if (typeof event.dur !== 'number' || !(event.dur >= 0)) errors.push(`dur of ${event.name}: ${event.dur}`);
    const key = `${event.pid}/${event.tid}`;
    if (!lanes.has(key)) lanes.set(key, []);
    lanes.get(key).push(event);
  }
  for (const [key, slices] of lanes) {
    if (!processNames.has(Number(key.split('/')[0]))) errors.push(`process of lane ${key} has no process_name`);
    if (!threadNames.has(key)) errors.push(`lane ${key} has no thread_name`);
    const sorted = slices.map((e) => ({ start: usToNs(e.ts), end: usToNs(e.ts) + usToNs(e.dur), name: e.name })).sort((a, b) => a.start - b.start || b.end - a.end);
    const stack = [];
    for (const slice of sorted) {
      while (stack.length > 0 && stack[stack.length - 1].end <= slice.start) stack.pop();
      const top = stack[stack.length - 1];
      if (top && slice.end > top.end) errors.push(`lane ${key}: "${slice.name}" partially overlaps "${top.name}"`);
      stack.push(slice);
    }
  }
  return { errors, lanes };
}

/**
 * Slices that a viewer would show as the child of a span that is not their
 * ancestor: on a lane, the innermost slice enclosing a slice must be one of its
 * ancestors (by `args.traceId`, `spanId`, `parentId`). One text per case.
 */
export function chromeFalseNesting(doc) {
  const { lanes } = chromeErrors(doc);
  const key = (e) => `${e.args.traceId}\u0000${e.args.spanId}`;
  const parentOf = new Map();
  for (const slices of lanes.values()) for (const e of slices) parentOf.set(key(e), e.args.parentId ?? null);
  const isAncestor = (ancestor, e) => {
    if (ancestor.args.traceId !== e.args.traceId) return false;
    const seen = new Set();
    for (let p = parentOf.get(key(e)); p !== null && p !== undefined && !seen.has(p); p = parentOf.get(`${e.args.traceId}\u0000${p}`)) {
      if (p === ancestor.args.spanId) return true;
      seen.add(p);
    }
    return false;
  };
  const found = [];
  for (const [lane, slices] of lanes) {
    const sorted = slices.map((e) => ({ e, start: usToNs(e.ts), end: usToNs(e.ts) + usToNs(e.dur) })).sort((a, b) => a.start - b.start || b.end - a.end);
    const stack = [];
    for (const slice of sorted) {
      while (stack.length > 0 && stack[stack.length - 1].end <= slice.start) stack.pop();
      const top = stack[stack.length - 1];
      // Equal intervals sort either way round: then either may be the ancestor.
      const same = top && top.start === slice.start && top.end === slice.end;
      if (top && !isAncestor(top.e, slice.e) && !(same && isAncestor(slice.e, top.e))) {
        found.push(`lane ${lane}: "${slice.e.name}" (${slice.e.args.spanId}) drawn inside "${top.e.name}" (${top.e.args.spanId})`);
      }
      stack.push(slice);
    }
  }
  return found;
}
