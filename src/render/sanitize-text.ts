/**
 * Makes text taken from input safe to print on a terminal: every control
 * character (C0, DEL, C1), bidi override or isolate, line separator and lone
 * surrogate becomes a visible escape such as `\x1b` or `\u202e`. Pure; it must
 * never let an ESC, BEL, CR or bidi control through.
 */

// C0 and DEL and C1; bidi embeddings/overrides/isolates/marks; line and paragraph
// separators; deprecated format controls; interlinear annotation; lone surrogates
// (with the u flag a surrogate range only matches an unpaired half).
// pino-pretty's strip-unsafe-control-chars.js covers the C0/C1 part of this list.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u206f\ufff9-\ufffb]|[\ud800-\udfff]/gu;

const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every terminal-unsafe character replaced by a visible escape
 * (`\x1b`, `\x9b`, `\r`, `\u202e`, …). Printable text, including emoji joiners
 * and combining marks, is kept as is.
 */
export function sanitizeText(text: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  UNSAFE.lastIndex = 0;
  return text.replace(UNSAFE, escapeChar);
}

// What JSON.stringify leaves raw that a terminal would act on: DEL, C1 controls,
// bidi controls, line and paragraph separators. JSON text holds these only inside
// strings, where `\uXXXX` is the same character.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u206f\ufff9-\ufffb]/g;

/**
 * JSON text (from JSON.stringify) with every terminal-unsafe character written as
 * a `\uXXXX` escape: it parses to the same value and is safe to print.
 */
export function escapeJsonText(json: string): string {
  return json.replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
