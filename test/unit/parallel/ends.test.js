// Where each trace's last line is (found before the real read, so a trace can be
// written and let go once that line has gone by).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTraceEnds } from '../../../dist/parallel/ends.js';
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
