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

/** TRACE_KEY tried at one place only. */
const TRACE_KEY_AT = new RegExp(TRACE_KEY.source, 'y');
/** Where a match can start before the `race` of its key: `"t`, `"dd.t`, `"otelT`, each maybe after a backslash. */
const BEFORE_RACE = [7, 6, 5, 3, 2];

/**
 * The first match of TRACE_KEY at or after `from`, as `TRACE_KEY.exec` finds it with
 * `lastIndex` at `from`, or null. Every key of TRACE_KEY holds `race` a few characters in,
 * so only the places just before each `race` are tried: the regular expression alone
 * tries its alternatives at every quote of a line.
 */
export function nextTraceKey(text: string, from: number): RegExpExecArray | null {
  for (let hit = text.indexOf('race', from); hit >= 0; hit = text.indexOf('race', hit + 1)) {
    for (const back of BEFORE_RACE) {
      const at = hit - back;
      if (at < from) continue;
      const c = text.charCodeAt(at);
      if (c !== 0x22 && c !== 0x5c) continue;
      TRACE_KEY_AT.lastIndex = at;
      const m = TRACE_KEY_AT.exec(text);
      if (m !== null) return m;
    }
  }
  return null;
}

/** The trace id a line names, or null when it names none, or more than one key could. */
export function sniffTraceId(text: string): string | null {
  const m = nextTraceKey(text, 0);
  if (m === null) return null;
  // A second candidate (another convention, a nested object): the extractor decides.
  if (nextTraceKey(text, m.index + m[0].length) !== null) return null;
  return m[2] ?? m[3] ?? null;
}

/** Every trace id a line names by a common convention's key (none when it names none this way). */
export function traceIdsIn(text: string): string[] {
  const ids: string[] = [];
  for (let m = nextTraceKey(text, 0); m !== null; m = nextTraceKey(text, m.index + m[0].length)) ids.push(m[2] ?? m[3]!);
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
