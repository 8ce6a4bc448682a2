import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chunker, chunkTexts } from '../../../dist/parallel/written.js';

test('written traces come out of the chunks with their bytes, in order; each chunk moves its memory', () => {
  const sent = [];
  const chunker = new Chunker((chunk) => {
    // As the worker sends it: the memory moves, so the chunker must never write there again.
    sent.push(structuredClone(chunk, { transfer: [chunk.data.buffer] }));
  });
  const texts = [];
  const problems = [];
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 6000; i++) {
    const kind = next() % 9;
    let text = kind === 0 ? null : kind === 1 ? '' : `trace ${i} ${'東京é'.repeat(next() % 300)}${'x'.repeat(next() % 3000)}\n`;
    // Larger than a chunk, counted as three bytes a unit, and as it is.
    if (i === 2000) text = 'a'.repeat(500_000);
    if (i === 4000) text = '東'.repeat(600_000);
    texts.push(text);
    problems.push(kind === 2 ? [`problem ${i}`] : []);
    chunker.add(BigInt(i), i, text, problems[i]);
  }
  chunker.flush();
  const got = sent.flatMap((chunk) => chunkTexts(chunk).map((bytes, k) => [chunk.orders[k], bytes === null ? null : Buffer.from(bytes).toString(), chunk.problems[k]]));
  assert.deepEqual(got, texts.map((text, i) => [i, text, problems[i]]));
  assert.ok(sent.length > 5 && sent.every((chunk) => chunk.lengths.length <= 4096));
});

test('a chunk of traces without text (a view that shows none) is sent with no bytes', () => {
  const sent = [];
  const chunker = new Chunker((chunk) => sent.push(structuredClone(chunk, { transfer: [chunk.data.buffer] })));
  for (let i = 0; i < 5000; i++) chunker.add(BigInt(i), i, null, [`problem ${i}`]);
  chunker.flush();
  assert.deepEqual(sent.map((chunk) => [chunk.lengths.length, chunk.data.length]), [[4096, 0], [904, 0]]);
});
