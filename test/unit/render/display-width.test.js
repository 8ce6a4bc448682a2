import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  displayWidth,
  fitToWidth,
  padEndToWidth,
  padStartToWidth,
  truncateToWidth,
} from '../../../dist/render/display-width.js';

test('displayWidth counts wide characters 2, combining and zero-width 0, escapes 0', () => {
  const cases = [
    ['', 0],
    ['abc', 3],
    ['注文', 4],
    ['ｈｉ', 4], // fullwidth Latin
    ['한국어', 6],
    ['🚀', 2],
    ['a🚀b', 4],
    ['cafe\u0301', 4], // combining acute
    ['a\u200bb', 2], // zero-width space
    ['a\u200db', 2], // zero-width joiner
    ['\ufeffx', 1],
    ['├─ █▌◆┃', 7],
    ['❤\ufe0f', 2], // emoji presentation selector widens a narrow symbol
    ['\u001b[31mred\u001b[39m', 3],
    ['\u001b[38;2;1;2;3mx\u001b[0m', 1],
    ['\u001b]8;;http://x\u0007link\u001b]8;;\u0007', 4],
    ['\u001b]8;;http://x\u001b\\link', 4],
    ['µs', 2],
  ];
  for (const [text, width] of cases) assert.equal(displayWidth(text), width, JSON.stringify(text));
});

test('truncateToWidth cuts at a column boundary and ends with an ellipsis', () => {
  assert.equal(truncateToWidth('hello world', 20), 'hello world');
  assert.equal(truncateToWidth('hello world', 11), 'hello world');
  assert.equal(truncateToWidth('hello world', 8), 'hello w…');
  assert.equal(truncateToWidth('hello', 1), '…');
  assert.equal(truncateToWidth('hello', 0), '');
  // A wide character that would straddle the limit is left out whole.
  assert.equal(truncateToWidth('注文を処理', 6), '注文…');
  assert.equal(displayWidth(truncateToWidth('注文を処理', 6)), 5);
  assert.equal(truncateToWidth('ab🚀cd', 4), 'ab…');
  // Combining marks stay with their letter; none dangle after the cut.
  assert.equal(truncateToWidth('cafe\u0301s au lait', 5), 'cafe\u0301…');
  assert.equal(truncateToWidth('abcde\u0301f', 5), 'abcd…');
});

test('truncateToWidth keeps escape sequences so colours are still reset', () => {
  const red = '\u001b[31mhello world\u001b[39m';
  const cut = truncateToWidth(red, 6);
  assert.equal(cut, '\u001b[31mhello…\u001b[39m');
  assert.equal(displayWidth(cut), 6);
});

test('padding and fitting measure display columns', () => {
  assert.equal(padEndToWidth('注', 4), '注  ');
  assert.equal(padStartToWidth('注', 4), '  注');
  assert.equal(padEndToWidth('toolong', 3), 'toolong');
  assert.equal(fitToWidth('toolong', 4), 'too…');
  assert.equal(fitToWidth('ok', 4), 'ok  ');
});
