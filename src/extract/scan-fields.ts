/**
 * Reads the JSON text of a log line's object straight into its flat fields, without
 * building the object: JSON.parse makes a hidden class for every new order of keys, which
 * costs more than the parse. Only what it reads exactly as JSON.parse, `parseJson` and
 * `flattenInto` (fields.ts) would is read here; for the rest it says no and the caller
 * reads the line that way. Pure: no I/O; the state below is reused from line to line.
 */
import { LosslessNumber, type JsonValue } from '../types.js';
import { changedByParse, toNumber } from './json.js';
import { POWERS_OF_TEN } from './decimal.js';
import { keyLists, releaseFields, type FlatFields, type KeyLists } from './fields.js';
import { ownCopy } from '../strings.js';

/**
 * Lines left to JSON.parse: control characters (in a string they make the line invalid,
 * between tokens they are rare) and UTF-16 surrogates (JSON.stringify escapes a lone one).
 */
const LEFT_TO_PARSE = /[\u0000-\u001f\ud800-\udfff]/;
/** An escape that JSON.stringify would not write the same way. */
const OTHER_ESCAPE = /\\[u/]/;
/** Nested objects deeper than this are left to JSON.parse (flattenInto cuts at 32). */
const MAX_DEPTH = 16;

let text = '';
let length = 0;
let pos = 0;
let flat: FlatFields;
let n = 0;
/** The first backslash at or after `bsFrom` stands at `bsAt` (`length` for none). */
let bsFrom = 0;
let bsAt = 0;
/** The string stringEnd found last holds a backslash. */
let escaped = false;
/** Long number tokens (16 characters or more, or a 3-digit exponent), as place, start and token. */
const longTokens: Array<number | string> = [];
let changed = false;
/**
 * Per path seen: the lists of conventions it is in, and the last line that had it
 * (`stamp`): a repeated key is left to JSON.parse (the last one wins there). A path is
 * kept as a copy, not as a slice that would keep its line alive.
 */
interface Seen {
  lists: KeyLists;
  stamp: number;
}
const seen = new Map<string, Seen>();
/** The characters of the paths in `seen`: keys can be long, and every line's can be new. */
let seenChars = 0;
/** When `seen` holds more paths or characters than these, it starts again. */
const MAX_SEEN = 100_000;
const MAX_SEEN_CHARS = 4_000_000;
let stamp = 0;

/**
 * Fills `into` with the fields of the JSON object `json` (dotted keys, values, and where
 * each value's text stands when it is what JSON.stringify would write). False when the
 * text holds anything it leaves to JSON.parse: arrays, escaped or numeric keys, repeated
 * keys, objects nested deeper than MAX_DEPTH, what LEFT_TO_PARSE finds, anything not JSON.
 */
export function scanFields(json: string, into: FlatFields): boolean {
  if (json.charCodeAt(0) !== 0x7b || LEFT_TO_PARSE.test(json)) return false;
  text = json;
  length = json.length;
  flat = into;
  n = 0;
  bsFrom = 0;
  bsAt = -1;
  longTokens.length = 0;
  changed = false;
  if (seen.size > MAX_SEEN || seenChars > MAX_SEEN_CHARS) {
    seen.clear();
    seenChars = 0;
  }
  stamp++;
  let read = scanObject(0, '', 0);
  if (read) {
    skipSpaces();
    read = pos === length;
  }
  releaseFields(into, read ? n : 0);
  if (!read) {
    into.size = 0;
    return false;
  }
  if (changed) {
    // As parseJson: once one long number would change, every long one is read losslessly.
    for (let i = 0; i < longTokens.length; i += 3) {
      const at = longTokens[i] as number;
      const token = longTokens[i + 2] as string;
      const value = toNumber(token);
      into.values[at] = value;
      into.rawStart[at] = value instanceof LosslessNumber || String(value) === token ? (longTokens[i + 1] as number) : -1;
    }
  }
  into.size = n;
  into.text = json;
  return true;
}

/** How many characters of paths the scanner holds from line to line (for tests). */
export function heldPathChars(): number {
  return seenChars;
}

function skipSpaces(): void {
  while (text.charCodeAt(pos) === 0x20) pos++;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The index of the quote closing the string that opens at `open`; -1 when there is none. Sets `escaped`. */
function stringEnd(open: number): number {
  const from = open + 1;
  if (from < bsFrom || from > bsAt) {
    bsFrom = from;
    bsAt = text.indexOf('\\', from);
    if (bsAt < 0) bsAt = length;
  }
  const close = text.indexOf('"', from);
  if (close < 0) return -1;
  if (close < bsAt) {
    escaped = false;
    return close;
  }
  // A backslash comes first: walk the string escape by escape.
  escaped = true;
  let i = from;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i;
    i += c === 0x5c ? 2 : 1;
  }
  return -1;
}

/** Moves past the object opening at `pos`, strings and all; false when it does not close. */
function skipObject(): boolean {
  let depth = 0;
  while (pos < length) {
    const c = text.charCodeAt(pos);
    if (c === 0x22) {
      const close = stringEnd(pos);
      if (close < 0) return false;
      pos = close + 1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) {
      pos++;
      return true;
    }
    pos++;
  }
  return false;
}

/** Notes a path of this line (a field's, or a nested object's); null when it is already there. */
function mark(path: string): Seen | null {
  const known = seen.get(path);
  if (known === undefined) {
    const added = { lists: keyLists(path), stamp };
    seen.set(ownCopy(path), added);
    seenChars += path.length;
    return added;
  }
  if (known.stamp === stamp) return null;
  known.stamp = stamp;
  return known;
}

/** Adds one field; false when its path is already there. */
function add(path: string, value: JsonValue, rawStart: number, member: number): boolean {
  const known = mark(path);
  if (known === null) return false;
  flat.lists[n] = known.lists;
  flat.keys[n] = path;
  flat.values[n] = value;
  flat.rawStart[n] = rawStart;
  flat.rawEnd[n] = pos;
  flat.memberStart[n] = member;
  n++;
  return true;
}

/**
 * Reads the object opening at `start`: its scalars, then each nested object in turn
 * (the order flattenInto gives). `prefix` is its path with a trailing dot.
 */
function scanObject(start: number, prefix: string, depth: number): boolean {
  pos = start + 1;
  skipSpaces();
  if (text.charCodeAt(pos) === 0x7d) {
    pos++;
    return true;
  }
  let nested: Array<number | string> | null = null;
  while (true) {
    if (text.charCodeAt(pos) !== 0x22) return false;
    const keyOpen = pos;
    const keyClose = stringEnd(pos);
    if (keyClose < 0 || escaped || isDigit(text.charCodeAt(keyOpen + 1))) return false;
    const key = text.slice(keyOpen + 1, keyClose);
    pos = keyClose + 1;
    skipSpaces();
    if (text.charCodeAt(pos) !== 0x3a) return false;
    pos++;
    skipSpaces();
    // A top-level member written with nothing between key and value is copied whole.
    const member = depth === 0 && pos === keyClose + 2 ? keyOpen : -1;
    const path = depth === 0 ? key : prefix + key;
    const valueStart = pos;
    const c = text.charCodeAt(pos);
    if (c === 0x22) {
      const close = stringEnd(pos);
      if (close < 0) return false;
      pos = close + 1;
      let value: string;
      let raw = valueStart;
      if (escaped) {
        const quoted = text.slice(valueStart, pos);
        try {
          value = JSON.parse(quoted) as string;
        } catch {
          return false;
        }
        if (OTHER_ESCAPE.test(quoted)) raw = -1;
      } else value = text.slice(valueStart + 1, close);
      if (!add(path, value, raw, member)) return false;
    } else if (c === 0x7b) {
      pos++;
      skipSpaces();
      if (text.charCodeAt(pos) === 0x7d) {
        pos++;
        if (!add(path, {}, pos === valueStart + 2 ? valueStart : -1, member)) return false;
      } else {
        if (depth + 1 > MAX_DEPTH || mark(path) === null) return false;
        pos = valueStart;
        if (!skipObject()) return false;
        (nested ??= []).push(valueStart, `${path}.`);
      }
    } else if (c === 0x74 /* t */ || c === 0x66 /* f */ || c === 0x6e /* n */) {
      const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
      if (!text.startsWith(word, pos)) return false;
      pos += word.length;
      if (!add(path, c === 0x74 ? true : c === 0x66 ? false : null, valueStart, member)) return false;
    } else if (c === 0x2d || isDigit(c)) {
      if (!scanNumber(path, member)) return false;
    } else return false;
    skipSpaces();
    const next = text.charCodeAt(pos);
    pos++;
    if (next === 0x7d) break;
    if (next !== 0x2c) return false;
    skipSpaces();
  }
  if (nested !== null) {
    const end = pos;
    for (let i = 0; i < nested.length; i += 2) if (!scanObject(nested[i] as number, nested[i + 1] as string, depth + 1)) return false;
    pos = end;
  }
  return true;
}

/** A number token by JSON's grammar, as JSON.parse reads it (long ones noted for the lossless pass). */
function scanNumber(path: string, member: number): boolean {
  const start = pos;
  if (text.charCodeAt(pos) === 0x2d) pos++;
  const first = text.charCodeAt(pos);
  if (first === 0x30) pos++;
  else if (isDigit(first)) while (isDigit(text.charCodeAt(++pos)));
  else return false;
  let integer = true;
  let bigExponent = false;
  const dot = text.charCodeAt(pos) === 0x2e ? pos : -1;
  if (dot >= 0) {
    integer = false;
    if (!isDigit(text.charCodeAt(++pos))) return false;
    while (isDigit(text.charCodeAt(++pos)));
  }
  const e = text.charCodeAt(pos);
  const exponent = e === 0x65 || e === 0x45;
  if (exponent) {
    integer = false;
    const s = text.charCodeAt(++pos);
    if (s === 0x2b || s === 0x2d) pos++;
    const digits = pos;
    if (!isDigit(text.charCodeAt(pos))) return false;
    while (isDigit(text.charCodeAt(++pos)));
    bigExponent = pos - digits >= 3;
  }
  const negative = text.charCodeAt(start) === 0x2d;
  // parseJson's LONG_NUMBER and BIG_EXPONENT: tokens JSON.parse may change.
  const long = bigExponent || pos - start - (negative ? 1 : 0) >= 16;
  if (integer && !long) {
    // Fifteen digits at most: exact as a double, written back the same (but -0).
    let value = 0;
    for (let i = negative ? start + 1 : start; i < pos; i++) value = value * 10 + text.charCodeAt(i) - 0x30;
    return add(path, negative ? -value : value, negative && value === 0 ? -1 : start, member);
  }
  if (!integer && !exponent && !long) return addDecimal(path, member, start, dot, negative);
  const token = text.slice(start, pos);
  const value = Number(token);
  if (long) {
    longTokens.push(n, start, token);
    if (!changed) changed = changedByParse(token);
  }
  return add(path, value, String(value) === token ? start : -1, member);
}

/**
 * A number token with a fraction, no exponent and 15 characters at most (`start` to `pos`,
 * its point at `dot`). Its digits as an integer (below 10^15, exact) divided by a power of
 * ten is one correctly rounded division: the double Number() reads. With at most 15
 * significant digits the token is the shortest that reads back as that double, so
 * JSON.stringify writes it the same unless it ends in a zero or, below 1, needs an
 * exponent (under 10^-6).
 */
function addDecimal(path: string, member: number, start: number, dot: number, negative: boolean): boolean {
  let digits = 0;
  for (let i = negative ? start + 1 : start; i < pos; i++) if (i !== dot) digits = digits * 10 + text.charCodeAt(i) - 0x30;
  const magnitude = digits / POWERS_OF_TEN[pos - dot - 1]!;
  let raw = text.charCodeAt(pos - 1) === 0x30 ? -1 : start;
  if (raw >= 0 && dot === (negative ? start + 2 : start + 1) && text.charCodeAt(dot - 1) === 0x30) {
    // 0.000001 is written as is, 0.0000001 as 1e-7.
    let zeros = 0;
    while (text.charCodeAt(dot + 1 + zeros) === 0x30) zeros++;
    if (zeros > 5) raw = -1;
  }
  return add(path, negative ? -magnitude : magnitude, raw, member);
}
