/**
 * The bar area of a waterfall row, cell by cell: a span's interval mapped onto
 * the trace's time axis in eighths of a cell and drawn with eighth blocks, so
 * short spans stay visible and siblings line up. Pure: returns glyphs and
 * style tags; the caller paints them.
 */

/** What a cell shows, so the caller can colour it. */
export const CellStyle = {
  Empty: 0,
  /** Block glyph in the bar colour. */
  Fill: 1,
  /** Glyph in reverse video: the bar colour fills what the glyph leaves out. */
  Inverse: 2,
  /** Dashed line: a placeholder whose times were never logged. */
  Dashed: 3,
  /** Shade: the extent of a collapsed subtree. */
  Shade: 4,
  /** An event marker on empty background. */
  Event: 5,
  /** An event marker cut out of a bar. */
  Notch: 6,
} as const;
export type CellStyle = (typeof CellStyle)[keyof typeof CellStyle];

/** One bar area: a glyph and a style per cell. */
export interface BarCells {
  glyphs: string[];
  styles: CellStyle[];
}

/** Left-aligned blocks, index = eighths covered. */
const LEFT_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'] as const;
/** Marks an event on a bar and in the event list. */
export const EVENT_GLYPH = '◆';
const DASH_GLYPH = '╌';
const SHADE_GLYPH = '░';

interface Candidate {
  glyph: string;
  style: CellStyle;
  from: number;
  to: number;
}

// Glyphs that can stand for part of one cell, as [from, to) in eighths.
const PLAIN_CANDIDATES: Candidate[] = [
  ...LEFT_BLOCKS.slice(1).map((glyph, i) => ({ glyph, style: CellStyle.Fill, from: 0, to: i + 1 })),
  { glyph: '▐', style: CellStyle.Fill, from: 4, to: 8 },
  { glyph: '▕', style: CellStyle.Fill, from: 7, to: 8 },
];
// With colour, a left block in reverse video is a right-aligned block of any size.
const COLOR_CANDIDATES: Candidate[] = [
  ...PLAIN_CANDIDATES,
  ...LEFT_BLOCKS.slice(1, 8).map((glyph, i) => ({ glyph, style: CellStyle.Inverse, from: i + 1, to: 8 })),
];

function bestCandidate(from: number, to: number, reverseVideo: boolean): Candidate {
  let best: Candidate = PLAIN_CANDIDATES[7]!;
  let bestError = Infinity;
  for (const c of reverseVideo ? COLOR_CANDIDATES : PLAIN_CANDIDATES) {
    const error = Math.abs(c.from - from) + Math.abs(c.to - to);
    if (error < bestError) {
      best = c;
      bestError = error;
    }
  }
  return best;
}

/** An empty bar area of `widthCols` cells. */
export function emptyBar(widthCols: number): BarCells {
  return { glyphs: new Array<string>(widthCols).fill(' '), styles: new Array<CellStyle>(widthCols).fill(CellStyle.Empty) };
}

/** Maps times onto the bar area in eighths of a cell, clamped to the axis. */
export class TimeAxis {
  readonly eighths: number;
  private readonly spanNs: bigint;
  constructor(
    readonly startNs: bigint,
    endNs: bigint,
    readonly widthCols: number,
  ) {
    this.eighths = widthCols * 8;
    this.spanNs = endNs > startNs ? endNs - startNs : 1n;
  }
  /** Position of `timeNs` in eighths of a cell from the left edge, rounded. */
  toEighths(timeNs: bigint): number {
    const rel = timeNs - this.startNs;
    if (rel <= 0n) return 0;
    if (rel >= this.spanNs) return this.eighths;
    return Number((rel * BigInt(this.eighths) + this.spanNs / 2n) / this.spanNs);
  }
  /** The cell holding `timeNs`. */
  toCell(timeNs: bigint): number {
    return Math.min(this.widthCols - 1, Math.floor(this.toEighths(timeNs) / 8));
  }
}

/** Start and end in eighths, widened to at least one eighth so nothing vanishes. */
function visibleRange(axis: TimeAxis, startNs: bigint, endNs: bigint): [number, number] {
  let from = axis.toEighths(startNs);
  let to = axis.toEighths(endNs > startNs ? endNs : startNs);
  if (to <= from) {
    to = Math.min(from + 1, axis.eighths);
    from = to - 1;
  }
  return [from, to];
}

/**
 * Draws [startNs, endNs] as a solid bar: full blocks inside, the nearest
 * partial block at each end (`reverseVideo` allows right-aligned partials).
 */
export function drawSolid(cells: BarCells, axis: TimeAxis, startNs: bigint, endNs: bigint, reverseVideo: boolean): void {
  if (axis.widthCols <= 0) return;
  const [from, to] = visibleRange(axis, startNs, endNs);
  const first = Math.floor(from / 8);
  const last = Math.ceil(to / 8) - 1;
  for (let cell = first; cell <= last; cell++) {
    const lo = Math.max(from - cell * 8, 0);
    const hi = Math.min(to - cell * 8, 8);
    const c = lo === 0 && hi === 8 ? PLAIN_CANDIDATES[7]! : bestCandidate(lo, hi, reverseVideo);
    cells.glyphs[cell] = c.glyph;
    cells.styles[cell] = c.style;
  }
}

/** Draws [startNs, endNs] with a whole-cell pattern: dashes for placeholders, shade for collapsed rows. */
export function drawPattern(cells: BarCells, axis: TimeAxis, startNs: bigint, endNs: bigint, style: typeof CellStyle.Dashed | typeof CellStyle.Shade): void {
  if (axis.widthCols <= 0) return;
  const [from, to] = visibleRange(axis, startNs, endNs);
  const glyph = style === CellStyle.Dashed ? DASH_GLYPH : SHADE_GLYPH;
  for (let cell = Math.floor(from / 8); cell <= Math.ceil(to / 8) - 1; cell++) {
    cells.glyphs[cell] = glyph;
    cells.styles[cell] = style;
  }
}

/** Overlays an event marker at `timeNs`: cut out of the bar, or on its own. */
export function drawEvent(cells: BarCells, axis: TimeAxis, timeNs: bigint): void {
  if (axis.widthCols <= 0) return;
  const cell = axis.toCell(timeNs);
  const under = cells.styles[cell];
  cells.glyphs[cell] = EVENT_GLYPH;
  cells.styles[cell] =
    under === CellStyle.Fill || under === CellStyle.Inverse || under === CellStyle.Notch ? CellStyle.Notch : CellStyle.Event;
}
