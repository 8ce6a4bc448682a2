// Regression: spans from the OpenTelemetry JS SDK (starts rounded to the millisecond,
// sub-millisecond durations) were flagged as skewed when a child ended a fraction of a
// millisecond after its parent. Skew is flagged only past SKEW_TOLERANCE_NS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Assembler, SKEW_TOLERANCE_NS } from '../../../dist/trace/assemble.js';

const T0 = 1_714_557_600_000_000_000n;
const record = (spanId, parentId, startNs, durationNs) => ({
  kind: 'span', traceId: 't', spanId, parentId, name: spanId, service: null,
  timeNs: T0 + startNs, timeDigits: 9, durationNs, error: false, statusMessage: null,
  spanKind: null, message: null, tags: {}, source: 'test', line: 1,
});

test('a child sticking out of its parent by less than the tolerance is not skewed; more is', () => {
  assert.equal(SKEW_TOLERANCE_NS, 1_000_000n);
  const a = new Assembler();
  a.add(record('parent', null, 0n, 10_000_000n));
  a.add(record('rounding', 'parent', 9_000_000n, 1_500_000n)); // ends 0.5 ms after the parent
  a.add(record('early', 'parent', -900_000n, 1_000_000n)); // starts 0.9 ms before
  a.add(record('skewed', 'parent', 9_000_000n, 2_500_000n)); // ends 1.5 ms after
  a.add(record('before', 'parent', -2_000_000n, 1_000_000n)); // starts 2 ms before
  const [trace] = a.finish();
  const skew = Object.fromEntries(trace.roots[0].children.map((s) => [s.spanId, s.skew]));
  assert.deepEqual(skew, { before: true, early: false, rounding: false, skewed: true });
});
