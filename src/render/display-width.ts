/**
 * Display width of terminal text in columns: East Asian wide and fullwidth
 * characters and emoji count 2, combining marks and zero-width characters 0,
 * ANSI escape sequences (CSI, OSC) 0. Truncation and padding by that measure.
 * Pure; tables from Unicode 14 EastAsianWidth (W and F), plus the planes 2–3.
 */

/** Inclusive code point ranges of wide (2-column) characters, sorted. */
const WIDE_RANGES: readonly number[] = [
  0x1100, 0x115f, 0x231a, 0x231b, 0x2329, 0x232a, 0x23e9, 0x23ec, 0x23f0, 0x23f0,
  0x23f3, 0x23f3, 0x25fd, 0x25fe, 0x2614, 0x2615, 0x2648, 0x2653, 0x267f, 0x267f,
  0x2693, 0x2693, 0x26a1, 0x26a1, 0x26aa, 0x26ab, 0x26bd, 0x26be, 0x26c4, 0x26c5,
  0x26ce, 0x26ce, 0x26d4, 0x26d4, 0x26ea, 0x26ea, 0x26f2, 0x26f3, 0x26f5, 0x26f5,
  0x26fa, 0x26fa, 0x26fd, 0x26fd, 0x2705, 0x2705, 0x270a, 0x270b, 0x2728, 0x2728,
  0x274c, 0x274c, 0x274e, 0x274e, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797,
  0x27b0, 0x27b0, 0x27bf, 0x27bf, 0x2b1b, 0x2b1c, 0x2b50, 0x2b50, 0x2b55, 0x2b55,
  0x2e80, 0x3029, 0x302e, 0x303e, 0x3041, 0x3096, 0x309b, 0x3247, 0x3250, 0x4dbf,
  0x4e00, 0xa4c6, 0xa960, 0xa97c, 0xac00, 0xd7a3, 0xf900, 0xfad9, 0xfe10, 0xfe19,
  0xfe30, 0xfe6b, 0xff01, 0xff60, 0xffe0, 0xffe6, 0x16fe0, 0x16fe3, 0x16ff0, 0x1b2fb,
  0x1f004, 0x1f004, 0x1f0cf, 0x1f0cf, 0x1f18e, 0x1f18e, 0x1f191, 0x1f19a, 0x1f200, 0x1f320,
  0x1f32d, 0x1f335, 0x1f337, 0x1f37c, 0x1f37e, 0x1f393, 0x1f3a0, 0x1f3ca, 0x1f3cf, 0x1f3d3,
  0x1f3e0, 0x1f3f0, 0x1f3f4, 0x1f3f4, 0x1f3f8, 0x1f43e, 0x1f440, 0x1f440, 0x1f442, 0x1f4fc,
  0x1f4ff, 0x1f53d, 0x1f54b, 0x1f54e, 0x1f550, 0x1f567, 0x1f57a, 0x1f57a, 0x1f595, 0x1f596,
  0x1f5a4, 0x1f5a4, 0x1f5fb, 0x1f64f, 0x1f680, 0x1f6c5, 0x1f6cc, 0x1f6cc, 0x1f6d0, 0x1f6d2,
  0x1f6d5, 0x1f6df, 0x1f6eb, 0x1f6ec, 0x1f6f4, 0x1f6fc, 0x1f7e0, 0x1f7f0, 0x1f90c, 0x1f93a,
  0x1f93c, 0x1f945, 0x1f947, 0x1f9ff, 0x1fa70, 0x1faf6, 0x20000, 0x3fffd,];

// Combining marks, format characters (ZWJ, variation selectors, …) and Hangul
// medial/final jamo take no column of their own. U+00AD (soft hyphen) is shown.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u1160-\u11ff\ud7b0-\ud7ff]$/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ESC = 0x1b;
const VS16 = 0xfe0f;

function isWide(cp: number): boolean {
  if (cp < WIDE_RANGES[0]!) return false;
  let lo = 0;
  let hi = WIDE_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < WIDE_RANGES[mid * 2]!) hi = mid - 1;
    else if (cp > WIDE_RANGES[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

const widthCache = new Map<number, number>();

/** Columns one code point takes (0, 1 or 2), ignoring escape sequences. */
export function codePointWidth(cp: number): number {
  if (cp >= 0x20 && cp < 0x7f) return 1;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  // Box drawing, blocks and most geometric shapes: the waterfall's own glyphs.
  if (cp >= 0x2500 && cp <= 0x25fc) return 1;
  if (cp >= 0xe0000 && cp <= 0xe0fff) return 0;
  let w = widthCache.get(cp);
  if (w === undefined) {
    w = ZERO_WIDTH.test(String.fromCodePoint(cp)) ? 0 : isWide(cp) ? 2 : 1;
    if (widthCache.size < 4096) widthCache.set(cp, w);
  }
  return w;
}

/** Length in UTF-16 units of the escape sequence starting at `i` (an ESC). */
function escapeLength(text: string, i: number): number {
  const next = text.charCodeAt(i + 1);
  if (next === 0x5b /* [ */) {
    let j = i + 2;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      j++;
      if (c >= 0x40 && c <= 0x7e) break;
    }
    return j - i;
  }
  if (next === 0x5d /* ] */) {
    let j = i + 2;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 0x07) return j + 1 - i;
      if (c === ESC && text.charCodeAt(j + 1) === 0x5c) return j + 2 - i;
      j++;
    }
    return j - i;
  }
  return Number.isNaN(next) ? 1 : 2;
}

/** Visits `text` as escape sequences (width -1) and code points (their column width). */
function scan(text: string, visit: (start: number, end: number, widthCols: number) => void): void {
  let i = 0;
  let prevNarrow = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === ESC) {
      const len = escapeLength(text, i);
      visit(i, i + len, -1);
      i += len;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    let w = codePointWidth(cp);
    // An emoji presentation selector widens a narrow symbol (❤️, ☺️) on most terminals.
    if (cp === VS16 && prevNarrow) w = 1;
    prevNarrow = w === 1 && cp !== VS16;
    visit(i, i + len, w);
    i += len;
  }
}

/** Columns `text` takes on a terminal; ANSI escape sequences count 0. */
export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  // The same walk as `scan`, inlined: this runs for every cell of every row.
  let width = 0;
  let prevNarrow = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === ESC) {
      i += escapeLength(text, i);
      continue;
    }
    if (c < 0x7f && c >= 0x20) {
      width++;
      prevNarrow = true;
      i++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    let w = codePointWidth(cp);
    if (cp === VS16 && prevNarrow) w = 1;
    prevNarrow = w === 1 && cp !== VS16;
    width += w;
  }
  return width;
}

/**
 * `text` cut to at most `widthCols` columns, ending in `ellipsis` when cut.
 * Escape sequences after the cut are kept so colours are still reset.
 */
export function truncateToWidth(text: string, widthCols: number, ellipsis = '…'): string {
  if (displayWidth(text) <= widthCols) return text;
  const ellipsisCols = displayWidth(ellipsis);
  if (ellipsisCols > widthCols) return keepEscapes(text);
  const budget = widthCols - ellipsisCols;
  let out = '';
  let used = 0;
  let cut = false;
  scan(text, (start, end, w) => {
    const piece = text.slice(start, end);
    if (w < 0) {
      out += piece;
    } else if (!cut && used + w > budget) {
      cut = true;
      out += ellipsis;
    } else if (!cut) {
      used += w;
      out += piece;
    }
  });
  return out;
}

/** Only the escape sequences of `text`: what is left of it at width 0. */
function keepEscapes(text: string): string {
  let out = '';
  scan(text, (start, end, w) => {
    if (w < 0) out += text.slice(start, end);
  });
  return out;
}

/** `text` padded with spaces on the right to `widthCols` columns (never cut). */
export function padEndToWidth(text: string, widthCols: number): string {
  const w = displayWidth(text);
  return w >= widthCols ? text : text + ' '.repeat(widthCols - w);
}

/** `text` padded with spaces on the left to `widthCols` columns (never cut). */
export function padStartToWidth(text: string, widthCols: number): string {
  const w = displayWidth(text);
  return w >= widthCols ? text : ' '.repeat(widthCols - w) + text;
}

/** `text` cut with an ellipsis or padded with spaces to exactly `widthCols` columns. */
export function fitToWidth(text: string, widthCols: number): string {
  return padEndToWidth(truncateToWidth(text, widthCols), widthCols);
}
