/**
 * Which worker thread a line belongs to: the one that owns its trace. The trace
 * id is found in the raw text without parsing (one key of a common convention,
 * once in the line); a line where that fails is read by every worker, each
 * keeping the records of its own traces. Pure.
 */

/**
 * A trace id key of a common convention, with its value: a string or a bare number. Also
 * inside a JSON string (`\"trace_id\":\"…\"`), as a shipper's record carries the
 * application's line (Docker's json-file `log`); a string id ends with the quote it began
 * with. Groups: 2 the string id, 3 the number.
 */
export const TRACE_KEY =
  /(?:\\?"(?:trace_id|traceId|traceID|trace\.id|trace\.trace_id|dd\.trace_id|otelTraceID|TraceId)\\?"|\\?"trace\\?"\s*:\s*\{\s*\\?"(?:id|trace_id)\\?")\s*:\s*(?:(\\?)"(?!0x)([0-9A-Za-z_-]{1,128})\1"|(\d{1,40})(?=\s*[,}]))/g;

/** The trace id a line names, or null when it names none, or more than one key could. */
export function sniffTraceId(text: string): string | null {
  TRACE_KEY.lastIndex = 0;
  const m = TRACE_KEY.exec(text);
  if (m === null) return null;
  // A second candidate (another convention, a nested object): the extractor decides.
  if (TRACE_KEY.exec(text) !== null) return null;
  return m[2] ?? m[3] ?? null;
}

/** Every trace id a line names by a common convention's key (none when it names none this way). */
export function traceIdsIn(text: string): string[] {
  TRACE_KEY.lastIndex = 0;
  const ids: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = TRACE_KEY.exec(text)) !== null) ids.push(m[2] ?? m[3]!);
  return ids;
}

/** The worker (0 … count−1) that owns a trace id: FNV-1a over its characters. */
export function ownerOf(traceId: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i++) {
    h ^= traceId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}
