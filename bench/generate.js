#!/usr/bin/env node
/**
 * Benchmark input: a realistic, deterministic JSON log, written once and cached
 * under bench/.cache/. Traces of 5–40 spans, about 2,000 in flight and
 * interleaved, in five field conventions (Honeycomb, OTel/pino, ECS, Datadog,
 * Go slog), each span logged when it ends (children before parents), with
 * ~10% ordinary log lines and ~0.1% garbage. Streamed: never the whole file in memory.
 *
 *   node bench/generate.js [--lines N] [--out FILE]
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump whenever the output for a given N changes: it is part of the cache key. */
export const GENERATOR_VERSION = 1;
export const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), '.cache');
export const DEFAULT_LINES = 1_000_000;
export const DEFAULT_SEED = 0x7ace106;

const EVENT_SHARE = 0.1;
const GARBAGE_SHARE = 0.001;
/** 2024-05-01T10:00:00Z in µs: every time is kept as integer µs (< 2^53). */
const EPOCH_US = 1_714_557_600_000_000;

// --- Seeded PRNG (sfc32): fast, good enough, identical on every machine. ---

/** Returns a function giving uniform floats in [0, 1) from a 32-bit seed. */
export function createRandom(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** Helpers over one PRNG. */
function createPicker(random) {
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(random() * list.length)];
  const chance = (p) => random() < p;
  const hex8 = () => Math.floor(random() * 4294967296).toString(16).padStart(8, '0');
  const hex16 = () => hex8() + hex8();
  const hex32 = () => hex16() + hex16();
  const uuid = () => {
    const h = hex32();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
  };
  /** An unsigned 64-bit id above 2^53, as decimal text (Datadog). */
  const bigDecimal = () => {
    const hi = BigInt(int(1 << 21, 0xffffffff));
    const lo = BigInt(Math.floor(random() * 4294967296));
    return ((hi << 32n) | lo).toString();
  };
  /** Log-uniform integer in [lo, hi]. */
  const logInt = (lo, hi) => Math.floor(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))));
  return { random, int, pick, chance, hex16, hex32, uuid, bigDecimal, logInt };
}

// --- JSON text: built as strings, so big integers stay JSON numbers and no object is made per line. ---

/** `,"key":value` for a known-safe ASCII key; numbers and booleans as is, strings escaped. */
function field(key, value) {
  return `,"${key}":${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
}

/** `,"key":text` with `text` already JSON (a decimal id above 2^53 written as a number). */
function rawField(key, text) {
  return `,"${key}":${text}`;
}

/** `{…}` from the text of `field()` calls (drops the leading comma). */
function object(fields) {
  return `{${fields.slice(1)}}`;
}

// --- Times and durations in their conventional encodings. ---

const pad = (n, width) => String(n).padStart(width, '0');

/** RFC 3339 UTC with `digits` fractional digits (3 or 6). */
function rfc3339(us, digits) {
  const iso = new Date(Math.floor(us / 1000)).toISOString(); // …T10:00:00.123Z
  return digits === 3 ? iso : `${iso.slice(0, 23)}${pad(us % 1000, 3)}Z`;
}

/** Go RFC3339Nano with a local offset and trailing zeros trimmed (slog). */
function rfc3339NanoOffset(us, extraNs, offsetMin) {
  const local = new Date(Math.floor(us / 1000) + offsetMin * 60_000).toISOString().slice(0, 19);
  const frac = `${pad(us % 1_000_000, 6)}${pad(extraNs, 3)}`.replace(/0+$/, '');
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${frac ? `.${frac}` : ''}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/** Go `time.Duration.String()`: 850ns, 12.5µs, 1.234567ms, 2.5s, 1m3.5s. */
function goDuration(ns) {
  if (ns < 1000) return `${ns}ns`;
  const trim = (n, div) => {
    const whole = Math.floor(n / div);
    const frac = String(n % div).padStart(String(div).length - 1, '0').replace(/0+$/, '');
    return frac ? `${whole}.${frac}` : String(whole);
  };
  if (ns < 1_000_000) return `${trim(ns, 1000)}µs`;
  if (ns < 1_000_000_000) return `${trim(ns, 1_000_000)}ms`;
  const s = ns / 1_000_000_000;
  if (s < 60) return `${trim(ns, 1_000_000_000)}s`;
  return `${Math.floor(s / 60)}m${trim(ns % 60_000_000_000, 1_000_000_000)}s`;
}

// --- What spans do: names, services and tags by kind of work. ---

const ROUTES = ['/api/cart', '/api/cart/items', '/api/checkout', '/api/orders/{id}', '/api/users/{id}', '/api/search', '/api/catalog/{sku}', '/healthz', '/api/payments', '/api/recommendations'];
const SERVICES = ['frontend', 'checkout', 'cart', 'payments', 'inventory', 'search', 'users', 'recommendations', 'shipping', 'email'];
const TABLES = ['orders', 'order_items', 'users', 'carts', 'products', 'payments', 'inventory', 'sessions'];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-northeast-1', 'sa-east-1'];
const CITIES = ['Zürich', 'São Paulo', '東京', 'München', 'Kraków', 'Montréal', 'Reykjavík', 'İstanbul'];
const EVENT_MESSAGES = ['cache miss', 'retrying request', 'slow query', 'acquired connection from pool', 'feature flag evaluated', 'rate limit close', 'payload validated', 'fallback to replica', 'token refreshed', 'queue depth high'];
const SPAN_KINDS = ['server', 'client', 'internal', 'producer', 'consumer'];

/**
 * Fields each convention adds that end up as tags (level, message, host…): they
 * count towards the 5–10 tags of a line.
 */
const CONVENTION_TAGS = 4;

/** Tag generators per kind of work; a span gets 5–10 of them, keys distinct. */
function createWork(p) {
  const common = [
    ['host', () => `ip-10-0-${p.int(0, 255)}-${p.int(0, 255)}`],
    ['pod', () => `${p.pick(SERVICES)}-${p.hex16().slice(0, 5)}`],
    ['region', () => p.pick(REGIONS)],
    ['version', () => `1.${p.int(0, 40)}.${p.int(0, 9)}`],
    ['env', () => (p.chance(0.9) ? 'prod' : 'staging')],
    ['user.id', () => p.int(1, 999_999)],
    ['thread', () => p.int(1, 64)],
    ['sampled', () => p.chance(0.95)],
  ];
  const http = [
    ['http.method', () => p.pick(['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'])],
    ['http.route', () => p.pick(ROUTES)],
    ['http.status_code', () => (p.chance(0.97) ? p.pick([200, 200, 200, 201, 204, 304, 404]) : p.pick([500, 502, 503]))],
    ['user_agent', () => p.pick(['okhttp/4.12.0', 'curl/8.5.0', 'Go-http-client/2.0'])],
    ['peer.ip', () => `10.${p.int(0, 255)}.${p.int(0, 255)}.${p.int(1, 254)}`],
    ['bytes', () => p.logInt(10, 2_000_000)],
    ['city', () => p.pick(CITIES)],
  ];
  const db = [
    ['db.system', () => p.pick(['postgresql', 'mysql'])],
    ['db.statement', () => `SELECT * FROM ${p.pick(TABLES)} WHERE "id" = $1 LIMIT ${p.int(1, 100)}`],
    ['db.rows', () => p.int(0, 500)],
    ['db.name', () => p.pick(['shop', 'accounts', 'catalog'])],
    ['pool.wait_ms', () => Math.round(p.random() * 5000) / 1000],
  ];
  const cache = [
    ['db.system', () => 'redis'],
    ['cache.hit', () => p.chance(0.8)],
    ['cache.key', () => `s:${p.hex16().slice(0, 10)}`],
    ['cache.ttl', () => p.pick([30, 60, 300, 3600])],
  ];
  const queue = [
    ['mq.system', () => 'kafka'],
    ['mq.topic', () => p.pick(['orders', 'emails', 'stock'])],
    ['mq.partition', () => p.int(0, 31)],
    ['mq.offset', () => p.int(0, 9_999_999)],
  ];
  const kinds = [
    { weight: 4, name: () => `${p.pick(['GET', 'GET', 'POST'])} ${p.pick(ROUTES)}`, tags: [...http, ...common] },
    { weight: 3, name: () => `SELECT ${p.pick(TABLES)}`, tags: [...db, ...common] },
    { weight: 2, name: () => `redis ${p.pick(['GET', 'SET', 'MGET', 'EXPIRE'])}`, tags: [...cache, ...common] },
    { weight: 1, name: () => `${p.pick(['orders', 'emails', 'stock'])} ${p.pick(['publish', 'process'])}`, tags: [...queue, ...common] },
    { weight: 2, name: () => p.pick(['render template', 'compute price', 'validate cart', 'apply discounts']), tags: common },
  ];
  const total = kinds.reduce((s, k) => s + k.weight, 0);
  return () => {
    let r = p.random() * total;
    let work = kinds[kinds.length - 1];
    for (const k of kinds) if ((r -= k.weight) < 0) { work = k; break; }
    const pool = work.tags;
    const want = Math.max(1, p.int(5, Math.min(10, pool.length)) - CONVENTION_TAGS);
    // A partial Fisher–Yates shuffle picks `want` distinct tags.
    const order = pool.map((_, i) => i);
    let tagsText = '';
    let failed = false;
    for (let i = 0; i < want; i++) {
      const j = i + Math.floor(p.random() * (order.length - i));
      [order[i], order[j]] = [order[j], order[i]];
      const [key, makeValue] = pool[order[i]];
      const value = makeValue();
      if (key === 'http.status_code' && value >= 500) failed = true;
      tagsText += field(key, value);
    }
    return { name: work.name(), tagsText, failed };
  };
}

// --- Traces: a span tree with nested times, then its lines in end order. ---

const CONVENTIONS = [
  ['honeycomb', 30],
  ['otel', 25],
  ['ecs', 20],
  ['datadog', 15],
  ['slog', 10],
];

function pickConvention(p) {
  let r = p.random() * 100;
  for (const [name, weight] of CONVENTIONS) if ((r -= weight) < 0) return name;
  return 'honeycomb';
}

/**
 * Builds one trace: `spanCount` spans whose intervals nest inside their
 * parent's (a child ends at least 1 µs before its parent), plus events.
 */
function buildTrace(p, work, { spanCount, startUs, eventShare }) {
  const convention = pickConvention(p);
  const traceId = convention === 'datadog' ? p.bigDecimal() : convention === 'honeycomb' ? p.uuid() : p.hex32();
  const spanId =
    convention === 'datadog' ? p.bigDecimal
    : convention === 'honeycomb' && p.chance(0.25) ? p.uuid
    : p.hex16;
  const rootDurUs = p.logInt(5_000, 2_000_000);
  const spans = [];
  const root = { id: spanId(), parent: -1, depth: 0, startUs, durUs: rootDurUs, service: p.pick(SERVICES), kind: 'server', ...work() };
  spans.push(root);
  for (let i = 1; i < spanCount; i++) {
    // A random earlier span with room for a child; fall back to the root.
    let parentIndex = 0;
    for (let tries = 0; tries < 4; tries++) {
      const candidate = Math.floor(p.random() * spans.length);
      const c = spans[candidate];
      if (c.durUs >= 20 && c.depth < 12) {
        parentIndex = candidate;
        break;
      }
    }
    const parent = spans[parentIndex];
    const offsetUs = Math.floor(p.random() * parent.durUs * 0.6);
    const roomUs = parent.durUs - offsetUs - 1;
    const durUs = Math.max(1, Math.floor(roomUs * (0.05 + p.random() * 0.9)));
    spans.push({
      id: spanId(),
      parent: parentIndex,
      depth: parent.depth + 1,
      startUs: parent.startUs + offsetUs,
      durUs: Math.min(durUs, Math.max(1, roomUs)),
      service: p.chance(0.7) ? parent.service : p.pick(SERVICES),
      kind: p.pick(SPAN_KINDS),
      ...work(),
    });
  }
  const lines = [];
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    s.error = s.failed || p.chance(0.01);
    lines.push({ timeUs: s.startUs + s.durUs, span: i, event: false });
    if (eventShare > 0 && p.random() < eventShare / (1 - eventShare)) {
      lines.push({ timeUs: s.startUs + Math.floor(p.random() * s.durUs), span: i, event: true });
    }
  }
  // Logged as it happens: events at their time, spans when they end (children first).
  lines.sort((a, b) => a.timeUs - b.timeUs || b.span - a.span);
  return { convention, traceId, spans, lines, next: 0, offsetMin: p.pick([0, 60, 120, -300, 330]) };
}

const GARBAGE = [
  () => 'panic: runtime error: invalid memory address or nil pointer dereference',
  () => '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x4a2f1c]',
  () => '2024-05-01 10:00:00,123 INFO  [main] o.a.c.c.StandardService - Starting service [Tomcat]',
  () => '\tat com.example.cart.CartService.add(CartService.java:118)',
  (p) => `{"trace_id":"${p.hex32()}","span_id":"${p.hex16().slice(0, 9)}`,
  () => '{"level":30,"msg":"unterminated string}',
  () => '[1,2,3]',
  () => 'null',
  () => '"just a string"',
  () => '{"msg":"no trace fields here","level":"info"}',
  () => '{"trace_id":12,"span_id":}',
  () => '',
  () => '\u001b[31mERROR\u001b[0m something went wrong',
];

/** The JSON text of one line (span or event) in its trace's convention. */
function lineText(p, trace, line) {
  const s = trace.spans[line.span];
  const parent = s.parent >= 0 ? trace.spans[s.parent] : null;
  const timeUs = line.event ? line.timeUs : s.startUs;
  // Sub-µs digits for the ns encodings, from the id so they cost no randomness.
  const extraNs = line.event ? 0 : (s.id.charCodeAt(s.id.length - 1) % 10) * 100;
  const durNs = s.durUs * 1000 + extraNs;
  const eventFields = () => {
    let f = '';
    if (p.chance(0.5)) f += field('attempt', p.int(1, 3));
    if (p.chance(0.5)) f += field('client.city', p.pick(CITIES));
    if (p.chance(0.3)) f += field('detail', `pool=${p.int(1, 16)} waiting=${p.int(0, 40)} key=${p.hex16()}`);
    return f;
  };
  const level = s.error ? 'error' : 'info';
  let f = '';
  switch (trace.convention) {
    case 'honeycomb': {
      f += field('timestamp', rfc3339(timeUs, s.id.length > 20 ? 3 : 6));
      f += field('trace.trace_id', trace.traceId);
      f += field('trace.span_id', s.id);
      if (line.event) {
        f += field('level', p.pick(['info', 'info', 'warn', 'debug']));
        f += field('msg', p.pick(EVENT_MESSAGES)) + eventFields();
        break;
      }
      f += field('trace.parent_id', parent ? parent.id : '');
      f += field('name', s.name) + field('service.name', s.service) + field('span.kind', s.kind);
      f += field('duration_ms', Math.round(durNs / 1000) / 1000);
      if (s.error) f += field('error', 'upstream returned an error');
      f += s.tagsText;
      break;
    }
    case 'otel': {
      f += field('level', line.event ? p.pick([20, 30, 30, 40]) : s.error ? 50 : 30);
      f += field('time', Math.floor(timeUs / 1000));
      f += field('pid', 4000 + (trace.traceId.charCodeAt(0) % 50));
      f += field('hostname', `${s.service}-7d9f`);
      f += field('trace_id', trace.traceId) + field('span_id', s.id) + field('trace_flags', '01');
      if (line.event) {
        f += field('msg', p.pick(EVENT_MESSAGES)) + eventFields();
        break;
      }
      if (parent) f += field('parent_span_id', parent.id);
      f += field('span_name', s.name) + field('service_name', s.service) + field('kind', s.kind.toUpperCase());
      f += field('duration_ns', durNs) + s.tagsText;
      break;
    }
    case 'ecs': {
      // Flat dotted keys, or nested objects: ECS allows both.
      const nested = trace.traceId.charCodeAt(1) % 2 === 0;
      const isTransaction = !parent || parent.service !== s.service;
      const ecs = [
        ['log.level', line.event ? p.pick(['info', 'warn', 'debug']) : level],
        ['service.name', s.service],
        ['trace.id', trace.traceId],
        [isTransaction ? 'transaction.id' : 'span.id', s.id],
      ];
      if (!line.event) {
        if (parent) ecs.push(['parent.id', parent.id]);
        ecs.push([isTransaction ? 'transaction.name' : 'span.name', s.name]);
        ecs.push(['event.duration', durNs], ['event.outcome', s.error ? 'failure' : 'success']);
      }
      f += field('@timestamp', rfc3339(timeUs, 6));
      if (nested) {
        const groups = new Map();
        for (const [key, value] of ecs) {
          const dot = key.indexOf('.');
          const head = key.slice(0, dot);
          groups.set(head, (groups.get(head) ?? '') + field(key.slice(dot + 1), value));
        }
        for (const [head, inner] of groups) f += rawField(head, object(inner));
      } else {
        for (const [key, value] of ecs) f += field(key, value);
      }
      f += field('message', line.event ? p.pick(EVENT_MESSAGES) : 'done');
      f += line.event ? eventFields() : s.tagsText;
      break;
    }
    case 'datadog': {
      f += field('timestamp', Math.floor(timeUs / 1000));
      f += field('level', line.event ? p.pick(['info', 'warn']) : level);
      if (line.event) {
        // dd-trace's own log injection: a nested object of decimal strings.
        const dd = field('trace_id', trace.traceId) + field('span_id', s.id) + field('service', s.service) + field('env', 'prod');
        f += rawField('dd', object(dd)) + field('message', p.pick(EVENT_MESSAGES)) + eventFields();
        break;
      }
      // Other pipelines: flat keys, ids as JSON numbers above 2^53.
      f += rawField('dd.trace_id', trace.traceId) + rawField('dd.span_id', s.id);
      if (parent) f += rawField('dd.parent_id', parent.id);
      f += field('dd.service', s.service) + field('dd.env', 'prod') + field('operation_name', s.name);
      f += field('duration_ns', durNs) + s.tagsText + field('message', 'finished');
      break;
    }
    default: {
      // Go log/slog JSONHandler: local offset, Go duration strings.
      f += field('time', rfc3339NanoOffset(timeUs, extraNs, trace.offsetMin));
      f += field('level', line.event ? p.pick(['INFO', 'WARN', 'DEBUG']) : s.error ? 'ERROR' : 'INFO');
      f += field('msg', line.event ? p.pick(EVENT_MESSAGES) : 'done');
      f += field('trace_id', trace.traceId) + field('span_id', s.id);
      if (line.event) {
        f += eventFields();
        break;
      }
      f += field('parent_id', parent ? parent.id : '0000000000000000');
      f += field('name', s.name) + field('service', s.service) + field('duration', goDuration(durNs)) + s.tagsText;
      break;
    }
  }
  return object(f);
}

/**
 * An endless-capable source of log lines. `take(maxLines)` returns up to that
 * many lines as one string, each ending in "\n"; `emitted` counts lines so far.
 */
export function createLogGenerator({
  seed = DEFAULT_SEED,
  inFlight = 2000,
  minSpans = 5,
  maxSpans = 40,
  eventShare = EVENT_SHARE,
  garbageShare = GARBAGE_SHARE,
} = {}) {
  const p = createPicker(createRandom(seed));
  const work = createWork(p);
  // Min-heap of the next line of each trace in flight, by time then sequence.
  const heap = [];
  let seq = 0;
  const less = (a, b) => a.timeUs < b.timeUs || (a.timeUs === b.timeUs && a.seq < b.seq);
  const push = (item) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!less(heap[i], heap[up])) break;
      [heap[i], heap[up]] = [heap[up], heap[i]];
      i = up;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  };
  const schedule = (trace) => {
    const line = trace.lines[trace.next];
    push({ timeUs: line.timeUs, seq: seq++, trace });
  };
  const start = (startUs) => {
    const spanCount = p.int(minSpans, maxSpans);
    schedule(buildTrace(p, work, { spanCount, startUs, eventShare }));
  };
  // Stagger the first traces over a typical trace's life so the log starts mid-stream.
  for (let i = 0; i < inFlight; i++) start(EPOCH_US + Math.floor(p.random() * 2_000_000));

  const state = { emitted: 0 };
  const nextLine = () => {
    if (garbageShare > 0 && p.random() < garbageShare) return p.pick(GARBAGE)(p);
    const item = pop();
    const trace = item.trace;
    const text = lineText(p, trace, trace.lines[trace.next]);
    trace.next++;
    if (trace.next < trace.lines.length) schedule(trace);
    else start(item.timeUs + Math.floor(p.random() * 1000));
    return text;
  };
  return {
    get emitted() {
      return state.emitted;
    },
    take(maxLines) {
      let out = '';
      for (let i = 0; i < maxLines; i++) out += nextLine() + '\n';
      state.emitted += maxLines;
      return out;
    },
  };
}

/** Lines of traces written one after another (no interleaving, no noise). */
function createSequentialWriter(options) {
  return createLogGenerator({ inFlight: 1, eventShare: 0, garbageShare: 0, ...options });
}

/** Writes `lines` lines from `source` to `path` through a temporary file, under backpressure. */
async function writeLines(path, lines, source) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  try {
    const BATCH = 2000;
    for (let done = 0; done < lines; done += BATCH) {
      if (!out.write(source.take(Math.min(BATCH, lines - done)))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    renameSync(tmp, path);
  } catch (err) {
    out.destroy();
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
}

/** The cached log of `lines` lines, generated when missing. Returns its path and size. */
export async function ensureLogFile(lines = DEFAULT_LINES, { log = () => {} } = {}) {
  const path = join(CACHE_DIR, `log-v${GENERATOR_VERSION}-${lines}.jsonl`);
  if (!existsSync(path)) {
    const t0 = performance.now();
    log(`generating ${lines.toLocaleString('en-US')} lines → ${path}`);
    await writeLines(path, lines, createLogGenerator());
    log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { path, bytes: statSync(path).size, lines };
}

/**
 * Render-check inputs: one trace of 10,000 spans, and 1,000 traces of 20 spans
 * written one after another.
 */
export async function ensureRenderFiles({ log = () => {} } = {}) {
  const files = [
    { label: '1 trace × 10,000 spans', name: 'render-1x10000', spans: 10_000, traces: 1 },
    { label: '1,000 traces × 20 spans', name: 'render-1000x20', spans: 20, traces: 1000 },
  ];
  const result = [];
  for (const f of files) {
    const path = join(CACHE_DIR, `${f.name}-v${GENERATOR_VERSION}.jsonl`);
    const lines = f.spans * f.traces;
    if (!existsSync(path)) {
      log(`generating ${f.label} → ${path}`);
      await writeLines(path, lines, createSequentialWriter({ minSpans: f.spans, maxSpans: f.spans, seed: DEFAULT_SEED + f.spans }));
    }
    result.push({ ...f, path, lines, bytes: statSync(path).size });
  }
  return result;
}

async function main(argv) {
  let lines = DEFAULT_LINES;
  let out = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--lines') lines = Number(argv[++i]);
    else if (arg === '--out') out = argv[++i];
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: node bench/generate.js [--lines N] [--out FILE]\n');
      return;
    } else throw new Error(`unknown argument: ${arg}`);
  }
  if (!Number.isInteger(lines) || lines <= 0) throw new Error('--lines takes a positive integer');
  const log = (m) => process.stderr.write(`${m}\n`);
  if (out) {
    await writeLines(out, lines, createLogGenerator());
    process.stdout.write(`${out}\n`);
  } else {
    const file = await ensureLogFile(lines, { log });
    process.stdout.write(`${file.path}\t${file.bytes} bytes\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`generate: ${err.message}\n`);
    process.exitCode = 2;
  });
}
