// `tracelog convert` on every fixture: the spans it makes (ids, parents, order,
// times, flags), what it says on stderr, its exit status, and that every line
// matches schema/span.schema.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, parseSpans, parseTraces, runCli, STACK_TRACE } from '../helpers/cli.js';

const FLAGS = ['synthetic', 'skew', 'duplicate', 'unfinished', 'startInferred', 'error'];

/** [spanId, parentId, name, startTime, durationMs, ...flags] per span, in output order. */
function view(spans) {
  return spans.map((s) => [s.spanId, s.parentId, s.name, s.startTime, s.durationMs, ...FLAGS.filter((f) => s[f] === true)]);
}

async function convert(name, extra = []) {
  const result = await runCli(['convert', ...extra, fixture(name)]);
  assert.doesNotMatch(result.stderr, STACK_TRACE);
  return result;
}

test('book-example.jsonl: a root calling an auth and a name service', async () => {
  const { code, stdout, stderr } = await convert('book-example.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  const root = '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f';
  assert.deepEqual(view(spans), [
    [root, null, '/home', '2024-05-01T10:00:00.118300Z', 72.9],
    ['7c1e9a20-4b3d-4f5e-8a6b-1c2d3e4f5a6b', root, '/oauth2/authorize', '2024-05-01T10:00:00.120100Z', 21.7],
    ['e4a8b6c2-9d0f-4e1a-b2c3-d4e5f6a7b8c9', root, '/users/name', '2024-05-01T10:00:00.145200Z', 38.2],
  ]);
  assert.ok(spans.every((s) => s.traceId === '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11'));
  assert.deepEqual(spans.map((s) => s.service), ['root-service', 'auth-service', 'name-service']);
  assert.deepEqual(spans[0].tags, { hostname: 'web-01', user_name: 'alice' });
  assert.deepEqual(spans[1].tags, { hostname: 'auth-7f9c', user_name: 'alice' });
});

test('book-example.jsonl --format traces: one trace, children nested', async () => {
  const { code, stdout, stderr } = await convert('book-example.jsonl', ['--format', 'traces']);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const traces = parseTraces(stdout);
  assert.equal(traces.length, 1);
  const [trace] = traces;
  assert.equal(trace.traceId, '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11');
  assert.equal(trace.spanCount, 3);
  assert.equal(trace.startTime, '2024-05-01T10:00:00.118300Z');
  assert.equal(trace.durationMs, 72.9);
  assert.equal(trace.roots.length, 1);
  assert.deepEqual(trace.roots[0].children.map((c) => c.name), ['/oauth2/authorize', '/users/name']);
  assert.deepEqual(trace.roots[0].children.map((c) => c.children), [[], []]);
});

test('interleaved-traces.jsonl: grouped by trace id, traces ordered by start time', async () => {
  const { code, stdout, stderr } = await convert('interleaved-traces.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(spans.map((s) => [s.traceId, s.spanId, s.parentId]), [
    ['trace-a', 'a-root', null],
    ['trace-a', 'a-db', 'a-root'],
    ['trace-b', 'b-root', null],
    ['trace-b', 'b-db', 'b-root'],
    ['trace-c', 'c-root', null],
  ]);
  const traces = parseTraces((await convert('interleaved-traces.jsonl', ['--format', 'traces'])).stdout);
  assert.deepEqual(traces.map((t) => [t.traceId, t.spanCount, t.startTime]), [
    ['trace-a', 2, '2024-05-01T10:00:00.000Z'],
    ['trace-b', 2, '2024-05-01T10:00:01.000Z'],
    ['trace-c', 1, '2024-05-01T10:00:02.000Z'],
  ]);
});

test('out-of-order.jsonl: children before parents, written depth-first by start time', async () => {
  const { code, stdout, stderr } = await convert('out-of-order.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const a = 'aaaaaaaaaaaaaaaa';
  assert.deepEqual(view(parseSpans(stdout)), [
    [a, null, 'root', '2024-05-01T10:00:00.000Z', 500],
    ['bbbbbbbbbbbbbbbb', a, 'first child', '2024-05-01T10:00:00.100Z', 10],
    ['dddddddddddddddd', 'bbbbbbbbbbbbbbbb', 'grandchild', '2024-05-01T10:00:00.102Z', 5],
    ['eeeeeeeeeeeeeeee', a, 'second child', '2024-05-01T10:00:00.200Z', 10],
    ['cccccccccccccccc', a, 'third child', '2024-05-01T10:00:00.300Z', 10],
  ]);
});

test('begin-end.jsonl: begin and end lines merge, a log line between them is an event', async () => {
  const { code, stdout, stderr } = await convert('begin-end.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [
    ['req', null, 'GET /checkout', '2024-05-01T10:00:00.000Z', 80],
    ['db', 'req', 'INSERT order', '2024-05-01T10:00:00.010Z', 25],
    ['cache', 'req', 'cache warmup', '2024-05-01T10:00:00.050Z', 0, 'unfinished'],
  ]);
  assert.deepEqual(spans[0].tags, { 'http.method': 'GET', 'http.status_code': 200 });
  assert.deepEqual(spans[1].events, [{ time: '2024-05-01T10:00:00.020Z', name: 'slow query', fields: { rows: 3 } }]);
  assert.deepEqual(spans[1].tags, { 'db.rows_affected': 1 });
});

test('docker-prefix.log: JSON after a docker compose prefix; plain lines skipped', async () => {
  const { code, stdout, stderr } = await convert('docker-prefix.log');
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 1 of 4 lines (1 not JSON); first at fixtures/docker-prefix.log:1\n');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [
    ['api', null, 'POST /pay', '2024-05-01T10:00:00.100Z', 30],
    ['db', 'api', 'UPDATE accounts', '2024-05-01T10:00:00.110Z', 12],
  ]);
  assert.deepEqual(spans[0].events, [{ time: '2024-05-01T10:00:00.120Z', name: 'charged card', fields: { level: 30 } }]);
});

test('kubectl-prefix.log: JSON after a CRI timestamp prefix', async () => {
  const { code, stdout, stderr } = await convert('kubectl-prefix.log');
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 1 of 3 lines (1 not JSON); first at fixtures/kubectl-prefix.log:3\n');
  assert.deepEqual(view(parseSpans(stdout)), [
    ['ingress', null, 'GET /', '2026-11-24T10:00:00.100Z', 25],
    ['backend', 'ingress', 'render', '2026-11-24T10:00:00.105Z', 15],
  ]);
});

test('bad-lines.jsonl: bad lines skipped and counted by reason, first one located', async () => {
  const { code, stdout, stderr } = await convert('bad-lines.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 7 of 10 lines (4 not JSON, 3 without trace id); first at fixtures/bad-lines.jsonl:2\n');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [['s1', null, 'ok span', '2024-05-01T10:00:00.000Z', 10]]);
  assert.deepEqual(spans[0].events.map((e) => e.name), ['an event']);
});

test('bad-lines.jsonl --quiet: no summary', async () => {
  const { code, stdout, stderr } = await convert('bad-lines.jsonl', ['--quiet']);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  assert.equal(parseSpans(stdout).length, 1);
});

test('bad-lines.jsonl --strict: the first bad line is fatal, with file:line', async () => {
  const { code, stdout, stderr } = await convert('bad-lines.jsonl', ['--strict']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'tracelog: fixtures/bad-lines.jsonl:2: not JSON\n');
});

test('orphan-parent.jsonl: a missing parent and a span that never ends become placeholders', async () => {
  const { code, stdout, stderr } = await convert('orphan-parent.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [
    ['root', null, 'root', '2024-05-01T10:00:00.000Z', 100],
    ['lost-parent', null, null, '2024-05-01T10:00:00.020Z', 40, 'synthetic'],
    ['child-1', 'lost-parent', 'child 1', '2024-05-01T10:00:00.020Z', 10],
    ['child-2', 'lost-parent', 'child 2', '2024-05-01T10:00:00.040Z', 20],
    ['ghost', null, null, '2024-05-01T10:00:00.050Z', 20, 'synthetic'],
  ]);
  assert.deepEqual(spans[4].events.map((e) => [e.time, e.name]), [
    ['2024-05-01T10:00:00.050Z', 'log from a span that never ended'],
    ['2024-05-01T10:00:00.070Z', 'another one'],
  ]);
});

test('cycle.jsonl: cycles of length 1, 2 and 3 broken and reported', async () => {
  const { code, stdout, stderr } = await convert('cycle.jsonl');
  assert.equal(code, 0);
  assert.equal(
    stderr,
    [
      'tracelog: trace self-parent: span a is its own parent; shown as a root',
      'tracelog: trace two-cycle: parent cycle b → a → b broken at b',
      'tracelog: trace three-cycle: parent cycle a → c → b → a broken at a',
      '',
    ].join('\n'),
  );
  const spans = parseSpans(stdout);
  assert.deepEqual(spans.map((s) => [s.traceId, s.spanId, s.parentId, s.cycleParentId ?? null]), [
    ['self-parent', 'a', null, 'a'],
    ['two-cycle', 'b', null, 'a'],
    ['two-cycle', 'a', 'b', null],
    ['three-cycle', 'a', null, 'c'],
    ['three-cycle', 'b', 'a', null],
    ['three-cycle', 'c', 'b', null],
    ['three-cycle', 'd', 'c', null],
  ]);
  const quiet = await convert('cycle.jsonl', ['--quiet']);
  assert.equal(quiet.stderr, '');
  assert.equal(quiet.stdout, stdout);
});

test('duplicate-ids.jsonl: both spans kept, flagged and reported', async () => {
  const { code, stdout, stderr } = await convert('duplicate-ids.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: trace dups: 2 spans share id dup; all kept\n');
  assert.deepEqual(view(parseSpans(stdout)), [
    ['root', null, 'root', '2024-05-01T10:00:00.000Z', 100],
    ['dup', 'root', 'first with this id', '2024-05-01T10:00:00.010Z', 10, 'duplicate'],
    ['dup', 'root', 'second with this id', '2024-05-01T10:00:00.050Z', 20, 'duplicate'],
  ]);
});

test('clock-skew.jsonl: spans outside their parent flagged, times not adjusted', async () => {
  const { code, stdout, stderr } = await convert('clock-skew.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  assert.deepEqual(view(parseSpans(stdout)), [
    ['parent', null, 'parent on host A', '2024-05-01T10:00:00.100Z', 50],
    ['early', 'parent', 'starts before its parent', '2024-05-01T10:00:00.090Z', 5, 'skew'],
    ['inside', 'parent', 'inside its parent', '2024-05-01T10:00:00.110Z', 10],
    ['late', 'parent', 'ends after its parent', '2024-05-01T10:00:00.140Z', 30, 'skew'],
  ]);
});

test('datadog-bigint.jsonl: decimal ids and JSON numbers above 2^53 kept digit for digit', async () => {
  const { code, stdout, stderr } = await convert('datadog-bigint.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(spans.map((s) => [s.traceId, s.spanId, s.parentId, s.service]), [
    ['1234567890123456789', '9876543210987654321', null, 'checkout'],
    ['1234567890123456789', '18446744073709551615', '9876543210987654321', null],
    ['12345678901234567890', '9007199254740993', null, null],
  ]);
  assert.deepEqual(spans[2].events.map((e) => e.name), ['logged inside']);
  // A big number in a tag stays a number with all its digits in the output text.
  assert.match(stdout, /"order_id":123456789012345678901234567890[,}]/);
  assert.deepEqual(spans[0].tags, { message: 'request', 'dd.env': 'prod' });
});

test('otel-pino.jsonl: pino lines in a span are events on a placeholder for that span', async () => {
  const { code, stdout, stderr } = await convert('otel-pino.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 1 of 4 lines (1 without trace id); first at fixtures/otel-pino.jsonl:2\n');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [
    ['9cec213abc6dfd35', null, null, '2026-11-24T11:00:05.347Z', 4, 'synthetic'],
    ['0c9ad2bd1b7f6e51', null, null, '2026-11-24T11:00:05.350Z', 0, 'synthetic'],
  ]);
  assert.deepEqual(spans[0].events.map((e) => [e.time, e.name]), [
    ['2026-11-24T11:00:05.347Z', 'inside span'],
    ['2026-11-24T11:00:05.351Z', 'failed'],
  ]);
  assert.deepEqual(spans[0].events[0].fields, { level: 30, pid: 5598, hostname: 'vm', trace_flags: '01', user: 'u1' });
});

test('ecs.jsonl: trace.id, transaction.id, span.id, parent.id, event.duration in ns, span.duration.us', async () => {
  const { code, stdout, stderr } = await convert('ecs.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [
    ['00f067aa0ba902b7', null, null, '2024-05-01T10:00:00.120Z', 152.3],
    ['3ff9a8981b7ccd5a', '00f067aa0ba902b7', null, '2024-05-01T10:00:00.130Z', 45.25],
  ]);
  assert.ok(spans.every((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736' && s.service === 'checkout'));
  assert.deepEqual(spans[0].events.map((e) => e.name), ['cart nearly full']);
});

test('go-stdouttrace.jsonl: all-zero Parent.SpanID is a root, nanosecond times kept', async () => {
  const { code, stdout, stderr } = await convert('go-stdouttrace.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [
    ['0102030405060708', null, '/foo', '2024-05-01T10:00:00.123456789Z', 100],
    ['1112131415161718', '0102030405060708', 'db.query', '2024-05-01T10:00:00.150000001Z', 20.000001, 'error'],
  ]);
  assert.deepEqual(spans.map((s) => [s.traceId, s.service, s.kind, s.statusMessage ?? null]), [
    ['0102030405060708090a0b0c0d0e0f10', 'checkout', 'server', null],
    ['0102030405060708090a0b0c0d0e0f10', 'checkout', 'client', 'deadlock'],
  ]);
  assert.equal(spans[0].tags['http.method'], 'GET');
  assert.equal(spans[1].tags['db.rows'], 3);
  // The exact decimal is in the text, not only after a float round trip.
  assert.match(stdout, /"durationMs":20\.000001,/);
});

test('python-console.jsonl: 0x ids kept as written, microsecond times', async () => {
  const { code, stdout, stderr } = await convert('python-console.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [
    ['0xeee19b7ec3c1b174', null, 'GET /users', '2024-05-01T10:00:00.123456Z', 100.001],
    ['0x1a2b3c4d5e6f7081', '0xeee19b7ec3c1b174', 'load user', '2024-05-01T10:00:00.130000Z', 50.001],
  ]);
  assert.deepEqual(spans.map((s) => [s.traceId, s.service, s.kind]), [
    ['0x5b8efff798038103d269b633813fc60c', 'users', 'server'],
    ['0x5b8efff798038103d269b633813fc60c', 'users', 'internal'],
  ]);
  assert.equal(spans[0].tags['http.method'], 'GET');
});

test('propagation-headers.jsonl: traceparent and B3 in logged headers; invalid headers skipped', async () => {
  const { code, stdout, stderr } = await convert('propagation-headers.jsonl');
  assert.equal(code, 0);
  assert.equal(stderr, 'tracelog: skipped 4 of 8 lines (4 without trace id); first at fixtures/propagation-headers.jsonl:4\n');
  const spans = parseSpans(stdout);
  assert.deepEqual(spans.map((s) => [s.traceId, s.spanId, s.parentId, s.synthetic === true]), [
    ['0af7651916cd43dd8448eb211c80319c', '00f067aa0ba902b7', null, true],
    ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', '00f067aa0ba902b7', false],
    ['463ac35c9f6413ad48485a3953bb6124', '0020000000000001', null, true],
    ['463ac35c9f6413ad48485a3953bb6124', 'a2fb4a1d1a96d312', '0020000000000001', false],
    ['80f198ee56343ba864fe8b2a57d3eff7', '05e3ac9a4f6e3b90', null, true],
    ['80f198ee56343ba864fe8b2a57d3eff7', 'e457b5a2e4d86bd1', '05e3ac9a4f6e3b90', false],
    ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', null, true],
    ['4bf92f3577b34da6a3ce929d0e0e4736', '5555555555555555', '00f067aa0ba902b7', false],
  ]);
});

test('crlf-bom.log: BOM, CRLF, blank lines and a last line without newline', async () => {
  const { code, stdout, stderr } = await convert('crlf-bom.log');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(view(spans), [
    ['root', null, 'root', '2024-05-01T10:00:00.000Z', 30],
    ['child', 'root', 'child', '2024-05-01T10:00:00.010Z', 10],
  ]);
  assert.deepEqual(spans[1].events.map((e) => e.name), ['last line has no newline']);
});

test('gzip-without-suffix.log: gzip told by its magic bytes, not its name', async () => {
  const { code, stdout, stderr } = await convert('gzip-without-suffix.log');
  assert.equal(code, 0);
  assert.equal(stderr, '');
  assert.deepEqual(view(parseSpans(stdout)), [
    ['root', null, 'compressed', '2024-05-01T10:00:00.000Z', 8],
    ['child', 'root', 'inner', '2024-05-01T10:00:00.001Z', 2],
  ]);
});

test('--field overrides on the command line', async () => {
  const input = '{"req":{"trace":"T1","span":"S1"},"op":"custom op","t":1714557600,"elapsed":1500000,"svc":"custom"}\n';
  const { code, stdout, stderr } = await runCli(
    ['convert', '--field', 'trace=req.trace', '--field', 'span=req.span', '--field', 'start=t:s', '--field', 'duration=elapsed:ns', '--field', 'name=op', '--field', 'service=svc'],
    { input },
  );
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const [span] = parseSpans(stdout);
  assert.deepEqual([span.traceId, span.spanId, span.name, span.service, span.startTime, span.durationMs], ['T1', 'S1', 'custom op', 'custom', '2024-05-01T10:00:00Z', 1.5]);
});

test('every fixture converts to schema-valid spans and traces, with no stack trace', async () => {
  const names = [
    'book-example.jsonl', 'interleaved-traces.jsonl', 'out-of-order.jsonl', 'begin-end.jsonl', 'docker-prefix.log', 'kubectl-prefix.log',
    'bad-lines.jsonl', 'orphan-parent.jsonl', 'cycle.jsonl', 'duplicate-ids.jsonl', 'clock-skew.jsonl', 'datadog-bigint.jsonl',
    'otel-pino.jsonl', 'ecs.jsonl', 'go-stdouttrace.jsonl', 'python-console.jsonl', 'propagation-headers.jsonl', 'crlf-bom.log',
    'gzip-without-suffix.log',
  ];
  const all = await runCli(['convert', ...names.map(fixture)]);
  assert.equal(all.code, 0);
  assert.doesNotMatch(all.stderr, STACK_TRACE);
  const spans = parseSpans(all.stdout);
  const traces = parseTraces((await runCli(['convert', '--format', 'traces', ...names.map(fixture)])).stdout);
  assert.equal(traces.reduce((n, t) => n + t.spanCount, 0), spans.length);
  // Traces in start order.
  const starts = traces.map((t) => Date.parse(t.startTime));
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
});

test('a log line with a trace id but no span id is an event on the trace root', async () => {
  const input = [
    '{"time":"2024-05-01T10:00:00.005Z","trace_id":"r","msg":"no span id here","user":"u1"}',
    '{"time":"2024-05-01T10:00:00.000Z","trace_id":"r","span_id":"root","name":"root","duration_ms":10}',
    '{"time":"2024-05-01T10:00:00.001Z","trace_id":"r","span_id":"child","parent_id":"root","name":"child","duration_ms":2}',
    '{"time":"2024-05-01T10:00:01.000Z","trace_id":"only-events","msg":"first"}',
    '{"time":"2024-05-01T10:00:01.250Z","trace_id":"only-events","msg":"second"}',
  ].join('\n');
  const { code, stdout, stderr } = await runCli(['convert'], { input });
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const spans = parseSpans(stdout);
  assert.deepEqual(spans.map((s) => [s.traceId, s.spanId, s.events.map((e) => e.name)]), [
    ['r', 'root', ['no span id here']],
    ['r', 'child', []],
    ['only-events', '(no span id)', ['first', 'second']],
  ]);
  assert.deepEqual(spans[0].events[0], { time: '2024-05-01T10:00:00.005Z', name: 'no span id here', fields: { user: 'u1' } });
  assert.deepEqual(view(spans.slice(2)), [['(no span id)', null, null, '2024-05-01T10:00:01.000Z', 250, 'synthetic']]);
});
