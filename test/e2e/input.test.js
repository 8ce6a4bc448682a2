// Where lines come from and how bad ones are handled: files and stdin give the
// same output, several files and `-`, gzip by magic bytes, the skipped-lines
// summary, --strict, --quiet and the line-length cap (with 20 MiB lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { once } from 'node:events';
import { FIXTURES, fixture, makeTempDir, parseSpans, runCli, STACK_TRACE, streamEnv } from '../helpers/cli.js';

const tmp = makeTempDir();
test.after(() => tmp.cleanup());

const read = (name) => readFileSync(join(FIXTURES, name));

test('stdin and a file give identical output', async () => {
  for (const name of ['book-example.jsonl', 'begin-end.jsonl', 'cycle.jsonl', 'datadog-bigint.jsonl', 'crlf-bom.log', 'gzip-without-suffix.log']) {
    for (const format of name === 'cycle.jsonl' || name === 'datadog-bigint.jsonl' ? ['spans', 'traces'] : ['spans']) {
      const fromFile = await runCli(['convert', '--format', format, fixture(name)]);
      const fromStdin = await runCli(['convert', '--format', format], { input: read(name) });
      const fromDash = await runCli(['convert', '--format', format, '-'], { stdinFile: join(FIXTURES, name) });
      // With no temporary directory, stdin is read in one pass as a stream.
      const fromStream = await runCli(['convert', '--format', format], { input: read(name), env: streamEnv() });
      assert.equal(fromFile.code, 0, name);
      assert.equal(fromStdin.code, 0, name);
      assert.ok(fromFile.stdout.length > 0, name);
      assert.equal(fromStdin.stdout, fromFile.stdout, `${name} ${format}: stdin`);
      assert.equal(fromDash.stdout, fromFile.stdout, `${name} ${format}: -`);
      assert.equal(fromStream.stdout, fromFile.stdout, `${name} ${format}: stdin as a stream`);
      assert.equal(fromStdin.stderr, fromFile.stderr, name);
      assert.equal(fromStream.stderr, fromFile.stderr, name);
    }
  }
});

test("Docker's json-file log (each line wrapped as {\"log\":…}) gives the spans of the application's log, in one thread and two", async () => {
  const app = read('demo.jsonl').toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const lines = [];
  // 17 MiB of lines, many read chunks for each thread; each trace once.
  for (let copy = 0; lines.length * 300 < 17 * 2 ** 20; copy++) {
    for (const line of app) {
      const own = line.replaceAll('4bf92f3577b34da6a3ce929d0e0e4736', `4bf92f3577b34da6a3ce929d${String(copy).padStart(7, '0')}`).replaceAll('5b0e2f3c9d11', String(copy).padStart(12, '0'));
      lines.push(JSON.stringify({ log: `${own}\n`, stream: 'stdout', time: '2026-01-01T00:00:00.000000001Z' }));
    }
  }
  const wrapped = join(tmp.dir, 'docker-json-file.log');
  writeFileSync(wrapped, `${lines.join('\n')}\n`);
  const plain = join(tmp.dir, 'docker-app.log');
  writeFileSync(plain, `${lines.map((l) => JSON.parse(l).log).join('')}`);
  const expected = await runCli(['convert', '--threads', '1', plain]);
  assert.equal(expected.code, 0);
  assert.equal(expected.stderr, '');
  assert.ok(parseSpans(expected.stdout).length > 1000);
  // The first pass finds the trace ids inside the wrapped lines: traces are written as they end.
  const { streamTextsHere } = await import('../../dist/parallel/load-parallel.js');
  const { Diagnostics } = await import('../../dist/diagnostics.js');
  const options = { files: [wrapped], strict: false, maxLineBytes: 1 << 20, lineOptions: {}, fields: 'text' };
  assert.notEqual(await streamTextsHere(options, { kind: 'spans' }, { stdinIsTTY: false }, new Diagnostics()), null);
  for (const threads of ['1', '2']) {
    const result = await runCli(['convert', '--threads', threads, wrapped]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, expected.stdout, `--threads ${threads}`);
    assert.equal(result.stderr, '', `--threads ${threads}`);
  }
});

test('a CRI log (containerd, CRI-O) whose long lines are split in P and F parts gives the spans of the application\'s log: file, stdin, two threads', async () => {
  const app = read('demo.jsonl').toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const time = '2026-11-24T10:00:00.123456789Z';
  const cri = [];
  app.forEach((line, i) => {
    const stream = i % 3 === 0 ? 'stderr' : 'stdout';
    if (i % 2 === 1 || line.length < 40) return cri.push(`${time} ${stream} F ${line}`);
    // Cut anywhere: inside a key, a string, a number.
    const a = 7 + (i % 11);
    const b = Math.floor(line.length / 2) + (i % 5);
    cri.push(`${time} ${stream} P ${line.slice(0, a)}`, `${time} ${stream} P ${line.slice(a, b)}`, `${time} ${stream} F ${line.slice(b)}`);
  });
  const path = join(tmp.dir, 'cri.log');
  writeFileSync(path, `${cri.join('\n')}\n`);
  const expected = await runCli(['convert', fixture('demo.jsonl')]);
  for (const [args, options] of [[['convert', path], {}], [['convert'], { input: readFileSync(path) }], [['convert', '--threads', '2', path], {}]]) {
    const got = await runCli(args, options);
    assert.equal(got.code, 0, args.join(' '));
    assert.equal(got.stderr, expected.stderr, args.join(' '));
    assert.equal(got.stdout, expected.stdout, args.join(' '));
  }
});

test("Docker's json-file log with a line longer than 16 KiB (written in records of 16 KiB) gives that span whole, in one thread and two", async () => {
  const long = JSON.stringify({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00000000000000aa', parent_id: '00f067aa0ba902b7', name: 'long', duration_ms: 3, time: '2026-11-24T10:00:00.001Z', sql: `é ${'SELECT "x" FROM t; '.repeat(3000)}` });
  const app = [...read('demo.jsonl').toString('utf8').split('\n').filter((l) => l.trim() !== ''), long];
  const appPath = join(tmp.dir, 'app.jsonl');
  writeFileSync(appPath, `${app.join('\n')}\n`);
  const records = [];
  for (const line of app) {
    // Docker cuts the raw line every 16 KiB and escapes each part; the last part ends with the newline.
    const raw = Buffer.from(`${line}\n`);
    for (let at = 0; at < raw.length; at += 16384) records.push(JSON.stringify({ log: raw.subarray(at, at + 16384).toString('utf8'), stream: 'stdout', time: '2026-11-24T10:00:00.000000001Z' }));
  }
  assert.ok(records.length > app.length + 2, 'the long line is in parts');
  const path = join(tmp.dir, 'docker-long.log');
  writeFileSync(path, `${records.join('\n')}\n`);
  const expected = await runCli(['convert', appPath]);
  assert.match(expected.stdout, /"name":"long"/);
  for (const threads of ['1', '2']) {
    const got = await runCli(['convert', '--threads', threads, path]);
    assert.equal(got.code, 0);
    assert.equal(got.stderr, expected.stderr.replaceAll(appPath, path), threads);
    assert.equal(got.stdout, expected.stdout, threads);
  }
});

test('the summary names stdin as the source of a bad line', async () => {
  const { code, stderr } = await runCli(['convert'], { input: read('bad-lines.jsonl') });
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 7 of 10 lines (4 not JSON, 3 without trace id); first at stdin:2\n');
});

test('several files and `-` in between are read in order as one input', async () => {
  const names = ['interleaved-traces.jsonl', 'cycle.jsonl', 'book-example.jsonl'];
  const together = Buffer.concat(names.map(read));
  const joined = join(tmp.dir, 'joined.jsonl');
  writeFileSync(joined, together);
  const expected = await runCli(['convert', joined]);
  const mixed = await runCli(['convert', fixture(names[0]), '-', fixture(names[2])], { input: read(names[1]) });
  assert.equal(mixed.code, 0);
  assert.equal(mixed.stdout, expected.stdout);
  assert.equal(mixed.stderr, expected.stderr);
  assert.equal(parseSpans(mixed.stdout).length, 15);
});

test('a trace split over two files is assembled as one', async () => {
  const lines = read('book-example.jsonl').toString().trim().split('\n');
  const a = join(tmp.dir, 'part-a.jsonl');
  const b = join(tmp.dir, 'part-b.jsonl');
  writeFileSync(a, `${lines[0]}\n`);
  writeFileSync(b, `${lines.slice(1).join('\n')}\n`);
  const { code, stdout, stderr } = await runCli(['convert', '--format', 'traces', a, b]);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const [trace, ...rest] = stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rest.length, 0);
  assert.equal(trace.spanCount, 3);
  assert.equal(trace.roots[0].children.length, 2);
});

test('gzip generated on the fly: .gz name, misleading name and stdin all decompress', async () => {
  const plain = Buffer.concat(['book-example.jsonl', 'begin-end.jsonl', 'bad-lines.jsonl'].map(read));
  const plainPath = join(tmp.dir, 'app.log');
  writeFileSync(plainPath, plain);
  const gz = gzipSync(plain);
  writeFileSync(join(tmp.dir, 'app.log.gz'), gz);
  writeFileSync(join(tmp.dir, 'app.txt'), gz);
  const expected = await runCli(['convert', 'app.log'], { cwd: tmp.dir });
  assert.equal(expected.code, 0);
  for (const args of [['app.log.gz'], ['app.txt']]) {
    const r = await runCli(['convert', ...args], { cwd: tmp.dir });
    assert.equal(r.code, 0, args[0]);
    assert.equal(r.stdout, expected.stdout, args[0]);
    assert.equal(r.stderr, expected.stderr.replace('app.log:', `${args[0]}:`), args[0]);
  }
  // Copied to a plain file first (the default), and read as a stream when no temporary file can be made.
  for (const env of [undefined, streamEnv()]) {
    for (const args of [['app.log.gz'], ['--threads', '2', 'app.log.gz']]) {
      const r = await runCli(['convert', ...args], { cwd: tmp.dir, env });
      assert.equal(r.stdout, expected.stdout, args.join(' '));
      assert.equal(r.stderr, expected.stderr.replace('app.log:', 'app.log.gz:'), args.join(' '));
    }
    const piped = await runCli(['convert'], { input: gz, env });
    assert.equal(piped.stdout, expected.stdout);
    assert.equal(piped.stderr, expected.stderr.replace('app.log:', 'stdin:'));
  }
});

test('a truncated gzip file: lines before the damage are kept, the file is reported, exit 2', async () => {
  const lines = [];
  for (let i = 0; i < 2000; i++) lines.push(`{"trace_id":"gz","span_id":"s${i}","parent_id":${i ? '"s0"' : 'null'},"time":${1714557600000 + i},"duration_ms":1}`);
  const gz = gzipSync(`${lines.join('\n')}\n`);
  writeFileSync(join(tmp.dir, 'cut.log.gz'), gz.subarray(0, gz.length - 200));
  const { code, stdout, stderr } = await runCli(['convert', 'cut.log.gz'], { cwd: tmp.dir });
  assert.equal(code, 2);
  assert.match(stderr, /^tracelog: cannot read 'cut\.log\.gz': corrupt gzip data( after line \d+)?\n$/);
  assert.ok(parseSpans(stdout).length > 0);
  // The same spans and message from stdin, from a copy and as a stream, and from the file as a stream.
  for (const [args, options, name] of [[[], { input: gz.subarray(0, gz.length - 200) }, 'stdin'], [[], { input: gz.subarray(0, gz.length - 200), env: streamEnv() }, 'stdin'], [['cut.log.gz'], { env: streamEnv() }, 'cut.log.gz']]) {
    const r = await runCli(['convert', ...args], { cwd: tmp.dir, ...options });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, stdout);
    assert.equal(r.stderr, stderr.replace('cut.log.gz', name));
  }
});

test('the summary line of the issue: skipped 3 of 10,000 lines', async () => {
  const lines = [];
  for (let i = 1; i <= 10_000; i++) {
    if (i === 17 || i === 5000) lines.push(`garbage line ${i}`);
    else if (i === 9999) lines.push('{"msg":"no trace"}');
    else lines.push(`{"trace_id":"t${i % 7}","span_id":"s${i}","time":${1714557600000 + i},"duration_ms":1}`);
  }
  writeFileSync(join(tmp.dir, 'app.log'), `${lines.join('\n')}\n`);
  const { code, stdout, stderr } = await runCli(['convert', 'app.log'], { cwd: tmp.dir });
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 3 of 10,000 lines (2 not JSON, 1 without trace id); first at app.log:17\n');
  assert.equal(stdout.trim().split('\n').length, 9_997);
});

test('--strict: a line without a trace id is fatal too, and nothing is written', async () => {
  const { code, stdout, stderr } = await runCli(['convert', '--strict', fixture('otel-pino.jsonl')]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'tracelog: fixtures/otel-pino.jsonl:2: without trace id\n');
});

test('--strict on a clean input changes nothing', async () => {
  const plain = await runCli(['convert', fixture('book-example.jsonl')]);
  const strict = await runCli(['convert', '--strict', fixture('book-example.jsonl')]);
  assert.equal(strict.code, 0);
  assert.equal(strict.stdout, plain.stdout);
  assert.equal(strict.stderr, '');
});

test('--max-line-bytes: longer lines are skipped and counted', async () => {
  const input = [
    '{"trace_id":"t","span_id":"a","duration_ms":1}',
    `{"trace_id":"t","span_id":"b","duration_ms":1,"pad":"${'x'.repeat(200)}"}`,
    '{"trace_id":"t","span_id":"c","duration_ms":1}',
  ].join('\n');
  const { code, stdout, stderr } = await runCli(['convert', '--max-line-bytes', '100'], { input });
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 1 of 3 lines (1 too long); first at stdin:2\n');
  assert.deepEqual(parseSpans(stdout).map((s) => s.spanId), ['a', 'c']);
});

test('--max-line-bytes takes sizes with units', async () => {
  const line = `{"trace_id":"t","span_id":"b","duration_ms":1,"pad":"${'x'.repeat(2000)}"}\n`;
  const kept = await runCli(['convert', '--max-line-bytes', '4KiB'], { input: line });
  assert.equal(kept.stderr, '');
  assert.equal(parseSpans(kept.stdout).length, 1);
  const skipped = await runCli(['convert', '--max-line-bytes', '1k'], { input: line });
  assert.equal(skipped.stderr, 'tracelog: skipped 1 of 1 lines (1 too long); first at stdin:1\n');
  assert.equal(skipped.stdout, '');
});

test('--strict with an over-long line that spans many reads: exit 2, no stack trace', async () => {
  const input = `{"trace_id":"t","span_id":"b","duration_ms":1,"pad":"${'x'.repeat(300_000)}"}`;
  const { code, stdout, stderr } = await runCli(['convert', '--strict', '--max-line-bytes', '1000'], { input });
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'tracelog: stdin:1: too long\n');
});

/** Writes `{…"pad":"xxx…"}` of about `bytes` bytes, with or without a final newline, after one good line. */
async function writeBigLine(path, bytes, finalNewline) {
  const out = createWriteStream(path);
  out.write('{"trace_id":"big","span_id":"small","time":1714557600000,"duration_ms":1}\n');
  out.write('{"trace_id":"big","span_id":"huge","duration_ms":1,"pad":"');
  const block = 'x'.repeat(1024 * 1024);
  for (let written = 0; written < bytes; written += block.length) if (!out.write(block)) await once(out, 'drain');
  out.write(finalNewline ? '"}\n' : '"}');
  out.end();
  await once(out, 'finish');
}

test('a 20 MiB line is skipped under the default 16 MiB cap, the next line is read', async () => {
  const path = join(tmp.dir, 'huge.jsonl');
  await writeBigLine(path, 20 * 1024 * 1024, true);
  writeFileSync(path, '{"trace_id":"big","span_id":"after","time":1714557600001,"duration_ms":1}\n', { flag: 'a' });
  const { code, stdout, stderr } = await runCli(['convert', 'huge.jsonl'], { cwd: tmp.dir });
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 1 of 3 lines (1 too long); first at huge.jsonl:2\n');
  assert.deepEqual(parseSpans(stdout).map((s) => s.spanId), ['small', 'after']);
});

test('a 20 MiB last line without a newline is skipped and counted once', async () => {
  const path = join(tmp.dir, 'huge-no-newline.jsonl');
  await writeBigLine(path, 20 * 1024 * 1024, false);
  const { code, stdout, stderr } = await runCli(['convert', 'huge-no-newline.jsonl'], { cwd: tmp.dir });
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 1 of 2 lines (1 too long); first at huge-no-newline.jsonl:2\n');
  assert.deepEqual(parseSpans(stdout).map((s) => s.spanId), ['small']);
});

test('__proto__, constructor and prototype keys come out as plain tags', async () => {
  const input = [
    '{"__proto__":{"polluted":"yes"},"trace_id":"p","span_id":"s","time":1714557600,"duration_ms":1,"tags":{"constructor":{"prototype":{"polluted":"yes"}}},"prototype":{"x":1}}',
    '{"__proto__":{"polluted":"yes"},"trace_id":"p","span_id":"s2","parent_id":"s","time":1714557600,"duration_ms":1,"n":12345678901234567890,"span.kind":"constructor"}',
    '{"trace_id":"__proto__","span_id":"constructor","parent_id":"toString","time":1714557601,"duration_ms":1,"kind":"__proto__"}',
  ].join('\n');
  const { code, stdout, stderr } = await runCli(['convert'], { input });
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(spans.map((s) => [s.traceId, s.spanId, s.parentId]), [
    ['p', 's', null],
    ['p', 's2', 's'],
    ['__proto__', 'toString', null],
    ['__proto__', 'constructor', 'toString'],
  ]);
  assert.deepEqual(spans[0].tags, { '__proto__.polluted': 'yes', 'prototype.x': 1, 'constructor.prototype.polluted': 'yes' });
  assert.ok(spans.every((s) => s.kind === undefined));
});

test('--quiet does not hide a --strict failure', async () => {
  const { code, stdout, stderr } = await runCli(['convert', '--strict', '--quiet', fixture('docker-prefix.log')]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'tracelog: fixtures/docker-prefix.log:1: not JSON\n');
});
