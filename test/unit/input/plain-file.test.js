// A regular, uncompressed file is read from its bytes (plain-file.ts), not through the
// stream and split2: its lines must be numbered, split, decoded and capped exactly as the
// stream reader does them — over every chunk size, at every place a chunk can end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readSource } from '../../../dist/input/read-lines.js';

const TOO_LONG = 'TOO LONG';
const dir = mkdtempSync(join(tmpdir(), 'tracelog-plain-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** [line, text | TOO_LONG] for `bytes` read as a file (with `chunkBytes`) or through the stream reader. */
async function lines(bytes, maxLineBytes, how) {
  const seen = [];
  const handlers = { line: (text, _s, line) => seen.push([line, text]), tooLong: (_s, line) => seen.push([line, TOO_LONG]) };
  if (how === 'stream') await readSource('-', handlers, { maxLineBytes, stdin: Readable.from([bytes]) });
  else {
    const path = join(dir, 'log.jsonl');
    writeFileSync(path, bytes);
    await readSource(path, handlers, { maxLineBytes, stdin: Readable.from([]), chunkBytes: how });
  }
  return seen;
}

/** A deterministic pseudo-random source, so a failure names its seed. */
function random(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const PIECES = ['a', 'b', '{', '"', '\n', '\n', '\r', '\r\n', 'é', '☕', '😀', ' '];

test('random files read as the stream reader reads them, at every chunk size', async () => {
  for (let seed = 1; seed <= 300; seed++) {
    const next = random(seed);
    let text = '';
    const length = Math.floor(next() * 60);
    for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
    const bytes = Buffer.from(text);
    const max = 1 + Math.floor(next() * 12);
    const expected = await lines(bytes, max, 'stream');
    for (const chunk of [1, 2, 3, 5, 8, 64]) assert.deepEqual(await lines(bytes, max, chunk), expected, `seed ${seed}, chunk ${chunk}, max ${max}: ${JSON.stringify(text)}`);
  }
});

test('edges: CRLF at the cap, a lone CR at the end, empty lines, no final newline, a BOM, invalid UTF-8', async () => {
  // A line of exactly the cap, its CR and LF in later chunks, is not too long.
  assert.deepEqual(await lines(Buffer.from('abcde\r\nabcdef\r\n'), 5, 2), [[1, 'abcde'], [2, TOO_LONG]]);
  // A CR with no LF after it at the end of the file stays in the line, as the stream reader keeps it.
  assert.deepEqual(await lines(Buffer.from('a\r\nb\r'), 10, 1), [[1, 'a'], [2, 'b\r']]);
  assert.deepEqual(await lines(Buffer.from('\n\nx\n'), 10, 1), [[1, ''], [2, ''], [3, 'x']]);
  assert.deepEqual(await lines(Buffer.from('\uFEFF{"a":1}'), 100, 3), [[1, '\uFEFF{"a":1}']]);
  assert.deepEqual(await lines(Buffer.from([0x7b, 0xff, 0xc3, 0x0a, 0x7d, 0x0a]), 100, 1), [[1, '{\uFFFD\uFFFD'], [2, '}']]);
  // A too-long line spanning many chunks counts once, and the lines after it are whole.
  assert.deepEqual(await lines(Buffer.from(`${'x'.repeat(50)}\nok\n${'y'.repeat(50)}`), 10, 4), [[1, TOO_LONG], [2, 'ok'], [3, TOO_LONG]]);
});

test('lines a caller does not want are not decoded, and still numbered', async () => {
  const path = join(dir, 'wanted.jsonl');
  writeFileSync(path, 'one\ntwo\nthree\nfour\n');
  const seen = [];
  await readSource(
    path,
    { line: (text, _s, line) => seen.push([line, text]), tooLong: () => assert.fail('not too long'), wanted: (line) => line % 2 === 0, unread: (_s, line) => seen.push([line, null]) },
    { maxLineBytes: 100, stdin: Readable.from([]), chunkBytes: 3 },
  );
  assert.deepEqual(seen, [[1, null], [2, 'two'], [3, null], [4, 'four']]);
});

test('a handler that stops the read while the next chunk is being read: its error comes out, once, and the file closes', async () => {
  const { open } = await import('node:fs/promises');
  const { readPlainChunks } = await import('../../../dist/input/plain-file.js');
  const path = join(dir, 'stop.jsonl');
  writeFileSync(path, 'line\n'.repeat(1000));
  const rejections = [];
  const onRejection = (err) => rejections.push(err);
  process.on('unhandledRejection', onRejection);
  const handle = await open(path, 'r');
  let calls = 0;
  try {
    await assert.rejects(
      readPlainChunks(handle, 5000, 100, undefined, () => {
        calls++;
        throw new Error('stop here');
      }, 64),
      /stop here/,
    );
  } finally {
    await handle.close();
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  process.off('unhandledRejection', onRejection);
  assert.equal(calls, 1);
  assert.deepEqual(rejections, []);
});

test('chunks are handed over whole and in order while the next is read into the other buffer', async () => {
  const { open } = await import('node:fs/promises');
  const { readPlainChunks } = await import('../../../dist/input/plain-file.js');
  const path = join(dir, 'order.jsonl');
  const text = Array.from({ length: 500 }, (_, i) => `${i}:${'x'.repeat(i % 37)}`).join('\n');
  writeFileSync(path, text);
  const handle = await open(path, 'r');
  let got = '';
  try {
    await readPlainChunks(handle, Buffer.byteLength(text), 1000, undefined, (data, to, _long, eof) => {
      got += data.toString('utf8', 0, eof ? to - 1 : to);
    }, 97);
  } finally {
    await handle.close();
  }
  assert.equal(got, text);
});
