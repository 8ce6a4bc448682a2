// Container runtimes write a line longer than 16 KiB in parts: CRI logs (containerd,
// CRI-O) tag them P, the last F; Docker's json-file records leave the newline off all but
// the last. The parts of each stream are joined back before the line is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartialLines, isPartialLine } from '../../../dist/extract/partial-lines.js';

const T = '2026-11-24T10:00:00.123456789Z';

function joinAll(lines, maxChars = 1_000_000) {
  const joiner = new PartialLines(maxChars);
  const out = [];
  lines.forEach((text, i) => joiner.push(text, i + 1, (t, line) => out.push([line, t])));
  joiner.flush((t, line) => out.push([line, t]));
  return out;
}

test('CRI: partial lines of a stream are joined into the first part, numbered as it; other lines pass through', () => {
  assert.deepEqual(
    joinAll([
      `${T} stdout P {"trace_id":"ab`,
      `${T} stderr F plain text on stderr`,
      `${T} stdout P c","span_id":"1",`,
      '{"not":"cri"}',
      `${T} stdout F "duration_ms":5}`,
      `${T} stdout F {"whole":true}`,
    ]),
    [
      [2, `${T} stderr F plain text on stderr`],
      [4, '{"not":"cri"}'],
      [1, `${T} stdout P {"trace_id":"abc","span_id":"1","duration_ms":5}`],
      [6, `${T} stdout F {"whole":true}`],
    ],
  );
});

test('CRI: a line whose last part never comes is read as far as it got, at the end', () => {
  assert.deepEqual(joinAll([`${T} stdout P {"a":`, `${T} stdout P 1`]), [[1, `${T} stdout P {"a":1`]]);
});

test('a joined line longer than the cap is too long (null), once, and the next line is whole again', () => {
  const part = 'x'.repeat(40);
  assert.deepEqual(joinAll([`${T} stdout P ${part}`, `${T} stdout P ${part}`, `${T} stdout F ${part}`, `${T} stdout F {"ok":1}`], 100), [
    [1, null],
    [4, `${T} stdout F {"ok":1}`],
  ]);
});

/** A Docker json-file record of `content` (the JSON text of the log string, without its quotes). */
const docker = (content, stream = 'stdout') => `{"log":"${content}","stream":"${stream}","time":"${T}"}`;

test("Docker: records of 16 KiB without the line's newline are joined with the record that ends it", () => {
  const app = JSON.stringify({ trace_id: 'abc', span_id: '1', duration_ms: 5, big: `é${'ab"'.repeat(9000)}` });
  const escaped = JSON.stringify(`${app}\n`).slice(1, -1);
  // Cut where Docker cuts: every 16 KiB of the raw line, each part escaped on its own.
  const raw = Buffer.from(app);
  const parts = [];
  for (let at = 0; at < raw.length; at += 16384) parts.push(raw.subarray(at, at + 16384).toString('utf8'));
  parts[parts.length - 1] += '\n';
  const records = parts.map((p) => docker(JSON.stringify(p).slice(1, -1)));
  const out = joinAll([records[0], docker('plain\\n', 'stderr'), ...records.slice(1)]);
  assert.deepEqual(out, [[2, docker('plain\\n', 'stderr')], [1, docker(escaped)]]);
  assert.equal(JSON.parse(JSON.parse(out[1][1]).log).trace_id, 'abc');
});

test('Docker: a short record without a newline (a last line cut off) and an escaped backslash before n stay lines of their own', () => {
  const lines = [docker('{\\"a\\":1}'), docker('ends in a backslash and n: \\\\n'), docker('x\\n')];
  assert.deepEqual(joinAll(lines), lines.map((l, i) => [i + 1, l]));
});

test('isPartialLine: a CRI P line, a Docker record of 16 KiB without its newline', () => {
  assert.equal(isPartialLine(`${T} stdout P {"a":1`), true);
  assert.equal(isPartialLine(`${T} stderr P `), true);
  assert.equal(isPartialLine(`${T} stdout F {"a":1}`), false);
  assert.equal(isPartialLine('{"trace_id":"P"}'), false);
  assert.equal(isPartialLine('2026-11-24 10:00:00 stdout P x'), false);
  assert.equal(isPartialLine(docker('x'.repeat(16384))), true);
  assert.equal(isPartialLine(docker(`${'x'.repeat(16384)}\\n`)), false);
  assert.equal(isPartialLine(docker('x'.repeat(100))), false);
});
