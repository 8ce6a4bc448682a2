/**
 * Tag and event-field values as one line of safe text: strings as written,
 * numbers with the digits the input had, objects as compact JSON; everything
 * passed through `sanitizeText` and capped in length. Pure.
 */
import { LosslessNumber, type JsonValue } from '../types.js';
import { sanitizeText } from './sanitize-text.js';

const MAX_VALUE_CHARS = 200;

/** `value` as text safe for a terminal, at most about 200 characters long. */
export function formatFieldValue(value: JsonValue): string {
  let text: string;
  if (value === null) text = 'null';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (value instanceof LosslessNumber) text = value.text;
  else {
    try {
      text = JSON.stringify(value) ?? '';
    } catch {
      // Nesting deeper than the engine's stack: say so rather than fail the view.
      text = Array.isArray(value) ? '[…]' : '{…}';
    }
  }
  if (text.length > MAX_VALUE_CHARS) {
    const lead = text.charCodeAt(MAX_VALUE_CHARS - 1);
    const cut = lead >= 0xd800 && lead <= 0xdbff ? MAX_VALUE_CHARS - 1 : MAX_VALUE_CHARS;
    text = `${text.slice(0, cut)}…`;
  }
  return sanitizeText(text);
}
