import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellStyle, TimeAxis, drawEvent, drawPattern, drawSolid, emptyBar } from '../../../dist/render/bar.js';
import { renderRuler } from '../../../dist/render/ruler.js';

const draw = (startNs, endNs, { width = 10, totalNs = 100n, color = false } = {}) => {
  const cells = emptyBar(width);
  drawSolid(cells, new TimeAxis(0n, totalNs, width), startNs, endNs, color);
  return cells;
};

test('a bar covers its interval with eighth blocks', () => {
  assert.equal(draw(0n, 100n).glyphs.join(''), '██████████');
  assert.equal(draw(0n, 50n).glyphs.join(''), '█████     ');
  assert.equal(draw(0n, 25n).glyphs.join(''), '██▌       ');
  assert.equal(draw(0n, 1n).glyphs.join(''), '▏         ');
  assert.equal(draw(50n, 100n).glyphs.join(''), '     █████');
});

test('a partial first cell is right-aligned: reverse video with colour, ▐/▕ without', () => {
  const plain = draw(25n, 100n);
  assert.equal(plain.glyphs.join(''), '  ▐███████');
  const color = draw(23n, 100n, { color: true });
  // 23% of 10 cells = 2.3 cells, 18.4 eighths: cell 2 is covered from 2/8 on, drawn as ▎ (2/8) reversed.
  assert.equal(color.glyphs[2], '▎');
  assert.equal(color.styles[2], CellStyle.Inverse);
  assert.equal(color.styles[3], CellStyle.Fill);
});

test('zero-length and tiny spans stay visible', () => {
  for (const at of [0n, 37n, 99n, 100n]) {
    const cells = draw(at, at);
    assert.equal(cells.styles.filter((s) => s !== CellStyle.Empty).length, 1, `at ${at}`);
  }
  const short = draw(0n, 1n, { width: 10, totalNs: 1_000_000n });
  assert.notEqual(short.glyphs[0], ' ');
});

test('siblings starting at the same time start in the same cell with the same glyph', () => {
  const a = draw(33n, 60n, { color: true });
  const b = draw(33n, 90n, { color: true });
  const first = (cells) => cells.styles.findIndex((s) => s !== CellStyle.Empty);
  assert.equal(first(a), first(b));
  assert.equal(a.glyphs[first(a)], b.glyphs[first(b)]);
});

test('patterns and event markers', () => {
  const axis = new TimeAxis(0n, 100n, 10);
  const cells = emptyBar(10);
  drawPattern(cells, axis, 20n, 60n, CellStyle.Dashed);
  assert.equal(cells.glyphs.join(''), '  ╌╌╌╌    ');
  drawSolid(cells, axis, 0n, 10n, false);
  drawEvent(cells, axis, 5n);
  drawEvent(cells, axis, 95n);
  assert.equal(cells.glyphs[0], '◆');
  assert.equal(cells.styles[0], CellStyle.Notch);
  assert.equal(cells.styles[9], CellStyle.Event);
  drawEvent(cells, axis, 1000n); // beyond the axis: clamped to the last cell
  assert.equal(cells.glyphs.length, 10);
});

test('the ruler labels round steps without overlap and marks ticks on the axis', () => {
  const ruler = renderRuler(1_240_000_000n, 60);
  assert.equal(ruler.labels, ' 0                       500ms                   1s      1.24s');
  assert.equal(ruler.axis, `┌${'─'.repeat(24)}┬${'─'.repeat(23)}┬${'─'.repeat(11)}┐`);
  for (const [totalNs, width] of [
    [0n, 10],
    [7n, 10],
    [999_999n, 13],
    [3_600_000_000_000n, 70],
    [86_400_000_000_000n * 3n, 50],
    [123_456_789n, 200],
  ]) {
    const r = renderRuler(totalNs, width);
    assert.ok(r.labels.length <= width + 2, `${totalNs} ${width}: ${r.labels}`);
    assert.equal([...r.axis].length, width + 2);
    assert.match(r.labels, /^ 0( |$)/);
  }
  assert.equal(renderRuler(3_600_000_000_000n, 70).labels.trim().split(/\s+/).slice(0, 3).join(' '), '0 10m 20m');
});
