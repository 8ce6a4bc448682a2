// The output writer queues texts and bytes and writes them in large chunks, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { OutputWriter } from '../../../dist/output/writer.js';

function sink() {
  const chunks = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, chunks };
}

test('bytes next to each other in one buffer are written as one view of it, uncopied', async () => {
  const { stream, chunks } = sink();
  const writer = new OutputWriter(stream);
  const piece = Buffer.from('{"a":1}\n{"b":2}\n{"c":3}\n');
  await writer.write(piece.subarray(0, 8));
  await writer.write(piece.subarray(8, 16));
  await writer.write(piece.subarray(16));
  await writer.flush();
  assert.equal(chunks.length, 1);
  assert.equal(Buffer.from(chunks[0]).toString(), piece.toString());
  assert.equal(chunks[0].buffer, piece.buffer);
});

test('texts and bytes from different places come out in order', async () => {
  const { stream, chunks } = sink();
  const writer = new OutputWriter(stream);
  const one = Buffer.from('one\ntwo\n');
  const other = Buffer.from('three\n');
  await writer.write(one.subarray(4));
  await writer.write(one.subarray(0, 4)); // before, not after, the bytes queued last: not joined
  await writer.write('text\n');
  await writer.write(other);
  await writer.write(one.subarray(0, 4));
  await writer.flush();
  assert.equal(Buffer.concat(chunks.map((c) => Buffer.from(c))).toString(), 'two\none\ntext\nthree\none\n');
  const strings = sink();
  const texts = new OutputWriter(strings.stream);
  await texts.write('a');
  await texts.write('b');
  await texts.flush();
  assert.equal(Buffer.concat(strings.chunks.map((c) => Buffer.from(c))).toString(), 'ab');
});
