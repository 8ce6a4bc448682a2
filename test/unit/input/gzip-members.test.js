// gzip read member by member: header fields (FNAME, FEXTRA, FCOMMENT, FHCRC), several
// members, zero padding, a bad CRC, and what follows a member that is not gzip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { gzipSync, crc32 } from 'node:zlib';
import { readSource } from '../../../dist/input/read-lines.js';

async function read(bytes, chunkSize = 7) {
  const stdin = new PassThrough();
  const lines = [];
  const done = readSource('-', { line: (text) => lines.push(text), tooLong() {} }, { maxLineBytes: 1 << 20, stdin });
  for (let i = 0; i < bytes.length; i += chunkSize) stdin.write(bytes.subarray(i, i + chunkSize));
  stdin.end();
  try {
    await done;
    return { lines, error: null };
  } catch (err) {
    return { lines, error: err.message };
  }
}

/** A gzip member with every optional header field set (as `gzip -N` and others write). */
function memberWithHeaderFields(text) {
  const plain = gzipSync(text);
  const body = plain.subarray(10); // deflate data + trailer
  const extra = Buffer.from([4, 0, 0x41, 0x42, 0x43, 0x44]); // XLEN 4
  const name = Buffer.from('app.log\0');
  const comment = Buffer.from('rotated\0');
  const header = Buffer.from([0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3]);
  const beforeCrc = Buffer.concat([header, extra, name, comment]);
  const hcrc = Buffer.alloc(2);
  hcrc.writeUInt16LE(crc32(beforeCrc) & 0xffff);
  return Buffer.concat([beforeCrc, hcrc, body]);
}

test('header fields, several members, zero padding: every line, in order, in any chunking', async () => {
  const bytes = Buffer.concat([memberWithHeaderFields('a\nb\n'), gzipSync('c\n'), gzipSync(''), gzipSync('d\n'), Buffer.alloc(100)]);
  for (const size of [1, 3, 10, 64, 1 << 16]) {
    assert.deepEqual(await read(bytes, size), { lines: ['a', 'b', 'c', 'd'], error: null }, `chunks of ${size}`);
  }
});

test('a bad CRC is corrupt data; bytes that are not gzip after a member too, the lines before them kept', async () => {
  const bad = Buffer.from(gzipSync('x\n'));
  bad[bad.length - 8] ^= 1;
  const first = await read(Buffer.concat([gzipSync('a\n'), bad]));
  assert.deepEqual(first.lines, ['a', 'x']);
  assert.match(first.error, /corrupt gzip data after line 2/);
  const big = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const second = await read(Buffer.concat([gzipSync(big), Buffer.from('not gzip\n')]), 4096);
  assert.equal(second.lines.length, 5000);
  assert.match(second.error, /corrupt gzip data after line 5000/);
});

test('a header cut short is a truncated file: the magic bytes alone, and a second member cut in its header', async () => {
  const alone = await read(Buffer.from([0x1f, 0x8b]), 1);
  assert.deepEqual(alone, { lines: [], error: "cannot read 'stdin': corrupt gzip data" });
  const first = gzipSync('one\ntwo\n');
  for (const cut of [1, 2, 5, 9]) {
    const r = await read(Buffer.concat([first, gzipSync('three\n').subarray(0, cut)]), 3);
    assert.deepEqual(r, { lines: ['one', 'two'], error: "cannot read 'stdin': corrupt gzip data after line 2" }, `cut after ${cut} bytes`);
  }
});
