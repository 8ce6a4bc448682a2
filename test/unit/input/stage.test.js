// Staging: stdin and gzip files copied (decompressed) into temporary plain files, so
// they can be read as plain files are; everything else left as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { cutLines, stageSources } from '../../../dist/input/stage.js';
import { readSource } from '../../../dist/input/read-lines.js';
import { TracelogError } from '../../../dist/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'tracelog-stage-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh directory for the copies, to see what is left in it. */
function copiesDir() {
  return mkdtempSync(join(dir, 'copies-'));
}

/** Every line readSource gives for `path` in the stream way, as [line, text] (null: too long). */
async function linesOf(path, stdin = Readable.from([]), maxLineBytes = 1000) {
  const lines = [];
  try {
    await readSource(path, { line: (text, _source, line) => lines.push([line, text]), tooLong: (_s, line) => lines.push([line, null]) }, { maxLineBytes, stdin });
  } catch (err) {
    lines.push(['error', err.message]);
  }
  return lines;
}

const text = `${Array.from({ length: 3000 }, (_, i) => `{"trace_id":"t${i % 7}","span_id":"s${i}","msg":"é ${'x'.repeat(i % 50)}"}`).join('\n')}\r\nlast line without newline`;

test('stdin and a gzip file become plain copies with the same lines, named as before; plain and missing files stay', async () => {
  const plain = join(dir, 'plain.log');
  const gz = join(dir, 'app.log.gz');
  const named = join(dir, 'gzip-named-plain.txt');
  writeFileSync(plain, text);
  writeFileSync(gz, Buffer.concat([gzipSync(text.slice(0, 5000)), gzipSync(text.slice(5000))]));
  writeFileSync(named, gzipSync(text));
  const copies = copiesDir();
  const stdin = new PassThrough();
  stdin.end(gzipSync(text));
  const staged = await stageSources([plain, '-', gz, join(dir, 'missing.log'), named], { stdin, dir: copies });
  try {
    assert.deepEqual(staged.names, [plain, 'stdin', gz, join(dir, 'missing.log'), named]);
    assert.equal(staged.files[0], plain);
    assert.equal(staged.files[3], join(dir, 'missing.log'));
    assert.deepEqual(staged.failures, []);
    const expected = await linesOf(plain);
    assert.equal(expected.length, 3001);
    for (const index of [1, 2, 4]) {
      assert.notEqual(staged.files[index], [plain, '-', gz, '', named][index]);
      assert.equal(readFileSync(staged.files[index], 'utf8'), text, `copy ${index} holds the decompressed bytes`);
      assert.deepEqual(await linesOf(staged.files[index]), expected);
    }
    // Where a copy can be read by its descriptor, it is unlinked at once.
    if (existsSync('/proc/self/fd')) {
      assert.deepEqual(readdirSync(copies), []);
      assert.match(staged.files[1], /^\/proc\/self\/fd\/\d+$/);
    }
  } finally {
    staged.close();
  }
  assert.deepEqual(readdirSync(copies), [], 'nothing is left behind');
  if (existsSync('/proc/self/fd')) assert.equal(existsSync(staged.files[1]), false, 'the copy is let go');
});

test('a named pipe (`<(zcat …)`) is copied too: it can be read only once', { skip: process.platform === 'win32' }, async () => {
  const fifo = join(dir, 'pipe.log');
  execFileSync('mkfifo', [fifo]);
  const writer = createWriteStream(fifo);
  writer.end(text);
  const staged = await stageSources([fifo], { stdin: Readable.from([]), dir: copiesDir() });
  try {
    assert.deepEqual(staged.names, [fifo]);
    assert.notEqual(staged.files[0], fifo);
    assert.equal(readFileSync(staged.files[0], 'utf8'), text);
  } finally {
    staged.close();
  }
});

test('corrupt gzip: the whole lines before the damage are copied, and the file is reported as the stream read reports it', async () => {
  const lines = Array.from({ length: 2000 }, (_, i) => `{"trace_id":"gz","span_id":"s${i}"}`);
  const gz = gzipSync(`${lines.join('\n')}\n`);
  const cut = join(dir, 'cut.log.gz');
  writeFileSync(cut, gz.subarray(0, gz.length - 200));
  const streamed = await linesOf(cut);
  const [, message] = streamed.pop();
  assert.match(message, /^cannot read '.*cut\.log\.gz': corrupt gzip data after line \d+$/);
  const staged = await stageSources([cut], { stdin: Readable.from([]), dir: copiesDir() });
  try {
    assert.deepEqual(staged.failures, [message]);
    assert.deepEqual(await linesOf(staged.files[0]), streamed);
    assert.ok(readFileSync(staged.files[0], 'utf8').endsWith('\n'), 'the line the damage cut off is not copied');
  } finally {
    staged.close();
  }
  // Garbage from the first byte: nothing is copied, and no line is named.
  const garbage = join(dir, 'garbage.gz');
  writeFileSync(garbage, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]));
  const bad = await stageSources([garbage], { stdin: Readable.from([]), dir: copiesDir() });
  try {
    assert.deepEqual(bad.failures, [`cannot read '${garbage}': corrupt gzip data`]);
    assert.equal(readFileSync(bad.files[0], 'utf8'), '');
  } finally {
    bad.close();
  }
});

test('stdin failing part way: the whole lines before it are copied, and it is reported as the stream read reports it', async () => {
  const failing = () =>
    new Readable({
      read() {
        this.push('{"trace_id":"a","span_id":"1"}\n{"trace_id":"a","span_id":"2"}\n{"trace_id":"a","sp');
        this.destroy(Object.assign(new Error('i/o error'), { code: 'EIO' }));
      },
    });
  const streamed = await linesOf('-', failing());
  const [, message] = streamed.pop();
  assert.equal(message, "cannot read 'stdin': i/o error after line 2");
  const staged = await stageSources(['-'], { stdin: failing(), dir: copiesDir() });
  try {
    assert.deepEqual(staged.failures, [message]);
    assert.deepEqual(await linesOf(staged.files[0]), streamed);
  } finally {
    staged.close();
  }
});

test('no temporary file to be had: every source stays as it was, stdin unread', async () => {
  const stdin = new PassThrough();
  stdin.end('{"trace_id":"a"}\n');
  const gz = join(dir, 'kept.log.gz');
  writeFileSync(gz, gzipSync('{"trace_id":"a"}\n'));
  const staged = await stageSources(['-', gz], { stdin, dir: join(dir, 'no-such-directory') });
  assert.deepEqual(staged.files, ['-', gz]);
  assert.deepEqual(await linesOf('-', stdin), [[1, '{"trace_id":"a"}']]);
  staged.close();
});

test('interrupted while copying: tracelog.interrupted, and the copy is removed', async () => {
  const copies = copiesDir();
  const stdin = new PassThrough();
  stdin.write('{"trace_id":"a"}\n');
  const controller = new AbortController();
  const staging = stageSources(['-'], { stdin, dir: copies, signal: controller.signal });
  setTimeout(() => controller.abort(130), 20);
  await assert.rejects(staging, (err) => err instanceof TracelogError && err.code === 'tracelog.interrupted' && err.exitCode === 130);
  assert.deepEqual(readdirSync(copies), []);
});

test('cutLines: every line cut to its first `keep` bytes, across any chunking; newlines counted, the end of the last whole line found', () => {
  let seed = 7;
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const keep = 1 + random(12);
    const lines = Array.from({ length: random(8) }, () => 'x\r'.repeat(random(10)).slice(0, random(25)));
    const text = lines.join('\n') + (random(2) ? '\n' : '');
    const expected = text
      .split('\n')
      .map((line) => line.slice(0, keep))
      .join('\n');
    const cut = { keep, lineBytes: 0, lines: 0 };
    const out = [];
    let whole = -1;
    let written = 0;
    for (let at = 0; at < text.length; ) {
      const size = 1 + random(9);
      const { bytes, wholeEnd } = cutLines(Buffer.from(text.slice(at, at + size)), cut);
      if (wholeEnd >= 0) whole = written + wholeEnd;
      written += bytes.length;
      out.push(bytes);
      at += size;
    }
    const copied = Buffer.concat(out).toString();
    assert.equal(copied, expected, JSON.stringify({ text, keep }));
    assert.equal(cut.lines, (text.match(/\n/g) ?? []).length);
    assert.equal(whole, copied.lastIndexOf('\n') < 0 ? -1 : copied.lastIndexOf('\n') + 1);
  }
});

test('a gzip bomb (64 MiB of one line) is copied cut to the line cap: little disk, and the same line skipped as too long', async () => {
  const bomb = join(dir, 'bomb.log.gz');
  writeFileSync(bomb, gzipSync(Buffer.concat([Buffer.from('{"trace_id":"a"}\n'), Buffer.alloc(64 * 2 ** 20, 0x61), Buffer.from('\n{"trace_id":"b"}\n')])));
  const max = 2 ** 20;
  const streamed = await linesOf(bomb, undefined, max);
  assert.deepEqual(streamed, [[1, '{"trace_id":"a"}'], [2, null], [3, '{"trace_id":"b"}']]);
  const staged = await stageSources([bomb], { stdin: Readable.from([]), dir: copiesDir(), maxLineBytes: max });
  try {
    assert.ok(statSync(staged.files[0]).size < max + 100, `copy of ${statSync(staged.files[0]).size} bytes`);
    assert.deepEqual(await linesOf(staged.files[0], undefined, max), streamed);
    // A line of exactly the cap, with a CR before its newline, is kept whole.
    const exact = join(dir, 'exact.log.gz');
    // One a byte longer is too long, and so is one whose byte after the cap is a CR with more after it.
    writeFileSync(exact, gzipSync(`${'b'.repeat(max)}\r\n${'c'.repeat(max + 1)}\r\n${'d'.repeat(max)}\rmore\n`));
    const again = await stageSources([exact], { stdin: Readable.from([]), dir: copiesDir(), maxLineBytes: max });
    assert.deepEqual((await linesOf(again.files[0], undefined, max)).map(([line, t]) => [line, t?.length ?? null]), [[1, max], [2, null], [3, null]]);
    again.close();
  } finally {
    staged.close();
  }
});
