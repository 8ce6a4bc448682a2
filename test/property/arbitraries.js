// Shared fast-check arbitraries for the property tests: random span forests
// (depth, fan-out, ids, times, durations, tags and events in every convention
// tracelog reads), and the log lines that describe them. A forest is what must
// come back out of `tracelog convert`; `encodeForest` writes it as log lines.
//
// What the generated values stay inside, so that every line means exactly one
// thing (each constraint is a place where the conventions themselves are
// ambiguous, not a limitation the tests hide):
// - Tag and event-field keys never start with a segment that a convention uses
//   (`trace`, `span`, `service`, `time`, `error`, `level`, `tags`, `id`, …, see
//   RESERVED_FIRST_SEGMENTS) and no key path ends in a propagation header name
//   (`traceparent`, `b3`, `x-b3-*`): such a tag *is* a role field.
// - No two tag paths flatten to the same dotted key (`{"a.b":1}` next to
//   `{"a":{"b":2}}`): the log line itself would be ambiguous.
// - Ids are non-empty and not all zeros (`0`, `0x000…` mean "no parent"); an id
//   is written as a bare JSON number only when it is a decimal without leading
//   zeros, so its text survives. Trace ids are unique across traces and span ids
//   within a trace.
// - Names and services are non-empty strings (an empty one reads as absent); a
//   service is never `unknown_service`, which the exporters write for "none".
// - An event's message is non-empty and is not `start`/`end`/`b`/`e`/… (a
//   message like that marks a begin or end line, see `BEGIN`/`END` in fields.ts).
// - Times lie between 1975 and 2100, where epoch s, ms, µs and ns numbers are
//   told apart by magnitude; durations are at most 10 days.

import fc from 'fast-check';
import { LosslessNumber } from '../../dist/types.js';
import { FIELD_CONVENTIONS } from '../../dist/extract/fields.js';

// ---------------------------------------------------------------- budgets

/** `npm run fuzz` sets TRACELOG_FUZZ=1: random seeds and many more runs. */
export const FUZZ = process.env.TRACELOG_FUZZ === '1';
/** A seed to replay (`TRACELOG_SEED=123 npm run fuzz`). */
const REPLAY_SEED = process.env.TRACELOG_SEED === undefined ? undefined : Number(process.env.TRACELOG_SEED);
/** CI runs every property with this seed, so a failure there is reproducible as is. */
export const CI_SEED = 20261127;

/**
 * Runs a fast-check property with the CI or fuzz budget. On failure the seed
 * (and fast-check's replay path) is printed on stderr and put first in the
 * error message, with the assertion that failed, so it shows in any reporter.
 * `shrink: false` skips shrinking in CI (for properties that spawn the CLI,
 * where each shrink step costs a process; the in-process twin shrinks).
 */
export async function checkProperty(property, { runs, fuzzRuns, shrink = true }) {
  const seed = REPLAY_SEED ?? (FUZZ ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : CI_SEED);
  const params = { seed, numRuns: FUZZ ? fuzzRuns : runs, endOnFailure: !shrink && (!FUZZ || process.env.TRACELOG_SHRINK !== '1') };
  try {
    await fc.assert(property, params);
  } catch (err) {
    const note = `property failed with seed ${seed} (replay: TRACELOG_SEED=${seed}${FUZZ ? ' TRACELOG_FUZZ=1' : ''} node --test ${process.argv[1] ?? ''})`;
    process.stderr.write(`\n${note}\n`);
    const cause = err.cause instanceof Error ? `\nCaused by: ${err.cause.message}` : '';
    err.message = `${note}\n${err.message}${cause}`;
    throw err;
  }
}

// ---------------------------------------------------------------- conventions

/** First segments of every key fields.ts reads (FIELD_CONVENTIONS plus the lists it keeps private). */
export const RESERVED_FIRST_SEGMENTS = new Set([
  ...Object.values(FIELD_CONVENTIONS).flat().map((key) => key.split('.')[0]),
  // durations, message, kind, phase, level, HTTP status, status, status message (fields.ts)
  'duration_ms', 'durationMs', 'duration_us', 'durationUs', 'duration_ns', 'durationNs', 'event', 'span', 'transaction', 'duration',
  'msg', 'message', 'Body', 'body', 'kind', 'SpanKind', 'spanKind', 'phase', 'span_event',
  'level', 'log', 'levelname', 'severity', 'SeverityText', 'http', 'status_code', 'statusCode', 'res',
  'status', 'Status', 'otel', 'error', 'err', 'exception',
  // tag containers, Go exporter lists, Zipkin's `id`, documents and tracelog's own span JSON
  'tags', 'attributes', 'Attributes', 'Resource', 'id', 'resourceSpans', 'data', 'spans', 'processes',
  'roots', 'spanCount', 'events', 'startTime', 'durationMs', 'spanId', 'traceId', 'parentId',
  // propagation headers as a whole key
  'traceparent', 'b3', 'headers',
]);
const PROPAGATION_LAST = new Set(['traceparent', 'b3', 'x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags']);

/** True when a dotted tag path is just a tag for every convention. */
export function isTagPath(path) {
  const first = path.split('.')[0];
  const last = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return !RESERVED_FIRST_SEGMENTS.has(first) && !PROPAGATION_LAST.has(last);
}

const DURATION_KEYS = {
  ms: ['duration_ms', 'durationMs'],
  us: ['duration_us', 'durationUs', 'span.duration.us', 'transaction.duration.us'],
  ns: ['duration_ns', 'durationNs', 'event.duration'],
};
const MESSAGE_KEYS = ['msg', 'message', 'Body', 'body'];
const PHASE_KEYS = ['phase', 'span.event', 'span_event', 'event'];
const BEGIN_WORDS = ['begin', 'start', 'started', 'b', 'span.start', 'SPAN_BEGIN', 'span-start', 'Start'];
const END_WORDS = ['end', 'ended', 'finish', 'finished', 'stop', 'e', 'span.end', 'SPAN_FINISH', 'span end', 'End'];
const BEGIN = /^(span[ ._-]?)?(begin|start|started|b)$/i;
const END = /^(span[ ._-]?)?(end|ended|finish|finished|stop|e)$/i;
/** Prefixes log pipelines add before the JSON (docker compose, kubectl/CRI, bracketed). */
const PREFIXES = ['', '', '', 'api-1  | ', '2026-11-24T10:00:00.123Z stdout F ', '[api-1] ', 'INFO 12:00:01 '];

// ---------------------------------------------------------------- values

const NS_PER_S = 1_000_000_000n;
const MIN_S = 157_766_400n; // 1975-01-01
const MAX_S = 4_102_444_800n; // 2100-01-01
const MAX_DURATION_NS = 10n * 86_400n * NS_PER_S;

/** Epoch nanoseconds with 0–9 significant fraction digits. */
export const startNsArb = fc
  .record({ s: fc.bigInt(MIN_S, MAX_S - 1n), digits: fc.integer({ min: 0, max: 9 }), frac: fc.bigInt(0n, NS_PER_S - 1n) })
  .map(({ s, digits, frac }) => {
    const step = 10n ** BigInt(9 - digits);
    return s * NS_PER_S + (frac / step) * step;
  });

/** Durations from 0 to 10 days, at every precision. */
export const durationNsArb = fc
  .record({
    ns: fc.oneof(fc.bigInt(0n, 2_000_000n), fc.bigInt(0n, 120n * NS_PER_S), fc.bigInt(0n, MAX_DURATION_NS), fc.constant(0n)),
    step: fc.constantFrom(1n, 10n, 1000n, 1_000_000n, 1_000_000_000n),
  })
  .map(({ ns, step }) => (ns / step) * step);

const hex = (n) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const ZERO_ID = /^(0x)?0+$/i;

/** Id text in every convention: hex16/hex32 (either case), UUID, decimal (above 2^53 too), 0x-prefixed, any string. */
export const idTextArb = fc
  .oneof(
    hex(16),
    hex(32),
    hex(16).map((s) => s.toUpperCase()),
    fc.uuid(),
    fc.bigInt(1n, 2n ** 53n).map(String),
    fc.bigInt(2n ** 53n + 1n, 2n ** 64n - 1n).map(String),
    fc.bigInt(2n ** 64n, 10n ** 30n).map(String),
    hex(16).map((s) => `0x${s}`),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', ' padded ', 'a"b\\c', 'ünïcødé', '日本語', '🙂', '(no span id)'),
  )
  .filter((s) => s.length > 0 && !ZERO_ID.test(s));

const awkwardString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.constantFrom('', ' ', 'quote"inside', 'back\\slash', '\\u0000', 'line\nbreak', 'tab\tand\rcr', '\u001b[31mred', '\u202etxet', 'null', 'true', '1e400', '9007199254740993', '__proto__', '\ud800lone', 'x\udfff'),
);

/** A name or service: non-empty text, leading/trailing spaces and control characters included. */
export const nameArb = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.constantFrom('GET /cart', 'SELECT * FROM "t" WHERE a = \'b\'', 'ünïcødé 日本語 🙂', '__proto__', 'constructor', ' padded ', 'x\u001b[2Jy'),
);
const serviceArb = nameArb.filter((s) => s !== 'unknown_service');
const messageArb = fc
  .oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('cache miss', 'retry "1"', 'ünï\\code', '__proto__'))
  .filter((s) => s.length > 0 && !BEGIN.test(s) && !END.test(s));

const keyArb = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'a"b', 'back\\slash', 'ünï', '日本', '🙂', 'x y', '', '0', '17', 'dotted.key', 'user.id', '\ud83d'),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

/** A big integer written as a bare JSON number (inside int64, or beyond it). */
const bigIntValue = fc
  .oneof(fc.bigInt(2n ** 53n + 1n, 2n ** 63n - 1n), fc.bigInt(-(2n ** 63n), -(2n ** 53n) - 1n), fc.bigInt(2n ** 64n, 10n ** 25n))
  .map((n) => new LosslessNumber(n.toString()));

const scalarValue = fc.oneof(
  awkwardString,
  fc.boolean(),
  fc.constant(null),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  bigIntValue,
);

/** Null-prototype object from entries, so `__proto__` stays an own key. */
function objectOf(entries) {
  const obj = Object.create(null);
  for (const [key, value] of entries) if (!Object.hasOwn(obj, key)) obj[key] = value;
  return obj;
}

/** JSON values up to depth 3: scalars, arrays, objects with awkward keys. */
export const jsonValueArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarValue, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 3 }).map(objectOf),
})).value;

/** Dotted paths a value flattens to (fields.ts flattenFields: non-empty objects become dotted keys). */
export function flattenPaths(prefix, value, out = []) {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const key of Object.keys(value)) flattenPaths(`${prefix}.${key}`, value[key], out);
  } else out.push([prefix, value]);
  return out;
}

export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof LosslessNumber);
}

/** The tags as the flat dotted map tracelog reads them into. */
export function flattenTags(tags) {
  const flat = Object.create(null);
  for (const key of Object.keys(tags)) for (const [path, value] of flattenPaths(key, tags[key])) flat[path] = value;
  return flat;
}

/** Tags (or event fields): keys only a tag can have, no two flattening to one path. */
export const tagsArb = fc.array(fc.tuple(keyArb, jsonValueArb), { maxLength: 5 }).map((entries) => {
  const tags = Object.create(null);
  const seen = new Set();
  for (const [key, value] of entries) {
    if (Object.hasOwn(tags, key)) continue;
    const paths = flattenPaths(key, value).map(([p]) => p);
    if (!paths.every(isTagPath) || new Set(paths).size !== paths.length || paths.some((p) => seen.has(p))) continue;
    for (const p of paths) seen.add(p);
    tags[key] = value;
  }
  return tags;
});

// ---------------------------------------------------------------- forests

/** Every encoding decision for one line, as small numbers that shrink towards the plainest form. */
const choicesArb = fc.array(fc.nat({ max: 1 << 20 }), { minLength: 24, maxLength: 24 });

const eventArb = fc.record({
  message: messageArb,
  timeNs: fc.option(startNsArb, { nil: null, freq: 4 }),
  fields: tagsArb,
  choices: choicesArb,
});

const spanArb = fc.record({
  spanId: idTextArb,
  name: fc.option(nameArb, { nil: null, freq: 4 }),
  service: fc.option(serviceArb, { nil: null, freq: 4 }),
  startNs: startNsArb,
  durationNs: durationNsArb,
  tags: tagsArb,
  events: fc.array(eventArb, { maxLength: 2 }),
  parentPick: fc.nat(),
  choices: choicesArb,
});

/**
 * A forest: 1–`maxTraces` traces of 1–`maxSpans` spans, linked at random (a
 * bias towards the previous span makes deep chains). Each span has
 * `{traceId, spanId, parentId, name, service, startNs, durationNs, tags,
 * events:[{message, timeNs, fields}]}` plus the encoding choices for its lines;
 * `orderSeed` shuffles the lines.
 */
export function forestArb({ maxTraces = 3, maxSpans = 8 } = {}) {
  const traceArb = fc.record({
    traceId: idTextArb,
    spans: fc.uniqueArray(spanArb, { selector: (s) => s.spanId, minLength: 1, maxLength: maxSpans }),
  });
  return fc
    .record({
      traces: fc.uniqueArray(traceArb, { selector: (t) => t.traceId, minLength: 1, maxLength: maxTraces }),
      orderSeed: fc.nat(),
    })
    .map(({ traces, orderSeed }) => ({
      orderSeed,
      traces: traces.map(({ traceId, spans }) => ({
        traceId,
        spans: spans.map((span, i) => {
          let parentId = null;
          if (i > 0) {
            const m = span.parentPick % (i + 2);
            parentId = m === i + 1 ? null : spans[m === i ? i - 1 : m].spanId;
          }
          const { parentPick, ...rest } = span;
          return { ...rest, traceId, parentId };
        }),
      })),
    }));
}

/** Only spans written as one whole line each (the mutation test needs lines that stand alone). */
export function wholeLineForestArb(options) {
  return forestArb(options).map((forest) => ({ ...forest, wholeLines: true }));
}

// ---------------------------------------------------------------- writing lines

/** Picks `list[choice % length]`. */
const pick = (list, choice) => list[choice % list.length];

/** Exact decimal text of ns / unitNs ("1714557600.5", "152.3", "0"). */
export function decimalText(ns, unitNs) {
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  const int = abs / unitNs;
  const width = unitNs.toString().length - 1;
  const frac = width === 0 ? '' : (abs % unitNs).toString().padStart(width, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** RFC 3339 text of `ns` at an offset, with 0–9 fraction digits (never fewer than the value needs). */
function rfc3339(ns, choice) {
  const fracNs = ((ns % NS_PER_S) + NS_PER_S) % NS_PER_S;
  const needed = fracNs === 0n ? 0 : fracNs.toString().padStart(9, '0').replace(/0+$/, '').length;
  const digits = needed + (choice % (10 - needed));
  const zones = [
    [0, 'Z'], [0, 'z'], [0, ''], [0, ' UTC'], [0, '+00:00'], [0, '-00:00'],
    [120, '+02:00'], [120, '+0200'], [120, '+02'], [-330, '-05:30'], [-330, '-0530'], [825, '+13:45'], [-840, '-14:00'], [59, '+00:59'],
  ];
  const [offsetMin, zone] = pick(zones, choice >> 4);
  const localNs = ns + BigInt(offsetMin) * 60n * NS_PER_S;
  const secs = (localNs - fracNs) / NS_PER_S;
  const d = new Date(Number(secs) * 1000);
  const sep = pick(['T', 'T', 't', ' '], choice >> 8);
  const fracSep = pick(['.', '.', ','], choice >> 10);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${sep}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const frac = digits === 0 ? '' : `${fracSep}${fracNs.toString().padStart(9, '0').slice(0, digits)}`;
  return `${date}${frac}${zone}`;
}

/** A bare JSON number token (written as is by `writeJson`). */
const raw = (text) => new LosslessNumber(text);

/** A point in time in one of the encodings logs use. */
export function encodeTime(ns, choice) {
  switch (choice % 9) {
    case 0:
      return rfc3339(ns, choice >> 4);
    case 1:
      return rfc3339(ns, (choice >> 4) | 0x10);
    case 2:
      return raw(decimalText(ns, NS_PER_S)); // epoch seconds
    case 3:
      return raw(decimalText(ns, 1_000_000n)); // epoch ms
    case 4:
      return raw(decimalText(ns, 1000n)); // epoch µs
    case 5:
      return raw(ns.toString()); // epoch ns
    case 6:
      return ns.toString(); // OTLP: decimal ns as a string
    case 7:
      return decimalText(ns, NS_PER_S); // seconds as a numeric string
    default:
      return raw(`${ns}e-9`); // an exponent
  }
}

/** Go's time.Duration.String(), with µs spelled three ways. */
export function goDuration(ns, choice) {
  const micro = pick(['µs', 'us', 'μs'], choice);
  if (ns === 0n) return '0s';
  if (ns < 1000n) return `${ns}ns`;
  if (ns < 1_000_000n) return `${decimalText(ns, 1000n)}${micro}`;
  if (ns < NS_PER_S) return `${decimalText(ns, 1_000_000n)}ms`;
  const h = ns / 3_600_000_000_000n;
  const m = (ns / 60_000_000_000n) % 60n;
  const s = decimalText(ns % 60_000_000_000n, NS_PER_S);
  if (h > 0n) return `${h}h${m}m${s}s`;
  if (m > 0n) return `${m}m${s}s`;
  return `${s}s`;
}

/** A duration as [key, value] pairs, in one of the encodings; null for the end-time forms. */
function encodeDuration(ns, choice) {
  switch (choice % 8) {
    case 0:
      return [[pick(DURATION_KEYS.ms, choice >> 3), raw(decimalText(ns, 1_000_000n))]];
    case 1:
      return [[pick(DURATION_KEYS.ms, choice >> 3), decimalText(ns, 1_000_000n)]];
    case 2:
      return [[pick(DURATION_KEYS.us, choice >> 3), raw(decimalText(ns, 1000n))]];
    case 3:
      return [[pick(DURATION_KEYS.ns, choice >> 3), raw(ns.toString())]];
    case 4:
      return [['duration', raw(decimalText(ns, 1_000_000n))]];
    case 5:
      return [['duration', goDuration(ns, choice >> 3)]];
    case 6: {
      // One unit with a decimal fraction: "152.300001ms", "0.5s", "350µs".
      const [unit, unitNs] = pick([['s', NS_PER_S], ['ms', 1_000_000n], ['us', 1000n], ['µs', 1000n], ['μs', 1000n], ['ns', 1n]], choice >> 3);
      return [['duration', `${decimalText(ns, unitNs)}${unit}`]];
    }
    default:
      return [[pick(DURATION_KEYS.ns, choice >> 3), ns.toString()]];
  }
}

/** An id as it appears in a line: a string, or a bare number when it is a plain decimal. */
function encodeId(text, choice) {
  return /^[1-9]\d*$/.test(text) && choice % 2 === 1 ? raw(text) : text;
}

/** How a root says it has no parent: no field, or an empty, null or all-zero one. */
const ROOT_PARENTS = [undefined, undefined, '', null, '0000000000000000', raw('0'), '0x0000000000000000', '00000000000000000000000000000000'];

/** Sets a dotted key, nested (`{"a":{"b":…}}`) or flat (`"a.b"`); falls back to flat when a segment is taken. */
function put(obj, key, value, nest) {
  const parts = key.split('.');
  if (nest && parts.length > 1) {
    let target = obj;
    let ok = true;
    for (let i = 0; i < parts.length - 1 && ok; i++) {
      const part = parts[i];
      if (!Object.hasOwn(target, part)) target[part] = Object.create(null);
      if (!isPlainObject(target[part])) ok = false;
      else target = target[part];
    }
    const last = parts[parts.length - 1];
    if (ok && !Object.hasOwn(target, last)) {
      target[last] = value;
      return;
    }
  }
  obj[key] = value;
}

/** Writes tags into a line: at the top level, or inside a `tags`/`attributes` container. */
function putTags(obj, tags, choice) {
  const keys = Object.keys(tags);
  if (keys.length === 0) return;
  const where = choice % 4;
  if (where >= 2) {
    const container = objectOf(keys.map((k) => [k, tags[k]]));
    obj[where === 2 ? 'tags' : 'attributes'] = container;
  } else for (const key of keys) obj[key] = tags[key];
}

/** Splits tags in two (for a begin and an end line). */
function splitTags(tags, choice) {
  const a = Object.create(null);
  const b = Object.create(null);
  Object.keys(tags).forEach((key, i) => (((choice >> i) & 1) === 0 ? a : b)[key] = tags[key]);
  return [a, b];
}

/** Role keys for one line, each picked from FIELD_CONVENTIONS. */
function roleKeys(c) {
  return {
    trace: pick(FIELD_CONVENTIONS.trace, c[0]),
    span: pick(FIELD_CONVENTIONS.span, c[1]),
    parent: pick(FIELD_CONVENTIONS.parent, c[2]),
    name: pick(FIELD_CONVENTIONS.name, c[3]),
    service: pick(FIELD_CONVENTIONS.service, c[4]),
    start: pick(FIELD_CONVENTIONS.start, c[5]),
    end: pick(FIELD_CONVENTIONS.end, c[6]),
  };
}

/**
 * The lines of one span: a whole line (start + duration, start + end, or end +
 * duration), or a begin line and an end line (end time, phase with a time, or
 * phase with a duration) with the name, service, parent and tags spread over
 * both; then one line per event.
 */
function spanLines(span, wholeOnly) {
  const c = span.choices;
  const keys = roleKeys(c);
  const nest = c[7];
  const n = (bit) => ((nest >> bit) & 1) === 1;
  const ids = (obj) => {
    put(obj, keys.trace, encodeId(span.traceId, c[8]), n(0));
    put(obj, keys.span, encodeId(span.spanId, c[8] >> 1), n(1));
  };
  const parentValue = span.parentId === null ? pick(ROOT_PARENTS, c[9]) : encodeId(span.parentId, c[9]);
  const endNs = span.startNs + span.durationNs;
  const lines = [];
  const layout = wholeOnly ? c[10] % 3 : c[10] % 6;
  if (layout < 3) {
    const obj = Object.create(null);
    ids(obj);
    if (parentValue !== undefined) put(obj, keys.parent, parentValue, n(2));
    if (span.name !== null) put(obj, keys.name, span.name, n(3));
    if (span.service !== null) put(obj, keys.service, span.service, n(4));
    if (layout === 0) {
      put(obj, keys.start, encodeTime(span.startNs, c[11]), n(5));
      for (const [k, v] of encodeDuration(span.durationNs, c[12])) put(obj, k, v, n(6));
    } else if (layout === 1) {
      put(obj, keys.start, encodeTime(span.startNs, c[11]), n(5));
      put(obj, keys.end, encodeTime(endNs, c[12]), n(6));
    } else {
      put(obj, keys.end, encodeTime(endNs, c[11]), n(5));
      for (const [k, v] of encodeDuration(span.durationNs, c[12])) put(obj, k, v, n(6));
    }
    putTags(obj, span.tags, c[13]);
    lines.push({ obj, role: 'span' });
  } else {
    // Begin and end lines; name, service and parent each go on one of them.
    const begin = Object.create(null);
    const end = Object.create(null);
    const onEnd = (bit) => ((c[14] >> bit) & 1) === 1;
    const endVariant = layout - 3; // 0: end time, 1: phase + time, 2: duration (phase optional)
    if (endVariant === 1 || (endVariant === 2 && onEnd(5))) put(end, pick(PHASE_KEYS, c[15]), pick(END_WORDS, c[16]), false);
    const nameOnBegin = span.name !== null && !onEnd(1);
    if (!nameOnBegin || onEnd(6)) put(begin, pick(PHASE_KEYS, c[17]), pick(BEGIN_WORDS, c[18]), false);
    ids(begin);
    ids(end);
    if (parentValue !== undefined) put(onEnd(0) ? end : begin, keys.parent, parentValue, n(2));
    if (span.name !== null) put(nameOnBegin ? begin : end, keys.name, span.name, n(3));
    if (span.service !== null) put(onEnd(2) ? end : begin, keys.service, span.service, n(4));
    put(begin, keys.start, encodeTime(span.startNs, c[11]), n(5));
    if (endVariant === 0) put(end, keys.end, encodeTime(endNs, c[12]), n(6));
    else if (endVariant === 1) put(end, pick(FIELD_CONVENTIONS.start, c[19]), encodeTime(endNs, c[12]), n(6));
    else for (const [k, v] of encodeDuration(span.durationNs, c[12])) put(end, k, v, n(6));
    const [tagsBegin, tagsEnd] = splitTags(span.tags, c[20]);
    putTags(begin, tagsBegin, c[13]);
    putTags(end, tagsEnd, c[13] >> 2);
    lines.push({ obj: begin, role: 'begin' }, { obj: end, role: 'end' });
  }
  for (const event of span.events) {
    const e = event.choices;
    const ek = roleKeys(e);
    const obj = Object.create(null);
    put(obj, ek.trace, encodeId(span.traceId, e[8]), ((e[7] >> 0) & 1) === 1);
    put(obj, ek.span, encodeId(span.spanId, e[8] >> 1), ((e[7] >> 1) & 1) === 1);
    put(obj, pick(MESSAGE_KEYS, e[9]), event.message, false);
    if (event.timeNs !== null) put(obj, ek.start, encodeTime(event.timeNs, e[11]), ((e[7] >> 5) & 1) === 1);
    putTags(obj, event.fields, e[13]);
    lines.push({ obj, role: 'event' });
  }
  const decorate = (line, i) => ({
    ...line,
    traceId: span.traceId,
    spanId: span.spanId,
    prefix: pick(PREFIXES, c[21] >> (i * 3)),
    asciiOnly: ((c[22] >> i) & 1) === 1,
    spaced: ((c[23] >> i) & 1) === 1,
  });
  return lines.map(decorate);
}

/** A tiny deterministic PRNG (mulberry32) for the line order. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The forest as log lines, shuffled: `[{text, role, traceId, spanId}]`.
 * `role` is span | begin | end | event.
 */
export function encodeForest(forest) {
  const lines = [];
  for (const trace of forest.traces) for (const span of trace.spans) lines.push(...spanLines(span, forest.wholeLines === true));
  const random = prng(forest.orderSeed);
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  return lines.map((line) => ({
    text: `${line.prefix}${writeJson(line.obj, line)}`,
    role: line.role,
    traceId: line.traceId,
    spanId: line.spanId,
  }));
}

/**
 * JSON text written independently of tracelog's own writer: LosslessNumber as
 * its bare digits, other numbers by String(), optionally every non-ASCII
 * character as a \u escape and spaces between tokens.
 */
export function writeJson(value, { asciiOnly = false, spaced = false } = {}) {
  const str = (s) => {
    const text = JSON.stringify(s);
    return asciiOnly ? text.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
  };
  const colon = spaced ? ' : ' : ':';
  const comma = spaced ? ' , ' : ',';
  const write = (v) => {
    if (v === null) return 'null';
    if (v instanceof LosslessNumber) return v.text;
    if (typeof v === 'string') return str(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return `[${v.map(write).join(comma)}]`;
    return `{${Object.keys(v).map((k) => `${str(k)}${colon}${write(v[k])}`).join(comma)}}`;
  };
  return write(value);
}
