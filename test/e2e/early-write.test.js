// Traces written (or checked, or counted) as soon as their last line has gone by: a
// file is read twice (once to find where each trace ends), and what comes out is byte
// for byte what the plain reader gives — which is how stdin is read once, as a stream,
// when no temporary copy of it can be made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogGenerator } from '../../bench/generate.js';
import { FIXTURES, ROOT, STACK_TRACE, cliEnv, runCli, streamEnv } from '../helpers/cli.js';
import { damagedLogs } from '../helpers/damage.js';

const dir = mkdtempSync(join(tmpdir(), 'tracelog-early-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const generated = join(dir, 'generated.jsonl');
writeFileSync(generated, createLogGenerator({ seed: 5 }).take(8000));

const COMMANDS = [
  ['convert'],
  ['convert', '--format', 'traces'],
  ['convert', '--format', 'zipkin'],
  ['convert', '--format', 'jaeger'],
  ['convert', '--format', 'otlp', '--batch-spans', '7'],
  ['convert', '--format', 'chrome'],
  ['view', '--no-follow', '--events', '--tags', 'http.method,region'],
  ['view', '--no-follow', '--errors', '--limit', '4', '--width', '70'],
  ['view', '--no-follow', '--color', '--all-tags', '--limit', '2'],
  ['view', '--slowest', '3', '--summary'],
  ['view', '--no-follow', '--summary', '--errors'],
  ['view', '--no-follow', '--summary', '--limit', '3'],
  ['view', '--sort', 'duration', '--limit', '2', '--errors', '--width', '90'],
  ['check', '--max', '2ms', '--reporter', 'json'],
  ['check', '--max', '1ms', '--rule', '*GET*=5ms', '--p95', '*=10ms', '--fail-on', 'orphans,duplicates'],
  ['stats', '--format', 'json'],
  ['stats', '--by', 'name'],
];

/** The same command on a file (read twice, written early) and on stdin read once (no temporary copy to be had). */
async function sameAsStdin(args, file, label) {
  const [early, plain] = await Promise.all([runCli([...args, '--threads', '1', file]), runCli([...args, '--threads', '1'], { stdinFile: file, env: streamEnv() })]);
  assert.equal(early.stdout, plain.stdout, `${label}: stdout`);
  assert.equal(early.stderr, plain.stderr.replaceAll('stdin:', `${file}:`), `${label}: stderr`);
  assert.equal(early.code, plain.code, `${label}: exit status`);
  assert.doesNotMatch(early.stderr, STACK_TRACE);
  return early;
}

for (const command of COMMANDS) {
  test(`${command.join(' ')}: a file gives what stdin gives, on a generated log and on every fixture`, async () => {
    const one = await sameAsStdin(command, generated, 'generated');
    assert.ok(one.stdout.length > 0);
    // Two fixtures at a time (four processes): the runs are independent.
    const names = readdirSync(FIXTURES).filter((f) => /\.(jsonl|log)$/.test(f));
    const next = async () => {
      for (let name = names.shift(); name !== undefined; name = names.shift()) await sameAsStdin(command, join(FIXTURES, name), name);
    };
    await Promise.all([next(), next()]);
  });
}

test('stdin and gzip files read whole are copied to a plain file first: the same output as the file, in one thread and two', async () => {
  const gz = join(dir, 'generated.jsonl.gz');
  writeFileSync(gz, gzipSync(readFileSync(generated)));
  const temporary = mkdtempSync(join(dir, 'tmp-'));
  const env = cliEnv({ TMPDIR: temporary });
  // One command of each kind that reads whole (the copy is read as any file is).
  for (const command of [COMMANDS[0], COMMANDS[6], COMMANDS[13], COMMANDS[15]]) {
    const label = command.join(' ');
    const [file, piped, gzipped] = await Promise.all([
      runCli([...command, '--threads', '2', generated]),
      runCli([...command, '--threads', '2'], { stdinFile: generated, env }),
      runCli([...command, '--threads', '1', gz], { env }),
    ]);
    assert.doesNotMatch(file.stderr, STACK_TRACE);
    for (const [r, name] of [[piped, 'stdin'], [gzipped, gz]]) {
      assert.equal(r.stdout, file.stdout, `${label} (${name}): stdout`);
      assert.equal(r.stderr, file.stderr.replaceAll(`${generated}:`, `${name}:`), `${label} (${name}): stderr`);
      assert.equal(r.code, file.code, `${label} (${name}): exit status`);
    }
  }
  assert.deepEqual(readdirSync(temporary), [], 'no copy is left behind');
});

test('view --limit keeps only the first traces while it reads (more than a thousand shown)', async () => {
  const many = join(dir, 'many.jsonl');
  // Traces of one span each, logged out of start order.
  const lines = [];
  for (let i = 0; i < 3000; i++) {
    const second = (i * 7919) % 3000;
    lines.push(JSON.stringify({ trace_id: `t${i}`, span_id: 's', name: `op ${i}`, time: 1714557600000 + second * 1000, duration_ms: 1 + (i % 5) }));
  }
  writeFileSync(many, `${lines.join('\n')}\n`);
  const one = await sameAsStdin(['view', '--no-follow', '--limit', '3'], many, 'many');
  // The three earliest starts: seconds 0, 1 and 2.
  assert.deepEqual(one.stdout.match(/^op \d+ · trace \S+/gm), ['op 0 · trace t0', 'op 1679 · trace t1679', 'op 358 · trace t358']);
});

test('view --slowest keeps only the longest traces while it reads (more than a thousand seen)', async () => {
  const many = join(dir, 'durations.jsonl');
  // Traces of one span each, out of start order; ties in duration go by start, then place in the input.
  const lines = [];
  for (let i = 0; i < 3000; i++) {
    const second = (i * 7919) % 3000;
    // Many share both start and duration: only the place in the input tells them apart.
    const tied = i % 2 === 0;
    const time = 1714557600000 + (tied ? (second % 10) * 1000 : second * 1000);
    lines.push(JSON.stringify({ trace_id: `d${i}`, span_id: 's', name: `op ${i}`, time, duration_ms: tied ? 7 + (i % 3) : 1 + ((i * 31) % 50) / 10 }));
  }
  writeFileSync(many, `${lines.join('\n')}\n`);
  for (const args of [['--slowest', '4'], ['--slowest', '5', '--sort', 'duration'], ['--sort', 'duration', '--limit', '3'], ['--slowest', '40', '--limit', '2']]) {
    const one = await sameAsStdin(['view', ...args], many, `durations ${args.join(' ')}`);
    assert.ok(/op \d+/.test(one.stdout));
  }
});

test('a line whose raw text names another trace than its fields: the file is read the plain way', async () => {
  // The second line's raw text names trace A, but its fields (SpanContext.TraceID outranks
  // TraceId) put it in trace B, whose last line by the raw text was the first.
  const misleading = join(dir, 'misleading.jsonl');
  writeFileSync(
    misleading,
    [
      '{"trace_id":"B","span_id":"1","name":"root","time":1714557600000,"duration_ms":5}',
      '{"TraceId":"A","SpanContext":{"TraceID":"B","SpanID":"2"},"parent_id":"1","name":"child","time":1714557600001,"duration_ms":1}',
      '{"trace_id":"A","span_id":"9","name":"other","time":1714557600002,"duration_ms":1}',
      '',
    ].join('\n'),
  );
  const { streamTextsHere } = await import(join(ROOT, 'dist/parallel/load-parallel.js'));
  const { Diagnostics } = await import(join(ROOT, 'dist/diagnostics.js'));
  const options = (files) => ({ files, strict: false, maxLineBytes: 1 << 20, lineOptions: {}, fields: 'text' });
  assert.equal(await streamTextsHere(options([misleading]), { kind: 'spans' }, { stdinIsTTY: false }, new Diagnostics()), null);
  assert.notEqual(await streamTextsHere(options([generated]), { kind: 'spans' }, { stdinIsTTY: false }, new Diagnostics()), null);
  const one = await sameAsStdin(['convert'], misleading, 'misleading');
  const spans = one.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(spans.map((s) => [s.traceId, s.spanId]), [['B', '1'], ['B', '2'], ['A', '9']]);
});

test('output past TRACELOG_MEMORY_BYTES waits in a temporary file: the same bytes, and no file is left behind', async () => {
  const temp = join(dir, 'tmp');
  mkdirSync(temp);
  // Chrome's event texts wait the same way (one thread: the workers do not make its document).
  for (const command of [['convert'], ['convert', '--format', 'chrome'], ['convert', '--format', 'otlp'], ['view', '--no-follow', '--events', '--limit', '40'], ['view', '--no-follow']]) {
    const plain = await runCli([...command, '--threads', '1'], { stdinFile: generated });
    for (const [memory, tmp] of [['0', temp], ['100000', temp], ['0', join(dir, 'no-such-dir')]]) {
      const env = cliEnv({ TRACELOG_MEMORY_BYTES: memory, TMPDIR: tmp });
      const runs = await Promise.all(['1', '2'].map((threads) => runCli([...command, '--threads', threads, generated], { env })));
      for (const [i, spilled] of runs.entries()) {
        const label = `${command.join(' ')} --threads ${i + 1}, ${memory} bytes in memory, TMPDIR ${tmp}`;
        assert.equal(spilled.stdout, plain.stdout, label);
        assert.equal(spilled.code, plain.code, label);
      }
      assert.deepEqual(readdirSync(temp), [], `${command.join(' ')}, ${memory} bytes in memory, TMPDIR ${tmp}: files left`);
    }
  }
});

test('several files: a trace whose lines are in both is written once, whole', async () => {
  const first = join(dir, 'part1.jsonl');
  const second = join(dir, 'part2.jsonl');
  writeFileSync(first, '{"trace_id":"x","span_id":"c","parent_id":"r","name":"child","time":1714557600001,"duration_ms":1}\n{"trace_id":"y","span_id":"r","name":"alone","time":1714557600000,"duration_ms":1}\n');
  writeFileSync(second, '{"trace_id":"x","span_id":"r","name":"root","time":1714557600000,"duration_ms":5}\n');
  const r = await runCli(['convert', '--format', 'traces', first, second]);
  assert.equal(r.code, 0);
  const traces = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(traces.map((t) => [t.traceId, t.spanCount ?? t.spans?.length]), [['x', 2], ['y', 1]]);
});

test('damaged logs (random byte mutations, seeded): a file gives what stdin gives', async () => {
  const insertions = ['"', '{', '}', '\n', '\r\n', '\0', '\\', ',', ':', '\xff', '"trace_id":"', '"traceId":"t1",', '"trace":{"id":"x"},', '[', '{"trace_id":"late"}\n'];
  const logs = damagedLogs(createLogGenerator({ seed: 9 }).take(1500), { seed: 1127, rounds: 3, mutations: 60, insertions });
  for (const [round, bytes] of logs.entries()) {
    const damaged = join(dir, `damaged-${round}.log`);
    writeFileSync(damaged, bytes);
    for (const command of [['convert', '--format', 'traces'], ['convert', '--format', 'zipkin'], ['convert', '--format', 'otlp'], ['view', '--no-follow', '--events'], ['check', '--max', '1ms', '--reporter', 'json'], ['stats', '--format', 'json']]) {
      await sameAsStdin(command, damaged, `${command.join(' ')} on damaged log ${round}`);
    }
  }
});

test('lines held until their trace ends: the first skip is the earliest, records of shared lines keep their place', async () => {
  const t = (ms) => `"time":"2024-05-01T12:00:00.${String(ms).padStart(3, '0')}Z"`;
  const lines = [
    `{"trace_id":"a","span_id":"1","name":"root",${t(0)},"duration_ms":50}`,
    `{"trace_id":"a","span_id":"2","parent_id":"1","name":"work","msg":"start",${t(1)}}`,
    `{"trace_id":"a","span_id":"3","msg":"broken`,
    // Two trace keys: every share reads it now; its record joins the held lines of a in place.
    `{"trace_id":"a","x":{"traceId":"a"},"span_id":"2","msg":"end",${t(9)}}`,
    `{"trace_id":"b","span_id":"7","msg":"broken too`,
    `{"trace_id":"b","span_id":"8","name":"other",${t(2)},"duration_ms":1}`,
    `{"trace_id":"a","span_id":"2","parent_id":"1","name":"again","msg":"start",${t(20)}}`,
    `{"trace_id":"a","span_id":"2","msg":"end",${t(25)}}`,
    `{"trace_id":"0000","span_id":"5","duration_ms":1}`,
  ];
  const held = join(dir, 'held.jsonl');
  writeFileSync(held, `${lines.join('\n')}\n`);
  for (const command of [['convert'], ['view', '--no-follow', '--events'], ['check', '--max', '1ms']]) {
    const run = await sameAsStdin(command, held, command.join(' '));
    assert.match(run.stderr, /skipped 3 of 9 lines \(2 not JSON, 1 without trace id\); first at .*held\.jsonl:3/);
  }
  const spans = (await runCli(['convert', '--threads', '1', held])).stdout.trim().split('\n').map((line) => JSON.parse(line));
  // The begin and end lines of span 2 pair up in input order: two spans, 8 ms and 5 ms.
  assert.deepEqual(spans.filter((s) => s.spanId === '2').map((s) => s.durationMs), [8, 5]);
});
