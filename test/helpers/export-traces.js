// Awkward traces for the export and import tests: UUID, decimal (above 2^53),
// 0x-prefixed, uppercase and free-text ids, nested and lossless tag values,
// errors, events, a synthetic placeholder, null names and services.

import { LosslessNumber } from '../../dist/types.js';
import { EPOCH_NS, makeSpan, makeTrace } from './spans.js';

export { EPOCH_NS };

const UUID_TRACE = '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11';
const UUID_ROOT = '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f';

/** Honeycomb-style trace: UUID ids, free-text and decimal span ids, fan-out, nested tags. */
export function uuidTrace() {
  const root = makeSpan({
    spanId: UUID_ROOT,
    name: 'GET /cart',
    service: 'checkout',
    kind: 'server',
    startMs: 0,
    durationMs: 152.3,
    tags: {
      'http.route': '/cart',
      http: { method: 'GET', status: 200, headers: ['a', 'b'] },
      big: new LosslessNumber('9007199254740993'),
      negative: -42,
      ratio: 0.25,
      mixed: [1, 'two', null, true, { x: 1.5 }],
      ok: false,
      nothing: null,
      ['__proto__']: 'kept as a key',
    },
    events: [
      { timeNs: EPOCH_NS + 1_500_000n, timeDigits: 9, name: 'cache miss', fields: { key: 'cart:42', size: 3 } },
      { timeNs: EPOCH_NS + 2_000_001n, timeDigits: 9, name: 'retry', fields: {} },
    ],
  });
  const db = makeSpan({
    spanId: 'db-query-1',
    parentId: UUID_ROOT,
    name: 'SELECT cart',
    service: 'db',
    kind: 'client',
    error: true,
    statusMessage: 'timeout after 5s',
    startNs: EPOCH_NS + 10_123_457n,
    durationNs: 5_000_001n,
    tags: { 'db.rows': 0, 'db.statement': 'select * from cart where id = ?' },
  });
  const decimal = makeSpan({
    spanId: '12345678901234567890',
    parentId: UUID_ROOT,
    name: 'price lookup',
    service: 'checkout',
    kind: 'internal',
    startMs: 12,
    durationMs: 40,
  });
  const prefixed = makeSpan({
    spanId: '0x00f067aa0ba902b7',
    parentId: '12345678901234567890',
    name: 'rpc pricing',
    service: 'pricing',
    kind: 'producer',
    startMs: 15,
    durationMs: 0.0004, // sub-µs: Zipkin must write duration 1
  });
  return makeTrace([root, db, decimal, prefixed], UUID_TRACE);
}

/** Datadog-style trace: decimal trace id, uppercase hex span id, a placeholder for a missing parent, null name and service. */
export function datadogTrace() {
  const placeholder = makeSpan({
    spanId: 'missing-parent',
    name: null,
    service: null,
    synthetic: true,
    startMs: 100,
    durationMs: 30,
    events: [{ timeNs: EPOCH_NS + 101_000_000n, timeDigits: 3, name: 'orphan event', fields: { note: 'x' } }],
  });
  const child = makeSpan({
    spanId: '9876543210987654321',
    parentId: 'missing-parent',
    name: null,
    service: null,
    kind: 'consumer',
    startMs: 100,
    durationMs: 30,
    tags: { 'dd.env': 'prod', count: new LosslessNumber('-9223372036854775808') },
  });
  const upper = makeSpan({
    spanId: 'ABCDEF0123456789',
    parentId: '9876543210987654321',
    name: 'work',
    service: 'worker',
    startMs: 110,
    durationMs: 5,
    error: true,
    statusMessage: null,
  });
  return makeTrace([placeholder, child, upper], '1234567890123456789');
}

/** Already well-formed ids: nothing to record as original (except the padded 16-hex trace id in OTLP). */
export function hexTrace(traceId = '4bf92f3577b34da6a3ce929d0e0e4736') {
  const root = makeSpan({ spanId: '00f067aa0ba902b7', name: 'root', service: 'api', kind: 'server', startMs: 0, durationMs: 10 });
  const child = makeSpan({
    spanId: '3ff9a8981b7ccd5a',
    parentId: '00f067aa0ba902b7',
    name: 'child',
    service: 'api',
    startMs: 2,
    durationMs: 3,
  });
  return makeTrace([root, child], traceId);
}

export function allTraces() {
  return [uuidTrace(), datadogTrace(), hexTrace(), hexTrace('5af7183fb1d4cf5f')];
}

/** Null-prototype objects and LosslessNumber made comparable with deepStrictEqual. */
export function canon(value) {
  if (value instanceof LosslessNumber) return { lossless: value.text };
  if (Array.isArray(value)) return value.map(canon);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: canon(value[key]), enumerable: true });
    return out;
  }
  return value;
}
