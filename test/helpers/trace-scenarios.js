// Hand-made traces for the renderer's tests and goldens, one per scenario.
// Each is a function so every test gets fresh objects.

import { EPOCH_NS, makeSpan, makeTrace } from './spans.js';

const ms = (value) => BigInt(Math.round(value * 1e6));
const fields = (obj) => Object.assign(Object.create(null), obj);
const event = (atMs, name, extra = {}) => ({ timeNs: EPOCH_NS + ms(atMs), timeDigits: 3, name, fields: fields(extra) });

/** The book example: GET / calls an auth service, then a name service that queries a database. */
export function bookExample() {
  const root = 'c8a7d7e2-5f0b-4a55-9b3e-0f6f2f1c9a01';
  return makeTrace(
    [
      makeSpan({
        spanId: root,
        name: 'GET /',
        service: 'frontend',
        kind: 'server',
        durationMs: 124.6,
        tags: { hostname: 'web-1', user_name: 'ada', 'http.status_code': 200 },
      }),
      makeSpan({
        spanId: '3f1d2c4b-8e9a-4b7c-a6d5-e4f3a2b1c0d9',
        parentId: root,
        name: 'auth.Verify',
        service: 'auth',
        kind: 'client',
        startMs: 1.2,
        durationMs: 8.35,
        tags: { hostname: 'auth-7', user_name: 'ada' },
      }),
      makeSpan({
        spanId: '7b6a5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
        parentId: root,
        name: 'names.Lookup',
        service: 'names',
        startMs: 10.4,
        durationMs: 112.9,
        tags: { hostname: 'names-2' },
      }),
      makeSpan({
        spanId: 'e5d4c3b2-a1f0-4e9d-8c7b-6a5f4e3d2c1b',
        parentId: '7b6a5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
        name: 'SELECT name FROM users',
        service: 'postgres',
        startMs: 11.1,
        durationMs: 0.85,
      }),
      makeSpan({
        spanId: '0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d',
        parentId: '7b6a5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
        name: 'format greeting',
        service: 'names',
        startMs: 12.5,
        durationMs: 110.1,
      }),
    ],
    '4bf92f35-77b3-4da6-a3ce-929d0e0e4736',
  );
}

/** A fan-out of parallel calls, nested spans, then a sequential write: the critical path skips the fast branches. */
export function nestedParallel() {
  return makeTrace(
    [
      makeSpan({ spanId: 'r', name: 'POST /checkout', service: 'api', durationMs: 480 }),
      makeSpan({ spanId: 'v', parentId: 'r', name: 'validate cart', service: 'api', startMs: 2, durationMs: 18 }),
      makeSpan({ spanId: 'p1', parentId: 'r', name: 'price items', service: 'pricing', startMs: 22, durationMs: 140 }),
      makeSpan({ spanId: 'p2', parentId: 'r', name: 'check stock', service: 'inventory', startMs: 22.5, durationMs: 310 }),
      makeSpan({ spanId: 'p3', parentId: 'r', name: 'fraud score', service: 'risk', startMs: 23, durationMs: 95, error: true }),
      makeSpan({ spanId: 'p2a', parentId: 'p2', name: 'reserve', service: 'inventory', startMs: 30, durationMs: 120 }),
      makeSpan({ spanId: 'p2b', parentId: 'p2', name: 'reserve', service: 'inventory', startMs: 155, durationMs: 170 }),
      makeSpan({ spanId: 'p2b1', parentId: 'p2b', name: 'UPDATE stock', service: 'postgres', startMs: 160, durationMs: 150 }),
      makeSpan({ spanId: 'w', parentId: 'r', name: 'write order', service: 'orders', startMs: 335, durationMs: 140 }),
      makeSpan({ spanId: 'w1', parentId: 'w', name: 'INSERT order', service: 'postgres', startMs: 340, durationMs: 60 }),
      makeSpan({ spanId: 'w2', parentId: 'w', name: 'publish OrderPlaced', service: 'kafka', startMs: 402, durationMs: 0.2 }),
    ],
    'a3ce929d0e0e47364bf92f3577b34da6',
  );
}

/** A parent that never arrived: a placeholder holds its children (orphans) next to the real root. */
export function orphans() {
  return makeTrace(
    [
      makeSpan({ spanId: 'root', name: 'GET /report', service: 'web', durationMs: 60 }),
      makeSpan({ spanId: 'c1', parentId: 'root', name: 'load user', service: 'web', startMs: 1, durationMs: 9 }),
      makeSpan({
        spanId: '9f3c1a2b7d4e5f60',
        parentId: null,
        name: null,
        service: null,
        synthetic: true,
        startMs: 12,
        durationMs: 46,
      }),
      makeSpan({ spanId: 'o1', parentId: '9f3c1a2b7d4e5f60', name: 'render chart', service: 'charts', startMs: 12, durationMs: 30 }),
      makeSpan({ spanId: 'o2', parentId: '9f3c1a2b7d4e5f60', name: 'render table', service: 'charts', startMs: 20, durationMs: 38, error: true }),
      makeSpan({ spanId: 'o2a', parentId: 'o2', name: 'fetch rows', service: 'warehouse', startMs: 21, durationMs: 30 }),
    ],
    'orphan-trace-0001',
  );
}

/** Clocks that disagree: children that start before and end after their parent, shown at their raw times. */
export function clockSkew() {
  return makeTrace(
    [
      makeSpan({ spanId: 'r', name: 'GET /feed', service: 'gateway', startMs: 10, durationMs: 50 }),
      makeSpan({ spanId: 'a', parentId: 'r', name: 'timeline', service: 'timeline', startMs: 0, durationMs: 30, skew: true }),
      makeSpan({ spanId: 'b', parentId: 'r', name: 'ads', service: 'ads', startMs: 40, durationMs: 35, skew: true }),
      makeSpan({ spanId: 'c', parentId: 'r', name: 'cache', service: 'gateway', startMs: 12, durationMs: 5 }),
    ],
    'skew-trace',
  );
}

/** Duplicate ids, an unfinished span, an inferred start and a cycle cut. */
export function spanMarkers() {
  return makeTrace(
    [
      makeSpan({ spanId: 'r', name: 'job run', service: 'worker', durationMs: 200 }),
      makeSpan({ spanId: 'd', parentId: 'r', name: 'step', service: 'worker', startMs: 5, durationMs: 20, duplicate: true }),
      makeSpan({ spanId: 'd', parentId: 'r', name: 'step', service: 'worker', startMs: 30, durationMs: 25, duplicate: true }),
      makeSpan({ spanId: 'u', parentId: 'r', name: 'upload', service: 'storage', startMs: 60, durationMs: 0, unfinished: true }),
      makeSpan({ spanId: 'i', parentId: 'r', name: 'notify', service: 'mailer', startMs: 0, durationMs: 15, startInferred: true }),
      makeSpan({ spanId: 'y', parentId: null, name: 'loop', service: 'worker', startMs: 100, durationMs: 40, cycleParentId: 'z' }),
    ],
    'markers-trace',
  );
}

/** Wide and zero-width characters: CJK, emoji, a combining accent. */
export function wideCharacters() {
  return makeTrace(
    [
      makeSpan({ spanId: 'r', name: '注文を処理する', service: '注文', durationMs: 90 }),
      makeSpan({ spanId: 'a', parentId: 'r', name: '🚀 launch 🚀', service: 'rocket', startMs: 5, durationMs: 40 }),
      makeSpan({ spanId: 'b', parentId: 'r', name: 'cafe\u0301 au lait', service: 'café', startMs: 50, durationMs: 20 }),
      makeSpan({ spanId: 'c', parentId: 'b', name: '検索インデックスを再構築して結果を返す処理', service: '検索', startMs: 52, durationMs: 15 }),
    ],
    'wide-trace',
  );
}

/** Names far longer than any terminal. */
export function longNames() {
  return makeTrace(
    [
      makeSpan({
        spanId: 'r',
        name: 'com.example.billing.v2.InvoiceService/GenerateMonthlyStatementForEnterpriseCustomersWithAttachments',
        service: 'billing-service-production-eu-west-1-canary',
        durationMs: 2400,
      }),
      makeSpan({
        spanId: 'a',
        parentId: 'r',
        name: 'SELECT invoices.id, invoices.total, customers.name FROM invoices JOIN customers ON customers.id = invoices.customer_id WHERE invoices.month = $1',
        service: 'postgres',
        startMs: 100,
        durationMs: 1900,
      }),
      makeSpan({ spanId: 'b', parentId: 'a', name: 'x', service: 'pg-pool', startMs: 101, durationMs: 2 }),
    ],
    'long-names-trace-0123456789abcdef0123456789abcdef',
  );
}

/** Four levels deep with errors down below, for --depth. */
export function deepTree() {
  return makeTrace(
    [
      makeSpan({ spanId: 'r', name: 'GET /search', service: 'api', durationMs: 300 }),
      makeSpan({ spanId: 'a', parentId: 'r', name: 'query', service: 'search', startMs: 10, durationMs: 200 }),
      makeSpan({ spanId: 'a1', parentId: 'a', name: 'shard 1', service: 'search', startMs: 12, durationMs: 150 }),
      makeSpan({ spanId: 'a1x', parentId: 'a1', name: 'scan', service: 'search', startMs: 15, durationMs: 100, error: true }),
      makeSpan({ spanId: 'a2', parentId: 'a', name: 'shard 2', service: 'search', startMs: 12, durationMs: 190 }),
      makeSpan({ spanId: 'a2x', parentId: 'a2', name: 'scan', service: 'search', startMs: 15, durationMs: 180, error: true }),
      makeSpan({ spanId: 'b', parentId: 'r', name: 'rank', service: 'ranker', startMs: 215, durationMs: 80 }),
      makeSpan({ spanId: 'b1', parentId: 'b', name: 'model', service: 'ml', startMs: 220, durationMs: 70 }),
    ],
    'deep-trace',
  );
}

/** Spans with events (log lines inside a span), one outside its span. */
export function withEvents() {
  return makeTrace(
    [
      makeSpan({
        spanId: 'r',
        name: 'POST /upload',
        service: 'api',
        durationMs: 800,
        events: [event(1, 'request accepted', { size: 1048576 }), event(790, 'response sent', { status: 201 })],
      }),
      makeSpan({
        spanId: 'a',
        parentId: 'r',
        name: 'virus scan',
        service: 'scanner',
        startMs: 20,
        durationMs: 500,
        events: [event(120, 'signatures loaded'), event(480, 'clean', { engine: 'clam' })],
      }),
      makeSpan({
        spanId: 'b',
        parentId: 'r',
        name: 'store',
        service: 'storage',
        startMs: 530,
        durationMs: 250,
        error: true,
        statusMessage: 'bucket quota exceeded',
        events: [event(700, 'retrying', { attempt: 2 }), { timeNs: null, timeDigits: 0, name: 'undated note', fields: fields({}) }],
      }),
    ],
    'events-trace',
  );
}

/** Tags on spans, for --tag and --all-tags. */
export function withTags() {
  return makeTrace(
    [
      makeSpan({
        spanId: 'r',
        name: 'GET /profile',
        service: 'frontend',
        kind: 'server',
        durationMs: 45,
        tags: { hostname: 'web-3', user_name: 'grace', 'http.method': 'GET', retries: 0 },
      }),
      makeSpan({
        spanId: 'a',
        parentId: 'r',
        name: 'profile.Get',
        service: 'profiles',
        startMs: 3,
        durationMs: 38,
        tags: { hostname: 'prof-1', region: 'eu', flags: { beta: true, tiers: [1, 2] } },
      }),
    ],
    'tags-trace',
  );
}

/** Control characters and escape sequences in every text field. */
export function hostileText() {
  const nasty = 'a\u001b[2Jb\u001b]8;;http://evil.example\u0007link\u001b]8;;\u0007c\u0007d\re\u202ef\u009bg\u0000h\u007fi\u200ej\u2066k\tl\nm';
  return makeTrace(
    [
      makeSpan({
        spanId: `s${nasty}`,
        name: `root ${nasty}`,
        service: `svc ${nasty}`,
        durationMs: 10,
        tags: fields({ [`key${nasty}`]: `value ${nasty}` }),
        events: [event(2, `event ${nasty}`, { [`f${nasty}`]: nasty })],
      }),
      makeSpan({ spanId: 'c', parentId: `s${nasty}`, name: nasty, service: nasty, startMs: 1, durationMs: 5, error: true, statusMessage: nasty }),
    ],
    `trace${nasty}`,
  );
}

/** Every scenario by name, for loops over all of them. */
export const SCENARIOS = {
  bookExample,
  nestedParallel,
  orphans,
  clockSkew,
  spanMarkers,
  wideCharacters,
  longNames,
  deepTree,
  withEvents,
  withTags,
  hostileText,
};
