// Span JSON writes every string as JSON.stringify would: quoted as it is when nothing in it
// needs escaping, escaped otherwise (quotes, backslashes, control characters, lone surrogates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spanToJson } from '../../../dist/export/spans.js';
import { makeSpan } from '../../helpers/spans.js';

const span = (name, service) => makeSpan({ name, service });

test('names and services come out as JSON.stringify writes them, whatever their characters', () => {
  const pieces = ['a', ' ', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '\u2028', '😀', '\ud800', '\udc00', '/', '<'];
  let s = 3;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < 3000; i++) {
    let name = '';
    const length = Math.floor(next() * 8);
    for (let k = 0; k < length; k++) name += pieces[Math.floor(next() * pieces.length)];
    const text = spanToJson(span(name, i % 2 ? null : `svc ${name}`));
    assert.ok(text.includes(`"name":${JSON.stringify(name)},`), JSON.stringify(name));
    assert.ok(text.includes(`"service":${i % 2 ? 'null' : JSON.stringify(`svc ${name}`)},`), JSON.stringify(name));
  }
});
