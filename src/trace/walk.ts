/**
 * Depth-first traversal of a trace without recursion, so a 100,000-deep chain
 * cannot overflow the stack. Pure.
 */
import type { Span, Trace } from '../types.js';

/** Calls `visit` for each span in depth-first order (children by start time). */
export function walkSpans(trace: Trace, visit: (span: Span, depth: number) => void): void {
  const stack: Array<[Span, number]> = [];
  for (let i = trace.roots.length - 1; i >= 0; i--) stack.push([trace.roots[i]!, 0]);
  while (stack.length > 0) {
    const [span, depth] = stack.pop()!;
    visit(span, depth);
    for (let i = span.children.length - 1; i >= 0; i--) stack.push([span.children[i]!, depth + 1]);
  }
}

/** All spans of a trace, depth-first. */
export function listSpans(trace: Trace): Span[] {
  const spans: Span[] = [];
  walkSpans(trace, (span) => spans.push(span));
  return spans;
}
