import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeldTexts } from '../../../dist/parallel/held.js';
import { openSpill } from '../../../dist/parallel/spill.js';

const dir = mkdtempSync(join(tmpdir(), 'tracelog-held-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic entries: starts with ties, texts as strings and bytes, some none, one over the spill's buffer. */
function entries() {
  const out = [];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 3000; i++) {
    const start = BigInt(next() % 500) * 1000n;
    const order = i * 3 + (next() % 3);
    const kind = next() % 7;
    let text = kind === 0 ? null : `trace ${i} ✓ ${'x'.repeat(next() % 2000)}\n`;
    if (i === 1234) text = `big ${'é'.repeat(2 ** 20)}\n`;
    if (text !== null && kind % 2 === 1) text = Buffer.from(text);
    out.push({ start, order, text, problems: kind === 3 ? [`problem ${i}`] : [] });
  }
  return out;
}

function expected(list) {
  return [...list]
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.order - b.order))
    .map((e) => [e.text === null ? null : Buffer.from(e.text).toString(), e.problems]);
}

function drained(held) {
  return [...held.inOrder()].map(([text, problems]) => [text === null ? null : Buffer.from(text).toString(), problems]);
}

for (const memoryBytes of [0, 100_000, Infinity]) {
  test(`held texts come out in start order, then first appearance (${memoryBytes} bytes in memory, the rest spilled)`, () => {
    const list = entries();
    let appended = 0;
    const held = new HeldTexts(() => {
      const spill = openSpill(dir);
      assert.ok(spill);
      const { append, appendText } = spill;
      spill.append = (bytes) => (appended++, append.call(spill, bytes));
      spill.appendText = (text) => (appended++, appendText.call(spill, text));
      return spill;
    }, memoryBytes);
    for (const e of list) held.add(e.start, e.order, e.text, e.problems);
    assert.deepEqual(readdirSync(dir), [], 'the spill file is unlinked once open');
    assert.deepEqual(drained(held), expected(list));
    if (memoryBytes === Infinity) assert.equal(appended, 0);
    else assert.ok(appended > list.length / 2, `spilled ${appended}`);
  });
}

test('with no spill file to be had, everything stays in memory', () => {
  assert.equal(openSpill(join(dir, 'no-such-dir')), null);
  const list = entries();
  const held = new HeldTexts(() => openSpill(join(dir, 'no-such-dir')), 0);
  for (const e of list) held.add(e.start, e.order, e.text, e.problems);
  assert.deepEqual(drained(held), expected(list));
});

test('a spill file reads back what was appended, across its buffer', () => {
  const spill = openSpill(dir);
  const pieces = [Buffer.alloc(1000, 1), 'añb'.repeat(200_000), Buffer.alloc(3 * 2 ** 20, 2), '', 'end'];
  const at = pieces.map((p) => (typeof p === 'string' ? spill.appendText(p) : [spill.append(p), p.length]));
  pieces.forEach((p, i) => {
    const [offset, length] = at[i];
    const target = Buffer.alloc(length + 2);
    spill.read(target, 1, length, offset);
    assert.ok(target.subarray(1, 1 + length).equals(Buffer.from(p)), `piece ${i}`);
  });
  spill.close();
});
