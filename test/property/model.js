// What a generated forest must look like after a round trip, and the pure
// pipeline the properties drive in-process (the same stages `tracelog convert`
// runs: readLine → Assembler → export → import). Comparisons use a canonical
// form: numbers as their decimal text (so 9007199254740993 keeps its digits),
// objects as sorted entry lists (so `__proto__` is a key like any other).

import assert from 'node:assert/strict';
import { LosslessNumber } from '../../dist/types.js';
import { readLine } from '../../dist/extract/line.js';
import { importDocumentRecords } from '../../dist/extract/import-document.js';
import { parseJson } from '../../dist/extract/json.js';
import { Assembler } from '../../dist/trace/assemble.js';
import { traceToSpanLines } from '../../dist/export/spans.js';
import { flattenTags } from './arbitraries.js';

// ---------------------------------------------------------------- canonical values

/** A JSON value in a form deepStrictEqual compares by meaning: numbers by text, objects by sorted entries. */
export function canon(value) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return { number: String(value) };
  if (value instanceof LosslessNumber) return { number: value.text };
  if (Array.isArray(value)) return value.map(canon);
  return { object: Object.keys(value).sort().map((key) => [key, canon(value[key])]) };
}

/** Tags as sorted [key, canonical value] entries. */
export function canonTags(tags) {
  return Object.keys(tags).sort().map((key) => [key, canon(tags[key])]);
}

// ---------------------------------------------------------------- times

const RFC3339_UTC = /^(-?\d{4,6}|\+\d{6})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$/;

/** tracelog's RFC 3339 UTC output → epoch ns (independent of src/extract/time.ts). */
export function rfc3339ToNs(text) {
  const m = RFC3339_UTC.exec(text);
  assert.ok(m, `not RFC 3339 UTC: ${text}`);
  const [, y, mo, d, h, mi, s, frac = ''] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  return BigInt(date.getTime()) * 1_000_000n + BigInt(frac.padEnd(9, '0') || '0');
}

/** Decimal text ("152.3", "1e-6") × 10^shift, exactly; throws when not exact. */
export function decimalToInt(text, shift) {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  assert.ok(m, `not a decimal: ${text}`);
  const [, sign, int, frac = '', exp = '0'] = m;
  const scale = shift + Number(exp) - frac.length;
  let digits = BigInt(int + frac);
  if (scale >= 0) digits *= 10n ** BigInt(scale);
  else {
    const div = 10n ** BigInt(-scale);
    assert.equal(digits % div, 0n, `${text} has more than ${shift} decimals`);
    digits /= div;
  }
  return sign === '-' ? -digits : digits;
}

const numberText = (value) => (value instanceof LosslessNumber ? value.text : String(value));

// ---------------------------------------------------------------- the model

/** A span of a forest in the form compared after a round trip (events as a sorted multiset). */
export function spanView(span) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentId: span.parentId,
    name: span.name,
    service: span.service,
    startNs: span.startNs,
    durationNs: span.durationNs,
    tags: span.tags,
    events: [...span.events].sort(compareEvents),
  };
}

function compareEvents(a, b) {
  const ka = JSON.stringify([String(a.timeNs), a.name, a.fields]);
  const kb = JSON.stringify([String(b.timeNs), b.name, b.fields]);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

const key = (traceId, spanId) => JSON.stringify([traceId, spanId]);

/** The spans a forest must come back as after `convert`: tags flattened, untimed events at their span's start. */
export function expectedSpans(forest) {
  const out = new Map();
  for (const trace of forest.traces) {
    for (const span of trace.spans) {
      out.set(
        key(trace.traceId, span.spanId),
        spanView({
          ...span,
          tags: canonTags(flattenTags(span.tags)),
          events: span.events.map((e) => ({ timeNs: e.timeNs ?? span.startNs, name: e.message, fields: canonTags(flattenTags(e.fields)) })),
        }),
      );
    }
  }
  return out;
}

/** `--format spans` output text → the same view, keyed by trace and span id; flags kept aside. */
export function spansFromOutput(text) {
  const out = new Map();
  const flags = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const span = parseJson(line);
    const durationText = /"durationMs":(-?[0-9.eE+-]+)/.exec(line)?.[1];
    assert.ok(durationText !== undefined, `no durationMs in ${line.slice(0, 200)}`);
    const view = spanView({
      traceId: span.traceId,
      spanId: span.spanId,
      parentId: span.parentId,
      name: span.name,
      service: span.service,
      startNs: rfc3339ToNs(span.startTime),
      durationNs: decimalToInt(durationText, 6),
      tags: canonTags(span.tags),
      events: span.events.map((e) => ({ timeNs: rfc3339ToNs(e.time), name: e.name, fields: canonTags(e.fields) })),
    });
    for (const flag of ['synthetic', 'skew', 'duplicate', 'unfinished', 'startInferred', 'cycleParentId', 'error']) {
      if (span[flag] !== undefined) flags.push({ traceId: span.traceId, spanId: span.spanId, flag, value: span[flag] });
    }
    const k = key(view.traceId, view.spanId);
    assert.ok(!out.has(k), `span ${k} written twice`);
    out.set(k, view);
  }
  return { spans: out, flags };
}

/**
 * Asserts that the spans came back as expected, naming the first span that
 * differs. `allowedFlags`: flags that may appear (skew only depends on times).
 */
export function assertSameSpans(actual, expected, { allowedFlags = ['skew'] } = {}) {
  const unexpectedFlags = actual.flags.filter((f) => !allowedFlags.includes(f.flag)).map(({ spanId, flag }) => ({ spanId, flag }));
  assert.deepEqual(unexpectedFlags, [], 'no span is a placeholder, duplicate, unfinished or cut out of a cycle');
  const missing = [...expected.keys()].filter((k) => !actual.spans.has(k));
  const extra = [...actual.spans.keys()].filter((k) => !expected.has(k));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'the same spans come back');
  for (const [k, want] of expected) {
    try {
      assert.deepStrictEqual(actual.spans.get(k), want);
    } catch (err) {
      err.message = `span ${k} differs:\n${err.message}`;
      throw err;
    }
  }
}

// ---------------------------------------------------------------- the pipeline

/** Lines → traces, as `tracelog convert` reads them (documents included). */
export function assembleLines(texts, source = 'test.log') {
  const assembler = new Assembler();
  const skipped = [];
  texts.forEach((text, i) => {
    const result = readLine(text, source, i + 1, { readDocument: importDocumentRecords });
    if (result === null) return;
    if ('skip' in result) skipped.push({ line: i + 1, reason: result.skip, text });
    else for (const record of result.records) assembler.add(record);
  });
  return { traces: assembler.finish(), skipped };
}

/** Traces → `--format spans` text. */
export function spanLinesText(traces) {
  return traces.flatMap((t) => traceToSpanLines(t)).map((l) => `${l}\n`).join('');
}
