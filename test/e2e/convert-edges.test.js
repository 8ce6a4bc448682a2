// convert edge cases. Regressions for sources read as one JSON document: a Zipkin span list written one span a
// line (only the last element stands alone as JSON) is still one document, and a log whose
// first line is damaged is read line by line once two log lines in a row show it is a log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const span = (id, parent, name, ts) =>
  JSON.stringify({ traceId: '5af7183fb1d4cf5f', ...(parent ? { parentId: parent } : {}), id, name, timestamp: ts, duration: 1000, localEndpoint: { serviceName: 'frontend' } });

test('a Zipkin list with one span a line is read as one document', async () => {
  const input = `[\n${span('6b221d5bc9e6496c', null, 'root', 1556604172355000)},\n${span('352bff9a74ca9ad2', '6b221d5bc9e6496c', 'get /api', 1556604172355100)}\n]\n`;
  const { code, stdout, stderr } = await runCli(['convert'], { input });
  assert.equal(stderr, '');
  assert.equal(code, 0);
  const spans = stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(spans.map((s) => [s.spanId, s.parentId, s.name]), [
    ['6b221d5bc9e6496c', null, 'root'],
    ['352bff9a74ca9ad2', '6b221d5bc9e6496c', 'get /api'],
  ]);
});

test('a log whose first line is a damaged object loses only that line', async () => {
  const input = '{"broken\n{"trace_id":"a","span_id":"1","duration_ms":1}\n{"trace_id":"a","span_id":"2","parent_id":"1","duration_ms":1}\n';
  const { code, stdout, stderr } = await runCli(['convert'], { input });
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 1 of 3 lines (1 not JSON); first at stdin:1\n');
  assert.deepEqual(stdout.trim().split('\n').map((l) => JSON.parse(l).spanId), ['1', '2']);
});

test('sending options without --endpoint, or with -o, are usage errors', async () => {
  for (const [args, message] of [
    [['-f', 'otlp', '--endpoint', 'http://127.0.0.1:9', '-o', 'x.json'], /--endpoint sends and -o writes/],
    [['--header', 'x-key: secret'], /--header goes with --endpoint/],
    [['--no-gzip'], /--no-gzip goes with --endpoint/],
    [['-f', 'zipkin', '--endpoint', 'http://127.0.0.1:9'], /use it with --format otlp/],
  ]) {
    const { code, stdout, stderr } = await runCli(['convert', 'fixtures/book-example.jsonl', ...args]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, message);
    assert.doesNotMatch(stderr, /secret/);
  }
});
