/**
 * Self time and critical path of a trace, for the waterfall and for stats.
 * Pure and iterative (no recursion), so a 100,000-deep chain is fine; raw span
 * times are never changed — overflowing children are clipped only in the math.
 */
import type { Span, Trace } from '../types.js';

/**
 * Time a span spent on its own: its duration minus the union of its children's
 * intervals, each clipped to the span. Zero for unfinished spans.
 */
export function computeSelfTimeNs(span: Span): bigint {
  if (span.durationNs <= 0n) return 0n;
  const startNs = span.startNs;
  const endNs = span.startNs + span.durationNs;
  const intervals: Array<[bigint, bigint]> = [];
  for (const child of span.children) {
    const s = child.startNs < startNs ? startNs : child.startNs;
    const childEnd = child.startNs + child.durationNs;
    const e = childEnd > endNs ? endNs : childEnd;
    if (e > s) intervals.push([s, e]);
  }
  intervals.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let covered = 0n;
  let runStart = 0n;
  let runEnd = 0n;
  let open = false;
  for (const [s, e] of intervals) {
    if (open && s <= runEnd) {
      if (e > runEnd) runEnd = e;
      continue;
    }
    if (open) covered += runEnd - runStart;
    runStart = s;
    runEnd = e;
    open = true;
  }
  if (open) covered += runEnd - runStart;
  const self = span.durationNs - covered;
  return self > 0n ? self : 0n;
}

interface Window {
  span: Span | null;
  startNs: bigint;
  endNs: bigint;
}

interface Frame {
  /** Children clipped to the span, latest end first. */
  children: Array<Window & { span: Span }>;
  next: number;
  /** Only children ending at or before this time can still be on the path. */
  boundNs: bigint;
}

/** `spans` clipped to [startNs, endNs] (those wholly outside dropped), latest end first. */
function clipChildren(spans: readonly Span[], startNs: bigint, endNs: bigint): Frame['children'] {
  const out: Frame['children'] = [];
  for (const span of spans) {
    const spanEnd = span.startNs + span.durationNs;
    if (span.startNs > endNs || spanEnd < startNs) continue;
    out.push({
      span,
      startNs: span.startNs < startNs ? startNs : span.startNs,
      endNs: spanEnd > endNs ? endNs : spanEnd,
    });
  }
  out.sort((a, b) => (a.endNs > b.endNs ? -1 : a.endNs < b.endNs ? 1 : 0));
  return out;
}

/**
 * The spans on the trace's critical path, the chain that decides when the
 * trace ends (Jaeger's algorithm): from the root, descend into the child that
 * ends last; back in the parent, continue with the latest child that ends
 * before that child started, and so on. Children are clipped to their parent.
 * Several top-level spans are treated as children of one virtual root.
 */
export function computeCriticalPath(trace: Trace): Set<Span> {
  const path = new Set<Span>();
  if (trace.roots.length === 0) return path;
  const top: Window =
    trace.roots.length === 1
      ? { span: trace.roots[0]!, startNs: trace.roots[0]!.startNs, endNs: trace.roots[0]!.startNs + trace.roots[0]!.durationNs }
      : { span: null, startNs: trace.startNs, endNs: trace.endNs };
  if (top.span) path.add(top.span);
  const stack: Frame[] = [
    {
      children: clipChildren(top.span ? top.span.children : trace.roots, top.startNs, top.endNs),
      next: 0,
      boundNs: top.endNs,
    },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    let child: Frame['children'][number] | undefined;
    while (frame.next < frame.children.length) {
      const candidate = frame.children[frame.next++]!;
      if (candidate.endNs <= frame.boundNs) {
        child = candidate;
        break;
      }
    }
    if (!child) {
      stack.pop();
      continue;
    }
    path.add(child.span);
    frame.boundNs = child.startNs;
    stack.push({ children: clipChildren(child.span.children, child.startNs, child.endNs), next: 0, boundNs: child.endNs });
  }
  return path;
}
