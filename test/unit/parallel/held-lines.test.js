// What a share holds per trace until the trace ends: each trace's items in the order they
// came, whatever other traces hold meanwhile, and slots used again once let go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeldLines } from '../../../dist/parallel/held-lines.js';

const taken = (held, trace) => {
  const items = [];
  held.take(trace, (value, place) => items.push([value, place]));
  return items;
};

test('each trace gets back its own items, in order, interleaved with others over many slots', () => {
  const held = new HeldLines(50);
  const expected = Array.from({ length: 50 }, () => []);
  // A seeded walk: traces come and go, more items than the first slots hold.
  let s = 7;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let place = 0; place < 20000; place++) {
    const trace = Math.floor(next() * 50);
    if (next() < 0.02) {
      assert.deepEqual(taken(held, trace), expected[trace], `trace ${trace} at ${place}`);
      expected[trace] = [];
      assert.equal(held.holds(trace), false);
      continue;
    }
    const value = next() < 0.1 ? { record: place } : `line ${place}`;
    held.add(trace, value, place * 2 ** 20);
    expected[trace].push([value, place * 2 ** 20]);
    assert.equal(held.holds(trace), true);
  }
  assert.deepEqual(held.traces(), expected.flatMap((items, trace) => (items.length > 0 ? [trace] : [])));
  for (const trace of held.traces()) assert.deepEqual(taken(held, trace), expected[trace]);
  assert.deepEqual(held.traces(), []);
});

test('slots let go are used again: holding the same number of items again needs no more', () => {
  const held = new HeldLines(2);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 3000; i++) held.add(i % 2, `x${i}`, i);
    assert.equal(taken(held, 0).length, 1500);
    assert.equal(taken(held, 1).length, 1500);
  }
  // 3,000 slots at most were ever in use: the arrays grew to 4,096 once, not per round.
  assert.equal(held.slots, 4096);
});
