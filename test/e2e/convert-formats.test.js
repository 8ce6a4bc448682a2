// Every export through the real CLI: `convert --format otlp|zipkin|jaeger|chrome`
// output checked by machine (protobuf decoding with the official OTLP
// definitions, ajv against zipkin2-api.yaml, structural Jaeger and Chrome
// checks), and read back by tracelog: logs → format → tracelog → spans gives
// the spans the logs gave, to the precision the format holds (ns for OTLP, µs
// for Zipkin and Jaeger). Also pretty-printed Jaeger and Zipkin files, OTLP
// collector-style lines on stdin, and a large input split into bounded requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nonEmptyLines, tempDir, tracelog } from '../helpers/e2e-run.js';
import { chromeErrors, chromeFalseNesting, dropEmptyArrays, ExportTraceServiceRequest, jaegerErrors, otlpProtobufRoundTrip, otlpRuleErrors, zipkinErrors } from '../helpers/format-validators.js';
import { durationMsToNs, isoToNs, parseJsonLines, spanViews } from '../helpers/span-views.js';

let temp;
before(() => {
  temp = tempDir('tracelog-formats-');
});
after(() => temp.remove());

const FORMATS = ['otlp', 'zipkin', 'jaeger'];

/**
 * Fixtures read back from each format, converted together (one run per group
 * keeps the suite fast; no two fixtures in a group share a trace id), with
 * what a plain `convert` of the group says on stderr.
 */
const FIXTURE_GROUPS = [
  {
    fixtures: ['book-example.jsonl', 'interleaved-traces.jsonl', 'orphan-parent.jsonl', 'datadog-bigint.jsonl', 'begin-end.jsonl', 'ecs.jsonl', 'go-stdouttrace.jsonl', 'python-console.jsonl', 'clock-skew.jsonl', 'otel-pino.jsonl', 'duplicate-ids.jsonl', 'cycle.jsonl'],
    stderr: new RegExp(
      '^tracelog: trace dups: 2 spans share id dup; all kept\\n' +
        'tracelog: trace self-parent: span a is its own parent; shown as a root\\n' +
        'tracelog: trace two-cycle: parent cycle b → a → b broken at b\\n' +
        'tracelog: trace three-cycle: parent cycle a → c → b → a broken at a\\n' +
        'tracelog: skipped 1 of \\d+ lines \\(1 without trace id\\); first at fixtures/otel-pino\\.jsonl:2\\n$',
    ),
    // Duplicate ids are still duplicates when read back; cut cycles were written as roots.
    readBackStderr: 'tracelog: trace dups: 2 spans share id dup; all kept\n',
  },
  {
    fixtures: ['out-of-order.jsonl', 'kubectl-prefix.log', 'docker-prefix.log', 'crlf-bom.log', 'gzip-without-suffix.log', 'bad-lines.jsonl'],
    stderr: /^tracelog: skipped \d+ of \d+ lines \(\d+ not JSON, \d+ without trace id\); first at fixtures\/kubectl-prefix\.log:\d+\n$/,
    readBackStderr: '',
  },
  {
    fixtures: ['propagation-headers.jsonl'],
    stderr: /^tracelog: skipped \d+ of \d+ lines \(\d+ without trace id\); first at fixtures\/propagation-headers\.jsonl:\d+\n$/,
    readBackStderr: '',
  },
];

/** Runs the CLI and asserts it succeeded with exactly `stderr` (a string, or a RegExp it must match). */
async function convertOk(args, stderr = '', options = {}) {
  const run = await tracelog(['convert', ...args], options);
  assert.equal(run.code, 0, `tracelog convert ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  assert.equal(run.signal, null);
  if (stderr instanceof RegExp) assert.match(run.stderr, stderr, `stderr of tracelog convert ${args.join(' ')}`);
  else assert.equal(run.stderr, stderr, `stderr of tracelog convert ${args.join(' ')}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

/** Spans of an OTLP request, with their resource's service name. */
function otlpSpans(doc) {
  return doc.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ service: rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue, span }))),
  );
}

/** Checks every OTLP line by protobuf and by our rules; returns the parsed requests. */
function assertOtlpLines(text, where) {
  const docs = nonEmptyLines(text).map((line) => JSON.parse(line));
  assert.ok(docs.length > 0, `${where}: at least one request`);
  for (const [i, doc] of docs.entries()) {
    assert.deepEqual(otlpRuleErrors(doc), [], `${where} request ${i + 1}`);
    assert.deepEqual(otlpProtobufRoundTrip(doc).object, dropEmptyArrays(doc), `${where} request ${i + 1} survives protobuf encoding`);
    for (const { span } of otlpSpans(doc)) assert.ok(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano));
  }
  return docs;
}

for (const group of FIXTURE_GROUPS) {
  test(`${group.fixtures.join(', ')}: every export is valid and reads back as the same spans`, async () => {
    const paths = group.fixtures.map((f) => `fixtures/${f}`);
    const [spansRun, otlpRun, zipkinRun, jaegerRun, chromeRun] = await Promise.all(
      ['spans', ...FORMATS, 'chrome'].map((format) => convertOk(['--format', format, ...paths], group.stderr)),
    );
    // Whatever the format, the same input gives the same diagnostics.
    for (const run of [otlpRun, zipkinRun, jaegerRun, chromeRun]) assert.equal(run.stderr, spansRun.stderr);
    const spans = parseJsonLines(spansRun.stdout);
    assert.ok(spans.length > 0);

    const otlp = assertOtlpLines(otlpRun.stdout, 'otlp');
    assert.equal(otlp.flatMap(otlpSpans).length, spans.length, 'one OTLP span per span (placeholders included)');
    const zipkin = JSON.parse(zipkinRun.stdout);
    assert.deepEqual(zipkinErrors(zipkin), []);
    assert.equal(zipkin.length, spans.length);
    const jaeger = JSON.parse(jaegerRun.stdout);
    assert.deepEqual(jaegerErrors(jaeger), []);
    assert.equal(jaeger.data.flatMap((t) => t.spans).length, spans.length);
    assertChrome(JSON.parse(chromeRun.stdout), spans);

    const outputs = { otlp: otlpRun.stdout, zipkin: zipkinRun.stdout, jaeger: jaegerRun.stdout };
    await Promise.all(
      FORMATS.map(async (format) => {
        const file = join(temp.dir, `${group.fixtures[0]}.${format}.json`);
        writeFileSync(file, outputs[format]);
        const back = parseJsonLines((await convertOk([file], group.readBackStderr)).stdout);
        assert.deepEqual(spanViews(back, format), spanViews(spans, format), `through ${format}`);
        assertPlaceholderTimes(back, spans);
      }),
    );
  });
}

/** A placeholder's times are rebuilt from its children, each rounded on its own: within 1 µs. */
function assertPlaceholderTimes(back, spans) {
  for (const original of spans.filter((s) => s.synthetic)) {
    const rebuilt = back.find((s) => s.synthetic && s.traceId === original.traceId && s.spanId === original.spanId);
    assert.ok(rebuilt, `placeholder ${original.spanId} is rebuilt`);
    for (const [a, b] of [
      [isoToNs(rebuilt.startTime), isoToNs(original.startTime)],
      [durationMsToNs(rebuilt.durationMs), durationMsToNs(original.durationMs)],
    ]) {
      assert.ok(a - b <= 1000n && b - a <= 1000n, `placeholder ${original.spanId}: ${a} vs ${b}`);
    }
  }
}

/** Chrome: well formed, nested per lane, and one X event per span at its time (µs from the origin). */
function assertChrome(doc, spans) {
  const { errors } = chromeErrors(doc);
  assert.deepEqual(errors, []);
  const origin = BigInt(doc.otherData.startTimeUnixNano);
  const slices = doc.traceEvents.filter((e) => e.ph === 'X');
  assert.equal(slices.length, spans.length);
  for (const span of spans) {
    const slice = slices.find((e) => e.args.traceId === span.traceId && e.args.spanId === span.spanId && Math.round(e.ts * 1000) === Number(isoToNs(span.startTime) - origin));
    assert.ok(slice, `an X event for span ${span.spanId}`);
    assert.equal(Math.round(slice.dur * 1000), Number(durationMsToNs(span.durationMs)));
  }
  const instants = doc.traceEvents.filter((e) => e.ph === 'i');
  assert.equal(instants.length, spans.reduce((n, s) => n + s.events.length, 0), 'one instant event per span event');
}

test('OTLP ids, times and attributes survive protobuf decoding of the CLI output', async () => {
  const { stdout: text } = await convertOk(['--format', 'otlp', 'fixtures/book-example.jsonl', 'fixtures/datadog-bigint.jsonl']);
  const lines = nonEmptyLines(text);
  assert.equal(lines.length, 1);
  const { bytes } = otlpProtobufRoundTrip(JSON.parse(lines[0]));
  // Decoded from the bytes, not from the JSON: ids as bytes, times as uint64.
  const decoded = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), { longs: String, enums: Number, bytes: String });
  const spans = otlpSpans(decoded).map(({ service, span }) => ({
    service,
    traceId: Buffer.from(span.traceId, 'base64').toString('hex'),
    spanId: Buffer.from(span.spanId, 'base64').toString('hex'),
    parentSpanId: span.parentSpanId ? Buffer.from(span.parentSpanId, 'base64').toString('hex') : null,
    start: span.startTimeUnixNano,
    end: span.endTimeUnixNano,
    attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, a.value])),
  }));
  const home = spans.find((s) => s.attributes['tracelog.original_span_id']?.stringValue === '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f');
  assert.deepEqual(
    { ...home, attributes: undefined },
    {
      service: 'root-service',
      traceId: '3f1c1e0a4d5b4c1e9a775b0e2f3c9d11', // the UUID without dashes (C.2 rule 3)
      spanId: '8e2f0a1b2c3d4e5f', // its last 16 hex chars
      parentSpanId: null,
      start: '1714557600118300000', // 1714557600.1183 s, exactly
      end: '1714557600191200000', // + 72.9 ms
      attributes: undefined,
    },
  );
  assert.deepEqual(home.attributes.hostname, { stringValue: 'web-01' });
  const oauth = spans.find((s) => s.attributes['tracelog.original_span_id']?.stringValue === '7c1e9a20-4b3d-4f5e-8a6b-1c2d3e4f5a6b');
  assert.equal(oauth.parentSpanId, home.spanId);
  // Datadog decimal ids: the 64-bit value in hex, the trace id padded to 32 (C.2 rule 5).
  const query = spans.find((s) => s.attributes['tracelog.original_span_id']?.stringValue === '18446744073709551615');
  assert.equal(query.traceId, `${'0'.repeat(16)}${(1234567890123456789n).toString(16).padStart(16, '0')}`);
  assert.equal(query.spanId, 'ffffffffffffffff');
  assert.equal(query.parentSpanId, (9876543210987654321n).toString(16));
  assert.equal(query.start, '1714557600002000000');
  assert.equal(query.end, '1714557600005000000');
  // An integer tag beyond 2^53 stays exact as an int64; beyond int64 it is a double.
  const numbers = spans.find((s) => s.attributes.message?.stringValue === 'numbers');
  assert.deepEqual(numbers.attributes.order_id, { doubleValue: 1.2345678901234568e29 });
});

test('a log field named like the id records the exporters add is only a tag: read back, it changes no id', async () => {
  const path = join(temp.dir, 'look-alike.jsonl');
  writeFileSync(path, [
    '{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"root","duration_ms":5,"time":"2026-01-01T00:00:00Z","tracelog.original_trace_id":"zzz","tracelog.original_span_id":"yyy","tracelog.original_parent_id":"xxx"}',
    '{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b8","parent_id":"00f067aa0ba902b7","name":"child","duration_ms":1,"time":"2026-01-01T00:00:00Z"}',
    '{"trace_id":"7","span_id":"8","parent_id":"9","name":"mapped","duration_ms":1,"time":"2026-01-01T00:00:00Z"}',
    '',
  ].join('\n'));
  const original = parseJsonLines((await convertOk([path])).stdout);
  for (const format of FORMATS) {
    const exported = await convertOk(['--format', format, path]);
    const back = parseJsonLines((await convertOk([], '', { input: exported.stdout })).stdout);
    const ids = (spans) => spans.map((s) => [s.traceId, s.spanId, s.parentId, s.tags['tracelog.original_trace_id'] ?? null]);
    assert.deepEqual(ids(back), ids(original), format);
  }
});

test('pretty-printed Jaeger and Zipkin files (and a Zipkin array on stdin) read as their one-line forms', async () => {
  const paths = ['book-example.jsonl', 'orphan-parent.jsonl', 'datadog-bigint.jsonl', 'begin-end.jsonl'].map((f) => `fixtures/${f}`);
  const [original, jaeger, zipkin] = await Promise.all([convertOk(paths), convertOk(['--format', 'jaeger', ...paths]), convertOk(['--format', 'zipkin', ...paths])]);
  const file = (name, text) => {
    const path = join(temp.dir, name);
    writeFileSync(path, text);
    return path;
  };
  // Two-space indented, as JSON.stringify(…, null, 2) and most tools write them: one value over many lines.
  const prettyJaeger = file('pretty-jaeger.json', `${JSON.stringify(JSON.parse(jaeger.stdout), null, 2)}\n`);
  const prettyZipkin = file('pretty-zipkin.json', `${JSON.stringify(JSON.parse(zipkin.stdout), null, 2)}\n`);
  assert.ok(nonEmptyLines(JSON.stringify(JSON.parse(jaeger.stdout), null, 2)).length > 100);
  const [fromPrettyJaeger, fromLineJaeger, fromPrettyZipkin, fromStdin] = await Promise.all([
    convertOk([prettyJaeger]),
    convertOk([file('line-jaeger.json', jaeger.stdout)]),
    convertOk([prettyZipkin]),
    convertOk([], '', { stdinFile: prettyZipkin }),
  ]);
  const spans = parseJsonLines(original.stdout);
  assert.deepEqual(parseJsonLines(fromPrettyJaeger.stdout), parseJsonLines(fromLineJaeger.stdout), 'pretty Jaeger = one-line Jaeger');
  assert.deepEqual(spanViews(parseJsonLines(fromPrettyJaeger.stdout), 'jaeger'), spanViews(spans, 'jaeger'), 'via pretty Jaeger');
  assert.deepEqual(spanViews(parseJsonLines(fromPrettyZipkin.stdout), 'zipkin'), spanViews(spans, 'zipkin'), 'via pretty Zipkin');
  assert.deepEqual(parseJsonLines(fromStdin.stdout), parseJsonLines(fromPrettyZipkin.stdout), 'pretty Zipkin on stdin');
});

test('OTLP collector file-exporter lines from several sources, read from stdin', async () => {
  const paths = ['book-example.jsonl', 'interleaved-traces.jsonl', 'datadog-bigint.jsonl', 'python-console.jsonl'].map((f) => `fixtures/${f}`);
  const [original, ...exports] = await Promise.all([convertOk(paths), ...paths.map((path) => convertOk(['--format', 'otlp', path]))]);
  // One request a line, as the Collector's file exporter writes them.
  const input = exports.map((run) => run.stdout).join('');
  assert.equal(nonEmptyLines(input).length, paths.length);
  const back = await convertOk(['-'], '', { input });
  assert.deepEqual(spanViews(parseJsonLines(back.stdout), 'otlp'), spanViews(parseJsonLines(original.stdout), 'otlp'));
});

/** ~2,000 spans: one 600-span trace with 10 KB of tags per span (over 4 MiB in all), and 70 small traces. */
function largeLog() {
  const lines = [];
  const blob = 'x'.repeat(10_000);
  const t0 = Date.UTC(2024, 4, 1, 10);
  for (let i = 0; i < 600; i++) {
    lines.push(JSON.stringify({ timestamp: new Date(t0 + i).toISOString(), trace_id: 'big', span_id: `b${i}`, parent_id: i === 0 ? '' : 'b0', name: `op ${i}`, 'service.name': `svc${i % 3}`, duration_ms: 0.5, blob }));
  }
  for (let t = 0; t < 70; t++) {
    for (let i = 0; i < 20; i++) {
      lines.push(JSON.stringify({ timestamp: new Date(t0 + 100_000 + t * 100 + i).toISOString(), trace_id: `t${t}`, span_id: `s${i}`, parent_id: i === 0 ? '' : `s${i - 1}`, name: `step ${i}`, 'service.name': `svc${i % 4}`, duration_ms: 50 - i, n: i }));
    }
  }
  return `${lines.join('\n')}\n`;
}

test('a large input becomes several OTLP requests, each within 512 spans and 4 MiB, that read back whole', async () => {
  const log = join(temp.dir, 'large.jsonl');
  writeFileSync(log, largeLog());
  const [{ stdout: otlpText }, { stdout: spansText }] = await Promise.all([convertOk(['--format', 'otlp', log]), convertOk([log])]);
  const requests = nonEmptyLines(otlpText);
  assert.ok(requests.length >= 4, `${requests.length} requests`);
  const seen = new Set();
  for (const [i, text] of requests.entries()) {
    assert.ok(Buffer.byteLength(text) <= 4 * 1024 * 1024, `request ${i + 1}: ${Buffer.byteLength(text)} bytes`);
    const doc = JSON.parse(text);
    const spans = otlpSpans(doc);
    assert.ok(spans.length >= 1 && spans.length <= 512, `request ${i + 1}: ${spans.length} spans`);
    assert.deepEqual(otlpRuleErrors(doc), [], `request ${i + 1}`);
    const services = doc.resourceSpans.map((rs) => rs.resource.attributes[0].value.stringValue);
    assert.equal(new Set(services).size, services.length, `request ${i + 1}: one resourceSpans per service`);
    for (const { span } of spans) {
      const key = `${span.traceId}/${span.spanId}`;
      assert.ok(!seen.has(key), `span ${key} is in one request only`);
      seen.add(key);
    }
  }
  assert.equal(seen.size, 2000);
  // The byte limit, not only the span count, split the big trace.
  assert.ok(requests.some((r) => Buffer.byteLength(r) > 3 * 1024 * 1024));
  assert.deepEqual(otlpProtobufRoundTrip(JSON.parse(requests[0])).object, dropEmptyArrays(JSON.parse(requests[0])));

  const file = join(temp.dir, 'large.otlp.jsonl');
  writeFileSync(file, otlpText);
  const back = parseJsonLines((await convertOk([file])).stdout);
  assert.equal(back.length, 2000);
  assert.deepEqual(spanViews(back, 'otlp'), spanViews(parseJsonLines(spansText), 'otlp'));
});

test('the views used above tell a changed span from an unchanged one', () => {
  // Guards the comparison itself: a µs difference in OTLP, a renamed tag in Zipkin, a lost parent in Jaeger.
  const span = { traceId: 't', spanId: 's', parentId: 'p', name: 'n', service: null, startTime: '2024-05-01T10:00:00.000001234Z', durationMs: 1.5, tags: { a: 1 }, events: [] };
  assert.deepEqual(spanViews([span], 'zipkin'), spanViews([{ ...span, startTime: '2024-05-01T10:00:00.000001Z', tags: { a: '1' } }], 'zipkin'));
  assert.notDeepEqual(spanViews([span], 'otlp'), spanViews([{ ...span, startTime: '2024-05-01T10:00:00.000001Z' }], 'otlp'));
  assert.notDeepEqual(spanViews([span], 'zipkin'), spanViews([{ ...span, tags: { b: '1' } }], 'zipkin'));
  assert.notDeepEqual(spanViews([span], 'jaeger'), spanViews([{ ...span, parentId: null }], 'jaeger'));
});

test('OTLP in protobuf’s canonical JSON mapping (base64 ids, enum names) reads like the hex form', async () => {
  const paths = ['fixtures/book-example.jsonl', 'fixtures/ecs.jsonl', 'fixtures/go-stdouttrace.jsonl'];
  const [original, otlp] = await Promise.all([convertOk(paths), convertOk(['--format', 'otlp', ...paths])]);
  // What protobufjs' toJSON (and other generic protobuf JSON printers) write for the same message.
  const canonical = nonEmptyLines(otlp.stdout)
    .map((line) => JSON.stringify(ExportTraceServiceRequest.fromObject(toBase64Ids(JSON.parse(line))).toJSON()))
    .join('\n');
  assert.match(canonical, /"kind":"SPAN_KIND_/);
  assert.match(canonical, /"spanId":"[A-Za-z0-9+/]{11}="/);
  const back = await convertOk(['-'], '', { input: `${canonical}\n` });
  assert.deepEqual(spanViews(parseJsonLines(back.stdout), 'otlp'), spanViews(parseJsonLines(original.stdout), 'otlp'));
});

/** Hex ids → base64, the protobuf JSON mapping of `bytes`. */
function toBase64Ids(value) {
  if (Array.isArray(value)) return value.map(toBase64Ids);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = ['traceId', 'spanId', 'parentSpanId'].includes(key) ? Buffer.from(item, 'hex').toString('base64') : toBase64Ids(item);
  }
  return out;
}

test(
  'a 16-digit Datadog span id given as a JSON number maps as decimal (FORMATS.md C.2 rule 5)',
  {},
  async () => {
    // fixtures/datadog-bigint.jsonl line 3: "dd.span_id":9007199254740993, a dd.* field and a JSON number.
    const { stdout } = await convertOk(['--format', 'otlp', 'fixtures/datadog-bigint.jsonl']);
    const span = otlpSpans(JSON.parse(nonEmptyLines(stdout)[0])).find(({ span: s }) => s.attributes.some((a) => a.key === 'message' && a.value.stringValue === 'numbers')).span;
    // Datadog's uint64 in hex, as the OTel↔Datadog conversion and the other dd.* ids here get.
    assert.equal(span.spanId, (9007199254740993n).toString(16).padStart(16, '0'));
  },
);

test(
  'Chrome lanes: a span is drawn inside another only when that one is its ancestor',
  {},
  async () => {
    // Two parallel calls from one root; the second ends before the first (as in the OTel producer's checkout).
    const fanOut = join(temp.dir, 'fan-out.jsonl');
    writeFileSync(
      fanOut,
      [
        { time: '2024-05-01T10:00:00.000Z', trace_id: 'fan', span_id: 'root', name: 'GET /checkout', 'service.name': 'frontend', duration_ms: 100 },
        { time: '2024-05-01T10:00:00.010Z', trace_id: 'fan', span_id: 'a', parent_id: 'root', name: 'POST /cart', 'service.name': 'frontend', duration_ms: 80 },
        { time: '2024-05-01T10:00:00.020Z', trace_id: 'fan', span_id: 'b', parent_id: 'root', name: 'POST /payment', 'service.name': 'frontend', duration_ms: 30 },
      ]
        .map((line) => `${JSON.stringify(line)}\n`)
        .join(''),
    );
    for (const path of [fanOut, 'fixtures/orphan-parent.jsonl']) {
      const { stdout } = await convertOk(['--format', 'chrome', path]);
      // Actual today: 'lane 1/1: "POST /payment" (b) drawn inside "POST /cart" (a)';
      // for orphan-parent, the placeholder root "lost-parent" drawn inside the root "root".
      assert.deepEqual(chromeFalseNesting(JSON.parse(stdout)), [], path);
    }
  },
);

// Regression: commander wrote the BigInt default of --idle with JSON.stringify and the help crashed (exit 2).
test('convert --help lists every format and exits 0', async () => {
  const run = await tracelog(['convert', '--help']);
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  for (const format of ['spans', 'traces', 'otlp', 'zipkin', 'jaeger', 'chrome']) assert.match(run.stdout, new RegExp(`"${format}"`));
});
