import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../../../dist/render/format-duration.js';
import { formatTimestamp } from '../../../dist/render/format-time.js';

test('formatDuration writes three significant digits in the largest fitting unit', () => {
  const cases = [
    [0n, '0'],
    [1n, '1ns'],
    [850n, '850ns'],
    [999n, '999ns'],
    [1_000n, '1µs'],
    [1_234n, '1.23µs'],
    [850_000n, '850µs'],
    [999_499n, '999µs'],
    [999_500n, '1ms'],
    [1_000_000n, '1ms'],
    [12_345_678n, '12.3ms'],
    [12_000_000n, '12ms'],
    [120_000_000n, '120ms'],
    [1_240_000_000n, '1.24s'],
    [1_235_000_000n, '1.24s'],
    [59_940_000_000n, '59.9s'],
    [59_960_000_000n, '1m'],
    [123_000_000_000n, '2m3s'],
    [123_600_000_000n, '2m4s'],
    [300_000_000_000n, '5m'],
    [3_599_400_000_000n, '59m59s'],
    [3_599_600_000_000n, '1h'],
    [3_720_000_000_000n, '1h2m'],
    [93_600_000_000_000n, '26h'],
    [-5_000n, '-5µs'],
  ];
  for (const [ns, text] of cases) assert.equal(formatDuration(ns), text, `${ns}ns`);
});

test('formatTimestamp writes RFC 3339 UTC with the input precision, never rounding up', () => {
  const ns = 1_714_557_600_123_456_789n;
  assert.equal(formatTimestamp(ns, 0), '2024-05-01T10:00:00Z');
  assert.equal(formatTimestamp(ns, 3), '2024-05-01T10:00:00.123Z');
  assert.equal(formatTimestamp(ns, 9), '2024-05-01T10:00:00.123456789Z');
  assert.equal(formatTimestamp(1_714_557_600_999_999_999n, 3), '2024-05-01T10:00:00.999Z');
  assert.equal(formatTimestamp(-1n, 9), '1969-12-31T23:59:59.999999999Z');
  assert.equal(formatTimestamp(10n ** 30n, 3), `${10n ** 30n}ns`);
});
