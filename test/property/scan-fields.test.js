// A line read straight from its text (scan-fields.ts) gives the records, tags and skips
// that parsing it (parseJson, flattenInto) gives — for lines built to trip a scanner:
// role keys nested and dotted, repeated and numeric keys, long numbers, escapes, lone
// surrogates, control characters, arrays, odd spacing, shipper wrappers and broken JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readLine } from '../../dist/extract/line.js';
import { importDocumentRecords } from '../../dist/extract/import-document.js';
import { LosslessNumber } from '../../dist/types.js';
import { checkProperty } from './arbitraries.js';

const KEYS = [
  'trace_id', 'span_id', 'parent_id', 'traceId', 'id', 'trace.id', 'span.id', 'dd.trace_id', 'dd.span_id', 'name', 'service',
  'service.name', 'msg', 'message', 'log', 'time', 'timestamp', 'start_time', 'end_time', 'duration_ms', 'duration', 'event.duration',
  'level', 'error', 'err', 'status', 'status.code', 'http.status_code', 'kind', 'phase', 'tags', 'attributes', 'traceparent', 'b3',
  'x', 'y.z', 'x.y', 'trace', 'span', 'dd', 'parent', 'é',
];
// Keys a scanner must leave to JSON.parse, or read with care.
const ODD_KEYS = ['', '0', '12', '__proto__', 'resourceSpans', 'events', 'roots', 'a"b', '\\u0061', 'a\tb'];
const digits = (min, max) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const number = fc.oneof(
  fc.tuple(fc.constantFrom('', '-'), fc.constantFrom('0', '1', '9'), digits(0, 22)).map(([s, a, b]) => s + a + b),
  fc.tuple(fc.constantFrom('', '-'), digits(1, 3), digits(1, 20)).map(([s, a, b]) => `${s}${a}.${b}`),
  fc.tuple(fc.constantFrom('1', '2.50', '12345678901234567890'), fc.constantFrom('e', 'E', 'e+', 'e-'), digits(1, 4)).map(([a, e, b]) => a + e + b),
  fc.constantFrom('-0', '0.0', '1.0', '1e2', '152.3', '1714557600.1234567', '9007199254740993', '18446744073709551615', '01', '-', '1.', '.5'),
);
const stringBody = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constantFrom('a', ' ', ',', ':', '{', '}', '[', 'é', 'start', 'end', 'ERROR', '500', 'begin', 'true'), weight: 30 },
      fc.constantFrom('\\"', '\\\\', '\\/', '\\n', '\\t', '\\u0041', '\\u00e9', '\\ud83d', '\\ud83d\\ude00', '\\u001F', '😀', '\t', '\u0001', '\ud800'),
      fc.constantFrom('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', '0', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '2024-05-01T10:00:00.120Z', '1.5ms', '{"trace_id":"t1","span_id":"s1","duration_ms":2}'),
      number,
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join(''));
const key = fc.oneof({ arbitrary: fc.constantFrom(...KEYS), weight: 20 }, fc.constantFrom(...ODD_KEYS), stringBody);
const space = fc.oneof({ arbitrary: fc.constant(''), weight: 20 }, fc.constantFrom(' ', '  ', '\t'));

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: number, weight: 4 },
    { arbitrary: stringBody.map((s) => `"${s}"`), weight: 6 },
    { arbitrary: fc.constantFrom('true', 'false', 'null', '{}', '{ }', '""'), weight: 2 },
    fc.constantFrom('[]', 'tru', '"\\x"', '{"a":1'),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    { arbitrary: tie('object'), weight: 3 },
  ),
  object: fc
    .array(fc.tuple(key, space, space, tie('value')), { maxLength: 6 })
    .map((members) => `{${members.map(([k, a, b, v]) => `"${k}"${a}:${b}${v}`).join(',')}}`),
}));

const prefix = fc.constantFrom('', '', '', '', '', ' ', '\uFEFF', 'api-1  | ', '[pod] ');
const suffix = fc.constantFrom('', '', '', '', '', '', ' ', ' x', '}', ',');
// Lines that carry trace fields most of the time, so extraction runs deep.
const line = fc
  .tuple(prefix, fc.array(fc.tuple(key, space, value.value), { maxLength: 4 }), value.object, suffix)
  .map(([before, extra, rest, after]) => {
    const members = [['trace_id', '"4bf92f3577b34da6a3ce929d0e0e4736"'], ['span_id', '"00f067aa0ba902b7"'], ...extra.map(([k, s, v]) => [k + s, v])];
    const head = members.map(([k, v]) => `"${k}":${v}`).join(',');
    return `${before}{${head}${rest.length > 2 ? `,${rest.slice(1)}` : '}'}${after}`;
  });

/** Records as plain data: bigints and lossless numbers as tagged text, key order kept. */
function plain(result) {
  return JSON.stringify(result, (_key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof LosslessNumber) return `lossless:${v.text}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // Own keys in order, "__proto__" included.
      const out = [];
      for (const k of Object.keys(v)) out.push([k, v[k]]);
      return { entries: out };
    }
    return v;
  });
}

// Any other document reader turns the scan off: the line is parsed, as before the scan.
const parsed = (value, source, line) => importDocumentRecords(value, source, line);

for (const fields of ['text', true, false]) {
  test(`readLine: a scanned line and a parsed line give the same result (fields: ${fields})`, async () => {
    await checkProperty(
      fc.property(line, (text) => {
        const scanned = plain(readLine(text, 'f.log', 7, { readDocument: importDocumentRecords, fields }));
        const slow = plain(readLine(text, 'f.log', 7, { readDocument: parsed, fields }));
        assert.equal(scanned, slow, text);
      }),
      { runs: 2500, fuzzRuns: 200000 },
    );
  });
}
