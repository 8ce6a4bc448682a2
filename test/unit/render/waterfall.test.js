import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayWidth } from '../../../dist/render/display-width.js';
import { renderWaterfall, renderWaterfalls } from '../../../dist/render/waterfall.js';
import { EPOCH_NS, makeSpan, makeTrace } from '../../helpers/spans.js';
import * as scenarios from '../../helpers/trace-scenarios.js';

const ALL_OPTIONS = { events: true, tags: ['hostname', 'user_name', 'region'], allTags: true };
const view = (trace, options = {}) => renderWaterfall(trace, { widthCols: 100, colorLevel: 0, ...options });
/** The first framed row (span, event, tag or collapsed row) containing `text`. */
const rowOf = (lines, text) => lines.find((line) => /[│┃]$/.test(line) && line.includes(text));

/** A small deterministic generator, so a failing width can be reproduced. */
function* randomWidths(count, seed = 42) {
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    yield 30 + (state % 171);
  }
}

test('no line is wider than the width, for random widths from 30 to 200', () => {
  const widths = [30, 31, 40, 59, 60, 200, ...randomWidths(30)];
  for (const [name, make] of Object.entries(scenarios.SCENARIOS)) {
    for (const widthCols of widths) {
      for (const [colorLevel, options] of [
        [0, {}],
        [0, ALL_OPTIONS],
        [3, { ...ALL_OPTIONS, depth: 1 }],
      ]) {
        for (const line of renderWaterfall(make(), { widthCols, colorLevel, ...options })) {
          assert.ok(displayWidth(line) <= widthCols, `${name} at ${widthCols} (level ${colorLevel}): ${JSON.stringify(line)}`);
        }
      }
    }
  }
});

test('span rows fill the width exactly, so the frame lines up', () => {
  for (const widthCols of [40, 73, 120]) {
    const lines = view(scenarios.wideCharacters(), { widthCols });
    for (const line of lines.filter((l) => /[│┃]$/.test(l))) assert.equal(displayWidth(line), widthCols, line);
  }
});

test('below 30 columns the output degrades but never overflows', () => {
  for (let widthCols = 1; widthCols < 30; widthCols++) {
    for (const line of view(scenarios.bookExample(), { widthCols, ...ALL_OPTIONS })) {
      assert.ok(displayWidth(line) <= widthCols, `${widthCols}: ${line}`);
    }
  }
});

const HOSTILE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

test('escape sequences and control characters from the input never reach the terminal', () => {
  const trace = scenarios.hostileText();
  const off = view(trace, ALL_OPTIONS).join('\n');
  assert.ok(!off.includes('\u001b'), 'no ESC at all with colour off');
  assert.ok(!HOSTILE.test(off.replaceAll('\n', ' ')), 'no control character with colour off');
  assert.ok(off.includes('\\x1b[2J') && off.includes('\\u202e') && off.includes('\\x9b') && off.includes('\\x07'));
  for (const colorLevel of [1, 2, 3]) {
    const on = view(trace, { ...ALL_OPTIONS, colorLevel }).join('\n');
    // Only our own SGR colour sequences: take them out and nothing unsafe remains.
    const stripped = on.replace(/\u001b\[[0-9;]*m/g, '');
    assert.ok(!stripped.includes('\u001b'), `no foreign ESC at level ${colorLevel}`);
    assert.ok(!HOSTILE.test(stripped.replaceAll('\n', ' ')), `no control character at level ${colorLevel}`);
    assert.ok(!on.includes('\u001b]'), 'no OSC sequence (hyperlinks, titles)');
  }
});

test('colour off writes no ESC for any scenario or option', () => {
  for (const make of Object.values(scenarios.SCENARIOS)) {
    for (const line of view(make(), { ...ALL_OPTIONS, depth: 2 })) assert.ok(!line.includes('\u001b'), line);
  }
});

test('the header names the root, the trace, its start, duration and counts', () => {
  const [first, second] = view(scenarios.bookExample());
  assert.equal(
    first,
    'GET / (frontend) · trace 4bf92f35-77b3-4da6-a3ce-929d0e0e4736 · 2024-05-01T10:00:00.000Z · 125ms',
  );
  assert.equal(second, '  5 spans · 0 errors');
  const orphans = view(scenarios.orphans()).slice(0, 2).join('\n');
  assert.match(orphans, /5 spans · 1 error/);
  assert.match(orphans, /1 placeholder · 2 orphaned/);
  assert.match(view(scenarios.clockSkew()).slice(0, 2).join('\n'), /2 skewed/);
  assert.match(view(scenarios.spanMarkers()).slice(0, 2).join('\n'), /2 duplicates · 1 unfinished · 1 cycle cut/);
});

test('rows show tree guides, service, duration and self time', () => {
  const lines = view(scenarios.bookExample());
  assert.match(rowOf(lines, 'GET /   '), /^GET \/\s+frontend\s+125ms\s+3\.35ms ┃/);
  assert.match(rowOf(lines, 'auth.Verify'), /^├─ auth\.Verify\s+auth\s+8\.35ms\s+┃/);
  assert.match(rowOf(lines, 'names.Lookup'), /^└─ names\.Lookup\s+names\s+113ms\s+1\.95ms ┃/);
  assert.match(rowOf(lines, 'SELECT'), /^ {3}├─ SELECT name FROM users\s+postgres\s+850µs/);
  assert.match(rowOf(lines, 'format greeting'), /^ {3}└─ format greeting/);
});

test('errors, placeholders, orphans and anomalies are marked with characters, not only colour', () => {
  const parallel = view(scenarios.nestedParallel());
  assert.match(rowOf(parallel, 'fraud score'), /├─ ✗ fraud score/);
  const orphans = view(scenarios.orphans());
  assert.match(rowOf(orphans, 'missing parent'), /^missing parent 9f3c1a2b…\s+≥46ms\s+│\s+╌+/);
  assert.match(rowOf(orphans, 'render chart'), /^├╌ render chart/);
  assert.match(rowOf(orphans, 'render table'), /^└╌ ✗ render table/);
  assert.match(rowOf(orphans, 'fetch rows'), /^ {3}└─ fetch rows/);
  assert.match(rowOf(view(scenarios.clockSkew()), 'timeline'), /timeline ⚠ skew/);
  const markers = view(scenarios.spanMarkers());
  assert.equal(markers.filter((l) => l.includes('step dup')).length, 2);
  assert.match(rowOf(markers, 'upload'), /upload no end\s+storage\s+\?/);
  assert.match(rowOf(markers, 'notify'), /notify ~start/);
  assert.match(rowOf(markers, 'loop'), /^loop cycle/);
});

test('a root whose parent is simply absent is flagged as an orphan', () => {
  const trace = makeTrace([makeSpan({ spanId: 'a', parentId: 'gone', name: 'lost' })]);
  assert.match(rowOf(view(trace), 'lost'), /lost orphan/);
  assert.match(view(trace)[0], /1 orphaned/);
});

test('skewed spans are drawn at their raw times', () => {
  const lines = view(scenarios.clockSkew());
  // The child starting 10ms before its parent starts at the very left of the axis.
  assert.match(rowOf(lines, 'timeline'), /┃█/);
  assert.match(rowOf(lines, 'GET /feed'), /┃ +[▐▕█]/);
});

test('the critical path gets a heavy border, and none when turned off', () => {
  const lines = view(scenarios.nestedParallel());
  for (const name of ['POST /checkout', 'validate cart', 'check stock', 'UPDATE stock', 'write order', 'INSERT order']) {
    assert.match(rowOf(lines, name), / ┃/, name);
  }
  for (const name of ['price items', 'fraud score']) assert.match(rowOf(lines, name), / │/, name);
  const off = view(scenarios.nestedParallel(), { criticalPath: false });
  assert.ok(!off.some((line) => line.includes('┃')));
});

test('with colour, critical bars are bright and the others dimmer', () => {
  const lines = view(scenarios.nestedParallel(), { colorLevel: 1 });
  const barOf = (name) => {
    const line = lines.find((l) => l.includes(name));
    return line.slice(line.search(/[│┃]/));
  };
  assert.match(barOf('check stock'), /\u001b\[9[0-7]m█/, 'bright colour on the critical path');
  assert.doesNotMatch(barOf('price items'), /\u001b\[9[0-7]m/, 'normal colour off the critical path');
  assert.match(barOf('price items'), /\u001b\[3[0-7]m█/);
});

test('events: markers on the bars always, listed with offsets when asked', () => {
  const plain = view(scenarios.withEvents());
  assert.ok(rowOf(plain, 'virus scan').includes('◆'));
  assert.ok(!plain.some((l) => l.includes('signatures loaded')));
  const listed = view(scenarios.withEvents(), { events: true, widthCols: 120 });
  assert.match(rowOf(listed, 'signatures loaded'), /^│ {5}◆ \+120ms signatures loaded\s+│\s+◆\s+│$/);
  assert.match(rowOf(listed, 'request accepted'), /◆ \+1ms request accepted size=1048576/);
  assert.match(rowOf(listed, 'retrying'), /^ {6}◆ \+700ms retrying attempt=2/);
  assert.match(rowOf(listed, 'undated note'), /◆ \+\? undated note/);
  // Listed after their span, before its children.
  assert.ok(listed.indexOf(rowOf(listed, 'response sent')) < listed.indexOf(rowOf(listed, 'virus scan')));
});

test('tags: chosen keys on the row, every tag under the span with allTags', () => {
  const chosen = view(scenarios.withTags(), { tags: ['hostname', 'missing'] });
  assert.match(rowOf(chosen, 'GET /profile'), /GET \/profile hostname=web-3 /);
  assert.match(rowOf(chosen, 'profile.Get'), /profile\.Get hostname=prof-1 /);
  assert.ok(!chosen.some((l) => l.includes('missing=')));
  const all = view(scenarios.withTags(), { allTags: true });
  for (const text of ['kind: server', 'hostname=web-3', 'user_name=grace', 'http.method=GET', 'retries=0', 'region=eu', 'flags={"beta":true,"tiers":[1,2]}']) {
    assert.ok(rowOf(all, text), text);
  }
  assert.match(rowOf(all, 'region=eu'), /^ {6}region=eu/);
});

test('depth collapses deeper subtrees into one row that says what it hides', () => {
  const full = view(scenarios.deepTree());
  assert.equal(full.filter((l) => l.includes('spans,')).length, 0, 'nothing collapses unless asked');
  const one = view(scenarios.deepTree(), { depth: 1 });
  assert.match(rowOf(one, '+4 spans'), /^│ {2}└─ \+4 spans, 2 errors\s+190ms\s+┃ +░+ +│$/);
  assert.match(rowOf(one, '+1 span'), /└─ \+1 span  /);
  assert.ok(!one.some((l) => l.includes('shard')));
  const zero = view(scenarios.deepTree(), { depth: 0 });
  assert.match(rowOf(zero, '+7 spans'), /^└─ \+7 spans, 2 errors/);
  assert.equal(view(scenarios.deepTree(), { depth: 5 }).join('\n'), full.join('\n'));
});

test('long names are cut with an ellipsis; the bar keeps at least 40% of the width', () => {
  const lines = view(scenarios.longNames());
  const row = rowOf(lines, 'com.example');
  assert.match(row, /^com\.example\.billing\.v2\.\S*… /);
  const bar = row.slice(row.indexOf('┃') + 1, -1);
  assert.ok(bar.length >= 40, `bar ${bar.length}`);
});

test('narrow terminals drop the self and service columns, then shrink names', () => {
  const lines = view(scenarios.bookExample(), { widthCols: 40 });
  const titles = lines.find((l) => l.startsWith('span'));
  assert.ok(!titles.includes('service') && !titles.includes('self') && titles.includes('total'), titles);
  assert.match(rowOf(lines, 'auth.Verify'), /^├─auth\.Verify +8\.35ms ┃/);
});

test('wide characters are measured in columns', () => {
  const lines = view(scenarios.wideCharacters(), { widthCols: 80 });
  const rows = lines.filter((l) => /[│┃]$/.test(l) && !l.startsWith(' '));
  const borders = rows.map((l) => displayWidth(l.slice(0, Math.max(l.indexOf('┃'), l.indexOf('│')))));
  assert.equal(new Set(borders).size, 1, `left border column: ${borders}`);
  assert.ok(rowOf(lines, '検索インデックス').includes('…'));
});

test('traces without spans or without duration still render', () => {
  const empty = { traceId: 'x', roots: [], spanCount: 0, startNs: EPOCH_NS, endNs: EPOCH_NS, problems: [] };
  assert.deepEqual(view(empty), ['(no spans) · trace x · 2024-05-01T10:00:00Z · 0 · 0 spans · 0 errors']);
  const instant = view(makeTrace([makeSpan({ durationMs: 0 })]));
  assert.match(rowOf(instant, 'op'), /┃▏ +│$/);
});

test('renderWaterfalls puts one blank line between traces', () => {
  const lines = [...renderWaterfalls([scenarios.bookExample(), scenarios.clockSkew()], { widthCols: 80, colorLevel: 0 })];
  const a = renderWaterfall(scenarios.bookExample(), { widthCols: 80, colorLevel: 0 });
  assert.equal(lines[a.length], '');
  assert.equal(lines.length, a.length + 1 + renderWaterfall(scenarios.clockSkew(), { widthCols: 80, colorLevel: 0 }).length);
});

test('a 15,000-deep chain renders without recursion, guides kept within the name column', () => {
  const spans = [];
  for (let i = 0; i < 15_000; i++) {
    spans.push(makeSpan({ spanId: `s${i}`, parentId: i ? `s${i - 1}` : null, name: `op${i}`, startMs: i / 1000, durationMs: 50 - i / 1000 }));
  }
  const lines = view(makeTrace(spans), { widthCols: 80 });
  assert.equal(lines.filter((l) => /[│┃]$/.test(l)).length, 15_000);
  const deepest = rowOf(lines, 'op14999');
  assert.match(deepest, /^⋯ /);
  assert.equal(displayWidth(deepest), 80);
});

test('the start time keeps the precision the input wrote, and never hides a fraction', () => {
  const seconds = makeTrace([makeSpan({ startMs: 0, startDigits: 0 })]);
  assert.match(view(seconds)[0], / · 2024-05-01T10:00:00Z · /);
  const micro = makeTrace([makeSpan({ startMs: 123.456, startDigits: 6 })]);
  assert.match(view(micro)[0], / · 2024-05-01T10:00:00\.123456Z · /);
  // Written without a fraction, yet the time has one (e.g. taken from an event): shown in full.
  const hidden = makeTrace([makeSpan({ startMs: 500, startDigits: 0 })]);
  assert.match(view(hidden)[0], / · 2024-05-01T10:00:00\.5Z · /);
});
