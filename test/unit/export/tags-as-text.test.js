// `convert` reads tags as JSON text (fields: 'text') for every format; the exporters
// parse that text back. Each must write what it writes from the tags read as objects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readLine } from '../../../dist/extract/line.js';
import { importDocumentRecords } from '../../../dist/extract/import-document.js';
import { Assembler } from '../../../dist/trace/assemble.js';
import { listSpans } from '../../../dist/trace/walk.js';
import { toZipkinSpans } from '../../../dist/export/zipkin.js';
import { toJaegerDocument } from '../../../dist/export/jaeger.js';
import { toOtlpRequests } from '../../../dist/export/otlp.js';
import { toChromeTrace } from '../../../dist/export/chrome.js';
import { stringifyJson } from '../../../dist/extract/json.js';

const fixtures = new URL('../../../fixtures/', import.meta.url);

/** Awkward values: big and long numbers, -0, 1e400, `__proto__`, nesting, escapes, events with fields. */
const EXTRA = [
  '{"trace_id":"x1","span_id":"a","name":"root","time":1714557600000,"duration_ms":5,"big":12345678901234567890,"long":0.12345678901234567890,"z":-0,"inf":1e400,"__proto__":{"p":1},"nested":{"k":[1,{"c":null}],"q":"a\\"b\\u2028"},"s":"é✓"}',
  '{"trace_id":"x1","span_id":"a","msg":"cache miss","time":1714557600001,"key":"k:1","size":3,"id":98765432109876543210}',
  '{"trace_id":"x1","span_id":"b","parent_id":"a","name":"child","time":1714557600002,"duration_ms":1,"error":true,"error.message":"boom","n":1.5e300}',
  '{"trace_id":"x2","span_id":"c","name":"begin","phase":"begin","time":1714557600000,"k1":"first"}',
  '{"trace_id":"x2","span_id":"c","phase":"end","time":1714557600009,"k2":12345678901234567891}',
];

function traces(fields) {
  const assembler = new Assembler();
  const visit = (text, name, line) => {
    const result = readLine(text, name, line, { readDocument: importDocumentRecords, fields });
    if (result !== null && 'records' in result) for (const record of result.records) assembler.add(record);
  };
  for (const name of readdirSync(fixtures).sort()) {
    if (!/\.(jsonl|log)$/.test(name) || name.startsWith('gzip')) continue;
    readFileSync(new URL(name, fixtures), 'utf8').split('\n').forEach((text, i) => visit(text, name, i + 1));
  }
  EXTRA.forEach((text, i) => visit(text, 'extra', i + 1));
  return assembler.finish();
}

test('every export writes the same from tags read as JSON text as from tags read as objects (every fixture line)', () => {
  const objects = traces(true);
  const texts = traces('text');
  const spans = texts.flatMap(listSpans);
  const asText = spans.filter((s) => s.tagsText !== undefined).length;
  const events = spans.flatMap((s) => s.events).filter((e) => e.fieldsText !== undefined).length;
  assert.ok(asText > 50 && events > 10, `${asText} spans and ${events} events hold their fields as text`);
  const exports = {
    zipkin: (t) => JSON.stringify(toZipkinSpans(t)),
    jaeger: (t) => JSON.stringify(toJaegerDocument(t)),
    otlp: (t) => JSON.stringify(toOtlpRequests(t)),
    chrome: (t) => stringifyJson(toChromeTrace(t)),
  };
  for (const [name, write] of Object.entries(exports)) assert.equal(write(texts), write(objects), name);
});
