// Exit statuses and the messages that go with them: usage errors, unreadable
// files (the others still processed), directories, `-o FILE` written
// atomically, and a reader that goes away early (`| head -1`). Never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cliEnv, fixture, makeTempDir, parseSpans, ROOT, runCli, runCliFirstLine, STACK_TRACE } from '../helpers/cli.js';

const tmp = makeTempDir();
test.after(() => tmp.cleanup());

const USAGE_ERRORS = [
  [['convert', '--bogus'], /unknown option '--bogus'/],
  [['convert', '--format', 'xml'], /argument 'xml' is invalid/],
  [['convert', '--field', 'nope=x'], /expected ROLE=PATH/],
  [['convert', '--field', 'trace'], /expected ROLE=PATH/],
  [['convert', '--field', 'duration=duration_ms:parsecs'], /unknown unit 'parsecs' in 'duration=duration_ms:parsecs' \(s, ms, us or ns\)/],
  [['convert', '--field', 'start=t:'], /no unit after ':'/],
  [['convert', '--max-line-bytes', '0'], /must be at least 1 byte/],
  [['convert', '--max-line-bytes', 'lots'], /is not a size/],
  [['convert', '-o'], /argument missing/],
  [['frobnicate'], /unknown command 'frobnicate'/],
];

for (const [args, message] of USAGE_ERRORS) {
  test(`usage error exits 2: tracelog ${args.join(' ')}`, async () => {
    const { code, stdout, stderr } = await runCli(args);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, message);
    assert.match(stderr, /^tracelog: [^\n]+ \(run with --help for usage\)\n$/, 'one line');
    assert.doesNotMatch(stderr, STACK_TRACE);
  });
}

test('tracelog --help exits 0 on stdout', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /convert/);
  assert.equal(help.stderr, '');
});

test('tracelog convert --help exits 0 on stdout', async () => {
  const help = await runCli(['convert', '--help']);
  assert.equal(help.stderr, '');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--max-line-bytes/);
});

test('tracelog --version exits 0 on stdout', async () => {
  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  assert.equal(version.stderr, '');
});

test('no file and an empty stdin: nothing written, exit 0', async () => {
  const { code, stdout, stderr } = await runCli(['convert'], { input: '' });
  assert.deepEqual([code, stdout, stderr], [0, '', '']);
});

test('no file and stdin is a terminal: a one-line hint, exit 2', async (t) => {
  // util-linux script(1) gives the CLI a pseudo-terminal as stdin.
  const probe = spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return t.skip('script(1) is not available');
  const result = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} convert`, '/dev/null'], {
    cwd: ROOT,
    env: cliEnv(),
    encoding: 'utf8',
    input: '',
    timeout: 10_000,
  });
  assert.equal(result.status, 2);
  assert.match(result.stdout, /^tracelog: no input: .*\r?\n$/);
  assert.equal(result.stdout.trim().split('\n').length, 1);
});

test("a missing file: `cannot read 'x.log': no such file`, exit 2", async () => {
  const { code, stdout, stderr } = await runCli(['convert', 'x.log'], { cwd: tmp.dir });
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, "tracelog: cannot read 'x.log': no such file\n");
});

test('a missing file among several: the others are still processed, exit 2', async () => {
  const good = await runCli(['convert', fixture('book-example.jsonl'), fixture('clock-skew.jsonl')]);
  const { code, stdout, stderr } = await runCli(['convert', fixture('book-example.jsonl'), 'fixtures/missing.log', fixture('clock-skew.jsonl'), 'fixtures/also-missing.log']);
  assert.equal(code, 2);
  assert.equal(stdout, good.stdout);
  assert.equal(parseSpans(stdout).length, 7);
  assert.equal(stderr, "tracelog: cannot read 'fixtures/missing.log': no such file\ntracelog: cannot read 'fixtures/also-missing.log': no such file\n");
});

test('a directory given as a file: exit 2, the other files still processed', async () => {
  const { code, stdout, stderr } = await runCli(['convert', 'fixtures', fixture('book-example.jsonl')]);
  assert.equal(code, 2);
  assert.equal(parseSpans(stdout).length, 3);
  assert.equal(stderr, "tracelog: cannot read 'fixtures': is a directory\n");
});

test('the skipped-lines summary comes before unreadable-file messages', async () => {
  const { code, stderr } = await runCli(['convert', 'nope.log', fixture('bad-lines.jsonl')]);
  assert.equal(code, 2);
  assert.equal(stderr, "tracelog: skipped 7 of 10 lines (4 not JSON, 3 without trace id); first at fixtures/bad-lines.jsonl:2\ntracelog: cannot read 'nope.log': no such file\n");
});

test('--quiet keeps unreadable-file messages', async () => {
  const { code, stderr } = await runCli(['convert', '--quiet', 'nope.log', fixture('bad-lines.jsonl')]);
  assert.equal(code, 2);
  assert.equal(stderr, "tracelog: cannot read 'nope.log': no such file\n");
});

const tempLeftovers = (dir) => tmp.list().filter((name) => name.startsWith('.') || name.includes('tmp')).map((n) => join(dir, n));

test('-o FILE: the output goes to the file, nothing to stdout, no temporary file left', async () => {
  const out = join(tmp.dir, 'spans.jsonl');
  const expected = await runCli(['convert', fixture('book-example.jsonl')]);
  const { code, stdout, stderr } = await runCli(['convert', fixture('book-example.jsonl'), '-o', out]);
  assert.deepEqual([code, stdout, stderr], [0, '', '']);
  assert.equal(readFileSync(out, 'utf8'), expected.stdout);
  assert.deepEqual(tempLeftovers(tmp.dir), []);
  // An existing file is replaced.
  const again = await runCli(['convert', '--format', 'traces', fixture('clock-skew.jsonl'), '--output', out]);
  assert.equal(again.code, 0);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).traceId, 'skew');
  assert.deepEqual(tempLeftovers(tmp.dir), []);
});

test('-o FILE with a failed run (--strict): no file, no temporary file', async () => {
  const out = join(tmp.dir, 'failed.jsonl');
  const { code, stdout, stderr } = await runCli(['convert', '--strict', fixture('book-example.jsonl'), fixture('bad-lines.jsonl'), '-o', out]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'tracelog: fixtures/bad-lines.jsonl:2: not JSON\n');
  assert.equal(existsSync(out), false);
  assert.deepEqual(tempLeftovers(tmp.dir), []);
});

test('-o FILE with a failed run leaves an existing file as it was', async () => {
  const out = join(tmp.dir, 'existing.jsonl');
  writeFileSync(out, 'previous content\n');
  const { code } = await runCli(['convert', '--strict', fixture('bad-lines.jsonl'), '-o', out]);
  assert.equal(code, 2);
  assert.equal(readFileSync(out, 'utf8'), 'previous content\n');
  assert.deepEqual(tempLeftovers(tmp.dir), []);
});

test('-o FILE with an unreadable input: exit 2 and no temporary file left', async () => {
  const out = join(tmp.dir, 'partial.jsonl');
  const { code, stdout, stderr } = await runCli(['convert', 'nope.log', fixture('book-example.jsonl'), '-o', out]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, "tracelog: cannot read 'nope.log': no such file\n");
  assert.deepEqual(tempLeftovers(tmp.dir), []);
});

test('-o into a missing directory or onto a directory: exit 2, one line', async () => {
  const missing = await runCli(['convert', fixture('book-example.jsonl'), '-o', join(tmp.dir, 'no-such-dir', 'x.jsonl')]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, '');
  assert.equal(missing.stderr, `tracelog: cannot write '${join(tmp.dir, 'no-such-dir', 'x.jsonl')}': no such directory\n`);
  const dir = await runCli(['convert', fixture('book-example.jsonl'), '-o', 'fixtures'], { cwd: ROOT });
  assert.equal(dir.code, 2);
  assert.equal(dir.stderr, "tracelog: cannot write 'fixtures': is a directory\n");
  assert.deepEqual(readdirSync(ROOT).filter((name) => name.startsWith('.fixtures.tmp')), []);
  // /proc exists, but no file can be made in it.
  if (existsSync('/proc/version')) {
    const proc = await runCli(['convert', fixture('book-example.jsonl'), '-o', '/proc/version']);
    assert.equal(proc.code, 2);
    assert.equal(proc.stderr, "tracelog: cannot write '/proc/version': cannot create a file in its directory\n");
  }
  assert.deepEqual(tempLeftovers(tmp.dir), []);
});

/** Many traces, so the output is far bigger than a pipe buffer. */
function bigLog() {
  const path = join(tmp.dir, 'big.log');
  if (!existsSync(path)) {
    const lines = [];
    for (let i = 0; i < 40_000; i++) lines.push(`{"trace_id":"t${i % 5000}","span_id":"s${i}","time":${1714557600000 + i},"duration_ms":1,"name":"op ${i}"}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
  }
  return path;
}

test('a reader that closes after the first line: status 0, nothing on stderr', async () => {
  const { code, signal, firstLine, stderr } = await runCliFirstLine(['convert', bigLog()]);
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  assert.equal(JSON.parse(firstLine).spanId, 's0');
});

test('`tracelog convert big.log | head -1` in a shell: status 0, nothing on stderr', async () => {
  const script = `node ${JSON.stringify(BIN)} convert ${JSON.stringify(bigLog())} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
  const result = await new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  assert.equal(result.code, 0);
  assert.equal(result.stderr, 'status=0\n');
  assert.equal(result.stdout.split('\n').length, 2);
  assert.equal(JSON.parse(result.stdout).spanId, 's0');
});
