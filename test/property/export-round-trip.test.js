// Property: random forests go through every export format and back (OTLP,
// Zipkin, Jaeger → tracelog's importers → span JSON) and nothing is lost that
// the format can hold: OTLP keeps nanoseconds and typed attributes, Zipkin and
// Jaeger keep microseconds (start floored, duration rounded; Zipkin's minimum
// duration is 1 µs), Zipkin tags become strings and its annotations keep only
// the event name. Ids of every convention come back as written (the exporters
// keep originals in `tracelog.original_*`). In-process for many forests, and
// through the CLI (`convert --format F` then `convert --format spans`) for a few.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LosslessNumber } from '../../dist/types.js';
import { toOtlpRequests } from '../../dist/export/otlp.js';
import { toZipkinSpans } from '../../dist/export/zipkin.js';
import { toJaegerDocument } from '../../dist/export/jaeger.js';
import { checkProperty, encodeForest, flattenTags, forestArb, FUZZ, isPlainObject } from './arbitraries.js';
import { assembleLines, assertSameSpans, canon, spanLinesText, spansFromOutput, spanView } from './model.js';
import { makeTempDir, runCli, STACK_TRACE } from '../helpers/cli.js';

const tmp = makeTempDir('tracelog-export-property-');
test.after(() => tmp.cleanup());

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** An integer outside int64 has no integer type in OTLP or Jaeger: it travels as a double. */
function asDoubleIfBeyondInt64(value) {
  if (value instanceof LosslessNumber && /^-?\d+$/.test(value.text)) {
    const big = BigInt(value.text);
    if (big < MIN_INT64 || big > MAX_INT64) return Number(value.text);
  }
  return value;
}

/** JSON text of a value as the exporters write it (bare digits for big numbers). */
function jsonText(value) {
  if (value === null) return 'null';
  if (value instanceof LosslessNumber) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${jsonText(value[k])}`).join(',')}}`;
}

/** OTLP AnyValue: null attributes are omitted (also inside kvlists), array positions kept. */
function otlpValue(value) {
  if (Array.isArray(value)) return value.map(otlpValue);
  if (isPlainObject(value)) {
    const out = Object.create(null);
    for (const key of Object.keys(value)) if (value[key] !== null) out[key] = otlpValue(value[key]);
    return out;
  }
  return asDoubleIfBeyondInt64(value);
}

/** Jaeger tags: typed scalars, arrays and objects as JSON text. */
function jaegerValue(value) {
  return Array.isArray(value) || isPlainObject(value) ? jsonText(value) : asDoubleIfBeyondInt64(value);
}

/** Zipkin tags: strings. */
function zipkinValue(value) {
  return typeof value === 'string' ? value : jsonText(value);
}

const VALUE_MAP = { otlp: otlpValue, jaeger: jaegerValue, zipkin: zipkinValue };

function fieldsFor(format, fields) {
  const flat = flattenTags(fields);
  const out = [];
  for (const key of Object.keys(flat).sort()) if (flat[key] !== null) out.push([key, canon(VALUE_MAP[format](flat[key]))]);
  return out;
}

const floorUs = (ns) => (ns / 1000n) * 1000n;
const roundUs = (ns) => ((ns + 500n) / 1000n) * 1000n;

/** What the forest must look like after `format` and back. */
export function expectedAfter(format, forest) {
  const out = new Map();
  const micro = format !== 'otlp';
  for (const trace of forest.traces) {
    for (const span of trace.spans) {
      let events = span.events.map((e) => {
        const timeNs = e.timeNs ?? span.startNs;
        return { timeNs: micro ? floorUs(timeNs) : timeNs, name: e.message, fields: format === 'zipkin' ? [] : fieldsFor(format, e.fields) };
      });
      if (format === 'zipkin') {
        // Annotations are a set: an exact repeat (same µs, same value) is written once.
        const seen = new Set();
        events = events.filter((e) => {
          const k = `${e.timeNs} ${e.name}`;
          return seen.has(k) ? false : (seen.add(k), true);
        });
      }
      let durationNs = span.durationNs;
      if (format === 'jaeger') durationNs = roundUs(durationNs);
      if (format === 'zipkin') durationNs = roundUs(durationNs) > 0n ? roundUs(durationNs) : 1000n;
      out.set(
        JSON.stringify([trace.traceId, span.spanId]),
        spanView({
          traceId: trace.traceId,
          spanId: span.spanId,
          parentId: span.parentId,
          name: span.name,
          service: span.service,
          startNs: micro ? floorUs(span.startNs) : span.startNs,
          durationNs,
          tags: fieldsFor(format, span.tags),
          events,
        }),
      );
    }
  }
  return out;
}

/** Traces → the text `tracelog convert --format F` writes. */
function exportText(format, traces) {
  if (format === 'otlp') return toOtlpRequests(traces, { maxSpans: 7 }).map((r) => JSON.stringify(r)).join('\n');
  if (format === 'zipkin') return JSON.stringify(toZipkinSpans(traces));
  return JSON.stringify(toJaegerDocument(traces));
}

for (const format of ['otlp', 'zipkin', 'jaeger']) {
  test(`a random forest survives --format ${format} and back (pure pipeline)`, async () => {
    await checkProperty(
      fc.property(forestArb({ maxTraces: 3, maxSpans: FUZZ ? 12 : 8 }), (forest) => {
        const { traces } = assembleLines(encodeForest(forest).map((l) => l.text));
        const exported = exportText(format, traces);
        const back = assembleLines(exported.split('\n'), `export.${format}`);
        assert.deepEqual(back.skipped, [], 'the export reads back without a skipped line');
        assertSameSpans(spansFromOutput(spanLinesText(back.traces)), expectedAfter(format, forest));
      }),
      { runs: 120, fuzzRuns: 10_000 },
    );
  });
}

test('random forests survive every export format and back through the CLI', async () => {
  let run = 0;
  await checkProperty(
    fc.asyncProperty(forestArb({ maxTraces: 2, maxSpans: 8 }), fc.constantFrom('otlp', 'zipkin', 'jaeger'), async (forest, format) => {
      const logPath = join(tmp.dir, `forest-${run}.log`);
      const exportPath = join(tmp.dir, `forest-${run++}.${format}.json`);
      writeFileSync(logPath, `${encodeForest(forest).map((l) => l.text).join('\n')}\n`);
      const exported = await runCli(['convert', '--format', format, logPath, '-o', exportPath]);
      assert.equal(exported.stderr, '');
      assert.equal(exported.code, 0);
      assert.ok(readFileSync(exportPath, 'utf8').length > 0);
      const back = await runCli(['convert', exportPath]);
      assert.doesNotMatch(back.stderr, STACK_TRACE);
      assert.equal(back.stderr, '');
      assert.equal(back.code, 0);
      assertSameSpans(spansFromOutput(back.stdout), expectedAfter(format, forest));
    }),
    { runs: 3, fuzzRuns: 150, shrink: false },
  );
});
