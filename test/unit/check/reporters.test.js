// Every check reporter, checked structurally: text table shape, JSON against its
// schema, JUnit parsed as XML with its counts, GitHub workflow command lines and
// the Markdown table, each also fed hostile names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderCheckReport, CHECK_FORMATS } from '../../../dist/check/reporters.js';
import { renderCheckText } from '../../../dist/check/render-check-text.js';
import { renderCheckJson } from '../../../dist/check/render-check-json.js';
import { renderCheckJunit, escapeXml } from '../../../dist/check/render-check-junit.js';
import { renderCheckGithub, escapeGithubData, escapeGithubProperty } from '../../../dist/check/render-check-github.js';
import { renderCheckMarkdown, escapeMarkdown } from '../../../dist/check/render-check-markdown.js';
import { failingResult, passingResult, manyViolations, HOSTILE, HOSTILE_TRACE, UNSAFE } from './report-fixture.js';

const FAILING = failingResult();
const PASSING = passingResult();
const SGR = /\x1b\[[0-9;]*m/g;

// ---------------------------------------------------------------- text

function tableRows(text) {
  return text.split('\n').filter((line) => line.startsWith('│')).map((line) => line.slice(1, -1).split('│').map((c) => c.trim()));
}

test('text: a table of violations, worst excess first, then warnings and a verdict', () => {
  const text = renderCheckText(FAILING);
  const [head, ...rows] = tableRows(text);
  assert.deepEqual(head, ['rule', 'service', 'span name', 'duration', 'limit', 'excess', 'trace id', 'span id']);
  assert.equal(rows.length, FAILING.violations.length);
  assert.deepEqual(rows[0].slice(3, 6), ['700ms', '500ms', '+200ms']);
  assert.equal(rows[0][0], 'max');
  const db = rows.find((r) => r[0] === 'db:*');
  assert.deepEqual([db[1], db[2], db[3], db[4], db[5]], ['db', 'query', '150ms', '100ms', '+50ms']);
  // Durations are right-aligned: padded on the left within their column.
  const line = text.split('\n').find((l) => l.includes('query'));
  assert.match(line, /│ +150ms │/);
  const lines = text.trimEnd().split('\n');
  assert.match(lines.at(-1), /^FAIL: 6 violations \(2 over limit, 1 percentile, 2 regressions, 1 structural\) in 13 spans across 3 traces; 2 warnings$/);
  assert.match(text, /warnings \(2\):\n {2}warning skew: web:skewed/);
  assert.match(text, /vanished: web:GET \/gone/);
  assert.match(text, /rules that matched no span: p50 \*:GET \/none/);
  // Every line of the table is part of the box: hostile names did not break it.
  const start = lines.findIndex((l) => l.startsWith('┌'));
  const end = lines.findIndex((l) => l.startsWith('└'));
  for (const l of lines.slice(start, end + 1)) assert.match(l, /^[┌│├└]/);
});

test('text: hostile names are escaped, colour only when asked', () => {
  const plain = renderCheckText(FAILING);
  assert.doesNotMatch(plain, UNSAFE);
  assert.ok(plain.includes('evil\\x1b[31m\\x07\\u202e|<script>'));
  assert.ok(plain.includes('tr<"&\\x1b>ace'));
  const coloured = renderCheckText(FAILING, { colorLevel: 1 });
  assert.match(coloured, SGR);
  assert.doesNotMatch(coloured.replace(SGR, ''), UNSAFE);
  assert.equal(coloured.replace(SGR, ''), plain);
});

test('text: a clean run says PASS; caps say how many are hidden', () => {
  assert.equal(renderCheckText(PASSING), 'PASS: no violations in 2 spans across 1 trace\n');
  const many = renderCheckText(manyViolations(30), { maxRows: 10 });
  assert.equal(tableRows(many).length, 11);
  assert.match(many, /… and 20 more violations not shown/);
});

// ---------------------------------------------------------------- json

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
const validateReport = ajv.compile(
  JSON.parse(readFileSync(new URL('../../../schema/check-report.schema.json', import.meta.url), 'utf8')),
);

test('json: valid against schema/check-report.schema.json, hostile text round-trips', () => {
  for (const result of [FAILING, PASSING, manyViolations(3), failingResult({ baseline: null })]) {
    const doc = JSON.parse(renderCheckJson(result));
    assert.ok(validateReport(doc), ajv.errorsText(validateReport.errors));
  }
  const doc = JSON.parse(renderCheckJson(FAILING));
  assert.equal(doc.exitCode, 1);
  assert.equal(doc.passed, false);
  assert.equal(doc.violationCount, 6);
  assert.equal(doc.violations[0].name, HOSTILE);
  assert.equal(doc.violations[0].traceId, HOSTILE_TRACE);
  assert.equal(doc.violations[0].durationNs, 700_000_000);
  assert.deepEqual(doc.baseline.vanished.map((o) => o.name), ['GET /gone']);
  const pass = JSON.parse(renderCheckJson(PASSING));
  assert.equal(pass.exitCode, 0);
  assert.equal(pass.baseline, null);
});

// ---------------------------------------------------------------- junit

const XML_INVALID = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'skipped'].includes(name),
});

function parseJunit(xml) {
  assert.equal(XMLValidator.validate(xml), true);
  assert.doesNotMatch(xml, XML_INVALID);
  return parser.parse(xml).testsuites;
}

test('junit: well-formed, with suite and total counts that match the test cases', () => {
  for (const result of [FAILING, PASSING, manyViolations(3)]) {
    const root = parseJunit(renderCheckJunit(result));
    let tests = 0;
    let failures = 0;
    let skipped = 0;
    for (const suite of root.testsuite) {
      const cases = suite.testcase;
      const f = cases.filter((c) => c.failure).length;
      const s = cases.filter((c) => !c.failure && c.skipped).length;
      assert.equal(Number(suite.tests), cases.length, suite.name);
      assert.equal(Number(suite.failures), f, suite.name);
      assert.equal(Number(suite.skipped), s, suite.name);
      assert.equal(Number(suite.errors), 0);
      for (const c of cases) assert.ok((c.failure?.length ?? 0) <= 1, 'at most one failure per test case');
      tests += cases.length;
      failures += f;
      skipped += s;
    }
    assert.equal(Number(root.tests), tests);
    assert.equal(Number(root.failures), failures);
    assert.equal(Number(root.skipped), skipped);
    assert.ok(tests > 0, 'CI servers reject reports with no test cases');
  }
});

test('junit: one test case per rule and operation, one failure listing its violations', () => {
  const root = parseJunit(renderCheckJunit(FAILING));
  const suites = Object.fromEntries(root.testsuite.map((s) => [s.name, s.testcase]));
  const duration = suites['tracelog check: duration limits'];
  assert.equal(duration.length, FAILING.checked.length);
  const db = duration.find((c) => c.name === 'db:query [rule db:* ≤ 100ms]');
  assert.equal(db.classname, 'tracelog.duration');
  assert.equal(db.failure[0].message, '1 span of 2 over 100ms (worst 150ms)');
  assert.match(db.failure[0]['#text'], /db:query took 150ms, over db:\* limit 100ms by 50ms \(trace tr<"&\\x1b>ace, span tr<"&\\x1b>ace-1\)/);
  const checkout = duration.find((c) => c.name.startsWith('web:GET /checkout'));
  assert.equal(checkout.failure, undefined);

  const percentiles = suites['tracelog check: percentiles'];
  assert.deepEqual(percentiles.map((c) => [c.name, Boolean(c.failure), Boolean(c.skipped)]), [
    ['p95 *:GET /checkout* ≤ 150ms', true, false],
    ['p50 *:GET /none ≤ 1ns', false, true],
  ]);
  const baseline = suites['tracelog check: baseline'];
  const regressed = baseline.filter((c) => c.failure);
  assert.equal(regressed.length, 1);
  assert.match(regressed[0].name, /^web:GET \/checkout/);
  assert.equal(baseline.filter((c) => c.skipped).length, FAILING.baseline.added.length);
  const structure = suites['tracelog check: structure'];
  assert.deepEqual(structure.map((c) => [c.name, Boolean(c.failure)]), [
    ['no orphans', false],
    ['no cycles', false],
    ['no duplicates', true],
    ['no skew', false],
  ]);
});

test('junit: hostile names are escaped, never raw', () => {
  const xml = renderCheckJunit(FAILING);
  assert.ok(!xml.includes('<script>'));
  assert.ok(!xml.includes(']]>'));
  assert.ok(xml.includes(']]&gt;'));
  assert.doesNotMatch(xml, UNSAFE);
  const root = parseJunit(xml);
  const names = root.testsuite.flatMap((s) => s.testcase.map((c) => c.name));
  const hostile = names.find((n) => n.startsWith('evil'));
  assert.ok(hostile.includes('<script>alert("x")</script>]]>'), 'entities decode back to the text');
  assert.ok(hostile.includes("'q'"));
  assert.ok(hostile.includes('\\x1b') && hostile.includes('\\r\\n') && hostile.includes('\\ud800'));
  assert.equal(escapeXml('a&b<c>"d\'\x1b\ufffe'), 'a&amp;b&lt;c&gt;&quot;d&apos;\\x1b');
});

// ---------------------------------------------------------------- github

const COMMAND = /^::(error|warning|notice) title=([^\r\n:,]*)::([^\r\n]*)$/;

test('github: one ::error per violation, ::warning per warning, a final ::notice', () => {
  const lines = renderCheckGithub(FAILING).trimEnd().split('\n');
  for (const line of lines) assert.match(line, COMMAND);
  const kinds = lines.map((l) => COMMAND.exec(l)[1]);
  assert.deepEqual(kinds, [...Array(6).fill('error'), 'warning', 'warning', 'notice']);
  assert.equal(COMMAND.exec(lines[0])[2], 'tracelog check%3A max');
  const db = lines.find((l) => l.includes('db:query'));
  assert.equal(
    db,
    '::error title=tracelog check%3A db%3A*::db:query took 150ms, over db:* limit 100ms by 50ms (trace tr<"&\\x1b>ace, span tr<"&\\x1b>ace-1)',
  );
  assert.match(lines.at(-1), /^::notice title=tracelog check::FAIL: 6 violations/);
  assert.equal(renderCheckGithub(PASSING), '::notice title=tracelog check::PASS: no violations in 2 spans across 1 trace\n');
});

test('github: hostile text cannot end or forge a command', () => {
  const text = renderCheckGithub(FAILING);
  const first = text.split('\n')[0];
  assert.match(first, COMMAND);
  // % is escaped before CR/LF so %0A in the input stays literal text.
  assert.ok(first.includes('%250A%25%0D%0A::error::pwned'));
  assert.doesNotMatch(text.replace(/\n/g, ''), UNSAFE);
  assert.equal(escapeGithubData('50% done\r\nnext'), '50%25 done%0D%0Anext');
  assert.equal(escapeGithubProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  assert.equal(escapeGithubProperty('x\x1by'), 'x\\x1by');
});

test('github: annotations are capped, the notice counts the rest', () => {
  const lines = renderCheckGithub(manyViolations(60)).trimEnd().split('\n');
  assert.equal(lines.length, 51);
  assert.equal(lines.filter((l) => l.startsWith('::error ')).length, 50);
  assert.match(lines[50], /^::notice title=tracelog check::FAIL: 60 violations .*Not annotated: 10 more violations\.$/);
  const few = renderCheckGithub(FAILING, { maxAnnotations: 7 }).trimEnd().split('\n');
  assert.equal(few.length, 8);
  assert.match(few.at(-1), /Not annotated: 1 more warning\.$/);
});

// ---------------------------------------------------------------- markdown

/** Splits a Markdown table row into cells, honouring backslash escapes. */
function cells(row) {
  const out = [];
  let cell = '';
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (c === '\\') {
      cell += c + (row[i + 1] ?? '');
      i++;
    } else if (c === '|') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out.slice(1, -1).map((c) => c.trim());
}

function tables(markdown) {
  const found = [];
  let current = null;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      if (!current) found.push((current = []));
      current.push(cells(line));
    } else current = null;
  }
  return found;
}

test('markdown: a heading with the verdict and well-formed tables', () => {
  const md = renderCheckMarkdown(FAILING);
  const lines = md.split('\n');
  assert.equal(lines[0], '## ❌ tracelog check failed: 6 violations');
  const [violations, warnings, percentiles, baseline] = tables(md);
  for (const table of [violations, warnings, percentiles, baseline]) {
    const width = table[0].length;
    for (const row of table) assert.equal(row.length, width);
    assert.ok(table[1].every((c) => /^-+:?$/.test(c)));
  }
  assert.deepEqual(violations[0], ['Rule', 'Service', 'Span name', 'Duration', 'Limit', 'Excess', 'Trace ID', 'Span ID']);
  assert.equal(violations.length - 2, FAILING.violations.length);
  assert.deepEqual(violations[1].slice(3, 6), ['---:', '---:', '---:']);
  assert.deepEqual(violations[2].slice(3, 6), ['700ms', '500ms', '+200ms']);
  assert.equal(renderCheckMarkdown(PASSING).split('\n')[0], '## ✅ tracelog check passed');
});

test('markdown: hostile names cannot break the table or become markup', () => {
  const md = renderCheckMarkdown(FAILING);
  assert.doesNotMatch(md, UNSAFE);
  assert.ok(!md.includes('<script>'));
  const escaped = escapeMarkdown(HOSTILE);
  assert.ok(escaped.includes('\\|\\<script\\>'));
  assert.ok(escaped.includes('\\`t\\`') && escaped.includes('\\*b\\*') && escaped.includes('\\_i\\_'));
  assert.ok(escaped.includes('\\[l\\]\\(u\\)') && escaped.includes('\\#1') && escaped.includes('\\@team') && escaped.includes('\\$x\\$'));
  assert.ok(escaped.includes('\\\\x1b') && escaped.includes('\\\\r\\\\n'));
  assert.ok(!/[\r\n]/.test(escaped));
  // The table still has eight cells in the row holding the hostile name.
  const row = tables(md)[0].find((r) => r[1].startsWith('evil'));
  assert.equal(row.length, 8);
});

test('markdown: long lists are capped', () => {
  const md = renderCheckMarkdown(manyViolations(30), { maxRows: 5 });
  assert.equal(tables(md)[0].length, 7);
  assert.match(md, /_… and 25 more violations not shown\._/);
});

test('every format renders through renderCheckReport', () => {
  for (const format of CHECK_FORMATS) {
    const out = renderCheckReport(FAILING, format);
    assert.equal(typeof out, 'string');
    assert.ok(out.endsWith('\n'), format);
  }
});
