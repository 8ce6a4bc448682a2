// Worker threads (--threads): the parallel path gives byte for byte what one
// thread gives — stdout, stderr and exit status — for every command, on every
// fixture and on a generated log of every convention; and it really runs in
// workers (the loader returns traces instead of falling back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogGenerator } from '../../bench/generate.js';
import { BIN, FIXTURES, ROOT, STACK_TRACE, cliEnv, runCli } from '../helpers/cli.js';
import { damagedLogs } from '../helpers/damage.js';

const dir = mkdtempSync(join(tmpdir(), 'tracelog-threads-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const generated = join(dir, 'generated.jsonl');
const generatedText = createLogGenerator({ seed: 7 }).take(6000);
writeFileSync(generated, generatedText);
const gzipped = join(dir, 'generated.log.gz');
writeFileSync(gzipped, gzipSync(generatedText));

// Lines that need care: ids above 2^53 as bare numbers (LosslessNumber through the
// thread boundary), "__proto__" keys, a nested array of big numbers, the same trace
// named by different conventions on different lines, garbage, a line too long.
const tricky = join(dir, 'tricky.jsonl');
writeFileSync(
  tricky,
  [
    '{"trace_id":"t1","span_id":"a","name":"root","time":"2024-05-01T10:00:00Z","duration_ms":5,"big":12345678901234567890,"__proto__":{"polluted":1}}',
    '{"trace":{"id":"t1"},"span":{"id":"b"},"parent":{"id":"a"},"@timestamp":"2024-05-01T10:00:00.001Z","event":{"duration":1000000},"ids":[98765432109876543210,1]}',
    '{"dd.trace_id":18446744073709551615,"dd.span_id":7,"dd.parent_id":0,"name":"dd","time":1714557600.5,"duration_ms":2}',
    'not json at all',
    '{"traceId":"t2","spanId":"x","name":"other","startTime":"2024-05-01T09:59:59Z","durationMs":1,"__proto__":"p"}',
    '{"trace_id":"t2","span_id":"y","msg":"an event","time":"2024-05-01T09:59:59.5Z"}',
    `{"trace_id":"t3","span_id":"z","name":"long","pad":"${'x'.repeat(2000)}","duration_ms":1}`,
    '{"trace_id":"t1","msg":"event without span","time":"2024-05-01T10:00:00.002Z"}',
    '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","name":"from header","duration_ms":3}',
    '',
  ].join('\n'),
);

// A baseline from another run: some operations got slower, some faster.
const baselineLog = join(dir, 'baseline.jsonl');
writeFileSync(baselineLog, createLogGenerator({ seed: 8 }).take(3000));

const fixtureFiles = readdirSync(FIXTURES)
  .filter((f) => /\.(jsonl|log)$/.test(f))
  .map((f) => `fixtures/${f}`);

const COMMANDS = [
  ['convert'],
  ['convert', '--format', 'traces'],
  ['convert', '--format', 'otlp'],
  ['convert', '--format', 'zipkin'],
  ['convert', '--format', 'jaeger'],
  ['view', '--no-follow', '--events', '--tags', 'http.method,region'],
  ['view', '--no-follow', '--errors', '--service', 'payments', '--limit', '7', '--width', '60'],
  ['view', '--no-follow', '--limit', '3'],
  ['view', '--no-follow', '--summary', '--slowest', '5'],
  ['view', '--no-follow', '--summary', '--service', 'payments'],
  ['view', '--no-follow', '--summary', '--limit', '6'],
  ['view', '--no-follow', '--sort', 'duration', '--color', '--all-tags'],
  ['view', '--no-follow', '--sort', 'duration', '--limit', '4', '--events', '--all-tags'],
  ['check', '--max', '1ms', '--reporter', 'json'],
  ['check', '--max', '5ms', '--rule', 'db:*=2ms', '--p95', '*=20ms', '--p50', 'api:*=1ms', '--fail-on', 'orphans,duplicates', '--reporter', 'json', '--reporter', 'text'],
  ['check', '--baseline', baselineLog, '--min-samples', '1', '--regression', '5%', '--reporter', 'junit'],
  ['stats', '--format', 'json'],
  ['stats', '--by', 'service'],
];

async function same(args, label) {
  const one = await runCli([...args, '--threads', '1']);
  for (const threads of ['2', '3']) {
    const many = await runCli([...args, '--threads', threads]);
    assert.equal(many.stdout, one.stdout, `${label}: stdout with --threads ${threads}`);
    assert.equal(many.stderr, one.stderr, `${label}: stderr with --threads ${threads}`);
    assert.equal(many.code, one.code, `${label}: exit status with --threads ${threads}`);
  }
  return one;
}

for (const command of COMMANDS) {
  test(`${command.join(' ').replace(dir, '…')}: the same output from 1, 2 and 3 threads on a generated log, gzip and tricky lines`, async () => {
    const one = await same([...command, generated, gzipped, tricky], command.join(' '));
    assert.ok(one.stdout.length > 0);
  });
}

test('convert and view: the same output from 1, 2 and 3 threads on every fixture at once', async () => {
  await same(['convert', '--format', 'traces', ...fixtureFiles], 'convert fixtures');
  await same(['view', '--no-follow', '--events', ...fixtureFiles], 'view fixtures');
});

test('a whole JSON document (read by one thread) converts the same with --threads', async () => {
  const doc = join(dir, 'zipkin.json');
  writeFileSync(doc, `[\n${JSON.stringify({ traceId: 'abc', id: '1', name: 'op', timestamp: 1714557600000000, duration: 10, localEndpoint: { serviceName: 's' } })}\n]\n`);
  const one = await same(['convert', doc, tricky], 'document');
  assert.match(one.stdout, /"name":"op"/);
});

test('--threads takes a count or auto', async () => {
  const bad = await runCli(['convert', '--threads', '0', tricky]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not a positive whole number/);
  const auto = await runCli(['convert', '--threads', 'auto', tricky]);
  assert.equal(auto.code, 0);
});

test('the worker loader reads in workers, and falls back only when it must', async () => {
  const { loadTracesInWorkers } = await import(join(ROOT, 'dist/parallel/load-parallel.js'));
  const { loadTraces } = await import(join(ROOT, 'dist/commands/load.js'));
  const { Diagnostics } = await import(join(ROOT, 'dist/diagnostics.js'));
  const { LosslessNumber } = await import(join(ROOT, 'dist/types.js'));
  const options = (files) => ({ files, strict: false, maxLineBytes: 1000, lineOptions: {}, threads: 1 });
  const io = { stdinIsTTY: false };

  const single = new Diagnostics();
  const expected = await loadTraces(options([generated, tricky]), io, single);
  const parallel = new Diagnostics();
  const traces = await loadTracesInWorkers(options([generated, tricky]), 2, io, parallel);
  assert.ok(traces, 'read by workers');
  assert.deepEqual(traces, expected);
  assert.equal(parallel.summary(), single.summary());
  // LosslessNumber survives the thread boundary as itself, and "__proto__" stays an own key.
  const root = traces.find((t) => t.traceId === 't1').roots[0];
  assert.ok(root.tags.big instanceof LosslessNumber);
  assert.equal(root.tags.big.text, '12345678901234567890');
  assert.ok(Object.hasOwn(root.tags, '__proto__.polluted') || Object.hasOwn(root.tags, '__proto__'));
  assert.equal({}.polluted, undefined);

  // A file still being written: every worker reads the size it had when the run began.
  const { readFileSync } = await import('node:fs');
  const whole = readFileSync(generated);
  const cut = whole.indexOf(10, Math.floor(whole.length / 2)) + 1;
  const prefix = join(dir, 'prefix.jsonl');
  writeFileSync(prefix, whole.subarray(0, cut));
  const snapshot = await loadTracesInWorkers({ ...options([generated]), fileBytes: [cut] }, 2, io, new Diagnostics());
  assert.deepEqual(snapshot, await loadTraces(options([prefix]), io, new Diagnostics()));

  // A line whose raw text names one trace but whose fields say another (owned by
  // different workers of two): one thread reads it.
  const { ownerOf } = await import(join(ROOT, 'dist/parallel/route.js'));
  assert.notEqual(ownerOf('decoy1', 2), ownerOf('0af7651916cd43dd8448eb211c80319c', 2));
  const misleading = join(dir, 'misleading.jsonl');
  writeFileSync(misleading, '{"meta":{"trace_id":"decoy1"},"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","duration_ms":1}\n');
  const traceOf = await loadTraces(options([misleading]), io, new Diagnostics());
  assert.equal(traceOf[0].traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(await loadTracesInWorkers(options([misleading]), 2, io, new Diagnostics()), null);
});

test('check, stats and the slowest traces of a view are made in parts by the workers, and fall back only when they must', async () => {
  const { partsInWorkers } = await import(join(ROOT, 'dist/parallel/load-parallel.js'));
  const { eachTrace } = await import(join(ROOT, 'dist/commands/load.js'));
  const { Diagnostics } = await import(join(ROOT, 'dist/diagnostics.js'));
  const { createCheckAccumulator } = await import(join(ROOT, 'dist/check/evaluate.js'));
  const options = (files, threads = 1) => ({ files, strict: false, maxLineBytes: 1000, lineOptions: {}, threads, fields: 'none' });
  const io = { stdinIsTTY: false };
  const checkOptions = { maxNs: 1_000_000n };

  const single = new Diagnostics();
  const expected = (await eachTrace(options([generated, tricky]), null, io, single, () => createCheckAccumulator(checkOptions))).finish();
  const parallel = new Diagnostics();
  const joined = createCheckAccumulator(checkOptions);
  const read = await partsInWorkers(options([generated, tricky]), 2, { kind: 'check', options: checkOptions }, io, parallel, (state) => joined.absorb(state), () => true);
  assert.equal(read, true, 'read by workers');
  assert.deepEqual(joined.finish(), expected);
  assert.equal(parallel.summary(), single.summary());
  assert.deepEqual(parallel.problems, single.problems);

  // A line whose raw text misleads: one thread reads it.
  const misleading = join(dir, 'misleading-parts.jsonl');
  writeFileSync(misleading, '{"meta":{"trace_id":"decoy1"},"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","duration_ms":1}\n');
  const none = createCheckAccumulator(checkOptions);
  assert.equal(await partsInWorkers(options([misleading]), 2, { kind: 'check', options: checkOptions }, io, new Diagnostics(), (state) => none.absorb(state), () => true), false);
  // So does a check whose operations outgrow what is tracked one by one (the parts say so): same result.
  const many = { maxNs: 1_000_000n, maxOperations: 3 };
  const few = await eachTrace(options([generated], 2), null, io, new Diagnostics(), () => createCheckAccumulator(many), { kind: 'check', options: many });
  const plain = await eachTrace(options([generated]), null, io, new Diagnostics(), () => createCheckAccumulator(many));
  assert.deepEqual(few.finish(), plain.finish());

  // The longest traces of a view come back whole, numbers above 2^53 intact.
  const slow = await same(['view', '--no-follow', '--slowest', '2', '--all-tags', tricky], 'view --slowest');
  assert.match(slow.stdout, /big=12345678901234567890/);
});

test('SIGINT while worker threads read: exit 130, no output file, no temporary file', async () => {
  const big = join(dir, 'big.jsonl');
  writeFileSync(big, createLogGenerator({ seed: 11 }).take(150_000));
  const outDir = join(dir, 'interrupted');
  mkdirSync(outDir);
  const child = spawn(process.execPath, [BIN, 'convert', '--threads', '2', '-o', join(outDir, 'out.jsonl'), big], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  // Signal once tracelog is up (its temporary output file exists) and the workers are reading.
  const t0 = Date.now();
  while (readdirSync(outDir).length === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const r = await closed;
  assert.equal(r.signal, null, 'tracelog exits by itself');
  assert.equal(r.code, 130);
  assert.doesNotMatch(stderr, STACK_TRACE);
  assert.deepEqual(readdirSync(outDir), []);
});

test('damaged logs (random byte mutations, seeded): the same output from 1 and 2 threads', async () => {
  const insertions = ['"', '{', '}', '\n', '\0', '\\', ',', ':', '\xff', '"trace_id":"', '"dd.trace_id":123456789012345678901,', '"trace":{"id":"x"},'];
  const logs = damagedLogs(createLogGenerator({ seed: 3 }).take(1500), { seed: 20261127, rounds: 4, mutations: 40, insertions });
  for (const [round, bytes] of logs.entries()) {
    const damaged = join(dir, `damaged-${round}.log`);
    writeFileSync(damaged, bytes);
    for (const command of [
      ['convert', '--format', 'traces'],
      ['view', '--no-follow', '--events', '--summary'],
      ['view', '--no-follow', '--slowest', '3'],
      ['check', '--max', '1ms', '--p95', '*=2ms', '--reporter', 'json'],
      ['stats', '--format', 'json'],
    ]) {
      const [one, two] = await Promise.all([runCli([...command, '--threads', '1', damaged]), runCli([...command, '--threads', '2', damaged])]);
      assert.deepEqual([two.code, two.stderr, two.stdout], [one.code, one.stderr, one.stdout], `${command.join(' ')} on damaged log ${round}`);
      assert.doesNotMatch(two.stderr, STACK_TRACE);
    }
  }
});
