// Follow mode: traces come out as they complete (root ended + idle, or pushed out by
// the window), late spans become continuations, and memory stays bounded on a long stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FollowAssembler } from '../../../dist/trace/follow.js';

const T0 = 1_714_557_600_000_000_000n;
function record(traceId, spanId, parentId, { kind = 'span', startMs = 0, durationMs = 1 } = {}) {
  return {
    kind, traceId, spanId, parentId, name: spanId, service: 'svc',
    timeNs: T0 + BigInt(startMs) * 1_000_000n, timeDigits: 3,
    durationNs: kind === 'span' ? BigInt(durationMs) * 1_000_000n : null,
    error: false, statusMessage: null, spanKind: null, message: kind === 'event' ? 'log' : null,
    tags: Object.create(null), source: 'test', line: 0,
  };
}

test('a trace is emitted when its root has ended and it has been idle', () => {
  const f = new FollowAssembler({ idleMs: 2000, window: 1000 });
  assert.deepEqual(f.add(record('a', 'child', 'root'), 0), []);
  assert.deepEqual(f.tick(5000), [], 'no root yet: not complete after one idle period');
  f.add(record('a', 'root', null), 5000);
  assert.deepEqual(f.tick(6000), [], 'root ended but not idle yet');
  const out = f.tick(7000);
  assert.equal(out.length, 1);
  assert.equal(out[0].spanCount, 2);
  assert.equal(out[0].roots[0].spanId, 'root');
  assert.equal(f.held, 0);
});

test('traces come out in completion order, not start order', () => {
  const f = new FollowAssembler({ idleMs: 100, window: 1000 });
  f.add(record('early', 'r', null, { startMs: 0 }), 0);
  f.add(record('late', 'r', null, { startMs: 50 }), 0);
  f.add(record('early', 'x', 'r', { startMs: 1 }), 500); // early keeps getting lines
  const first = f.tick(150);
  assert.deepEqual(first.map((t) => t.traceId), ['late']);
  assert.deepEqual(f.tick(700).map((t) => t.traceId), ['early']);
});

test('the window pushes out traces the input has moved past, root or not', () => {
  const f = new FollowAssembler({ idleMs: 1e9, window: 3 });
  f.add(record('a', 's', 'missing'), 0);
  assert.deepEqual(f.add(record('b', 's', null), 0), []);
  assert.deepEqual(f.add(record('c', 's', null), 0), []);
  const out = f.add(record('d', 's', null), 0);
  assert.deepEqual(out.map((t) => t.traceId), ['a']);
  assert.equal(out[0].roots[0].synthetic, true, 'the missing parent is a placeholder');
});

test('a late span of a trace already shown is emitted as a continuation', () => {
  const f = new FollowAssembler({ idleMs: 10, window: 1000 });
  f.add(record('a', 'root', null), 0);
  assert.equal(f.tick(20).length, 1);
  f.add(record('a', 'late', 'root'), 30);
  const out = f.tick(100);
  assert.equal(out.length, 1);
  assert.equal(out[0].continuation, true);
  assert.equal(out[0].roots[0].spanId, 'root', 'shown under a placeholder for the root it belongs to');
  assert.equal(out[0].roots[0].synthetic, true);
});

test('end of input flushes everything by start time', () => {
  const f = new FollowAssembler({ idleMs: 1e9, window: 1e9 });
  f.add(record('b', 'r', null, { startMs: 10 }), 0);
  f.add(record('a', 'r', null, { startMs: 5 }), 0);
  assert.deepEqual(f.finish().map((t) => t.traceId), ['a', 'b']);
});

test('held spans stay bounded on a long stream (window flush)', () => {
  const window = 500;
  const f = new FollowAssembler({ idleMs: 1e9, window });
  let maxHeld = 0;
  let emitted = 0;
  for (let i = 0; i < 200_000; i++) {
    const trace = `t${Math.floor(i / 7)}`; // traces of 7 lines, interleaved with the next ones
    emitted += f.add(record(trace, `s${i}`, i % 7 === 0 ? null : `s${i - (i % 7)}`), 0).length;
    maxHeld = Math.max(maxHeld, f.held);
  }
  emitted += f.finish().length;
  assert.equal(emitted, Math.ceil(200_000 / 7));
  assert.ok(maxHeld <= window + 7, `held ${maxHeld} spans`);
});
