// Sizes from the issue, generated here: a 100,000-deep parent chain and a very
// large single trace. The 1,000,000-span trace is assembled in-process by
// test/unit/trace/assemble.test.js; through the CLI (JSON parse of every line
// included) it takes about 25 s on 2 cores, so this end-to-end test uses
// 300,000 spans to keep the suite fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertValidSpan, makeTempDir, runCli, STACK_TRACE, writeLines } from '../helpers/cli.js';

const tmp = makeTempDir();
test.after(() => tmp.cleanup());

const DEPTH = 100_000;

test('a 100,000-deep chain converts to spans and to one nested trace', async () => {
  const path = join(tmp.dir, 'deep.jsonl');
  // Deepest first, so every parent arrives after its child.
  await writeLines(path, DEPTH, (n) => {
    const i = DEPTH - 1 - n;
    return `{"trace_id":"deep","span_id":"s${i}","parent_id":${i ? `"s${i - 1}"` : '""'},"ts":${1714557600 + i / 1e6},"duration_us":${(DEPTH - i) * 2}}`;
  });

  const spans = await runCli(['convert', path]);
  assert.equal(spans.code, 0);
  assert.equal(spans.stderr, '');
  const lines = spans.stdout.trimEnd().split('\n');
  assert.equal(lines.length, DEPTH);
  const first = JSON.parse(lines[0]);
  const last = JSON.parse(lines[DEPTH - 1]);
  assertValidSpan(first);
  assertValidSpan(last);
  assert.deepEqual([first.spanId, first.parentId, first.startTime, first.durationMs], ['s0', null, '2024-05-01T10:00:00Z', 200]);
  assert.deepEqual([last.spanId, last.parentId, last.startTime, last.durationMs], [`s${DEPTH - 1}`, `s${DEPTH - 2}`, '2024-05-01T10:00:00.099999Z', 0.002]);
  for (let i = 0; i < DEPTH; i += 9_973) assert.ok(lines[i].startsWith(`{"traceId":"deep","spanId":"s${i}",`), `line ${i + 1} in depth-first order`);

  const traces = await runCli(['convert', '--format', 'traces', path]);
  assert.equal(traces.code, 0);
  assert.equal(traces.stderr, '');
  const text = traces.stdout.trimEnd();
  assert.equal(text.includes('\n'), false, 'one trace, one line');
  const trace = JSON.parse(text);
  assert.equal(trace.spanCount, DEPTH);
  let span = trace.roots[0];
  let depth = 1;
  while (span.children.length > 0) {
    assert.equal(span.children.length, 1);
    span = span.children[0];
    depth++;
  }
  assert.equal(depth, DEPTH);
  assert.equal(span.spanId, `s${DEPTH - 1}`);
});

const WIDE = 300_000;

test('a 300,000-span trace converts', async () => {
  const path = join(tmp.dir, 'wide.jsonl');
  // A root, 1,000 children, and every other span under one of those children.
  await writeLines(path, WIDE, (i) => {
    const parent = i === 0 ? 'null' : i <= 1000 ? '"s0"' : `"s${(i % 1000) + 1}"`;
    return `{"trace_id":"wide","span_id":"s${i}","parent_id":${parent},"time":${1714557600000 + (i === 0 ? 0 : 1 + (i % 997))},"duration_ms":${i === 0 ? 2000 : 1},"name":"op"}`;
  });
  const started = Date.now();
  const { code, stdout, stderr } = await runCli(['convert', '--format', 'traces', path]);
  const elapsedMs = Date.now() - started;
  assert.equal(code, 0);
  assert.doesNotMatch(stderr, STACK_TRACE);
  assert.equal(stderr, '');
  const trace = JSON.parse(stdout);
  assert.equal(trace.spanCount, WIDE);
  assert.equal(trace.roots.length, 1);
  assert.equal(trace.roots[0].children.length, 1000);
  const counted = trace.roots[0].children.reduce((n, c) => n + 1 + c.children.length, 1);
  assert.equal(counted, WIDE);
  // Children ordered by start time.
  const starts = trace.roots[0].children.map((c) => c.startTime);
  assert.deepEqual(starts, [...starts].sort());
  assert.ok(elapsedMs < 30_000, `took ${elapsedMs} ms`);
});
