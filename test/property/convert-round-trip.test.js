// Property: a random span forest written as log lines (every id, time,
// duration and naming convention, begin/end lines, events, awkward tags, in
// random order) comes back out of `tracelog convert` as exactly the same
// forest: ids, parents, names, services, start and duration to the
// nanosecond, tags and events. In-process through the pure pipeline for many
// forests, and through the real CLI for a few.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkProperty, encodeForest, forestArb, FUZZ } from './arbitraries.js';
import { assembleLines, assertSameSpans, expectedSpans, spanLinesText, spansFromOutput } from './model.js';
import { makeTempDir, runCli, STACK_TRACE } from '../helpers/cli.js';

const tmp = makeTempDir('tracelog-property-');
test.after(() => tmp.cleanup());

test('a random forest written as log lines converts back to the same forest (pure pipeline)', async () => {
  await checkProperty(
    fc.property(forestArb({ maxTraces: 3, maxSpans: FUZZ ? 12 : 8 }), (forest) => {
      const lines = encodeForest(forest);
      const { traces, skipped } = assembleLines(lines.map((l) => l.text));
      assert.deepEqual(skipped, [], 'no line is skipped');
      assertSameSpans(spansFromOutput(spanLinesText(traces)), expectedSpans(forest));
    }),
    { runs: 300, fuzzRuns: 20_000 },
  );
});

/** The lines as a file: CRLF or LF, a byte-order mark, blank lines, with or without a final newline. */
function fileText(lines, style) {
  const eol = style % 2 === 0 ? '\n' : '\r\n';
  const body = lines.map((l, i) => (style & 4 && i % 3 === 1 ? `${eol}${l.text}` : l.text)).join(eol);
  return `${style & 2 ? '\uFEFF' : ''}${body}${style & 8 ? '' : eol}`;
}

test('a random forest converts back to the same forest through the CLI', async () => {
  let run = 0;
  await checkProperty(
    fc.asyncProperty(forestArb({ maxTraces: 3, maxSpans: 10 }), fc.nat(15), async (forest, style) => {
      const path = join(tmp.dir, `forest-${run++}.log`);
      writeFileSync(path, fileText(encodeForest(forest), style));
      const { code, stdout, stderr } = await runCli(['convert', path]);
      assert.doesNotMatch(stderr, STACK_TRACE);
      assert.equal(stderr, '', 'nothing skipped, nothing to warn about');
      assert.equal(code, 0);
      assertSameSpans(spansFromOutput(stdout), expectedSpans(forest));
    }),
    { runs: 6, fuzzRuns: 200, shrink: false },
  );
});
