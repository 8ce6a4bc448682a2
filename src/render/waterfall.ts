/**
 * The terminal waterfall of a trace (`tracelog view`): a header, a time ruler,
 * then one row per span, depth first, with tree guides, service, duration,
 * self time and a bar on the trace's time axis. Pure: width, colour level and
 * options come in, lines (without newline) go out; no text from the input
 * reaches them unescaped, and no line is wider than the width.
 */
import { computeCriticalPath, computeSelfTimeNs } from '../trace/critical-path.js';
import type { Span, SpanEvent, Trace } from '../types.js';
import { CellStyle, TimeAxis, drawEvent, drawPattern, drawSolid, emptyBar, type BarCells } from './bar.js';
import { displayWidth, fitToWidth, padEndToWidth, padStartToWidth, truncateToWidth } from './display-width.js';
import { formatDuration } from './format-duration.js';
import { formatFieldValue } from './format-field.js';
import { formatTimestamp } from './format-time.js';
import { renderRuler } from './ruler.js';
import { sanitizeText } from './sanitize-text.js';
import { createTheme, type BarTone, type ColorLevel, type Paint, type Theme } from './theme.js';

/** What the caller decides: the terminal's width and colour, and what to show. */
export interface WaterfallOptions {
  /** Width of the terminal in columns; no line is wider. */
  widthCols: number;
  /** 0–3 (none, 16, 256, truecolor); 0 writes no escape sequence at all. */
  colorLevel: ColorLevel;
  /** Highlight the critical path: bright bars and a heavy `┃` border (default true). */
  criticalPath?: boolean;
  /** List each span's events under its row (markers on the bars are always drawn). */
  events?: boolean;
  /** Tag keys shown as `key=value` after each span's name. */
  tags?: readonly string[];
  /** List every tag (and kind and status message) under each span. */
  allTags?: boolean;
  /** Collapse everything below this depth (roots are depth 0) into one row per subtree. */
  depth?: number;
}

/** Glyphs of the tree guides, for 3- and 2-column indentation. */
const GUIDES = {
  3: { tee: '├─ ', corner: '└─ ', dashedTee: '├╌ ', dashedCorner: '└╌ ', pipe: '│  ', dashedPipe: '┆  ', blank: '   ', elided: '⋯  ' },
  2: { tee: '├─', corner: '└─', dashedTee: '├╌', dashedCorner: '└╌', pipe: '│ ', dashedPipe: '┆ ', blank: '  ', elided: '⋯ ' },
} as const;
type GuideGlyphs = (typeof GUIDES)[keyof typeof GUIDES];

const ERROR_MARK = '✗ ';
const FRAME_COLS = 2;
const SERVICE_MAX_COLS = 20;
const SERVICE_SHORT_COLS = 8;
const SHORT_ID_CHARS = 8;
const LABEL_KEEP_COLS = 6;
const MIN_LAYOUT_COLS = 30;

/** One level of tree guide: a span's place among its siblings, linked to its parent's. */
interface Guide {
  parent: Guide | null;
  depth: number;
  /** Siblings follow, so the vertical line continues. */
  more: boolean;
  /** The parent is a placeholder: this link was never logged. */
  dashed: boolean;
}

interface Piece {
  text: string;
  paint: Paint;
}

interface SpanRow {
  kind: 'span';
  span: Span;
  guide: Guide | null;
  depth: number;
  critical: boolean;
  tone: BarTone;
  label: string;
  flags: string;
  tags: string;
  service: string;
  total: string;
  self: string;
}

interface CollapsedRow {
  kind: 'collapsed';
  owner: Span;
  guide: Guide;
  depth: number;
  critical: boolean;
  label: string;
  errorsLabel: string;
  startNs: bigint;
  endNs: bigint;
}

interface DetailRow {
  kind: 'detail';
  owner: Span;
  guide: Guide | null;
  depth: number;
  /** The owner's children continue below: draw their vertical line. */
  childLine: 'pipe' | 'dashedPipe' | 'blank';
  pieces: Piece[];
  eventTimeNs: bigint | null;
  tone: BarTone;
}

type Row = SpanRow | CollapsedRow | DetailRow;

interface Layout {
  guide: GuideGlyphs;
  guideCols: number;
  nameCols: number;
  serviceCols: number;
  totalCols: number;
  selfCols: number;
  /** Everything left of the bar area's left border. */
  leftCols: number;
  barCols: number;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A placeholder's id, shortened: `9f3c1a2b…`. */
function shortId(id: string): string {
  const safe = sanitizeText(id);
  return safe.length > SHORT_ID_CHARS + 1 ? `${safe.slice(0, SHORT_ID_CHARS)}…` : safe;
}

function spanLabel(span: Span): string {
  if (span.synthetic) return `missing ${span.children.length > 0 ? 'parent' : 'span'} ${shortId(span.spanId)}`;
  return span.name === null ? '(unnamed)' : sanitizeText(span.name);
}

function spanFlags(span: Span, orphanRoot: boolean): string {
  const flags: string[] = [];
  if (span.skew) flags.push('⚠ skew');
  if (span.duplicate) flags.push('dup');
  if (span.unfinished) flags.push('no end');
  if (span.startInferred) flags.push('~start');
  if (span.cycleParentId !== null) flags.push('cycle');
  if (orphanRoot) flags.push('orphan');
  return flags.join(' ');
}

function spanTotal(span: Span): string {
  if (span.unfinished) return '?';
  // A placeholder's interval only covers what its children logged.
  if (span.synthetic) return `≥${formatDuration(span.durationNs)}`;
  return formatDuration(span.durationNs);
}

function eventOffset(event: SpanEvent, traceStartNs: bigint): string {
  if (event.timeNs === null) return '+?';
  const offset = event.timeNs - traceStartNs;
  return offset < 0n ? formatDuration(offset) : `+${formatDuration(offset)}`;
}

const byEventTime = (a: SpanEvent, b: SpanEvent): number =>
  a.timeNs === b.timeNs ? 0 : a.timeNs === null ? 1 : b.timeNs === null ? -1 : a.timeNs < b.timeNs ? -1 : 1;

/** Picks which columns fit: the bar keeps ≥ 40 % of the width, then service, self and total give way. */
function chooseLayout(
  widthCols: number,
  need: { name: number; service: number; total: number; self: number; detail: number },
): Layout {
  const guideCols = widthCols >= 60 ? 3 : 2;
  const minBar = Math.max(8, Math.ceil(widthCols * 0.4));
  const leftMax = widthCols - FRAME_COLS - minBar;
  const nameMin = Math.min(need.name, Math.max(12, Math.floor(widthCols * 0.25)));
  const short = Math.min(need.service, SERVICE_SHORT_COLS);
  const configs: Array<[number, number, number]> = [
    [need.service, need.total, need.self],
    [short, need.total, need.self],
    [need.service, need.total, 0],
    [short, need.total, 0],
    [0, need.total, 0],
    [0, 0, 0],
  ];
  const fixedCols = ([s, t, f]: [number, number, number]): number =>
    (s > 0 ? s + 2 : 0) + (t > 0 ? t + 2 : 0) + (f > 0 ? f + 2 : 0) + 1;
  let chosen = configs[configs.length - 1]!;
  let nameCols = Math.max(1, leftMax - 1);
  for (const config of configs) {
    const cols = Math.min(need.name, leftMax - fixedCols(config));
    if (cols >= nameMin) {
      chosen = config;
      nameCols = cols;
      break;
    }
  }
  // Event and tag lines use the whole left part: widen it for them, within the same limit.
  nameCols = Math.max(nameCols, Math.min(need.detail, leftMax) - fixedCols(chosen));
  const leftCols = nameCols + fixedCols(chosen);
  return {
    guide: GUIDES[guideCols],
    guideCols,
    nameCols,
    serviceCols: chosen[0],
    totalCols: chosen[1],
    selfCols: chosen[2],
    leftCols,
    barCols: Math.max(1, widthCols - FRAME_COLS - leftCols),
  };
}

/**
 * Tree guides for a row: one slot per level from 1 to the row's depth, the
 * last one a connector (`├─`, `└─`, dashed under a placeholder) or, for detail
 * rows, the owner's continuation plus the line down to its children. Deep
 * rows keep only their last levels behind a `⋯`, so a row costs O(width).
 */
function renderGuides(layout: Layout, guide: Guide | null, maxSlots: number, childLine?: DetailRow['childLine']): string {
  const g = layout.guide;
  const slots: string[] = [];
  if (childLine !== undefined) slots.push(g[childLine]);
  const total = (guide?.depth ?? 0) + (childLine !== undefined ? 1 : 0);
  const keep = total > maxSlots ? Math.max(0, maxSlots - 1) : total;
  let level = guide;
  let first = childLine === undefined;
  while (level !== null && slots.length < keep) {
    if (first) slots.push(level.more ? (level.dashed ? g.dashedTee : g.tee) : level.dashed ? g.dashedCorner : g.corner);
    else slots.push(level.more ? (level.dashed ? g.dashedPipe : g.pipe) : g.blank);
    first = false;
    level = level.parent;
  }
  if (total > maxSlots) slots.push(g.elided);
  return slots.reverse().join('');
}

/** Paints consecutive cells of the same style in one go. */
function paintBar(cells: BarCells, theme: Theme, tone: BarTone | null): string {
  const paintOf = (style: CellStyle): Paint => {
    switch (style) {
      case CellStyle.Fill:
      case CellStyle.Event:
        return tone ? theme.bar(tone) : theme.dim;
      case CellStyle.Inverse:
      case CellStyle.Notch:
        return tone ? theme.barInverse(tone) : theme.dim;
      case CellStyle.Dashed:
      case CellStyle.Shade:
        return theme.dim;
      default:
        return (text) => text;
    }
  };
  let out = '';
  let run = '';
  let runStyle: CellStyle | null = null;
  for (let i = 0; i < cells.glyphs.length; i++) {
    const style = cells.styles[i]!;
    if (style !== runStyle && run) {
      out += paintOf(runStyle!)(run);
      run = '';
    }
    runStyle = style;
    run += cells.glyphs[i]!;
  }
  if (run) out += paintOf(runStyle!)(run);
  return out;
}

/** Pieces cut to `widthCols` in order, the last one cut ending in `…`. */
function fitPieces(pieces: readonly Piece[], widthCols: number): string {
  let out = '';
  let left = widthCols;
  for (const piece of pieces) {
    if (left <= 0) break;
    const w = displayWidth(piece.text);
    const text = w <= left ? piece.text : truncateToWidth(piece.text, left);
    if (text) out += piece.paint(text);
    left -= w <= left ? w : displayWidth(text);
    if (w > displayWidth(text)) break;
  }
  return out;
}

/** Packs header segments on lines of at most `widthCols`, ` · ` between them. */
function packSegments(segments: Piece[][], widthCols: number, theme: Theme): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  const sep = ' · ';
  for (const segment of segments) {
    const w = segment.reduce((sum, p) => sum + displayWidth(p.text), 0);
    if (used > 0 && used + sep.length + w <= widthCols) {
      line += theme.dim(sep) + fitPieces(segment, w);
      used += sep.length + w;
      continue;
    }
    if (used > 0) lines.push(line);
    const indent = lines.length > 0 || used > 0 ? '  ' : '';
    line = indent + fitPieces(segment, widthCols - indent.length);
    used = indent.length + Math.min(w, widthCols - indent.length);
  }
  if (used > 0) lines.push(line);
  return lines;
}

interface TraceCounts {
  spans: number;
  errors: number;
  placeholders: number;
  orphaned: number;
  skewed: number;
  duplicates: number;
  unfinished: number;
  cycles: number;
  fractionDigits: number;
}

/** Counts for the header, over every span (collapsed ones included). */
function countSpans(trace: Trace): TraceCounts {
  const counts: TraceCounts = {
    spans: 0,
    errors: 0,
    placeholders: 0,
    orphaned: 0,
    skewed: 0,
    duplicates: 0,
    unfinished: 0,
    cycles: 0,
    fractionDigits: 0,
  };
  for (const root of trace.roots) {
    if (!root.synthetic && root.parentId !== null && root.cycleParentId === null) counts.orphaned++;
  }
  const stack: Span[] = [...trace.roots];
  while (stack.length > 0) {
    const span = stack.pop()!;
    for (const child of span.children) {
      stack.push(child);
      if (span.synthetic && !child.synthetic) counts.orphaned++;
    }
    // Placeholders carry the precision of the events they hold.
    if (span.startDigits > counts.fractionDigits) counts.fractionDigits = span.startDigits;
    if (span.synthetic) {
      counts.placeholders++;
      continue;
    }
    counts.spans++;
    if (span.error) counts.errors++;
    if (span.skew) counts.skewed++;
    if (span.duplicate) counts.duplicates++;
    if (span.unfinished) counts.unfinished++;
    if (span.cycleParentId !== null) counts.cycles++;
  }
  return counts;
}

/** Fraction digits for the trace's start: what the input wrote, more if the time needs them. */
function startDigits(startNs: bigint, writtenDigits: number): number {
  let fraction = startNs % 1_000_000_000n;
  if (fraction < 0n) fraction += 1_000_000_000n;
  let needed = 9;
  while (needed > 0 && fraction % 10n === 0n) {
    fraction /= 10n;
    needed--;
  }
  return Math.max(writtenDigits, needed);
}

/** The span the header names: the real root, else the first logged span. */
function headlineSpan(trace: Trace): Span | null {
  const root = trace.roots.find((s) => s.parentId === null && !s.synthetic);
  if (root) return root;
  const stack: Span[] = [...trace.roots].reverse();
  while (stack.length > 0) {
    const span = stack.pop()!;
    if (!span.synthetic) return span;
    for (let i = span.children.length - 1; i >= 0; i--) stack.push(span.children[i]!);
  }
  return trace.roots[0] ?? null;
}

function renderHeader(trace: Trace, widthCols: number, theme: Theme): string[] {
  const counts = countSpans(trace);
  const headline = headlineSpan(trace);
  const segments: Piece[][] = [];
  const first: Piece[] = [{ text: headline ? spanLabel(headline) : '(no spans)', paint: theme.bold }];
  if (headline?.service) {
    first.push(
      { text: ' (', paint: theme.dim },
      { text: sanitizeText(headline.service), paint: theme.service(headline.service) },
      { text: ')', paint: theme.dim },
    );
  }
  if (trace.continuation) first.unshift({ text: '↪ late spans of ', paint: theme.warn });
  segments.push(first);
  const traceId = sanitizeText(trace.traceId);
  // On a narrow terminal the bare id still fits where "trace <id>" would be cut.
  segments.push(
    displayWidth(traceId) + 8 > widthCols
      ? [{ text: traceId, paint: theme.bold }]
      : [{ text: 'trace ', paint: theme.dim }, { text: traceId, paint: theme.bold }],
  );
  segments.push([{ text: formatTimestamp(trace.startNs, startDigits(trace.startNs, counts.fractionDigits)), paint: (t) => t }]);
  segments.push([{ text: formatDuration(trace.endNs - trace.startNs), paint: theme.bold }]);
  segments.push([{ text: plural(counts.spans, 'span'), paint: (t) => t }]);
  segments.push([{ text: plural(counts.errors, 'error'), paint: counts.errors > 0 ? theme.errorBold : theme.dim }]);
  const warnings: Array<[number, string]> = [
    [counts.placeholders, plural(counts.placeholders, 'placeholder')],
    [counts.orphaned, `${counts.orphaned} orphaned`],
    [counts.skewed, `${counts.skewed} skewed`],
    [counts.duplicates, plural(counts.duplicates, 'duplicate')],
    [counts.unfinished, `${counts.unfinished} unfinished`],
    [counts.cycles, plural(counts.cycles, 'cycle') + ' cut'],
  ];
  for (const [n, text] of warnings) if (n > 0) segments.push([{ text, paint: theme.warn }]);
  return packSegments(segments, widthCols, theme);
}

/** Rows in display order, walking without recursion. */
function collectRows(trace: Trace, options: WaterfallOptions, theme: Theme, critical: Set<Span> | null): Row[] {
  const rows: Row[] = [];
  const depthLimit = options.depth;
  const tagKeys = options.tags ?? [];
  const stack: Array<{ span: Span; parent: Span | null; depth: number; guide: Guide | null }> = [];
  for (let i = trace.roots.length - 1; i >= 0; i--) stack.push({ span: trace.roots[i]!, parent: null, depth: 0, guide: null });
  while (stack.length > 0) {
    const { span, parent, depth, guide } = stack.pop()!;
    const onPath = critical === null || critical.has(span);
    const tone: BarTone = { service: span.service, error: span.error, bright: onPath };
    const collapse = depthLimit !== undefined && depth >= depthLimit && span.children.length > 0;
    let tags = '';
    for (const key of tagKeys) {
      if (!Object.hasOwn(span.tags, key)) continue;
      tags += `${tags ? ' ' : ''}${sanitizeText(key)}=${formatFieldValue(span.tags[key]!)}`;
    }
    rows.push({
      kind: 'span',
      span,
      guide,
      depth,
      critical: critical?.has(span) === true,
      tone,
      label: spanLabel(span),
      flags: spanFlags(span, parent === null && !span.synthetic && span.parentId !== null && span.cycleParentId === null),
      tags,
      service: span.service === null ? '' : sanitizeText(span.service),
      total: spanTotal(span),
      self: span.children.length > 0 && !span.synthetic && !span.unfinished ? formatDuration(computeSelfTimeNs(span)) : '',
    });
    const childLine: DetailRow['childLine'] = span.children.length === 0 ? 'blank' : span.synthetic ? 'dashedPipe' : 'pipe';
    const detail = (pieces: Piece[], eventTimeNs: bigint | null = null): void => {
      rows.push({ kind: 'detail', owner: span, guide, depth, childLine, pieces, eventTimeNs, tone });
    };
    if (options.allTags) {
      if (span.kind !== null) detail([{ text: 'kind: ', paint: theme.dim }, { text: span.kind, paint: (t) => t }]);
      if (span.statusMessage !== null) {
        detail([
          { text: 'status: ', paint: theme.dim },
          { text: formatFieldValue(span.statusMessage), paint: span.error ? theme.error : (t) => t },
        ]);
      }
      for (const key of Object.keys(span.tags)) {
        detail([
          { text: `${sanitizeText(key)}=`, paint: theme.dim },
          { text: formatFieldValue(span.tags[key]!), paint: (t) => t },
        ]);
      }
    }
    if (options.events) {
      for (const event of [...span.events].sort(byEventTime)) {
        const fields = Object.keys(event.fields)
          .map((key) => `${sanitizeText(key)}=${formatFieldValue(event.fields[key]!)}`)
          .join(' ');
        const pieces: Piece[] = [
          { text: '◆ ', paint: theme.bar(tone) },
          { text: `${eventOffset(event, trace.startNs)} `, paint: theme.dim },
          { text: sanitizeText(event.name), paint: (t) => t },
        ];
        if (fields) pieces.push({ text: ` ${fields}`, paint: theme.dim });
        detail(pieces, event.timeNs);
      }
    }
    if (collapse) {
      let hidden = 0;
      let errors = 0;
      let onCritical = false;
      let startNs = span.children[0]!.startNs;
      let endNs = startNs;
      const below = [...span.children];
      while (below.length > 0) {
        const s = below.pop()!;
        for (const child of s.children) below.push(child);
        if (critical?.has(s)) onCritical = true;
        if (s.synthetic) continue;
        hidden++;
        if (s.error) errors++;
        if (s.startNs < startNs) startNs = s.startNs;
        if (s.startNs + s.durationNs > endNs) endNs = s.startNs + s.durationNs;
      }
      rows.push({
        kind: 'collapsed',
        owner: span,
        guide: { parent: guide, depth: depth + 1, more: false, dashed: span.synthetic },
        depth: depth + 1,
        critical: onCritical,
        label: `+${plural(hidden, 'span')}`,
        errorsLabel: errors > 0 ? `, ${plural(errors, 'error')}` : '',
        startNs,
        endNs,
      });
      continue;
    }
    for (let i = span.children.length - 1; i >= 0; i--) {
      stack.push({
        span: span.children[i]!,
        parent: span,
        depth: depth + 1,
        guide: { parent: guide, depth: depth + 1, more: i < span.children.length - 1, dashed: span.synthetic },
      });
    }
  }
  return rows;
}

/**
 * Name cell: guides, `✗ ` for errors, the name, flags, then the requested
 * tags. When it does not fit, tags go first, then the name shrinks (keeping a
 * few characters) so the flags stay readable.
 */
function renderNameCell(row: SpanRow, layout: Layout, maxSlots: number, theme: Theme): string {
  const guides = renderGuides(layout, row.guide, maxSlots);
  const err = row.span.error ? ERROR_MARK : '';
  // Each part's width is measured once (this runs for every row).
  const gw = displayWidth(guides);
  const ew = err ? displayWidth(err) : 0;
  const avail = layout.nameCols - gw - ew;
  let label = row.label;
  let flags = row.flags ? ` ${row.flags}` : '';
  let tags = row.tags ? ` ${row.tags}` : '';
  let lw = displayWidth(label);
  let fw = flags ? displayWidth(flags) : 0;
  let tw = tags ? displayWidth(tags) : 0;
  if (lw + fw + tw > avail) {
    if (lw + fw + 3 <= avail) {
      tags = truncateToWidth(tags, avail - lw - fw);
      tw = displayWidth(tags);
    } else {
      tags = '';
      tw = 0;
      const keep = Math.min(avail, Math.max(Math.min(lw, LABEL_KEEP_COLS), avail - fw));
      label = truncateToWidth(label, keep);
      lw = displayWidth(label);
      flags = truncateToWidth(flags, avail - lw);
      fw = displayWidth(flags);
      if (fw < 3) {
        flags = '';
        fw = 0;
      }
    }
  }
  const labelPaint = row.span.synthetic ? theme.italicDim : row.span.error ? theme.errorBold : row.depth === 0 ? theme.bold : (t: string) => t;
  const used = gw + ew + lw + fw + tw;
  return (
    theme.dim(guides) +
    (err ? theme.errorBold(err) : '') +
    labelPaint(label) +
    (flags ? theme.warn(flags) : '') +
    (tags ? theme.dim(tags) : '') +
    ' '.repeat(Math.max(0, layout.nameCols - used))
  );
}

/** Service, total and self columns, each with the two spaces before it, then the space before the bar. */
function renderColumns(layout: Layout, service: string, servicePaint: Paint, total: string, totalPaint: Paint, self: string, theme: Theme): string {
  let out = '';
  if (layout.serviceCols > 0) out += '  ' + padEndToWidth(servicePaint(truncateToWidth(service, layout.serviceCols)), layout.serviceCols);
  if (layout.totalCols > 0) out += '  ' + padStartToWidth(totalPaint(truncateToWidth(total, layout.totalCols)), layout.totalCols);
  if (layout.selfCols > 0) out += '  ' + padStartToWidth(self ? theme.dim(truncateToWidth(self, layout.selfCols)) : '', layout.selfCols);
  return out + ' ';
}

/** The column titles and the ruler labels, on one line. */
function renderTitles(layout: Layout, rulerLabels: string, theme: Theme): string {
  let left = padEndToWidth(truncateToWidth('span', layout.nameCols), layout.nameCols);
  if (layout.serviceCols > 0) left += '  ' + fitToWidth(layout.serviceCols >= 7 ? 'service' : 'svc', layout.serviceCols);
  if (layout.totalCols > 0) left += '  ' + padStartToWidth(truncateToWidth('total', layout.totalCols), layout.totalCols);
  if (layout.selfCols > 0) left += '  ' + padStartToWidth(truncateToWidth('self', layout.selfCols), layout.selfCols);
  return theme.dim(`${left} ${rulerLabels}`);
}

/**
 * The waterfall of one trace as lines of at most `options.widthCols` columns:
 * header, column titles with the time ruler, the rows between a frame, and the
 * frame's bottom edge.
 */
export function renderWaterfall(trace: Trace, options: WaterfallOptions): string[] {
  const widthCols = Number.isFinite(options.widthCols) ? Math.max(1, Math.floor(options.widthCols)) : 80;
  const theme = createTheme(options.colorLevel);
  const lines = renderHeader(trace, widthCols, theme);
  if (trace.roots.length === 0) return lines.map((line) => truncateToWidth(line, widthCols));
  const critical = options.criticalPath === false ? null : computeCriticalPath(trace);
  const rows = collectRows(trace, options, theme, critical);

  const guideCols = widthCols >= 60 ? 3 : 2;
  const need = { name: 1, service: 0, total: 5, self: 0, detail: 0 };
  for (const row of rows) {
    if (row.kind === 'detail') {
      const text = row.pieces.reduce((n, p) => n + displayWidth(p.text), 0);
      need.detail = Math.max(need.detail, (row.depth + 1) * guideCols + text + 1);
      continue;
    }
    const text =
      row.kind === 'span'
        ? (row.span.error ? ERROR_MARK : '') + row.label + (row.flags ? ` ${row.flags}` : '') + (row.tags ? ` ${row.tags}` : '')
        : row.label + row.errorsLabel;
    need.name = Math.max(need.name, row.depth * guideCols + displayWidth(text));
    if (row.kind === 'span') {
      need.service = Math.max(need.service, Math.min(SERVICE_MAX_COLS, displayWidth(row.service)));
      need.total = Math.max(need.total, displayWidth(row.total));
      if (row.self) need.self = Math.max(need.self, 4, displayWidth(row.self));
    }
  }
  if (need.service > 0) need.service = Math.max(need.service, 3);
  const layout = chooseLayout(widthCols, need);
  // Guides may take the name column but for a few characters of name.
  const maxSlots = Math.max(1, Math.floor((layout.nameCols - LABEL_KEEP_COLS) / layout.guideCols));
  const axis = new TimeAxis(trace.startNs, trace.endNs, layout.barCols);
  const ruler = renderRuler(trace.endNs - trace.startNs, layout.barCols);
  const reverseVideo = options.colorLevel > 0;
  const blankLeft = ' '.repeat(layout.leftCols);

  lines.push(renderTitles(layout, ruler.labels, theme));
  lines.push(blankLeft + theme.dim(ruler.axis));
  const cells = emptyBar(layout.barCols);
  for (const row of rows) {
    cells.glyphs.fill(' ');
    cells.styles.fill(CellStyle.Empty);
    let left: string;
    let tone: BarTone | null = null;
    let border = theme.dim('│');
    if (row.kind === 'span') {
      const span = row.span;
      tone = row.tone;
      if (span.synthetic) drawPattern(cells, axis, span.startNs, span.startNs + span.durationNs, CellStyle.Dashed);
      else drawSolid(cells, axis, span.startNs, span.startNs + span.durationNs, reverseVideo);
      for (const event of span.events) if (event.timeNs !== null) drawEvent(cells, axis, event.timeNs);
      const dim = span.synthetic || span.unfinished;
      left =
        renderNameCell(row, layout, maxSlots, theme) +
        renderColumns(
          layout,
          row.service,
          span.synthetic ? theme.dim : theme.service(span.service),
          row.total,
          span.error ? theme.error : dim ? theme.dim : (t) => t,
          row.self,
          theme,
        );
      if (row.critical) border = '┃';
    } else if (row.kind === 'collapsed') {
      drawPattern(cells, axis, row.startNs, row.endNs, CellStyle.Shade);
      const guides = renderGuides(layout, row.guide, maxSlots);
      const name = fitPieces(
        [
          { text: guides, paint: theme.dim },
          { text: row.label, paint: theme.dim },
          { text: row.errorsLabel, paint: theme.error },
        ],
        layout.nameCols,
      );
      const used = Math.min(layout.nameCols, displayWidth(guides + row.label + row.errorsLabel));
      left =
        name +
        ' '.repeat(layout.nameCols - used) +
        renderColumns(layout, '', theme.dim, formatDuration(row.endNs - row.startNs), theme.dim, '', theme);
      if (row.critical) border = '┃';
    } else {
      tone = row.tone;
      if (row.eventTimeNs !== null) drawEvent(cells, axis, row.eventTimeNs);
      const guides = renderGuides(layout, row.guide, maxSlots + 1, row.childLine);
      const text = fitPieces([{ text: guides, paint: theme.dim }, ...row.pieces], layout.leftCols - 1);
      // Measure what was kept: a wide character that does not fit before the `…` leaves a column free.
      left = text + ' '.repeat(layout.leftCols - displayWidth(text));
    }
    lines.push(left + border + paintBar(cells, theme, tone) + theme.dim('│'));
  }
  lines.push(blankLeft + theme.dim(`└${'─'.repeat(layout.barCols)}┘`));
  // Rows are built to the exact width; below MIN_LAYOUT_COLS the parts may not
  // all fit, so there every line is cut as a last guard.
  if (widthCols >= MIN_LAYOUT_COLS) return lines;
  return lines.map((line) => (displayWidth(line) > widthCols ? truncateToWidth(line, widthCols) : line));
}

/** The waterfalls of several traces, a blank line between them, one line at a time. */
export function* renderWaterfalls(traces: Iterable<Trace>, options: WaterfallOptions): Generator<string> {
  let first = true;
  for (const trace of traces) {
    if (!first) yield '';
    first = false;
    yield* renderWaterfall(trace, options);
  }
}
