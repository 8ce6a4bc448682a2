import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVICE_PALETTE, createTheme, hashServiceName, serviceColorIndex } from '../../../dist/render/theme.js';

test('a service gets the same colour every time, from its name alone', () => {
  assert.equal(hashServiceName('frontend'), hashServiceName('frontend'));
  // FNV-1a of "a": a fixed value, so colours never change between runs or versions.
  assert.equal(hashServiceName('a'), 0xe40c292c);
  const names = ['frontend', 'auth', 'names', 'postgres', 'redis', 'kafka', 'billing', 'search'];
  const indexes = names.map((n) => serviceColorIndex(n, SERVICE_PALETTE.length));
  assert.ok(new Set(indexes).size >= 5, `palette spread: ${indexes}`);
  const a = createTheme(3).service('frontend')('x');
  const b = createTheme(3).service('frontend')('x');
  assert.equal(a, b);
  assert.notEqual(a, 'x');
});

test('level 0 paints nothing', () => {
  const theme = createTheme(0);
  for (const paint of [theme.bold, theme.dim, theme.error, theme.warn, theme.service('x'), theme.bar({ service: 'x', error: true, bright: true })]) {
    assert.equal(paint('text'), 'text');
  }
});

test('bars off the critical path are dimmer than on it, at every colour level', () => {
  for (const level of [1, 2, 3]) {
    const theme = createTheme(level);
    const on = theme.bar({ service: 'auth', error: false, bright: true })('█');
    const off = theme.bar({ service: 'auth', error: false, bright: false })('█');
    assert.notEqual(on, off, `level ${level}`);
  }
});
