// The byte scanner that finds where each trace ends numbers lines exactly as the
// real reader does and finds the same traces on them, whatever the lines: CRLF, blank,
// too long, garbage, ids only in a traceparent, a key split across a newline, no final
// newline, lines across the scanner's chunks, gzip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { findTraceEnds } from '../../dist/parallel/ends.js';
import { traceIdsIn } from '../../dist/parallel/route.js';
import { readSource } from '../../dist/input/read-lines.js';
import { readLine } from '../../dist/extract/line.js';
import { checkProperty } from './arbitraries.js';

const dir = mkdtempSync(join(tmpdir(), 'tracelog-ends-prop-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const MAX_LINE = 120;

/** Where each trace ends, by the real reader: each line's ids from its raw text, or from parsing it. */
async function reference(files) {
  const last = new Map();
  let place = -1;
  let document = false;
  for (const file of files) {
    await readSource(
      file,
      {
        line(text, source, line) {
          place++;
          const ids = traceIdsIn(text);
          if (ids.length > 0) for (const id of ids) last.set(id, place);
          else {
            const result = readLine(text, source, line, { fields: false });
            if (result && 'records' in result) for (const r of result.records) last.set(r.traceId, place);
            // A first line that is not JSON by itself but may open a document: the plain reader is needed.
            if (line === 1 && result && result.skip === 'not-json' && /^\uFEFF?\s*[[{]/.test(text)) document = true;
          }
        },
        tooLong() {
          place++;
        },
      },
      { maxLineBytes: MAX_LINE },
    );
  }
  return document ? null : last;
}

const id = fc.constantFrom('a1', 'b2', 'c3', '123456789012345678901', 'dddddddddddddddd');
const line = fc.oneof(
  id.map((t) => `{"trace_id":"${t}","span_id":"s","duration_ms":1}`),
  id.map((t) => `{"trace":{"id":"${t}"},"span":{"id":"x"}}`),
  id.map((t) => `{"traceparent":"00-${t.padStart(32, 'e').slice(-32)}-b7ad6b7169203331-01","duration_ms":1}`),
  id.map((t) => `{"dd.trace_id":${/^\d+$/.test(t) ? t : 42},"dd.span_id":1}`),
  id.map((t) => `app-1  | {"traceId":"${t}","spanId":"q","durationMs":2}`),
  id.map((t) => `{"trace_id":"${t}","pad":"${'é'.repeat(70)}"}`),
  fc.constantFrom('', '   ', 'garbage', '{"no":"trace"}', '{"trace"', '[1,2]', '{"x":"\u2028"}'),
);
const file = fc.record({
  lines: fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { maxLength: 40 }),
  finalNewline: fc.boolean(),
  // A key whose value is on the next line: not one line's trace.
  split: fc.boolean(),
  gzip: fc.boolean(),
});

test('the byte scanner finds the ends the real reader finds', async () => {
  let n = 0;
  await checkProperty(
    fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 300 }), async (specs, chunkBytes) => {
      const files = specs.map((spec, i) => {
        let text = spec.lines.map(([l, nl]) => l + nl).join('');
        if (spec.split) text += '{"trace"\n:{"id":"a1"}}\n';
        if (!spec.finalNewline) text = text.replace(/\r?\n$/, '');
        const path = join(dir, `f${n++}-${i}.log`);
        writeFileSync(path, spec.gzip ? gzipSync(text) : text);
        return path;
      });
      const expected = await reference(files);
      const ends = await findTraceEnds({ files, strict: false, maxLineBytes: MAX_LINE, lineOptions: {} }, () => true, { stdinIsTTY: false }, chunkBytes);
      if (expected === null) return assert.equal(ends, null);
      assert.deepEqual(new Set(ends.endedBefore(Number.MAX_SAFE_INTEGER)), new Set(expected.keys()));
      for (const [traceId, place] of expected) {
        assert.equal(ends.covers(traceId, place), true, `${traceId} on line ${place}`);
        assert.equal(ends.covers(traceId, place + 1), false, `${traceId} after line ${place}`);
      }
    }),
    { runs: 200, fuzzRuns: 5000 },
  );
});
