import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sanitizeText } from '../../../dist/render/sanitize-text.js';

test('sanitizeText makes every control character a visible escape', () => {
  const cases = [
    ['plain text', 'plain text'],
    ['\u001b[2J', '\\x1b[2J'],
    ['\u001b]8;;http://evil\u0007x', '\\x1b]8;;http://evil\\x07x'],
    ['a\rb\nc\td', 'a\\rb\\nc\\td'],
    ['\u0000\u0008\u007f', '\\x00\\x08\\x7f'],
    ['\u0080\u009b\u009f', '\\x80\\x9b\\x9f'],
    ['\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['\u2028\u2029', '\\u2028\\u2029'],
    ['lone \ud800 half', 'lone \\ud800 half'],
  ];
  for (const [input, output] of cases) assert.equal(sanitizeText(input), output, JSON.stringify(input));
});

test('sanitizeText keeps printable Unicode: CJK, emoji sequences, combining marks', () => {
  for (const text of ['注文を処理する', '👩\u200d💻', 'cafe\u0301', 'µs ≥ 5', '🇫🇷', '\\x1b literal']) {
    assert.equal(sanitizeText(text), text);
  }
});

test('no unsafe code point survives sanitizeText', () => {
  const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
  for (let cp = 0; cp < 0x3000; cp++) {
    const out = sanitizeText(`x${String.fromCodePoint(cp)}y`);
    assert.ok(!unsafe.test(out), `U+${cp.toString(16)}`);
  }
});
