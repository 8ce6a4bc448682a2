/**
 * The time ruler above a waterfall's bars: labels at round steps (1, 2, 5 ×
 * 10ⁿ, then 30 s, minutes, hours, days) and an axis line with a tick per
 * label. Pure: plain text; the caller paints and places it.
 */
import { TimeAxis } from './bar.js';
import { displayWidth } from './display-width.js';
import { formatDuration } from './format-duration.js';

const NS_PER_S = 1_000_000_000n;
const NS_PER_MIN = 60n * NS_PER_S;
const NS_PER_HOUR = 60n * NS_PER_MIN;
const NS_PER_DAY = 24n * NS_PER_HOUR;
const LABEL_GAP_COLS = 2;
const MIN_TICK_SPACING_COLS = 10;

/** Tick steps a person reads at a glance, ascending. */
export const TICK_STEPS_NS: readonly bigint[] = (() => {
  const steps: bigint[] = [];
  for (let power = 1n; power <= 10n * NS_PER_S; power *= 10n) {
    for (const m of [1n, 2n, 5n]) if (m * power <= 20n * NS_PER_S) steps.push(m * power);
  }
  steps.push(30n * NS_PER_S);
  for (const m of [1n, 2n, 5n, 10n, 15n, 30n]) steps.push(m * NS_PER_MIN);
  for (const h of [1n, 2n, 3n, 6n, 12n]) steps.push(h * NS_PER_HOUR);
  for (let power = 1n; power <= 1_000_000n; power *= 10n) {
    for (const m of [1n, 2n, 5n]) steps.push(m * power * NS_PER_DAY);
  }
  return steps;
})();

/** The two lines above the bar area. */
export interface Ruler {
  /** Tick labels; column 0 is the bar area's left border. */
  labels: string;
  /** `┌──┬──┐`: the top border of the bar area with a tick under each label. */
  axis: string;
}

interface Placed {
  col: number;
  text: string;
}

/** Places labels left-aligned on their tick, or null when two would touch. */
function placeLabels(
  ticks: Array<{ cell: number; label: string }>,
  widthCols: number,
): Placed[] | null {
  const placed: Placed[] = [];
  let freeFrom = 0;
  for (const { cell, label } of ticks) {
    const w = displayWidth(label);
    // Column 1 is the first bar cell; a label may run over the right border column.
    const col = Math.min(1 + cell, widthCols + 2 - w);
    if (col < freeFrom) return null;
    placed.push({ col, text: label });
    freeFrom = col + w + LABEL_GAP_COLS;
  }
  return placed;
}

/**
 * The ruler for a trace lasting `totalNs` over `widthCols` bar cells: the
 * smallest round step whose labels do not touch, plus the total at the right
 * end when it fits. Both lines are `widthCols + 2` columns wide.
 */
export function renderRuler(totalNs: bigint, widthCols: number): Ruler {
  const width = Math.max(0, widthCols);
  const axis = new TimeAxis(0n, totalNs, width);
  let placed: Placed[] = [{ col: 1, text: '0' }];
  let tickCells: number[] = [];
  if (totalNs > 0n && width > 0) {
    for (const step of TICK_STEPS_NS) {
      // Ticks at least MIN_TICK_SPACING_COLS apart keep the ruler calm.
      if (step * BigInt(width) < totalNs * BigInt(MIN_TICK_SPACING_COLS)) continue;
      const ticks: Array<{ cell: number; label: string }> = [];
      for (let t = 0n; t <= totalNs; t += step) ticks.push({ cell: axis.toCell(t), label: formatDuration(t) });
      const fit = placeLabels(ticks, width);
      if (fit) {
        placed = fit;
        tickCells = ticks.slice(1).map((t) => t.cell);
        break;
      }
    }
    const total = formatDuration(totalNs);
    const last = placed[placed.length - 1]!;
    const totalCol = width + 2 - displayWidth(total);
    if (last.text !== total && totalCol >= last.col + displayWidth(last.text) + LABEL_GAP_COLS) {
      placed.push({ col: totalCol, text: total });
    }
  }
  let labels = '';
  for (const { col, text } of placed) {
    if (col < displayWidth(labels)) continue;
    labels = labels.padEnd(col, ' ') + text;
  }
  const cells = new Array<string>(width).fill('─');
  for (const cell of tickCells) if (cell > 0) cells[cell] = '┬';
  return { labels: labels.slice(0, width + 2), axis: `┌${cells.join('')}┐` };
}
