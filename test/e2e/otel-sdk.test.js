// Ground truth from real producers: an application traced with the real
// OpenTelemetry JS SDK and logged with real pino (test/helpers/otel-producer.js).
// tracelog, spawned as a CLI, must rebuild exactly the trees the SDK recorded —
// ids, parents, names, services, start and duration to the ns, error status —
// from the pino log (span lines plus plain lines that become events), and from
// the OTLP/JSON that @opentelemetry/otlp-transformer writes for the same spans.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToNs, produceTelemetry, serializeWithOtlpTransformer } from '../helpers/otel-producer.js';
import { nonEmptyLines, tempDir, tracelog } from '../helpers/e2e-run.js';
import { chromeErrors, jaegerErrors, zipkinErrors } from '../helpers/format-validators.js';
import { durationMsToNs, flattenTraces, isoToNs, parseJsonLines } from '../helpers/span-views.js';

let temp;
let produced;

before(async () => {
  temp = tempDir('tracelog-otel-');
  produced = await produceTelemetry(join(temp.dir, 'app.log'));
});
after(() => temp.remove());

/** What the SDK recorded for a span, in the terms of tracelog's span JSON. */
function sdkView(span) {
  const error = span.status.code === SpanStatusCode.ERROR;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    service: span.resource.attributes['service.name'],
    startNs: hrTimeToNs(span.startTime),
    durationNs: hrTimeToNs(span.duration),
    error,
    statusMessage: error ? (span.status.message ?? null) : null,
    kind: SpanKind[span.kind].toLowerCase(),
  };
}

/** The same fields of a span from `--format traces` output. */
function outputView(span) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentId: span.parentId,
    name: span.name,
    service: span.service,
    startNs: isoToNs(span.startTime),
    durationNs: durationMsToNs(span.durationMs),
    error: span.error === true,
    statusMessage: span.statusMessage ?? null,
    kind: span.kind ?? null,
  };
}

const byId = (a, b) => (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);

/**
 * The output holds the SDK's traces and nothing else: one root per trace, each
 * span nested under its recorded parent, every field equal. Returns the output
 * spans by id.
 */
function assertSameTrees(traces, sdkSpans) {
  const expected = sdkSpans.map(sdkView).sort(byId);
  const spans = flattenTraces(traces);
  assert.deepEqual(spans.map(outputView).sort(byId), expected);
  for (const span of spans) assert.equal(span.nestedUnder, span.parentId, `span ${span.name} nests under its parent`);
  for (const span of spans) assert.equal(span.synthetic, undefined, `no placeholder spans (${span.name})`);
  const traceIds = [...new Set(expected.map((s) => s.traceId))].sort();
  assert.deepEqual(traces.map((t) => t.traceId).sort(), traceIds);
  for (const trace of traces) {
    assert.equal(trace.roots.length, 1, `trace ${trace.traceId} has one root`);
    assert.equal(trace.spanCount, expected.filter((s) => s.traceId === trace.traceId).length);
  }
  return new Map(spans.map((s) => [s.spanId, s]));
}

test('the producer recorded what the tests rely on', () => {
  const spans = produced.spans.map(sdkView);
  assert.equal(spans.length, 13);
  assert.deepEqual([...new Set(spans.map((s) => s.service))].sort(), ['cart', 'frontend', 'inventory', 'payment']);
  assert.equal(new Set(spans.map((s) => s.traceId)).size, 2);
  // The two backend calls overlap in time (parallel), and the failing branch has an exception event.
  const [reserve, charge] = ['POST /cart/reserve', 'POST /payment/charge'].map((n) => spans.find((s) => s.name === n));
  assert.ok(charge.startNs < reserve.startNs + reserve.durationNs && reserve.startNs < charge.startNs + charge.durationNs);
  const server = produced.spans.find((s) => s.name === '/payment/charge');
  assert.equal(server.status.code, SpanStatusCode.ERROR);
  assert.deepEqual(server.events.map((e) => e.name), ['exception']);
  // Durations carry sub-microsecond digits, so only a reader exact to the ns passes.
  assert.ok(spans.some((s) => s.durationNs % 1000n !== 0n));
});

test('pino span lines and plain lines → the SDK trees, with the plain lines as events on their spans', async () => {
  const logPath = produced.logPath;
  const lineCount = nonEmptyLines(readFileSync(logPath, 'utf8')).length;
  const run = await tracelog(['convert', '--format', 'traces', logPath]);
  assert.equal(run.code, 0, run.stderr);
  // The two lines written outside any span carry no trace id.
  assert.equal(run.stderr, `tracelog: skipped 2 of ${lineCount} lines (2 without trace id); first at ${logPath}:1\n`);
  const traces = parseJsonLines(run.stdout);
  const spans = assertSameTrees(traces, produced.spans);

  // Each plain line is an event of the span that was active when it was written.
  const expectedEvents = new Map();
  for (const { spanId, msg } of produced.expectedEvents) expectedEvents.set(spanId, [...(expectedEvents.get(spanId) ?? []), msg]);
  for (const [spanId, span] of spans) {
    assert.deepEqual(span.events.map((e) => e.name).sort(), (expectedEvents.get(spanId) ?? []).sort(), `events of ${span.name}`);
    // Event times are pino's epoch ms (Date.now), span times the SDK's: within the span, give or take 2 ms.
    const startNs = isoToNs(span.startTime);
    const endNs = startNs + durationMsToNs(span.durationMs);
    for (const event of span.events) {
      const t = isoToNs(event.time);
      assert.ok(t >= startNs - 2_000_000n && t <= endNs + 2_000_000n, `event "${event.name}" lies within ${span.name}`);
    }
  }
  const byName = (name) => [...spans.values()].find((s) => s.name === name);
  const failed = byName('/payment/charge').events.find((e) => e.name === 'charge failed');
  assert.equal(failed.fields.level, 50);
  assert.equal(failed.fields['err.type'], 'Error');
  assert.equal(failed.fields['err.message'], 'card declined');
  assert.equal(byName('/cart/reserve').events[0].fields.items, 3);
  assert.equal(byName('SELECT stock').events[0].fields.rows, 3);
  assert.equal(byName('GET /checkout').events.find((e) => e.name === 'checkout started').fields.user, 'u1');
});

test('the same log as span lines: one line per SDK span, same fields', async () => {
  const run = await tracelog(['convert', '--quiet', produced.logPath]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const spans = parseJsonLines(run.stdout);
  assert.deepEqual(spans.map(outputView).sort(byId), produced.spans.map(sdkView).sort(byId));
});

test('OTLP/JSON from @opentelemetry/otlp-transformer (collector file-exporter lines) → the SDK trees', async () => {
  // One request per trace, one per line, as the Collector's file exporter writes them.
  const traceIds = [...new Set(produced.spans.map((s) => s.spanContext().traceId))];
  const lines = traceIds.map((id) => serializeWithOtlpTransformer(produced.spans.filter((s) => s.spanContext().traceId === id)));
  // The real serializer's quirks are in the input: intValue as a JSON number, dropped*Count, links.
  assert.match(lines.join('\n'), /"intValue":200\b/);
  assert.match(lines.join('\n'), /"droppedAttributesCount":0/);
  const path = join(temp.dir, 'sdk-otlp.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);

  const run = await tracelog(['convert', '--format', 'traces', path]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const spans = assertSameTrees(parseJsonLines(run.stdout), produced.spans);

  for (const sdkSpan of produced.spans) {
    const span = spans.get(sdkSpan.spanContext().spanId);
    // Attributes come back with their JSON types: the integer status code stays a number.
    assert.deepEqual({ ...span.tags }, { ...sdkSpan.attributes }, `attributes of ${span.name}`);
    // SDK span events (the recorded exception) become events, to the ns.
    assert.deepEqual(
      span.events.map((e) => ({ name: e.name, timeNs: isoToNs(e.time), fields: e.fields })),
      sdkSpan.events.map((e) => ({ name: e.name, timeNs: hrTimeToNs(e.time), fields: { ...e.attributes } })),
      `events of ${span.name}`,
    );
  }
  const exception = spans.get(produced.spans.find((s) => s.name === '/payment/charge').spanContext().spanId).events[0];
  assert.equal(exception.fields['exception.message'], 'card declined');
  assert.match(exception.fields['exception.stacktrace'], /^Error: card declined\n/);
  assert.equal(spans.get(produced.spans.find((s) => s.name === 'POST /payment/charge').spanContext().spanId).tags['http.response.status_code'], 502);
});

test('the transformer OTLP read from stdin gives the same spans as the pino log', async () => {
  const [fromLog, fromOtlp] = await Promise.all([
    tracelog(['convert', '--quiet', produced.logPath]),
    tracelog(['convert'], { input: `${serializeWithOtlpTransformer(produced.spans)}\n` }),
  ]);
  assert.equal(fromLog.code, 0, fromLog.stderr);
  assert.equal(fromOtlp.code, 0, fromOtlp.stderr);
  assert.equal(fromOtlp.stderr, '');
  assert.deepEqual(parseJsonLines(fromOtlp.stdout).map(outputView).sort(byId), parseJsonLines(fromLog.stdout).map(outputView).sort(byId));
});

/** The fields two OTLP writers must agree on, per span id; attribute int64s as text (the transformer writes numbers). */
function otlpSpanFacts(docs, { withAttributes }) {
  const facts = new Map();
  const anyValue = (v) => ('intValue' in v ? { intValue: String(v.intValue) } : v);
  for (const doc of docs) {
    for (const rs of doc.resourceSpans) {
      const service = rs.resource.attributes.find((a) => a.key === 'service.name').value.stringValue;
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const status = span.status ?? { code: 0 };
          facts.set(span.spanId, {
            service,
            traceId: span.traceId,
            parentSpanId: span.parentSpanId || null,
            name: span.name,
            kind: span.kind,
            startTimeUnixNano: String(span.startTimeUnixNano),
            endTimeUnixNano: String(span.endTimeUnixNano),
            status: status.code === 2 ? { code: 2, message: status.message } : { code: status.code ?? 0 },
            ...(withAttributes
              ? {
                  attributes: span.attributes.map((a) => ({ key: a.key, value: anyValue(a.value) })),
                  events: span.events.map((e) => ({ name: e.name, timeUnixNano: String(e.timeUnixNano), attributes: e.attributes.map((a) => ({ key: a.key, value: anyValue(a.value) })) })),
                }
              : {}),
          });
        }
      }
    }
  }
  return facts;
}

test('tracelog OTLP of the pino log carries the ids, times, kinds and statuses the SDK transformer writes', async () => {
  const reference = otlpSpanFacts([JSON.parse(serializeWithOtlpTransformer(produced.spans))], { withAttributes: false });
  const run = await tracelog(['convert', '--quiet', '--format', 'otlp', produced.logPath]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const ours = otlpSpanFacts(nonEmptyLines(run.stdout).map((l) => JSON.parse(l)), { withAttributes: false });
  // SDK ids are already hex32/hex16: written unchanged, so no tracelog.original_* attribute is needed.
  assert.doesNotMatch(run.stdout, /tracelog\.original_/);
  assert.deepEqual(new Map([...ours].sort()), new Map([...reference].sort()));
});

test('transformer OTLP read and written again by tracelog: the same spans, attributes and events', async () => {
  const text = serializeWithOtlpTransformer(produced.spans);
  const run = await tracelog(['convert', '--format', 'otlp'], { input: `${text}\n` });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const reference = otlpSpanFacts([JSON.parse(text)], { withAttributes: true });
  const ours = otlpSpanFacts(nonEmptyLines(run.stdout).map((l) => JSON.parse(l)), { withAttributes: true });
  assert.deepEqual(new Map([...ours].sort()), new Map([...reference].sort()));
});

test('the SDK trees as Zipkin, Jaeger and Chrome: valid, and Chrome lanes nest properly', async () => {
  const [zipkin, jaeger, chrome] = await Promise.all(['zipkin', 'jaeger', 'chrome'].map((format) => tracelog(['convert', '--quiet', '--format', format, produced.logPath])));
  for (const run of [zipkin, jaeger, chrome]) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
  }
  const zipkinSpans = JSON.parse(zipkin.stdout);
  assert.deepEqual(zipkinErrors(zipkinSpans), []);
  // Zipkin keeps the SDK's ids; a failed span carries its status message as the error tag.
  const charge = zipkinSpans.find((s) => s.name === '/payment/charge');
  const sdkCharge = produced.spans.find((s) => s.name === '/payment/charge');
  assert.equal(charge.id, sdkCharge.spanContext().spanId);
  assert.equal(charge.parentId, sdkCharge.parentSpanContext.spanId);
  assert.equal(charge.tags.error, 'card declined');
  assert.equal(charge.localEndpoint.serviceName, 'payment');
  assert.equal(charge.kind, 'SERVER');
  assert.deepEqual(jaegerErrors(JSON.parse(jaeger.stdout)), []);

  // The parallel calls overlap in time: the lanes must still each hold a properly nested set.
  const doc = JSON.parse(chrome.stdout);
  const { errors } = chromeErrors(doc);
  assert.deepEqual(errors, []);
  const slices = doc.traceEvents.filter((e) => e.ph === 'X');
  assert.equal(slices.length, produced.spans.length);
  for (const span of produced.spans) {
    const slice = slices.find((e) => e.args.spanId === span.spanContext().spanId);
    assert.equal(Math.round(slice.dur * 1000), Number(hrTimeToNs(span.duration)), `Chrome dur of ${span.name} to the ns`);
  }
});
