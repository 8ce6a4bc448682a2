// Reading tracelog's span JSON output in end-to-end tests without trusting the
// code under test: a lossless JSON reader of our own, RFC 3339 → epoch ns, and
// the view of a span that survives a trip through each export format (ns for
// OTLP; µs, string tags and name-only events for Zipkin; µs and typed tags for
// Jaeger), so round trips can be compared field by field.

/** A JSON number whose digits a double would change, kept as its text. */
export class Digits {
  constructor(text) {
    this.text = text;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MARK = '\u0000digits:';

/** The value of a number token: a JS number when it keeps every digit, else Digits. */
function numberValue(token) {
  const value = Number(token);
  const significant = token.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
  if (Number.isFinite(value) && (significant.length <= 15 || String(value) === token)) return value;
  return new Digits(token);
}

/**
 * JSON.parse, except that numbers a double would round (ids above 2^53, long
 * fractions) come back as Digits. Numbers are found outside strings by a scan
 * of the text, marked, and restored by a reviver.
 */
export function parseJsonDigits(text) {
  let out = '';
  let last = 0;
  let marked = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) continue;
      const token = m[0];
      if (numberValue(token) instanceof Digits) {
        // The mark's NUL is written as an escape: a raw control character is not valid JSON.
        out += `${text.slice(last, i)}"\\u0000digits:${token}"`;
        last = i + token.length;
        marked = true;
      }
      i += token.length - 1;
    }
  }
  if (!marked) return JSON.parse(text);
  out += text.slice(last);
  return JSON.parse(out, (_key, value) => (typeof value === 'string' && value.startsWith(MARK) ? new Digits(value.slice(MARK.length)) : value));
}

/** Every line of NDJSON output, each parsed with `parseJsonDigits`. */
export function parseJsonLines(text) {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, i) => {
      try {
        return parseJsonDigits(line);
      } catch (err) {
        throw new Error(`output line ${i + 1} is not JSON: ${line.slice(0, 200)}`, { cause: err });
      }
    });
}

/** RFC 3339 UTC text (any number of fraction digits) → epoch ns as BigInt. */
export function isoToNs(text) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) throw new Error(`not an RFC 3339 UTC time: ${text}`);
  const seconds = BigInt(Date.parse(`${m[1]}Z`) / 1000);
  return seconds * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** A `durationMs` value (number or Digits, at most 6 decimals) → ns as BigInt. */
export function durationMsToNs(value) {
  const text = value instanceof Digits ? value.text : String(value);
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (m) return BigInt(m[1]) * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0'));
  // Exponent forms from JSON.stringify of very small or large numbers.
  return BigInt(Math.round(Number(text) * 1e6));
}

/** Every span of `--format traces` output, depth-first, with `children` replaced by a parent check. */
export function flattenTraces(traces) {
  const spans = [];
  for (const trace of traces) {
    const stack = trace.roots.map((span) => [span, null]).reverse();
    while (stack.length > 0) {
      const [span, nestedUnder] = stack.pop();
      const { children, ...own } = span;
      spans.push({ ...own, nestedUnder });
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], span.spanId]);
    }
  }
  return spans;
}

const floorUs = (ns) => (ns / 1000n) * 1000n;
const roundUs = (ns) => ((ns + 500n) / 1000n) * 1000n;

/** Compact JSON of a value with Digits written as the number they are. */
function jsonText(value) {
  if (value instanceof Digits) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${jsonText(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A number's value in a typed format: an int64 keeps its digits, anything else becomes a double. */
function typedNumber(value) {
  if (!(value instanceof Digits)) return value;
  if (/^-?\d+$/.test(value.text)) {
    const big = BigInt(value.text);
    if (big >= INT64_MIN && big <= INT64_MAX) return value;
  }
  return Number(value.text);
}

/** OTLP attributes: nulls dropped except inside arrays, numbers typed. */
function otlpValue(value, inArray = false) {
  if (Array.isArray(value)) return value.map((item) => otlpValue(item, true));
  if (value instanceof Digits) return typedNumber(value);
  if (value !== null && typeof value === 'object') return otlpFields(value);
  return inArray || value !== null ? value : undefined;
}

function otlpFields(fields) {
  const out = {};
  for (const key of Object.keys(fields)) {
    const value = otlpValue(fields[key]);
    if (value !== undefined && fields[key] !== null) out[key] = value;
  }
  return out;
}

/** Zipkin tags: string → string. */
function zipkinFields(fields) {
  const out = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === null) continue;
    out[key] = typeof value === 'string' ? value : value instanceof Digits ? value.text : jsonText(value);
  }
  return out;
}

/** Jaeger tags: string, bool, int64, float64; arrays and objects as JSON text. */
function jaegerFields(fields, skip = new Set()) {
  const out = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === null || skip.has(key)) continue;
    out[key] = value !== null && typeof value === 'object' && !(value instanceof Digits) ? jsonText(value) : typedNumber(value);
  }
  return out;
}

/** Values as plain comparable data: Digits become `{digits}`. */
function comparable(value) {
  if (value instanceof Digits) return { digits: value.text };
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = comparable(value[key]);
    return out;
  }
  return value;
}

/**
 * The fields of a span (from `--format spans` output) that a trip through
 * `format` ('spans', 'otlp', 'zipkin' or 'jaeger') keeps, in the precision the
 * format holds. Flags that no format carries (`unfinished`, `startInferred`)
 * are left out; tests about them look at them directly.
 */
export function spanView(span, format) {
  const micro = format === 'zipkin' || format === 'jaeger';
  const startNs = isoToNs(span.startTime);
  const durationNs = durationMsToNs(span.durationMs);
  const fields = format === 'otlp' ? otlpFields : format === 'zipkin' ? zipkinFields : format === 'jaeger' ? jaegerFields : (f) => f;
  let events = span.events.map((event) => {
    const timeNs = isoToNs(event.time);
    return {
      timeNs: String(micro ? floorUs(timeNs) : timeNs),
      name: event.name,
      fields: comparable(format === 'zipkin' ? {} : format === 'jaeger' ? jaegerFields(event.fields, new Set(['event'])) : fields(event.fields)),
    };
  });
  if (format === 'zipkin') {
    // Annotations are unique by (timestamp, value).
    const seen = new Set();
    events = events.filter((e) => {
      const key = `${e.timeNs} ${e.name}`;
      return seen.has(key) ? false : seen.add(key);
    });
  }
  let duration = durationNs;
  if (micro) duration = roundUs(durationNs);
  if (format === 'zipkin' && duration < 1000n) duration = 1000n;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentId: span.parentId,
    name: span.name,
    service: span.service,
    startNs: String(micro ? floorUs(startNs) : startNs),
    // A placeholder's times come from its children, each rounded on its own: compare to ±1 µs.
    durationNs: span.synthetic === true && micro ? 'derived' : String(duration),
    error: span.error === true,
    statusMessage: span.error === true || format === 'otlp' || format === 'spans' ? (span.statusMessage ?? null) : null,
    kind: format === 'zipkin' && span.kind === 'internal' ? null : (span.kind ?? null),
    tags: comparable(fields(span.tags)),
    events,
    synthetic: span.synthetic === true,
    duplicate: span.duplicate === true,
  };
}

/** Views of many spans, sorted so that output order does not matter. */
export function spanViews(spans, format) {
  return spans
    .map((span) => spanView(span, format))
    .sort((a, b) => `${a.traceId} ${a.spanId} ${a.startNs} ${a.name}`.localeCompare(`${b.traceId} ${b.spanId} ${b.startNs} ${b.name}`));
}
