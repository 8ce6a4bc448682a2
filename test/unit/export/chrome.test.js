// Chrome Trace Event Format export: structural checks from FORMATS.md E (no
// official schema): phases, integer pid/tid, dur ≥ 0, and per-(pid, tid)
// slices that nest properly, which Perfetto and speedscope need.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignLanes, ChromeTraceBuilder, chromeTraceText, toChromeTrace } from '../../../dist/export/chrome.js';
import { allTraces, uuidTrace, datadogTrace, EPOCH_NS } from '../../helpers/export-traces.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';

/** Integer ns from a µs number with up to 3 fraction digits. */
const ns = (micros) => Math.round(micros * 1000);

function assertWellFormed(doc) {
  const text = JSON.stringify(doc);
  assert.doesNotMatch(text, /NaN|Infinity/);
  const parsed = JSON.parse(text);
  assert.equal(parsed.displayTimeUnit, 'ms');
  assert.equal(typeof parsed.otherData, 'object');
  const lanes = new Map();
  const named = new Set();
  const processes = new Set();
  for (const event of parsed.traceEvents) {
    assert.ok(['X', 'i', 'M'].includes(event.ph), `ph ${event.ph}`);
    assert.ok(Number.isInteger(event.pid) && Number.isInteger(event.tid), 'integer pid/tid');
    assert.equal(typeof event.name, 'string');
    if (event.ph === 'M') {
      if (event.name === 'process_name') processes.add(event.pid);
      if (event.name === 'thread_name') named.add(`${event.pid}/${event.tid}`);
      continue;
    }
    assert.equal(typeof event.ts, 'number');
    assert.ok(event.ts >= 0);
    if (event.ph === 'i') {
      assert.equal(event.s, 't');
      continue;
    }
    assert.equal(typeof event.dur, 'number');
    assert.ok(event.dur >= 0);
    const key = `${event.pid}/${event.tid}`;
    if (!lanes.has(key)) lanes.set(key, []);
    lanes.get(key).push(event);
  }
  for (const [key, slices] of lanes) {
    assert.ok(named.has(key), `lane ${key} is named`);
    assert.ok(processes.has(Number(key.split('/')[0])), `process of ${key} is named`);
    assertNested(key, slices);
  }
  return { parsed, lanes };
}

/** Every two slices on a lane are disjoint or one contains the other. */
function assertNested(key, slices) {
  const sorted = slices
    .map((e) => ({ start: ns(e.ts), end: ns(e.ts) + ns(e.dur), name: e.name }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const stack = [];
  for (const slice of sorted) {
    while (stack.length > 0 && stack[stack.length - 1].end <= slice.start) stack.pop();
    const top = stack[stack.length - 1];
    assert.ok(!top || slice.end <= top.end, `lane ${key}: "${slice.name}" partially overlaps "${top?.name}"`);
    stack.push(slice);
  }
}

test('all awkward traces: well formed, one named process per service', () => {
  const { parsed } = assertWellFormed(toChromeTrace(allTraces()));
  const processNames = parsed.traceEvents.filter((e) => e.name === 'process_name').map((e) => [e.pid, e.args.name]);
  assert.deepEqual(processNames, [
    [1, 'checkout'],
    [2, 'db'],
    [3, 'pricing'],
    [4, 'unknown_service'],
    [5, 'worker'],
    [6, 'api'],
  ]);
  assert.equal(parsed.traceEvents.filter((e) => e.ph === 'X').length, 11);
  assert.deepEqual(parsed.otherData, { generator: 'tracelog', traceCount: 4, spanCount: 11, startTimeUnixNano: String(EPOCH_NS) });
});

test('slices: relative µs with the ns kept as a fraction, ids and tags in args', () => {
  const doc = toChromeTrace([uuidTrace()]);
  const slices = doc.traceEvents.filter((e) => e.ph === 'X');
  const db = slices.find((e) => e.name === 'SELECT cart');
  assert.equal(db.ts, 10123.457);
  assert.equal(db.dur, 5000.001);
  assert.equal(db.cat, 'client');
  assert.equal(db.args.traceId, '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11');
  assert.equal(db.args.spanId, 'db-query-1');
  assert.equal(db.args.parentId, '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f');
  assert.equal(db.args.error, true);
  assert.equal(db.args.status, 'timeout after 5s');
  const root = slices.find((e) => e.name === 'GET /cart');
  assert.equal(root.ts, 0);
  assert.equal(root.dur, 152300);
  assert.equal(root.args.big, 9007199254740993n.toString()); // not a safe double: kept as text
  assert.deepEqual({ ...root.args.http }, { method: 'GET', status: 200, headers: ['a', 'b'] });
  assert.equal(root.args.nothing, null);
  assert.equal('parentId' in root.args, false);
  const pricing = slices.find((e) => e.name === 'rpc pricing');
  assert.equal(pricing.dur, 0.4); // 400 ns: sub-µs kept as a fraction
});

test('events become thread-scoped instants on their span lane', () => {
  const doc = toChromeTrace([uuidTrace()]);
  const root = doc.traceEvents.find((e) => e.ph === 'X' && e.name === 'GET /cart');
  const instants = doc.traceEvents.filter((e) => e.ph === 'i');
  assert.deepEqual(
    instants.map(({ args, ...rest }) => rest),
    [
      { ph: 'i', name: 'cache miss', s: 't', pid: root.pid, tid: root.tid, ts: 1500 },
      { ph: 'i', name: 'retry', s: 't', pid: root.pid, tid: root.tid, ts: 2000.001 },
    ],
  );
  assert.deepEqual({ ...instants[0].args }, { key: 'cart:42', size: 3 });
  assert.equal('args' in instants[1], false);
});

test('concurrent siblings get separate lanes; nested children share the parent lane', () => {
  const spans = [
    makeSpan({ spanId: 'root', name: 'root', startMs: 0, durationMs: 100 }),
    makeSpan({ spanId: 'a', parentId: 'root', name: 'a', startMs: 10, durationMs: 50 }),
    makeSpan({ spanId: 'b', parentId: 'root', name: 'b', startMs: 20, durationMs: 50 }), // overlaps a partially
    makeSpan({ spanId: 'c', parentId: 'root', name: 'c', startMs: 60, durationMs: 10 }), // after a ends: back on lane 1
    makeSpan({ spanId: 'a1', parentId: 'a', name: 'a1', startMs: 15, durationMs: 5 }),
    makeSpan({ spanId: 'late', parentId: 'root', name: 'late', startMs: 90, durationMs: 30 }), // past the root's end
    makeSpan({ spanId: 'same', parentId: 'root', name: 'same', startMs: 0, durationMs: 100 }), // same interval as root
  ];
  const { parsed, lanes } = assertWellFormed(toChromeTrace([makeTrace(spans)]));
  const tidOf = Object.fromEntries(parsed.traceEvents.filter((e) => e.ph === 'X').map((e) => [e.name, e.tid]));
  // `same` nests in root (its parent); `a` may not nest in its sibling `same`, so it opens lane 2.
  assert.equal(tidOf.root, 1);
  assert.equal(tidOf.same, 1);
  assert.equal(tidOf.a, 2);
  assert.equal(tidOf.a1, 2);
  assert.equal(tidOf.b, 3);
  assert.equal(tidOf.c, 2);
  assert.equal(tidOf.late, 2);
  assert.equal(lanes.size, 3);
  const threadNames = parsed.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args.name]);
  assert.deepEqual(threadNames, [
    [1, 'lane 1'],
    [2, 'lane 2'],
    [3, 'lane 3'],
  ]);
});

test('assignLanes: touching intervals share a lane, zero-length ones nest anywhere', () => {
  const iv = (s, e) => ({ startNs: BigInt(s), endNs: BigInt(e) });
  assert.deepEqual(assignLanes([iv(0, 10), iv(10, 20), iv(15, 30), iv(20, 20)]), [0, 0, 1, 0]);
  assert.deepEqual(assignLanes([iv(0, 10), iv(5, 5), iv(5, 15), iv(12, 13)]), [0, 0, 1, 0]);
  assert.deepEqual(assignLanes([]), []);
});

test('many overlapping async spans stay properly nested on every lane', () => {
  const spans = [makeSpan({ spanId: 'root', startMs: 0, durationMs: 1000 })];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 300; i++) {
    spans.push(
      makeSpan({
        spanId: `s${i}`,
        parentId: i < 20 ? 'root' : `s${Math.floor(random() * i)}`,
        startMs: Math.round(random() * 900_000) / 1000 + 0.000001 * i,
        durationMs: Math.round(random() * 200_000) / 1000,
        service: i % 2 ? 'odd' : 'even',
      }),
    );
  }
  assertWellFormed(toChromeTrace([makeTrace(spans)]));
  assertWellFormed(toChromeTrace([uuidTrace(), datadogTrace(), makeTrace(spans)]));
});

test('empty input gives an empty but valid document', () => {
  assert.deepEqual(toChromeTrace([]), {
    traceEvents: [],
    displayTimeUnit: 'ms',
    otherData: { generator: 'tracelog', traceCount: 0, spanCount: 0, startTimeUnixNano: '0' },
  });
});

test('chromeTraceText writes the document JSON.stringify writes, in pieces of about a MiB', () => {
  const many = [];
  for (let t = 0; t < 3000; t++) {
    const spans = [makeSpan({ spanId: `r${t}`, name: `root ${t}`, service: `svc${t % 7}`, startMs: t, durationMs: 10, tags: { n: t, text: 'x'.repeat(200) } })];
    for (let c = 0; c < 3; c++) spans.push(makeSpan({ spanId: `c${t}-${c}`, parentId: `r${t}`, service: `svc${(t + c) % 7}`, startMs: t + c, durationMs: 2 }));
    many.push(makeTrace(spans, `trace-${t}`));
  }
  for (const traces of [allTraces(), many, []]) {
    const pieces = [...chromeTraceText(traces)];
    assert.equal(pieces.join(''), JSON.stringify(toChromeTrace(traces)));
    if (traces === many) {
      assert.ok(pieces.length > 2, `${pieces.length} pieces`);
      assert.ok(pieces.every((p) => p.length < 2 ** 20 + 4096), 'no piece much over a MiB');
    }
  }
});

test('traces added in any order, each with its first appearance, give the document of start order', () => {
  const traces = [...allTraces(), uuidTrace(), datadogTrace()];
  // Start order as traces read whole come: start time, then first appearance (here: the index).
  const indexed = traces.map((trace, index) => [trace, index]).sort(([a, i], [b, j]) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : i - j));
  const expected = [...chromeTraceText(indexed.map(([trace]) => trace))].join('');
  for (const order of [[...indexed].reverse(), [...indexed.slice(1), indexed[0]], indexed.filter((_, k) => k % 2).concat(indexed.filter((_, k) => k % 2 === 0))]) {
    const builder = new ChromeTraceBuilder();
    for (const [trace, index] of order) builder.add(trace, index);
    assert.equal([...builder.text()].join(''), expected);
  }
  assert.ok(new Set(traces.map((t) => t.startNs)).size < traces.length || traces.length > 3);
});

/** A spill file kept in memory, for the builder's texts past its memory. */
function memorySpill() {
  const chunks = [];
  const state = { bytes: 0, texts: 0, closed: false };
  const spill = {
    append(bytes) {
      const offset = state.bytes;
      chunks.push(Buffer.from(bytes));
      state.bytes += bytes.length;
      return offset;
    },
    appendText(text) {
      state.texts += 1;
      const bytes = Buffer.from(text);
      return [spill.append(bytes), bytes.length];
    },
    read(target, at, length, offset) {
      Buffer.concat(chunks).copy(target, at, offset, offset + length);
    },
    close() {
      state.closed = true;
    },
  };
  return { spill, state };
}

test('texts past the builder\'s memory go to the spill file and come back the same, wide characters too', () => {
  const wide = makeTrace([
    makeSpan({ spanId: 'a1', name: 'café ☕ 😀', startMs: 0, durationMs: 5, tags: { 'ключ': 'значение 😀', n: 1 } }),
    makeSpan({ spanId: 'a2', parentId: 'a1', name: '料理', startMs: 1, durationMs: 2 }),
  ], 'wide');
  wide.roots[0].events.push({ timeNs: wide.roots[0].startNs + 1000n, timeDigits: 9, name: 'évènement ✓', fields: { 'clé': 'ü' } });
  const traces = [...allTraces(), uuidTrace(), datadogTrace(), wide];
  const expected = [...chromeTraceText(traces)].join('');
  assert.match(expected, /évènement ✓/);
  for (const memoryBytes of [0, 300, 3000]) {
    const { spill, state } = memorySpill();
    const builder = new ChromeTraceBuilder(() => spill, memoryBytes);
    for (const trace of traces) builder.add(trace);
    assert.equal([...builder.text()].join(''), expected, `memory ${memoryBytes}`);
    assert.ok(state.texts > 0, 'some texts were spilled');
    assert.ok(state.closed, 'the spill file is closed once written');
  }
  // No spill file to be had: everything stays in memory.
  const builder = new ChromeTraceBuilder(() => null, 0);
  for (const trace of traces) builder.add(trace);
  assert.equal([...builder.text()].join(''), expected);
});
