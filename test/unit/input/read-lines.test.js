// Line splitting at chunk boundaries (as split2's own tests do): a line across
// writes, CRLF split between chunks, a UTF-8 character split across chunks,
// over-long lines skipped and counted once, no final newline, gzip told by
// its magic bytes even when it arrives one byte at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readSource } from '../../../dist/input/read-lines.js';
import { TracelogError } from '../../../dist/errors.js';

/** Feeds `chunks` to readSource('-') one write per turn; returns [lineNo, text | TOO_LONG] pairs. */
async function split(chunks, maxLineBytes = 1000) {
  const stdin = new PassThrough();
  const seen = [];
  const done = readSource(
    '-',
    {
      line: (text, source, line) => seen.push([line, text, source]),
      tooLong: (source, line) => seen.push([line, TOO_LONG, source]),
    },
    { maxLineBytes, stdin },
  );
  for (const chunk of chunks) {
    stdin.write(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  stdin.end();
  await done;
  for (const [, , source] of seen) assert.equal(source, 'stdin');
  return seen.map(([line, text]) => [line, text]);
}
const TOO_LONG = Symbol('too long');

test('a line across several writes', async () => {
  assert.deepEqual(await split(['{"a"', ':1', '}\n{"b":2}\n']), [[1, '{"a":1}'], [2, '{"b":2}']]);
});

test('CRLF, also with CR and LF in different chunks', async () => {
  assert.deepEqual(await split(['one\r\ntwo\r', '\nthree\r\n']), [[1, 'one'], [2, 'two'], [3, 'three']]);
});

test('a lone CR is not a line break', async () => {
  assert.deepEqual(await split(['a\rb\n']), [[1, 'a\rb']]);
});

test('a UTF-8 character split across chunks', async () => {
  const bytes = Buffer.from('{"name":"café ☕ 😀"}\n');
  const cuts = [];
  for (let i = 1; i < bytes.length; i++) cuts.push(bytes.subarray(i - 1, i));
  cuts.push(bytes.subarray(bytes.length - 1));
  assert.deepEqual(await split(cuts), [[1, '{"name":"café ☕ 😀"}']]);
  const euro = Buffer.from('€\n'); // three bytes, split 1 + 2 and 2 + 1
  assert.deepEqual(await split([euro.subarray(0, 1), euro.subarray(1)]), [[1, '€']]);
  assert.deepEqual(await split([euro.subarray(0, 2), euro.subarray(2)]), [[1, '€']]);
});

test('no final newline: the last line still counts', async () => {
  assert.deepEqual(await split(['one\ntwo']), [[1, 'one'], [2, 'two']]);
});

test('blank lines keep their numbers', async () => {
  assert.deepEqual(await split(['\n\nthree\n']), [[1, ''], [2, ''], [3, 'three']]);
});

test('a line at the cap is kept, one byte over is skipped', async () => {
  assert.deepEqual(await split(['1234567890\n12345678901\nok\n'], 10), [[1, '1234567890'], [2, TOO_LONG], [3, 'ok']]);
});

test('the cap counts bytes, not characters', async () => {
  // five é are 10 bytes; six are 12
  assert.deepEqual(await split(['ééééé\néééééé\n'], 10), [[1, 'ééééé'], [2, TOO_LONG]]);
});

test('an over-long line across writes is skipped once and numbering goes on', async () => {
  assert.deepEqual(await split(['ok\n' + 'x'.repeat(20), 'y'.repeat(20), 'z\nlast\n'], 10), [[1, 'ok'], [2, TOO_LONG], [3, 'last']]);
});

test('an over-long line followed by lines in the same write', async () => {
  assert.deepEqual(await split(['x'.repeat(20), 'yyy\nnext\n' + 'w'.repeat(30), '\nend'], 10), [[1, TOO_LONG], [2, 'next'], [3, TOO_LONG], [4, 'end']]);
});

test('an over-long last line without a newline is counted once', async () => {
  assert.deepEqual(await split(['ok\n' + 'x'.repeat(20), 'y'.repeat(20)], 10), [[1, 'ok'], [2, TOO_LONG]]);
});

test('an over-long line that ends exactly at the end of a write', async () => {
  assert.deepEqual(await split(['x'.repeat(20) + '\n', 'ok'], 10), [[1, TOO_LONG], [2, 'ok']]);
});

test('gzip on stdin, arriving one byte at a time', async () => {
  const gz = gzipSync('{"a":1}\r\nline2\nno newline');
  const bytes = [...gz].map((b) => Buffer.from([b]));
  assert.deepEqual(await split(bytes), [[1, '{"a":1}'], [2, 'line2'], [3, 'no newline']]);
});

test('a single byte of input is a line, not a gzip header', async () => {
  assert.deepEqual(await split([Buffer.from([0x1f])]), [[1, '\u001f']]);
});

test('a TracelogError thrown by a handler for an over-long line (--strict) stops the read with that error', async () => {
  const stdin = new PassThrough();
  const stop = new TracelogError('tracelog.strict', 'stdin:1: too long');
  const done = readSource('-', { line: () => undefined, tooLong: () => { throw stop; } }, { maxLineBytes: 10, stdin });
  stdin.write('x'.repeat(50));
  stdin.end();
  await assert.rejects(done, (err) => err === stop);
});

test('a TracelogError thrown by a handler for a line (--strict) stops the read with that error', async () => {
  const stdin = new PassThrough();
  const stop = new TracelogError('tracelog.strict', 'stdin:1: not JSON');
  const done = readSource('-', { line: () => { throw stop; }, tooLong: () => undefined }, { maxLineBytes: 10, stdin });
  stdin.end('a\nb\n');
  await assert.rejects(done, (err) => err === stop);
});

test('corrupt gzip is a read error with a one-line message', async () => {
  const stdin = new PassThrough();
  const gz = gzipSync('{"a":1}\n'.repeat(1000));
  const done = readSource('-', { line: () => undefined, tooLong: () => undefined }, { maxLineBytes: 1000, stdin });
  stdin.end(Buffer.concat([gz.subarray(0, 20), Buffer.alloc(40, 0xff)]));
  await assert.rejects(done, (err) => err.code === 'tracelog.unreadableFile' && /^cannot read 'stdin': corrupt gzip data/.test(err.message));
});

test('a missing file is a read error naming the file', async () => {
  const done = readSource('/nonexistent/tracelog/x.log', { line: () => undefined, tooLong: () => undefined }, { maxLineBytes: 10, stdin: new PassThrough() });
  await assert.rejects(done, (err) => err.code === 'tracelog.unreadableFile' && err.message === "cannot read '/nonexistent/tracelog/x.log': no such file");
});

test('bytes: a file is read only up to the size given (what it held when the run began)', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'tracelog-bytes-'));
  try {
    const path = join(dir, 'growing.log');
    writeFileSync(path, 'one\ntwo\nthree\n');
    const read = async (bytes) => {
      const lines = [];
      await readSource(path, { line: (text) => lines.push(text), tooLong() {} }, { maxLineBytes: 1000, stdin: new PassThrough(), bytes });
      return lines;
    };
    assert.deepEqual(await read(undefined), ['one', 'two', 'three']);
    assert.deepEqual(await read(8), ['one', 'two']);
    assert.deepEqual(await read(10), ['one', 'two', 'th']);
    assert.deepEqual(await read(0), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Lines as they should come out of `text`: split at `\n`, a `\r` before it dropped, byte cap. */
function expectedLines(text, maxLineBytes) {
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  const last = text.endsWith('\n') ? -1 : parts.length - 1;
  return parts.map((part, i) => {
    const line = i !== last && part.endsWith('\r') ? part.slice(0, -1) : part;
    return [i + 1, Buffer.byteLength(line) > maxLineBytes ? TOO_LONG : line];
  });
}

test('random writes of mixed text, long lines and lines over the cap give the lines split at once', async () => {
  // Lines are handed to split2 in pieces of whole lines (up to 64 KiB where lines allow):
  // pieces cut inside big writes, lines across writes, lines longer than a piece.
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const words = ['{"a":1}', 'café', '☕ 😀', 'x'.repeat(300), '"trace_id":"ab"', '\r', ' '];
  const cap = 100_000;
  for (let round = 0; round < 6; round++) {
    const lines = [];
    for (let i = 0; i < 400; i++) {
      const r = random();
      const length = r < 0.02 ? 70_000 + Math.floor(random() * 50_000) : r < 0.04 ? 20_000 : Math.floor(random() * 40);
      let line = '';
      while (line.length < length) line += words[Math.floor(random() * words.length)];
      lines.push(line + (random() < 0.2 ? '\r' : ''));
    }
    const text = lines.join('\n') + (round % 2 === 0 ? '\n' : '');
    const bytes = Buffer.from(text);
    const chunks = [];
    for (let at = 0; at < bytes.length; ) {
      const size = random() < 0.3 ? 1 + Math.floor(random() * 100) : 1 + Math.floor(random() * 300_000);
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(await split(chunks, cap), expectedLines(text, cap), `round ${round}`);
  }
});
