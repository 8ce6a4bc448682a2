// Faults from the process's surroundings: a reader that goes away (stdout or
// stderr closed), SIGINT and SIGTERM in the middle of a run, a full disk
// behind stdout (ENOSPC), an output file that cannot be created (EACCES), and a
// gzip file with an unreadable member in the middle. tracelog must exit with
// the documented status, print at most one clear line, and never leave a
// partial output file or a temporary file behind. docs/promises.md points here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { BIN, ROOT, cliEnv, makeTempDir, parseLines, parseSpans, runCli, STACK_TRACE } from '../helpers/cli.js';

const tmp = makeTempDir('tracelog-faults-');
test.after(() => {
  try {
    chmodSync(join(tmp.dir, 'read-only'), 0o755);
  } catch {
    // not created when running as root
  }
  tmp.cleanup();
});

const T0_MS = 1714557600000;
const spanLine = (trace, span, parent, i) => `{"trace_id":"${trace}","span_id":"${span}","parent_id":${parent === null ? 'null' : `"${parent}"`},"time":${T0_MS + i},"duration_ms":1,"name":"op ${i}"}`;

/** Many traces, so the output is far bigger than a pipe buffer; a few bad lines and a cycle for stderr. */
function bigLog() {
  const path = join(tmp.dir, 'big.log');
  if (!existsSync(path)) {
    const lines = ['not json', spanLine('cyc', 'a', 'b', 0), spanLine('cyc', 'b', 'a', 1)];
    for (let i = 0; i < 40_000; i++) lines.push(spanLine(`t${i % 5000}`, `s${i}`, null, i));
    writeFileSync(path, `${lines.join('\n')}\n`);
  }
  return path;
}

function sh(script) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const node = JSON.stringify(process.execPath);
const bin = JSON.stringify(BIN);

// ------------------------------------------------------------ closed pipes

// stats --format json: the table is slow on 40,000 groups (see hostile.test.js).
// The log has a line that is not JSON and a cycle: once a write finds the reader gone, neither is
// reported. check's short report fits in the pipe whole (no write fails): it is run with -q.
for (const command of ['convert', 'convert --threads 2', 'view', 'view --threads 2', 'stats --format json', 'check --max 1h -q']) {
  test(`a closed pipe on stdout (\`tracelog ${command} big.log | head -1\`): exit 0, nothing on stderr`, async () => {
    const r = await sh(`${node} ${bin} ${command} ${JSON.stringify(bigLog())} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`);
    assert.equal(r.stderr, 'status=0\n');
    assert.equal(r.stdout.split('\n').length, 2, 'one line came through');
  });
}

test('a closed pipe on stderr: exit 0, no crash, stdout complete', async () => {
  const expected = await runCli(['convert', bigLog()]);
  assert.match(expected.stderr, /skipped 1 of/);
  const result = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'convert', bigLog()], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.destroy(); // the reader of stderr is gone before anything is written
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8') }));
  });
  assert.equal(result.signal, null);
  assert.equal(result.code, 0);
  assert.equal(result.stdout, expected.stdout);
});

test('stderr closed by the shell (`2>&-`): exit 0, stdout complete', async () => {
  const r = await sh(`${node} ${bin} convert ${JSON.stringify(bigLog())} 2>&- | wc -l; echo "status=\${PIPESTATUS[0]}" >&2`);
  assert.equal(r.stderr, 'status=0\n');
  assert.equal(r.stdout.trim(), '40002');
});

// ------------------------------------------------------------ signals

/**
 * Starts `tracelog args` on a stdin that stays open, feeds it lines of many
 * one-span traces, and sends `signal` once `ready(stdoutSoFar)` holds.
 */
function interrupt(args, signal, { ready = () => true, delayMs = 100 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: tmp.dir, env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let sent = false;
    let i = 0;
    const feeder = setInterval(() => {
      const lines = [];
      for (let k = 0; k < 200; k++, i++) lines.push(spanLine(`t${i}`, `s${i}`, null, i));
      child.stdin.write(`${lines.join('\n')}\n`);
    }, 10);
    const started = Date.now();
    const poll = setInterval(() => {
      if (!sent && Date.now() - started >= delayMs && ready(Buffer.concat(out).toString('utf8'))) {
        sent = true;
        child.kill(signal);
      }
    }, 20);
    const deadline = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearInterval(feeder);
      clearInterval(poll);
      clearTimeout(deadline);
      resolve({ code, signal: sig, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), elapsedMs: Date.now() - started });
    });
  });
}

for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  test(`${signal} during a long run to stdout: exit ${status}, the output so far is whole lines`, async () => {
    const r = await interrupt(['convert', '--follow', '--idle', '20ms'], signal, { ready: (text) => text.split('\n').length > 3 });
    assert.equal(r.signal, null, 'tracelog exits by itself');
    assert.equal(r.code, status);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
    assert.ok(r.stdout.length > 0 && r.stdout.endsWith('\n'), 'ends with a whole line');
    parseSpans(r.stdout); // every line is a whole span
    assert.ok(r.elapsedMs < 10_000);
  });

  test(`${signal} during a long run with -o: exit ${status}, no output file, no temporary file`, async () => {
    const dir = join(tmp.dir, `signal-${signal}`);
    mkdirSync(dir);
    for (const follow of [[], ['--follow', '--idle', '20ms']]) {
      const out = join(dir, `out${follow.length}.jsonl`);
      // Signal once the temporary file exists: tracelog is up and writing.
      const r = await interrupt(['convert', ...follow, '-o', out], signal, { ready: () => readdirSync(dir).length > 0 });
      assert.equal(r.signal, null);
      assert.equal(r.code, status);
      assert.equal(r.stdout, '');
      assert.doesNotMatch(r.stderr, STACK_TRACE);
      assert.deepEqual(readdirSync(dir), [], `nothing left behind (${follow.join(' ') || 'no --follow'})`);
    }
  });
}

// ------------------------------------------------------------ output errors

for (const args of [['convert'], ['convert', '-f', 'otlp'], ['view'], ['stats'], ['check', '--max', '1h']]) {
  test(`ENOSPC: \`tracelog ${args.join(' ')} > /dev/full\` says so in one line and exits 2`, { skip: !existsSync('/dev/full') && 'no /dev/full here' }, async () => {
    const fd = openSync('/dev/full', 'w');
    const result = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args, join(ROOT, 'fixtures', 'book-example.jsonl')], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', fd, 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    closeSync(fd);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "tracelog: cannot write 'stdout': no space left on device\n");
  });
}

test('EACCES on -o: a clear line, exit 2, nothing partial', async (t) => {
  let target;
  let dir;
  if (process.getuid?.() === 0) {
    // Root may write anywhere a mode allows; sysfs refuses new files even to root.
    target = '/sys/kernel/tracelog-test-output.jsonl';
    if (!existsSync('/sys/kernel')) return t.skip('running as root and /sys/kernel is missing: no path refuses writes');
  } else {
    dir = join(tmp.dir, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    target = join(dir, 'out.jsonl');
  }
  const { code, stdout, stderr } = await runCli(['convert', join(ROOT, 'fixtures', 'book-example.jsonl'), '-o', target]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, new RegExp(`^tracelog: cannot write '${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': (permission denied|read-only file system)\\n$`));
  assert.equal(existsSync(target), false);
  if (dir) assert.deepEqual(readdirSync(dir), []);
});

// ------------------------------------------------------------ gzip

function lines(from, to) {
  const out = [];
  for (let i = from; i <= to; i++) out.push(spanLine('gz', `s${i}`, i === 1 ? null : 's1', i));
  return `${out.join('\n')}\n`;
}

test('an unreadable gzip member in the middle: every line before it is kept, the file reported, exit 2', async () => {
  const first = gzipSync(lines(1, 20_000));
  const broken = Buffer.from(gzipSync(lines(20_001, 20_100)));
  for (let i = 12; i < broken.length - 8; i++) broken[i] ^= 0x55; // header intact, deflate data garbage
  const last = gzipSync(lines(20_101, 20_200));
  const path = join(tmp.dir, 'middle-member.log.gz');
  writeFileSync(path, Buffer.concat([first, broken, last]));
  const { code, stdout, stderr } = await runCli(['convert', path]);
  assert.equal(code, 2);
  assert.equal(stderr, `tracelog: cannot read '${path}': corrupt gzip data after line 20000\n`);
  const spans = parseLines(stdout);
  assert.equal(spans.length, 20_000, 'all of the first member');
  assert.equal(spans.at(-1).spanId, 's20000');
});

test('a small gzip file whose second member is unreadable keeps its first lines too', async () => {
  const broken = Buffer.from(gzipSync(lines(4, 6)));
  for (let i = 12; i < broken.length - 8; i++) broken[i] ^= 0x55;
  const path = join(tmp.dir, 'small-middle-member.log.gz');
  writeFileSync(path, Buffer.concat([gzipSync(lines(1, 3)), broken, gzipSync(lines(7, 9))]));
  const { code, stdout, stderr } = await runCli(['convert', path]);
  assert.equal(code, 2);
  assert.equal(stderr, `tracelog: cannot read '${path}': corrupt gzip data after line 3\n`);
  assert.deepEqual(parseSpans(stdout).map((s) => s.spanId), ['s1', 's2', 's3']);
});

test('a truncated gzip file: the whole lines before the cut are kept, the cut line is not counted twice, exit 2', async () => {
  const gz = gzipSync(lines(1, 2000));
  const path = join(tmp.dir, 'truncated.log.gz');
  writeFileSync(path, gz.subarray(0, gz.length - 200));
  const { code, stdout, stderr } = await runCli(['convert', path]);
  assert.equal(code, 2);
  const m = /^tracelog: cannot read '.*truncated\.log\.gz': corrupt gzip data after line (\d+)\n$/.exec(stderr);
  assert.ok(m, stderr);
  assert.equal(parseSpans(stdout).length, Number(m[1]));
});

test(
  'bytes that are not gzip after a gzip member: every line of the member is kept, the file reported',
  async () => {
    const path = join(tmp.dir, 'trailing-garbage.log.gz');
    writeFileSync(path, Buffer.concat([gzipSync(lines(1, 3)), Buffer.from('this is not gzip\n')]));
    const { code, stdout, stderr } = await runCli(['convert', path]);
    assert.equal(code, 2);
    assert.equal(stderr, `tracelog: cannot read '${path}': corrupt gzip data after line 3\n`);
    assert.deepEqual(parseSpans(stdout).map((s) => s.spanId), ['s1', 's2', 's3']);
  },
);

test('several files, one with a broken gzip member: the others are read whole, exit 2', async () => {
  const broken = Buffer.from(gzipSync(lines(1, 10)));
  for (let i = 12; i < broken.length - 8; i++) broken[i] ^= 0x55;
  const bad = join(tmp.dir, 'all-broken.log.gz');
  writeFileSync(bad, broken);
  const good = join(tmp.dir, 'good.log.gz');
  writeFileSync(good, gzipSync(lines(11, 15)));
  const { code, stdout, stderr } = await runCli(['convert', bad, good]);
  assert.equal(code, 2);
  assert.equal(stderr, `tracelog: cannot read '${bad}': corrupt gzip data\n`);
  assert.deepEqual(parseSpans(stdout).filter((s) => !s.synthetic).map((s) => s.spanId), ['s11', 's12', 's13', 's14', 's15']);
});
