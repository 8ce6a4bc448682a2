/**
 * Lossless JSON for untrusted log lines. JSON.parse rounds integers above 2^53
 * (Datadog ids) and long fractions, so in a line that holds such a number those
 * tokens are marked before JSON.parse and come back as LosslessNumber; what
 * cannot be marked safely is read by a small iterative parser that keeps the
 * digits too. Objects from that slow path have no prototype; no path ever sets one. Pure.
 */
import { LosslessNumber, type JsonObject, type JsonValue } from '../types.js';
import { ownCopy } from '../strings.js';

/**
 * A number token JSON.parse may change: 16 or more characters (an id above 2^53, a
 * long fraction), or an exponent of three or more digits (1e400 overflows to Infinity).
 */
const LONG_NUMBER = /^-?\d[\d.eE+-]{15,}/;
const BIG_EXPONENT = /^-?\d[\d.]*[eE][+-]?\d{3,}/;
const INTEGER = /^-?\d+$/;
/** A text that is a number alone, not inside an object or array. */
const BARE_NUMBER = /^\s*[-\d]/;

/**
 * True when a number token would not survive JSON.parse: its shortest round-trip text
 * differs from what was written (an id above 2^53, 20 digits of fraction, 1e400), or it
 * is an integer beyond 2^53 (46006139453408650 reads back with the same text but is the
 * double 46006139453408648). Floats that JavaScript itself wrote pass.
 */
export function changedByParse(token: string): boolean {
  const value = Number(token);
  return String(value) !== token || (!Number.isSafeInteger(value) && INTEGER.test(token));
}

/** True for the characters a JSON number token is made of: digits, `.`, `e`, `E`, `+`, `-`. */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

/**
 * The long number tokens of a JSON text (LONG_NUMBER, BIG_EXPONENT) outside its strings,
 * as start and end offsets in pairs — when at least one of them JSON.parse would change;
 * else null (nearly always). Strings are skipped with indexOf: most of a log line is in them.
 */
function riskyTokens(text: string): number[] | null {
  let tokens: number[] | null = null;
  let changed = false;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let close = text.indexOf('"', i + 1);
      while (close > 0 && escapedAt(text, close)) close = text.indexOf('"', close + 1);
      // An unterminated string: not JSON, as JSON.parse will say.
      if (close < 0) break;
      i = close + 1;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      let end = i + 1;
      while (end < n && isNumberChar(text.charCodeAt(end))) end++;
      if (end - i >= 5) {
        const run = text.slice(i, end);
        const token = (LONG_NUMBER.exec(run) ?? BIG_EXPONENT.exec(run))?.[0];
        if (token !== undefined) {
          (tokens ??= []).push(i, i + token.length);
          if (!changed) changed = changedByParse(token);
        }
      }
      i = end;
    } else i++;
  }
  return changed ? tokens : null;
}

/**
 * Where a long number token (LONG_NUMBER, BIG_EXPONENT) could start: in JSON a number
 * that is not the whole text follows `:`, `,` or `[` and white space. A text without
 * such a place, inside or outside its strings, needs no closer look (nearly every line).
 */
const MAYBE_RISKY = /[:,[]\s*-?\d(?:[\d.eE+-]{15}|[\d.]*[eE][+-]?\d{3})/;

/** Parses one JSON text; throws SyntaxError when it is not JSON. */
export function parseJson(text: string): JsonValue {
  // A number alone (not after : , or [) is read by the slow parser, which keeps its digits.
  if (BARE_NUMBER.test(text)) return parseLossless(text);
  if (!MAYBE_RISKY.test(text)) return JSON.parse(text) as JsonValue;
  const tokens = riskyTokens(text);
  if (tokens === null) return JSON.parse(text) as JsonValue;
  return parseMarked(text, tokens) ?? parseLossless(text);
}

/** A string no JSON text can hold unless it writes the escape \u0001 (which sends the line to the slow path). */
const MARK = '\\u0001';

/**
 * The result `parseLossless` gives, by way of JSON.parse: each long number token
 * (`tokens`, from riskyTokens) that must stay exact is first replaced by a marker
 * string (`"\u0001<index>"`), which is then swapped for its LosslessNumber. Undefined
 * when the text is not JSON or cannot be marked safely (the slow parser then decides).
 */
function parseMarked(text: string, tokens: number[]): JsonValue | undefined {
  if (text.includes('\\u0001')) return undefined;
  const numbers: LosslessNumber[] = [];
  let out = '';
  let copied = 0;
  for (let t = 0; t < tokens.length; t += 2) {
    const start = tokens[t]!;
    const end = tokens[t + 1]!;
    const token = text.slice(start, end);
    if (!STRICT_NUMBER.test(token)) continue;
    const value = toNumber(token);
    if (!(value instanceof LosslessNumber)) continue;
    out += `${text.slice(copied, start)}"${MARK}${numbers.length}"`;
    copied = end;
    numbers.push(value);
  }
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(numbers.length === 0 ? text : out + text.slice(copied)) as JsonValue;
  } catch {
    return undefined;
  }
  if (numbers.length === 0) return parsed;
  return restoreMarks(parsed, numbers) === numbers.length ? parsed : undefined;
}

/** True when the quote at `at` is escaped (an odd run of backslashes before it). */
function escapedAt(text: string, at: number): boolean {
  let n = 0;
  while (at - n - 1 >= 0 && text.charCodeAt(at - n - 1) === 0x5c) n++;
  return n % 2 === 1;
}

const STRICT_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const MARKED = /^\u0001(\d+)$/;

/** Swaps marker strings for their numbers; returns how many. */
function restoreMarks(root: JsonValue, tokens: LosslessNumber[]): number {
  if (root === null || typeof root !== 'object') return 0;
  return replaceValues(root as JsonObject, (value) => {
    if (typeof value !== 'string' || value.charCodeAt(0) !== 1) return undefined;
    const m = MARKED.exec(value);
    return m ? tokens[Number(m[1])] : undefined;
  });
}

/**
 * Replaces values at any depth of an object or array, without recursion: `replace`
 * returns the new value, or undefined to keep (and descend into) the old one.
 * Returns how many were replaced.
 */
export function replaceValues(root: JsonObject | JsonValue[], replace: (value: unknown) => unknown): number {
  let replaced = 0;
  const stack: Array<JsonObject | JsonValue[]> = [root];
  while (stack.length > 0) {
    const container = stack.pop()! as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const value = container[key];
      const next = replace(value);
      if (next !== undefined) {
        // An own data property: for "__proto__", assignment would reach the setter.
        if (key === '__proto__') Object.defineProperty(container, key, { value: next, enumerable: true, writable: true, configurable: true });
        else container[key] = next;
        replaced++;
      } else if (value !== null && typeof value === 'object') stack.push(value as JsonObject);
    }
  }
  return replaced;
}

/** A number token as a JS number when that keeps every digit, else as LosslessNumber. */
export function toNumber(token: string): number | LosslessNumber {
  const value = Number(token);
  // An integer (an id, nearly always): its digits are the token's, no leading zeros.
  if (INTEGER.test(token)) return token.length - (token.charCodeAt(0) === 0x2d ? 1 : 0) <= 15 || (Number.isSafeInteger(value) && String(value) === token) ? value : exact(token);
  if (!Number.isFinite(value)) return exact(token);
  const digits = token.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
  // 1e-400 underflows to 0: keep what was written.
  if (value === 0 && digits !== '') return exact(token);
  if (digits.length <= 15) return value;
  if (Number.isSafeInteger(value) && String(value) === token) return value;
  return exact(token);
}

/**
 * A token is a slice of its line: kept as it is, an id would keep the whole line alive
 * (for as long as its span is in flight, or an id stays in a cache). The number gets a copy.
 */
function exact(token: string): LosslessNumber {
  return new LosslessNumber(ownCopy(token));
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

type Frame = { container: JsonValue[] } | { container: JsonObject; key: string | null };

/** Iterative recursive-descent JSON parser (deep nesting cannot overflow the stack). */
export function parseLossless(text: string): JsonValue {
  let pos = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${pos}`);
  };
  const skipWs = (): void => {
    while (pos < n && WS.has(text.charCodeAt(pos))) pos++;
  };
  const readString = (): string => {
    // pos is at the opening quote; JSON.parse decodes escapes when there are any.
    const start = pos;
    let escaped = false;
    pos++;
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        // A slice of 13 or more characters would keep the whole line alive as long as the
        // value lives; JSON.parse makes a string of its own (and decodes any escapes).
        return escaped || pos - start > 14 ? (JSON.parse(text.slice(start, pos)) as string) : text.slice(start + 1, pos - 1);
      }
      if (c === 0x5c) {
        escaped = true;
        pos += 2;
      } else if (c < 0x20) fail('control character in string');
      else pos++;
    }
    return fail('unterminated string');
  };
  const readScalar = (): JsonValue => {
    const c = text[pos];
    if (c === '"') return readString();
    if (text.startsWith('true', pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return null;
    }
    NUMBER_TOKEN.lastIndex = pos;
    const m = NUMBER_TOKEN.exec(text);
    if (!m) return fail('unexpected character');
    pos += m[0].length;
    return toNumber(m[0]);
  };

  const stack: Frame[] = [];
  let result: JsonValue = null;
  let haveResult = false;

  // Attach a finished value to the innermost open container (or make it the result).
  const attach = (value: JsonValue): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      result = value;
      haveResult = true;
      return;
    }
    if (Array.isArray(top.container)) top.container.push(value);
    else {
      const frame = top as { container: JsonObject; key: string | null };
      frame.container[frame.key!] = value;
      frame.key = null;
    }
  };

  skipWs();
  // expectValue: the parser is at a position where a value must start.
  let expectValue = true;
  while (true) {
    skipWs();
    if (expectValue) {
      const c = text[pos];
      if (c === '{') {
        pos++;
        const obj = Object.create(null) as JsonObject;
        stack.push({ container: obj, key: null });
        skipWs();
        if (text[pos] === '}') {
          pos++;
          stack.pop();
          attach(obj);
          expectValue = false;
          continue;
        }
        if (text[pos] !== '"') fail('expected a key');
        (stack[stack.length - 1] as { key: string | null }).key = readString();
        skipWs();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        continue;
      }
      if (c === '[') {
        pos++;
        const arr: JsonValue[] = [];
        stack.push({ container: arr });
        skipWs();
        if (text[pos] === ']') {
          pos++;
          stack.pop();
          attach(arr);
          expectValue = false;
          continue;
        }
        continue;
      }
      if (pos >= n) fail('unexpected end');
      attach(readScalar());
      expectValue = false;
      continue;
    }
    // After a value: close containers or move to the next element.
    const top = stack[stack.length - 1];
    if (!top) break;
    const c = text[pos];
    if (c === ',') {
      pos++;
      if (!Array.isArray(top.container)) {
        skipWs();
        if (text[pos] !== '"') fail('expected a key');
        (top as { key: string | null }).key = readString();
        skipWs();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
      }
      expectValue = true;
      continue;
    }
    if (c === ']' && Array.isArray(top.container)) {
      pos++;
      stack.pop();
      attach(top.container);
      continue;
    }
    if (c === '}' && !Array.isArray(top.container)) {
      pos++;
      stack.pop();
      attach(top.container);
      continue;
    }
    fail('unexpected character');
  }
  skipWs();
  if (!haveResult || pos < n) fail('unexpected data after JSON');
  return result;
}

/** JSON text of a value, writing LosslessNumber digits as a bare number. */
export function stringifyJson(value: JsonValue): string {
  // Native JSON.stringify first: it calls toJSON on each LosslessNumber, which counts.
  const seen = LosslessNumber.stringified;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    // Nested deeper than the native writer's stack allows.
    return stringifyLossless(value);
  }
  if (LosslessNumber.stringified === seen) return text;
  return stringifyLossless(value);
}

type Container = JsonObject | JsonValue[];

function isContainer(value: JsonValue | undefined): value is Container {
  return value !== null && typeof value === 'object' && !(value instanceof LosslessNumber);
}

/** `stringifyJson` without native help: iterative, so any depth is written. */
function stringifyLossless(root: JsonValue): string {
  const out: string[] = [];
  const stack: Array<{ container: Container; keys: string[] | null; at: number }> = [];
  const open = (value: JsonValue): void => {
    if (value instanceof LosslessNumber) out.push(value.text);
    else if (Array.isArray(value)) {
      out.push('[');
      stack.push({ container: value, keys: null, at: 0 });
    } else if (value !== null && typeof value === 'object') {
      out.push('{');
      stack.push({ container: value, keys: Object.keys(value), at: 0 });
    } else out.push(JSON.stringify(value) ?? 'null');
  };
  open(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const { container, keys } = frame;
    if (frame.at === (keys === null ? (container as JsonValue[]).length : keys.length)) {
      out.push(keys === null ? ']' : '}');
      stack.pop();
      continue;
    }
    if (frame.at > 0) out.push(',');
    const i = frame.at++;
    if (keys === null) open((container as JsonValue[])[i]!);
    else {
      out.push(JSON.stringify(keys[i]!), ':');
      open((container as JsonObject)[keys[i]!]!);
    }
  }
  return out.join('');
}

/**
 * How deeply a tag value may nest objects and arrays. The parts deeper down are kept as
 * their JSON text (a string): every writer of a value (span JSON, the exports, a view)
 * can then walk it, whatever a line holds (JSON.parse reads far deeper than JSON.stringify
 * writes).
 */
export const MAX_VALUE_DEPTH = 64;

/** The value itself when it nests no deeper than MAX_VALUE_DEPTH (nearly always); else a copy cut there. Iterative. */
export function boundDepth(value: JsonValue): JsonValue {
  if (!isContainer(value) || !deeperThan(value, MAX_VALUE_DEPTH)) return value;
  const copy: Container = Array.isArray(value) ? [] : {};
  const stack: Array<[Container, Container, number]> = [[value, copy, 1]];
  while (stack.length > 0) {
    const [from, to, depth] = stack.pop()!;
    for (const key of Object.keys(from)) {
      let item = (from as JsonObject)[key]!;
      if (isContainer(item)) {
        if (depth >= MAX_VALUE_DEPTH) item = stringifyLossless(item);
        else {
          const inner: Container = Array.isArray(item) ? [] : {};
          stack.push([item, inner, depth + 1]);
          item = inner;
        }
      }
      // `__proto__` stays a key.
      Object.defineProperty(to, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
  }
  return copy;
}

/** True when containers nest more than `limit` deep, the outermost counting 1. */
function deeperThan(root: Container, limit: number): boolean {
  const stack: Array<[Container, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [container, depth] = stack.pop()!;
    if (Array.isArray(container)) {
      for (const item of container) {
        if (!isContainer(item)) continue;
        if (depth >= limit) return true;
        stack.push([item, depth + 1]);
      }
    } else {
      for (const key in container) {
        const item = container[key];
        if (!isContainer(item)) continue;
        if (depth >= limit) return true;
        stack.push([item, depth + 1]);
      }
    }
  }
  return false;
}
