// Where each trace's last line is (found before the real read, so a trace can be
// written and let go once that line has gone by).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTraceEnds, splitFileRanges } from '../../../dist/parallel/ends.js';
import { traceIdsIn } from '../../../dist/parallel/route.js';

const dir = mkdtempSync(join(tmpdir(), 'tracelog-ends-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const io = { stdinIsTTY: false };
const options = (files) => ({ files, strict: false, maxLineBytes: 1 << 20, lineOptions: {} });
function file(name, lines) {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
const all = () => true;
/** The ranges of one file for `count` shares. */
const splitRanges = (file, size, count, first) => splitFileRanges([file], [size], count, first).map((run) => run[0]);

test('traceIdsIn: every trace id a convention key names in the raw text', () => {
  assert.deepEqual(traceIdsIn('{"trace_id":"a","x":{"traceId":"b"},"dd.trace_id":123}'), ['a', 'b', '123']);
  assert.deepEqual(traceIdsIn('{"trace":{"id":"c"}}'), ['c']);
  // Inside a JSON string, as Docker's json-file log carries the application's line.
  assert.deepEqual(traceIdsIn(JSON.stringify({ log: `${JSON.stringify({ trace_id: 'd', trace: { id: 'e' }, 'dd.trace_id': 7 })}\n` })), ['d', 'e', '7']);
  // A string id ends with the quote it began with: `abc\"x` is not `abc`.
  assert.deepEqual(traceIdsIn('{"trace_id":"abc\\"x"}'), []);
  assert.deepEqual(traceIdsIn('{"log":"{\\"trace_id\\":\\"abc\"}"}'), []);
  assert.deepEqual(traceIdsIn('{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}'), []);
});

test('the last line of each trace, over several files; a line naming none is parsed', async () => {
  const one = file('one.jsonl', [
    '{"trace_id":"a","span_id":"1","duration_ms":1}',
    '{"trace_id":"b","span_id":"2","duration_ms":1}',
    '{"trace_id":"a","span_id":"3","duration_ms":1}',
    '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","duration_ms":1}',
    'garbage',
  ]);
  const two = file('two.jsonl', ['', '{"trace_id":"b","msg":"late"}']);
  const ends = await findTraceEnds(options([one, two]), all, io);
  assert.ok(ends);
  assert.deepEqual([...ends.endedBefore(3)], ['a']);
  assert.deepEqual([...ends.endedBefore(3)], [], 'each once');
  assert.deepEqual([...ends.endedBefore(100)], ['0af7651916cd43dd8448eb211c80319c', 'b']);
  assert.equal(ends.covers('a', 2), true);
  assert.equal(ends.covers('a', 3), false);
  assert.equal(ends.covers('b', 6), true, 'line 2 of the second file is line 6 of the input');
  assert.equal(ends.covers('nobody', 0), false);
});

test('only the traces asked for are kept', async () => {
  const path = file('keep.jsonl', ['{"trace_id":"a","span_id":"1"}', '{"trace_id":"b","span_id":"2"}']);
  const ends = await findTraceEnds(options([path]), (id) => id === 'b', io);
  assert.deepEqual([...ends.endedBefore(100)], ['b']);
});

test('which lines a share reads: those naming one trace of its own, and every line naming none or several', async () => {
  const path = file('shares.jsonl', [
    '{"trace_id":"a","span_id":"1"}',
    '{"trace_id":"b","span_id":"2"}',
    '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","duration_ms":1}',
    '{"trace_id":"b","x":{"traceId":"a"}}',
    'x'.repeat(200),
  ]);
  const ends = await findTraceEnds({ ...options([path]), maxLineBytes: 100 }, (id) => id === 'a', io);
  assert.deepEqual([0, 1, 2, 3, 4].map((place) => ends.reads(place)), [true, false, true, true, true]);
  assert.deepEqual([0, 1, 2, 3, 4].map((place) => ends.sharedLine(place)), [false, false, true, true, true]);
});

test('null when the ends cannot be found cheaply: a whole JSON document, many lines naming no trace', async () => {
  const doc = file('doc.json', ['[', '{"traceId":"abc","id":"1","name":"op","timestamp":1,"duration":1}', ']']);
  assert.equal(await findTraceEnds(options([doc]), all, io), null);
  const header = (i) => `{"traceparent":"00-${i.toString(16).padStart(32, '1')}-b7ad6b7169203331-01","duration_ms":1}`;
  const headers = file('headers.jsonl', Array.from({ length: 6000 }, (_, i) => header(i)));
  assert.equal(await findTraceEnds(options([headers]), all, io), null);
  // A few such lines among many named ones are parsed.
  const mixed = file('mixed.jsonl', Array.from({ length: 6000 }, (_, i) => (i % 50 === 0 ? header(i) : `{"trace_id":"t${i % 7}","span_id":"${i}"}`)));
  const ends = await findTraceEnds(options([mixed]), all, io);
  assert.ok(ends);
  assert.equal([...ends.endedBefore(6000)].length, 7 + 120);
});

test('ranges of a file for the shares to scan: each starts where a line starts, together they cover it, in order', async () => {
  const lines = ['short', 'x'.repeat(300), '', 'a line', 'y'.repeat(40), 'z'];
  const path = file('ranges.jsonl', lines);
  const size = Buffer.byteLength(`${lines.join('\n')}\n`);
  const text = `${lines.join('\n')}\n`;
  for (const count of [1, 2, 3, 5, 9]) {
    for (const first of [undefined, 0.75, 0.1]) {
      const ranges = splitRanges(path, size, count, first ?? 1 / count);
      assert.equal(ranges.length, count);
      assert.equal(ranges[0].start, 0);
      assert.equal(ranges.at(-1).end, size);
      for (let k = 0; k < count; k++) {
        const { start, end } = ranges[k];
        assert.ok(start <= end, `${count}/${k}`);
        if (k > 0) assert.equal(start, ranges[k - 1].end);
        assert.ok(start === 0 || start === size || text[start - 1] === '\n', `range ${k} of ${count} starts inside a line`);
      }
    }
  }
  // Under a line longer than a range, the ranges it covers are empty.
  const ranges = splitRanges(path, size, 9);
  assert.ok(ranges.some((r) => r.start === r.end));
});

test('the ends put together from every range equal the ends found over the whole file, for every share', async () => {
  const { mergeEnds } = await import('../../../dist/parallel/ends.js');
  const { ownerOf } = await import('../../../dist/parallel/route.js');
  const lines = [];
  for (let i = 0; i < 400; i++) {
    const trace = `t${(i * 7) % 23}`;
    if (i % 37 === 5) lines.push('not json at all');
    else if (i % 41 === 7) lines.push(`{"traceparent":"00-0af7651916cd43dd8448eb211c8031${String(i % 10).padStart(2, '0')}-b7ad6b7169203331-01","msg":"headers only"}`);
    else if (i % 43 === 9) lines.push(`{"trace_id":"${trace}","x":{"traceId":"t${i % 5}"},"span_id":"s${i}"}`);
    else lines.push(`{"trace_id":"${trace}","span_id":"s${i}","duration_ms":1}`);
  }
  const path = file('merged.jsonl', lines);
  const size = Buffer.byteLength(`${lines.join('\n')}\n`);
  for (const count of [2, 3]) {
    const ranges = splitRanges(path, size, count);
    const parts = [];
    for (const range of ranges) parts.push((await findTraceEnds({ ...options([path]), fileBytes: [size] }, all, io, undefined, [range])).toPart());
    for (let index = 0; index < count; index++) {
      const keep = (id) => ownerOf(id, count) === index;
      const whole = await findTraceEnds({ ...options([path]), fileBytes: [size] }, keep, io);
      const merged = mergeEnds(parts, keep);
      for (let place = 0; place <= lines.length; place++) {
        assert.equal(merged.reads(place), whole.reads(place), `reads ${place}`);
        assert.equal(merged.sharedLine(place), whole.sharedLine(place), `shared ${place}`);
        const [a, b] = [merged.traceAt(place), whole.traceAt(place)];
        assert.equal(a < 0 ? null : merged.idOf(a), b < 0 ? null : whole.idOf(b), `trace at ${place}`);
      }
      for (const id of ['t0', 't5', 't22', '0af7651916cd43dd8448eb211c803105', 'nobody']) {
        for (const place of [0, 100, 250, 399, 400]) assert.equal(merged.covers(id, place), whole.covers(id, place), `${id} ${place}`);
      }
      assert.deepEqual([...merged.endedBefore(Number.POSITIVE_INFINITY)], [...whole.endedBefore(Number.POSITIVE_INFINITY)]);
    }
    assert.equal(mergeEnds([...parts.slice(1), null], all), null, 'a range that gave up: no ends');
  }
});

test('several files: every share\'s ranges of them, scanned and put together, equal the ends over all the files', async () => {
  const { mergeEnds } = await import('../../../dist/parallel/ends.js');
  const { ownerOf } = await import('../../../dist/parallel/route.js');
  const { writeFileSync: write } = await import('node:fs');
  const lineAt = (i) => (i % 29 === 3 ? 'not json' : `{"trace_id":"t${(i * 5) % 17}","span_id":"s${i}","duration_ms":1}`);
  // Files of 150, 0, 1 and 60 lines; the third has no final newline, and one line is long.
  const texts = [
    `${Array.from({ length: 150 }, (_, i) => (i === 70 ? `{"trace_id":"t3","pad":"${'x'.repeat(3000)}"}` : lineAt(i))).join('\n')}\n`,
    '',
    lineAt(150),
    `${Array.from({ length: 60 }, (_, i) => lineAt(151 + i)).join('\n')}\n`,
  ];
  const paths = texts.map((text, f) => {
    const path = join(dir, `several-${f}.jsonl`);
    write(path, text);
    return path;
  });
  const sizes = texts.map((text) => Buffer.byteLength(text));
  const load = { ...options(paths), fileBytes: sizes };
  for (const count of [2, 3, 4, 7]) {
    for (const first of [1 / count, 0.6]) {
      const runs = splitFileRanges(paths, sizes, count, first);
      assert.equal(runs.length, count);
      // Together the runs cover every file, in order, each range starting where a line starts.
      for (const [f, size] of sizes.entries()) {
        assert.equal(runs[0][f].start, 0);
        assert.equal(runs.at(-1)[f].end, size);
        for (let k = 1; k < count; k++) assert.equal(runs[k][f].start, runs[k - 1][f].end);
        for (const run of runs) assert.ok(run[f].start === 0 || run[f].start === size || texts[f][run[f].start - 1] === '\n');
      }
      const parts = [];
      for (const run of runs) parts.push((await findTraceEnds(load, all, io, 64, run)).toPart());
      for (let index = 0; index < count; index++) {
        const keep = (id) => ownerOf(id, count) === index;
        const whole = await findTraceEnds(load, keep, io);
        const merged = mergeEnds(parts, keep);
        for (let place = 0; place <= 212; place++) {
          assert.equal(merged.reads(place), whole.reads(place), `${count}: reads ${place}`);
          const [a, b] = [merged.traceAt(place), whole.traceAt(place)];
          assert.equal(a < 0 ? null : merged.idOf(a), b < 0 ? null : whole.idOf(b), `${count}: trace at ${place}`);
        }
        assert.deepEqual([...merged.endedBefore(Number.POSITIVE_INFINITY)], [...whole.endedBefore(Number.POSITIVE_INFINITY)]);
      }
    }
  }
});

test('more traces than 16 bits number: the ends put together still name the right trace on every line', async () => {
  const { mergeEnds } = await import('../../../dist/parallel/ends.js');
  const { ownerOf } = await import('../../../dist/parallel/route.js');
  // 140,000 traces of one line each, then one more line for every 7th: ranges of 70,000 traces.
  const lines = [];
  for (let i = 0; i < 140000; i++) lines.push(`{"trace_id":"t${i}","span_id":"s","duration_ms":1}`);
  for (let i = 0; i < 140000; i += 7) lines.push(`{"trace_id":"t${i}","span_id":"e","msg":"late"}`);
  const path = file('many.jsonl', lines);
  const size = Buffer.byteLength(`${lines.join('\n')}\n`);
  const ranges = splitRanges(path, size, 2);
  const parts = [];
  for (const range of ranges) parts.push((await findTraceEnds({ ...options([path]), fileBytes: [size] }, all, io, undefined, [range])).toPart());
  assert.ok(parts.every((part) => part.traces instanceof Uint32Array));
  for (const [count, index] of [[1, 0], [2, 1]]) {
    const keep = (id) => ownerOf(id, count) === index;
    const merged = mergeEnds(parts, keep);
    for (let place = 0; place < lines.length; place += 997) {
      const id = JSON.parse(lines[place]).trace_id;
      const at = merged.traceAt(place);
      assert.equal(at < 0 ? null : merged.idOf(at), keep(id) ? id : null, `line ${place}`);
    }
    // t7's second line is the input's 140,002nd; t8 has none there.
    assert.equal(merged.covers('t7', 140001), keep('t7'));
    assert.equal(merged.covers('t8', 140001), false);
    assert.equal(merged.covers('t8', 8), keep('t8'));
  }
});
