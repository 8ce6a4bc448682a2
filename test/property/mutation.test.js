// Property: random byte mutations of a valid log (bit flips, stray quotes,
// braces, NUL, newlines, invalid UTF-8, deleted and truncated bytes) never
// crash tracelog, and every line that was not mutated still yields its span.
// A trace none of whose lines was touched, and that no damaged line claims,
// comes back exactly; in a damaged trace every intact span line still gives a
// real (non-placeholder) span with its own name, times and tags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { readRecords } from '../../dist/commands/load.js';
import { Diagnostics } from '../../dist/diagnostics.js';
import { readLine } from '../../dist/extract/line.js';
import { importDocumentRecords } from '../../dist/extract/import-document.js';
import { Assembler } from '../../dist/trace/assemble.js';
import { checkProperty, encodeForest, wholeLineForestArb } from './arbitraries.js';
import { assertSameSpans, expectedSpans, spanLinesText, spansFromOutput } from './model.js';
import { makeTempDir, runCli, STACK_TRACE } from '../helpers/cli.js';

const tmp = makeTempDir('tracelog-mutation-');
test.after(() => tmp.cleanup());

const INTERESTING = [0x00, 0x0a, 0x0d, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0xff, 0xfe, 0xc3, 0xe2, 0x80, 0x1b, 0x30, 0x39, 0x2d, 0x2e, 0x65, 0x20, 0x09, 0xef, 0xbb, 0xbf, 0x7f, 0x9b];
const byteArb = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }));
const mutationArb = fc.record({
  line: fc.nat(),
  pos: fc.nat(),
  kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'),
  bytes: fc.array(byteArb, { minLength: 1, maxLength: 3 }),
  length: fc.integer({ min: 1, max: 8 }),
});

/** Applies mutations to line contents (never to the newlines between lines). */
function mutate(lines, mutations) {
  const buffers = lines.map((l) => Buffer.from(l.text, 'utf8'));
  for (const m of mutations) {
    const i = m.line % buffers.length;
    const b = buffers[i];
    const pos = b.length === 0 ? 0 : m.pos % b.length;
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[pos] ^= 1 << (m.bytes[0] % 8);
        break;
      case 'set':
        if (b.length > 0) b[pos] = m.bytes[0];
        break;
      case 'insert':
        buffers[i] = Buffer.concat([b.subarray(0, pos), Buffer.from(m.bytes), b.subarray(pos)]);
        break;
      case 'delete':
        buffers[i] = Buffer.concat([b.subarray(0, pos), b.subarray(Math.min(b.length, pos + m.length))]);
        break;
      case 'truncate':
        buffers[i] = b.subarray(0, pos);
        break;
    }
  }
  const mutated = buffers.map((b, i) => !b.equals(Buffer.from(lines[i].text, 'utf8')));
  return { buffers, mutated };
}

const key = (traceId, spanId) => JSON.stringify([traceId, spanId]);

/** Trace and span keys that the damaged lines (read as the reader splits and decodes them) claim. */
function claimsOfDamagedLines(buffers, mutated) {
  const traces = new Set();
  const spans = new Set();
  buffers.forEach((b, i) => {
    if (!mutated[i]) return;
    for (const fragment of b.toString('utf8').split(/\r?\n/)) {
      const result = readLine(fragment, 'm', 1, { readDocument: importDocumentRecords });
      if (result === null || 'skip' in result) continue;
      for (const r of result.records) {
        traces.add(r.traceId);
        if (r.spanId !== null) spans.add(key(r.traceId, r.spanId));
      }
    }
  });
  return { traces, spans };
}

/** Checks the output against the forest, given which lines were damaged. */
function checkSurvivors(forest, lines, mutated, buffers, outputText) {
  const out = spansFromOutput(outputText);
  const claims = claimsOfDamagedLines(buffers, mutated);
  const damagedTraces = new Set(claims.traces);
  lines.forEach((l, i) => mutated[i] && damagedTraces.add(l.traceId));
  const expected = expectedSpans(forest);

  // Untouched traces: exactly as written.
  const clean = new Map([...expected].filter(([, s]) => !damagedTraces.has(s.traceId)));
  const cleanOut = new Map([...out.spans].filter(([, s]) => !damagedTraces.has(s.traceId)));
  const cleanFlags = out.flags.filter((f) => !damagedTraces.has(f.traceId));
  assertSameSpans({ spans: cleanOut, flags: cleanFlags }, clean);

  // Damaged traces: every intact span line still gives its span.
  const synthetic = new Set(out.flags.filter((f) => f.flag === 'synthetic').map((f) => key(f.traceId, f.spanId)));
  lines.forEach((l, i) => {
    if (mutated[i] || l.role !== 'span' || !damagedTraces.has(l.traceId)) return;
    const k = key(l.traceId, l.spanId);
    const got = out.spans.get(k);
    assert.ok(got, `the intact line ${i + 1} still yields span ${k}`);
    if (claims.spans.has(k)) return; // a damaged line with the same id merged into it
    assert.ok(!synthetic.has(k), `span ${k} is real, not a placeholder`);
    const want = expected.get(k);
    const pickOwn = (s) => ({ name: s.name, service: s.service, startNs: s.startNs, durationNs: s.durationNs, tags: s.tags });
    assert.deepStrictEqual(pickOwn(got), pickOwn(want), `span ${k} keeps its own fields`);
  });
}

const io = () => ({ stdin: new PassThrough(), stdinIsTTY: false, signal: undefined });

test('random byte mutations: every intact line still yields its span (in-process reader)', async () => {
  let run = 0;
  await checkProperty(
    fc.asyncProperty(wholeLineForestArb({ maxTraces: 4, maxSpans: 6 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (forest, mutations) => {
      const lines = encodeForest(forest);
      const { buffers, mutated } = mutate(lines, mutations);
      const path = join(tmp.dir, `mutated-${run++ % 50}.log`);
      writeFileSync(path, Buffer.concat(buffers.flatMap((b) => [b, Buffer.from('\n')])));
      const assembler = new Assembler();
      const diagnostics = new Diagnostics();
      await readRecords({ files: [path], strict: false, maxLineBytes: 16 * 2 ** 20, lineOptions: {} }, io(), diagnostics, (r) => assembler.add(r));
      assert.ok(diagnostics.skippedTotal <= mutated.filter(Boolean).length * 4 + 4, 'only damaged lines are skipped');
      checkSurvivors(forest, lines, mutated, buffers, spanLinesText(assembler.finish()));
    }),
    { runs: 250, fuzzRuns: 20_000 },
  );
});

test('random byte mutations: the CLI never crashes and keeps every intact span', async () => {
  let run = 0;
  await checkProperty(
    fc.asyncProperty(
      wholeLineForestArb({ maxTraces: 3, maxSpans: 6 }),
      fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('convert', 'view', 'check', 'stats'),
      async (forest, mutations, command) => {
        const lines = encodeForest(forest);
        const { buffers, mutated } = mutate(lines, mutations);
        const path = join(tmp.dir, `cli-mutated-${run++}.log`);
        writeFileSync(path, Buffer.concat(buffers.flatMap((b) => [b, Buffer.from('\n')])));
        const args = command === 'check' ? ['check', '--max', '1h', path] : [command, path];
        const { code, stdout, stderr } = await runCli(args);
        assert.doesNotMatch(stderr, STACK_TRACE);
        for (const line of stderr.split('\n').filter(Boolean)) assert.match(line, /^tracelog: /, 'every message is one tracelog: line');
        assert.ok(command === 'check' ? code === 0 || code === 1 : code === 0, `exit ${code}: ${stderr}`);
        if (command === 'convert') checkSurvivors(forest, lines, mutated, buffers, stdout);
      },
    ),
    { runs: 12, fuzzRuns: 400, shrink: false },
  );
});
