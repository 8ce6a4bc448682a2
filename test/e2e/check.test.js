// `tracelog check` end to end: exit statuses (0 clean, 1 violations, 2 usage or
// input errors), rule precedence and percentile rules through the CLI, baseline
// regressions and improvements, --fail-on, config discovery and --config, every
// reporter parsed and checked (JSON against its schema, JUnit as XML), reporters
// sent to files with --reporter-output, and hostile names in every format.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cliEnv, fixture, FIXTURES, makeTempDir, ROOT, runCli, STACK_TRACE } from '../helpers/cli.js';

const tmp = makeTempDir('tracelog-check-');
test.after(() => tmp.cleanup());

const validateReport = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schema', 'check-report.schema.json'), 'utf8')),
);

/** Parses `--reporter json` output and checks it against schema/check-report.schema.json. */
function parseReport(text) {
  const report = JSON.parse(text);
  if (!validateReport(report)) {
    throw new Error(`report does not match check-report.schema.json: ${validateReport.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  }
  return report;
}

/**
 * Runs the CLI, asserts its exit status and stderr (by default 0 and nothing),
 * and returns its stdout.
 */
async function stdoutOf(args, { code = 0, stderr = '', ...options } = {}) {
  const result = await runCli(args, options);
  assert.equal(result.stderr, stderr, `stderr of tracelog ${args.join(' ')}`);
  assert.equal(result.code, code, `exit status of tracelog ${args.join(' ')}`);
  return result.stdout;
}

/** Rows of a text-report table, cells trimmed (borders and rules dropped). */
function tableRows(text) {
  return text
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) => line.slice(1, -1).split('│').map((cell) => cell.trim()));
}

/** The last line of a report: the verdict. */
const verdict = (text) => text.trimEnd().split('\n').at(-1);

/** Writes NDJSON log lines to a file in the temp directory; returns its path. */
function writeLog(name, records) {
  const path = join(tmp.dir, name);
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}

let traceNo = 0;
/** One root span a trace, one after another: [service, name, durationMs] each. */
function spans(list) {
  const base = Date.parse('2024-05-01T10:00:00Z');
  return list.map(([service, name, durationMs]) => {
    traceNo++;
    return { time: new Date(base + traceNo * 1000).toISOString(), trace_id: `t${traceNo}`, span_id: `s${traceNo}`, name, 'service.name': service, duration_ms: durationMs };
  });
}

const DEMO = fixture('demo.jsonl'); // 14 spans in 2 traces; the slowest 182ms, 96.4ms, 72.9ms, 47.2ms, 41.2ms

// Spawning dominates the run time: the tests run four at a time.
describe('tracelog check', { concurrency: 4 }, () => {
  // -------------------------------------------------------------------------
  // Exit statuses.

  test('clean: exit 0, PASS verdict, nothing on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['check', DEMO, '--max', '1s']);
    assert.deepEqual([code, stderr], [0, '']);
    assert.equal(stdout, 'PASS: no violations in 14 spans across 2 traces\n');
  });

  test('a span exactly at its limit passes', async () => {
    const { code, stdout, stderr } = await runCli(['check', DEMO, '--max', '181.6ms']);
    assert.deepEqual([code, stdout, stderr], [0, 'PASS: no violations in 14 spans across 2 traces\n', '']);
  });

  test('violations: exit 1, a table worst excess first, FAIL verdict', async () => {
    const { code, stdout, stderr } = await runCli(['check', DEMO, '--max', '40ms']);
    assert.deepEqual([code, stderr], [1, '']);
    const [head, ...rows] = tableRows(stdout);
    assert.deepEqual(head, ['rule', 'service', 'span name', 'duration', 'limit', 'excess', 'trace id', 'span id']);
    assert.deepEqual(
      rows.map((r) => [r[0], r[1], r[2], r[3], r[5], r[7]]),
      [
        ['max', 'frontend', 'POST /checkout', '182ms', '+142ms', 'a1b2c3d4e5f60001'],
        ['max', 'payments', 'POST /charge', '96.4ms', '+56.4ms', 'a1b2c3d4e5f60009'],
        ['max', 'root-service', '/home', '72.9ms', '+32.9ms', '9b2d7c4e-1f3a-4b6d-8e2f-0a1b2c3d4e5f'],
        ['max', 'payments', 'retry charge', '47.2ms', '+7.2ms', 'a1b2c3d4e5f6000a'],
        ['max', 'pricing', 'POST /quote', '41.2ms', '+1.2ms', 'a1b2c3d4e5f60005'],
      ],
    );
    assert.equal(verdict(stdout), 'FAIL: 5 violations (5 over limit) in 14 spans across 2 traces');
  });

  const USAGE_ERRORS = [
    [['--rule', 'db:*'], /^tracelog: rule: "db:\*" is not PATTERN=DURATION/],
    [['--rule', '=100ms'], /^tracelog: rule: "=100ms" is not PATTERN=DURATION/],
    [['--rule', 'db:*=fast'], /^tracelog: rule db:\*=fast: "fast" is not a duration/],
    [['--rule', 'db:*=-5ms'], /"-5ms" is not a duration/],
    [['--p95', 'web:*'], /is not PATTERN=DURATION/],
    [['--p99', 'web:*=soon'], /"soon" is not a duration/],
    [['--max', 'soon'], /'soon' is not a duration/],
    [['--max', '-1s'], /'-1s' is not a duration/],
    [['--regression', '20'], /--regression: "20" is not a percentage/],
    [['--min-samples', '0'], /'0' is not a positive whole number/],
    [['--fail-on', 'orphans,zombies'], /--fail-on: 'zombies' is not one of orphans, cycles, duplicates, skew/],
    [['--reporter', 'xml'], /expected text, json, junit, github or markdown/],
    [['--idle', 'forever', '--follow'], /'forever' is not a duration/],
    [['--bogus'], /unknown option '--bogus'/],
  ];

  for (const [flags, message] of USAGE_ERRORS) {
    test(`usage error exits 2: tracelog check demo.jsonl ${flags.join(' ')}`, async () => {
      const { code, stdout, stderr } = await runCli(['check', DEMO, ...flags]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, STACK_TRACE);
    });
  }

  test('a missing input file: exit 2 even with violations, one line on stderr, the other files still checked', async () => {
    const { code, stdout, stderr } = await runCli(['check', 'missing.log', DEMO, '--max', '100ms']);
    assert.equal(code, 2);
    assert.equal(stderr, "tracelog: cannot read 'missing.log': no such file\n");
    // The other file's violations are still reported, but the verdict is an error, not a plain FAIL.
    assert.equal(verdict(stdout), 'ERROR: 1 input could not be read; 1 violation in 14 spans across 2 traces');
  });

  test('a missing baseline file: exit 2', async () => {
    const { code, stdout, stderr } = await runCli(['check', DEMO, '--baseline', 'no-such-baseline.log']);
    assert.equal(code, 2);
    assert.equal(stderr, "tracelog: cannot read 'no-such-baseline.log': no such file\n");
    // The report still comes out, with every operation new.
    assert.match(stdout, /^baseline: 0 regressed, 0 improved, 0 unchanged, 14 new, 0 vanished/);
    assert.equal(verdict(stdout), 'ERROR: 1 input could not be read; no violations in 14 spans across 2 traces');
  });

  test('--strict: a malformed line exits 2 with its file:line', async () => {
    const { code, stdout, stderr } = await runCli(['check', fixture('bad-lines.jsonl'), '--strict', '--max', '1s']);
    assert.deepEqual([code, stdout], [2, '']);
    assert.match(stderr, /^tracelog: fixtures\/bad-lines\.jsonl:2: /);
  });

  // -------------------------------------------------------------------------
  // Rules, precedence, percentiles.

  test('precedence through the CLI: most literal characters, then fewest wildcards, then the later rule, then --max', async () => {
    // The example of docs/check.md, with --max 1s.
    const log = writeLog('precedence.jsonl', spans([
      ['db', 'SELECT * FROM t', 60], // db:SELECT*=50ms → over
      ['db', 'INSERT', 60], // db:*=100ms → fine
      ['auth', 'login', 25], // *:login=30ms beats auth:*=20ms → fine
      ['auth', 'login', 35], // → over *:login
      ['web', 'GET /', 1500], // *:*=2s, never --max → fine
    ]));
    const rules = ['--rule', '*:*=2s', '--rule', 'db:*=100ms', '--rule', 'db:SELECT*=50ms', '--rule', '*:login=30ms', '--rule', 'auth:*=20ms'];
    const { code, stdout, stderr } = await runCli(['check', log, '--max', '1s', ...rules, '--reporter', 'json']);
    assert.deepEqual([code, stderr], [1, '']);
    const report = parseReport(stdout);
    const governed = Object.fromEntries(report.checked.map((c) => [`${c.service}:${c.name}`, `${c.rule} ${c.limitNs / 1e6}ms`]));
    assert.deepEqual(governed, {
      'db:SELECT * FROM t': 'db:SELECT* 50ms',
      'db:INSERT': 'db:* 100ms',
      'auth:login': '*:login 30ms',
      'web:GET /': '*:* 2000ms',
    });
    assert.deepEqual(
      report.violations.map((v) => [v.kind, v.rule, v.name, v.excessNs]),
      [
        ['rule', 'db:SELECT*', 'SELECT * FROM t', 10_000_000],
        ['rule', '*:login', 'login', 5_000_000],
      ],
    );
    // auth:* matched the logins, though *:login outranked it: not unused.
    assert.deepEqual(report.unusedRules, []);
    assert.equal(report.maxNs, 1_000_000_000);
  });

  test('precedence: equal rank goes to the later rule (`query` and `*:query` rank the same); an unused rule is listed', async () => {
    const log = writeLog('ties.jsonl', spans([['search', 'query', 150]]));
    const passed = parseReport(await stdoutOf(['check', log, '--rule', 'query=100ms', '--rule', '*:query=200ms', '--rule', 'nothing:matches=1ms', '--reporter', 'json']));
    assert.deepEqual(passed.checked.map((c) => c.rule), ['*:query']);
    assert.deepEqual(passed.unusedRules, ['nothing:matches'], 'query matched, though outranked');
    const laterTight = await stdoutOf(['check', log, '--rule', '*:query=200ms', '--rule', 'query=100ms', '--reporter', 'json'], { code: 1 });
    assert.deepEqual(parseReport(laterTight).violations.map((v) => v.rule), ['query']);
  });

  test('regression: a rule outranked on every span it matched was listed as "matched no span"', async () => {
    const log = writeLog('outranked.jsonl', spans([['auth', 'login', 25]]));
    const stdout = await stdoutOf(['check', log, '--rule', 'auth:*=20ms', '--rule', '*:login=30ms', '--rule', 'auth:logout=1ms']);
    assert.ok(stdout.includes('rules that matched no span: auth:logout\n'), stdout);
  });

  test('a pattern splits at its first unescaped `:`; `\\:` is a literal colon; a rule splits at its last `=`', async () => {
    const log = writeLog('colons.jsonl', spans([
      ['web:v2', 'GET /a', 30],
      ['web', 'v2:GET /a', 30],
      ['kv', 'SET a=b', 30],
    ]));
    const report = parseReport(await stdoutOf(['check', log, '--rule', 'web\\:v2:*=10ms', '--rule', '*:SET a=b=20ms', '--reporter', 'json'], { code: 1 }));
    assert.deepEqual(
      report.violations.map((v) => [v.rule, v.service, v.name]).sort(),
      [
        ['*:SET a=b', 'kv', 'SET a=b'],
        ['web\\:v2:*', 'web:v2', 'GET /a'],
      ],
    );
  });

  test('percentile rules: nearest rank over every matching span pooled; at the limit passes; unused passes', async () => {
    // web: 20 spans, 10ms … 200ms, over two operations; p95 of 20 is the 19th = 190ms, p50 the 10th = 100ms.
    const web = Array.from({ length: 20 }, (_, i) => ['web', i % 2 ? 'GET /a' : 'GET /b', (i + 1) * 10]);
    const log = writeLog('percentiles.jsonl', spans([...web, ['db', 'q', 10], ['db', 'q', 20], ['db', 'q', 30], ['db', 'q', 40]]));
    const pass = await runCli(['check', log, '--p95', 'web:*=190ms', '--p50', 'db:*=20ms', '--p99', 'nothing:*=1ms', '--reporter', 'json']);
    assert.deepEqual([pass.code, pass.stderr], [0, '']);
    const ok = parseReport(pass.stdout);
    assert.deepEqual(
      ok.percentiles.map((p) => [p.rule, p.valueNs, p.sampleCount, p.exact, p.passed]),
      [
        ['p50 db:*', 20_000_000, 4, true, true], // p50 of 10, 20, 30, 40 is 20
        ['p95 web:*', 190_000_000, 20, true, true],
        ['p99 nothing:*', null, 0, true, true],
      ],
    );
    assert.deepEqual(ok.unusedRules, ['p99 nothing:*']);

    const fail = await runCli(['check', log, '--p95', 'web:*=189ms', '--p90', 'web:GET /a=180ms']);
    assert.deepEqual([fail.code, fail.stderr], [1, '']);
    const rows = tableRows(fail.stdout).slice(1);
    assert.deepEqual(
      rows.map((r) => r.slice(0, 6)),
      [
        // GET /a is 20, 40, … 200: p90 of 10 is the 9th, 180ms: not over.
        ['p95 web:*', '', '(p95 of 20 spans)', '190ms', '189ms', '+1ms'],
      ],
    );
    assert.equal(verdict(fail.stdout), 'FAIL: 1 violation (1 percentile) in 24 spans across 24 traces');
  });

  // -------------------------------------------------------------------------
  // Baseline.

  const ten = (from) => Array.from({ length: 10 }, (_, i) => from + i);
  const ops = (list) => list.flatMap(([service, name, durations]) => durations.map((d) => [service, name, d]));
  // Each call writes a file of its own: tests run concurrently, and rewriting one file
  // under a test that is reading it would hand that test a half-written log.
  let logNo = 0;
  const BASELINE = () =>
    writeLog(`baseline-${++logNo}.jsonl`, spans(ops([
      ['api', 'GET /slower', ten(100)], // p50 104, p95 109
      ['api', 'GET /faster', ten(200)],
      ['api', 'GET /same', ten(50)],
      ['api', 'GET /gone', ten(10)],
      ['db', 'query', [5, 6, 7]],
    ])));
  const CURRENT = () =>
    writeLog(`current-${++logNo}.jsonl`, spans(ops([
      ['api', 'GET /slower', ten(150)], // p50 154 (+48.1%), p95 159 (+45.9%)
      ['api', 'GET /faster', ten(100)], // −49.0%, −47.8%
      ['api', 'GET /same', ten(52)], // +3.7%, +3.4%
      ['api', 'GET /new', ten(10)],
      ['db', 'query', [50, 60, 70]], // ×10, but 3 samples
    ])));

  test('--baseline: a regression of p50 and p95 is two violations; improvements, new, vanished and small operations are listed', async () => {
    const { code, stdout, stderr } = await runCli(['check', CURRENT(), '--baseline', BASELINE()]);
    assert.deepEqual([code, stderr], [1, '']);
    assert.deepEqual(tableRows(stdout).slice(1).map((r) => r.slice(0, 6)), [
      ['regression p50', 'api', 'GET /slower', '154ms', '125ms', '+29.2ms'],
      ['regression p95', 'api', 'GET /slower', '159ms', '131ms', '+28.2ms'],
    ]);
    assert.ok(stdout.includes('baseline: 1 regressed, 1 improved, 1 unchanged, 1 new, 1 vanished, 1 with fewer than 5 samples (threshold +20.0%)\n'), stdout);
    assert.ok(stdout.includes('  api:GET /slower  p50 104ms → 154ms (+48.1%), p95 109ms → 159ms (+45.9%)\n'));
    assert.ok(stdout.includes('  api:GET /faster  p50 204ms → 104ms (-49.0%), p95 209ms → 109ms (-47.8%)\n'));
    assert.ok(stdout.includes('new: api:GET /new\n'));
    assert.ok(stdout.includes('vanished: api:GET /gone\n'));
    assert.equal(verdict(stdout), 'FAIL: 2 violations (2 regressions) in 43 spans across 43 traces');

    const { baseline, violations } = parseReport(await stdoutOf(['check', CURRENT(), '--baseline', BASELINE(), '--reporter', 'json'], { code: 1 }));
    assert.equal(baseline.regressionFraction, 0.2);
    assert.equal(baseline.minSamples, 5);
    const names = (list) => list.map((c) => `${c.service}:${c.name}`);
    assert.deepEqual(names(baseline.regressions), ['api:GET /slower']);
    assert.deepEqual(names(baseline.improvements), ['api:GET /faster']);
    assert.deepEqual(names(baseline.unchanged), ['api:GET /same']);
    assert.deepEqual(names(baseline.insufficient), ['db:query']);
    assert.deepEqual(names(baseline.added), ['api:GET /new']);
    assert.deepEqual(names(baseline.vanished), ['api:GET /gone']);
    assert.deepEqual(
      violations.map((v) => [v.kind, v.rule, v.durationNs, v.limitNs, v.excessNs, v.traceId]),
      [
        ['regression', 'regression p50', 154_000_000, 124_800_000, 29_200_000, null],
        ['regression', 'regression p95', 159_000_000, 130_800_000, 28_200_000, null],
      ],
    );
  });

  test('--regression and --min-samples: a rise within the threshold passes; a small operation is judged when allowed', async () => {
    const lenient = await runCli(['check', CURRENT(), '--baseline', BASELINE(), '--regression', '50%']);
    assert.deepEqual([lenient.code, lenient.stderr], [0, '']);
    assert.match(verdict(lenient.stdout), /^PASS: no violations in 43 spans across 43 traces/);
    const small = await stdoutOf(['check', CURRENT(), '--baseline', BASELINE(), '--regression', '50%', '--min-samples', '3', '--reporter', 'json'], { code: 1 });
    assert.deepEqual(parseReport(small).violations.map((v) => `${v.rule} ${v.service}:${v.name}`), ['regression p95 db:query', 'regression p50 db:query']);
  });

  test('--baseline: span JSON from `tracelog convert` is a baseline too', async () => {
    const spansFile = join(tmp.dir, 'baseline-spans.jsonl');
    writeFileSync(spansFile, await stdoutOf(['convert', BASELINE()]));
    const stdout = await stdoutOf(['check', CURRENT(), '--baseline', spansFile, '--reporter', 'json'], { code: 1 });
    assert.deepEqual(parseReport(stdout).baseline.regressions.map((c) => c.name), ['GET /slower']);
  });

  // -------------------------------------------------------------------------
  // Structural findings.

  test('structural findings are warnings by default: exit 0, listed', async () => {
    const { code, stdout, stderr } = await runCli(['check', fixture('orphan-parent.jsonl'), fixture('duplicate-ids.jsonl'), '--reporter', 'json']);
    assert.equal(code, 0);
    assert.equal(stderr, 'tracelog: trace dups: 2 spans share id dup; all kept\n');
    const report = parseReport(stdout);
    assert.deepEqual(report.structure, { orphans: 2, cycles: 0, duplicates: 2, skew: 0 });
    assert.equal(report.warningCount, 4);
    assert.equal(report.violationCount, 0);
  });

  const FAIL_ON = [
    ['orphans', 'orphan-parent.jsonl', 'orphan', 2],
    ['cycles', 'cycle.jsonl', 'cycle', 3],
    ['duplicates', 'duplicate-ids.jsonl', 'duplicate', 2],
    ['skew', 'clock-skew.jsonl', 'skew', 2],
  ];
  for (const [kind, file, violationKind, count] of FAIL_ON) {
    test(`--fail-on ${kind}: each finding in ${file} is a violation, exit 1`, async () => {
      const { code, stdout, stderr } = await runCli(['check', fixture(file), '--fail-on', kind, '--quiet', '--reporter', 'json']);
      assert.deepEqual([code, stderr], [1, '']);
      const report = parseReport(stdout);
      assert.equal(report.violationCounts[violationKind], count);
      assert.equal(report.violationCount, count);
      assert.deepEqual(report.failOn, [kind]);
      assert.ok(report.violations.every((v) => v.kind === violationKind && v.traceId !== null));
    });
  }

  test('--fail-on a kind that is not present: exit 0', async () => {
    const { code, stdout, stderr } = await runCli(['check', DEMO, '--fail-on', 'orphans,cycles,duplicates,skew']);
    assert.deepEqual([code, stdout, stderr], [0, 'PASS: no violations in 14 spans across 2 traces\n', '']);
  });

  // -------------------------------------------------------------------------
  // Config file.

  function configDir(name, config) {
    const dir = join(tmp.dir, name);
    mkdirSync(dir, { recursive: true });
    if (config !== undefined) writeFileSync(join(dir, 'tracelog.config.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2));
    return dir;
  }
  const DEMO_ABS = join(FIXTURES, 'demo.jsonl');

  test('tracelog.config.json in the working directory is read; flags add rules and replace max', async () => {
    const dir = configDir('discovered', { $schema: './schema.json', max: '100ms', rules: { 'payments:*': '50ms' }, percentiles: { p95: { 'payments:*': '60ms' } } });
    const fromConfig = await runCli(['check', DEMO_ABS, '--reporter', 'json'], { cwd: dir });
    assert.deepEqual([fromConfig.code, fromConfig.stderr], [1, '']);
    const report = parseReport(fromConfig.stdout);
    assert.equal(report.maxNs, 100_000_000);
    assert.deepEqual(
      report.violations.map((v) => [v.rule, v.name]),
      // POST /checkout 182ms > max 100ms; POST /charge 96.4ms > payments:* 50ms; p95 of payments 96.4ms > 60ms.
      [
        ['max', 'POST /checkout'],
        ['payments:*', 'POST /charge'],
        ['p95 payments:*', null],
      ],
    );
    // A flag rule of equal rank comes later and wins; --max replaces the file's.
    const flagged = parseReport(await stdoutOf(['check', DEMO_ABS, '--rule', 'payments:*=100ms', '--max', '200ms', '--reporter', 'json'], { cwd: dir, code: 1 }));
    assert.equal(flagged.maxNs, 200_000_000);
    assert.deepEqual(flagged.violations.map((v) => v.rule), ['p95 payments:*']);
  });

  test('within the config file, the later of two equally specific rules wins', async () => {
    const log = writeLog('config-ties.jsonl', spans([['search', 'query', 150]]));
    const loose = configDir('ties-loose', { rules: { query: '100ms', '*:query': '200ms' } });
    assert.match(await stdoutOf(['check', log], { cwd: loose }), /^PASS: /);
    const tight = configDir('ties-tight', { rules: { '*:query': '200ms', query: '100ms' } });
    const stdout = await stdoutOf(['check', log, '--reporter', 'json'], { cwd: tight, code: 1 });
    assert.deepEqual(parseReport(stdout).violations.map((v) => v.rule), ['query']);
  });

  test('no config file in the working directory: nothing is required', async () => {
    const dir = configDir('no-config');
    const { code, stdout, stderr } = await runCli(['check', DEMO_ABS], { cwd: dir });
    assert.deepEqual([code, stdout, stderr], [0, 'PASS: no violations in 14 spans across 2 traces\n', '']);
  });

  test('--config FILE is read instead of the working directory\'s file; failOn, regression and minSamples from it apply', async () => {
    const dir = configDir('explicit', '{ this is not json');
    const file = join(dir, 'ci.json');
    writeFileSync(file, JSON.stringify({ failOn: ['orphans'], regression: '50%', minSamples: 3 }));
    const { code, stdout, stderr } = await runCli(['check', join(FIXTURES, 'orphan-parent.jsonl'), '--config', file, '-q', '--reporter', 'json'], { cwd: dir });
    assert.deepEqual([code, stderr], [1, '']);
    const report = parseReport(stdout);
    assert.deepEqual(report.failOn, ['orphans']);
    assert.equal(report.violationCounts.orphan, 2);
    // Flags replace the file's failOn.
    const replaced = await stdoutOf(['check', join(FIXTURES, 'orphan-parent.jsonl'), '--config', file, '-q', '--fail-on', 'cycles'], { cwd: dir });
    assert.match(replaced, /PASS: no violations in 3 spans across 1 trace; 2 warnings\n$/);
  });

  const BAD_CONFIGS = [
    ['not JSON', '{"max": "1s",', /^tracelog: .*tracelog\.config\.json: not valid JSON \(.*\)\n$/],
    ['not an object', '[]', /^tracelog: .*tracelog\.config\.json: config: must be a JSON object, got an array\n$/],
    ['a misspelt key', { rulez: { 'db:*': '1ms' } }, /^tracelog: .*tracelog\.config\.json: config \/rulez: unknown setting/],
    ['a bad duration', { rules: { 'db:*': '1 sec' } }, /^tracelog: .*tracelog\.config\.json: config \/rules\/db:\*: "1 sec" is not a duration \(use e\.g\. 250ms, 1\.5s, 800us\)\n$/],
    [
      'every problem at once, on one line',
      { max: 'soon', rules: { '': '1ms' }, percentiles: { p42: {} }, failOn: ['zombies'], regression: '20', minSamples: 0 },
      /^tracelog: .*tracelog\.config\.json: 6 problems: config \/max: "soon" is not a duration .*; config \/rules\/: .*; config \/percentiles\/p42: .*; config \/failOn\/0: .*; config \/regression: .*; config \/minSamples: .*\n$/,
    ],
  ];
  for (const [label, config, message] of BAD_CONFIGS) {
    test(`a bad config file (${label}): exit 2, one line on stderr, no report`, async () => {
      const dir = configDir(`bad-${label.replace(/\W+/g, '-')}`, config);
      const { code, stdout, stderr } = await runCli(['check', DEMO_ABS, '--max', '1s'], { cwd: dir });
      assert.deepEqual([code, stdout], [2, '']);
      assert.match(stderr, message);
      assert.equal(stderr.split('\n').length, 2, 'one line');
    });
  }

  test('--config naming a missing file or a directory: exit 2', async () => {
    const missing = await runCli(['check', DEMO, '--config', 'nope.json']);
    assert.deepEqual([missing.code, missing.stdout], [2, '']);
    assert.match(missing.stderr, /^tracelog: cannot read config '.*nope\.json': no such file\n$/);
    const directory = await runCli(['check', DEMO, '--config', 'fixtures']);
    assert.deepEqual([directory.code, directory.stdout], [2, '']);
    assert.match(directory.stderr, /^tracelog: cannot read config '.*fixtures': is a directory\n$/);
  });

  // -------------------------------------------------------------------------
  // Reporters.

  const FAILING_VERDICT = 'FAIL: 7 violations (4 over limit, 1 percentile, 2 structural) in 17 spans across 3 traces';
  const FAILING = [DEMO, fixture('orphan-parent.jsonl'), '--max', '90ms', '--rule', 'payments:*=40ms', '--p95', 'payments:*=60ms', '--p50', 'nothing:*=1ms', '--fail-on', 'orphans', '-q'];

  test('--reporter json: valid against the schema, counts consistent', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...FAILING, '--reporter', 'json']);
    assert.deepEqual([code, stderr], [1, '']);
    const report = parseReport(stdout);
    assert.equal(report.version, 1);
    assert.deepEqual([report.passed, report.exitCode], [false, 1]);
    // max 90ms: POST /checkout 182ms and orphan-parent's root 100ms; payments:* 40ms: POST /charge and retry charge.
    assert.deepEqual(report.violationCounts, { max: 2, rule: 2, percentile: 1, regression: 0, orphan: 2, cycle: 0, duplicate: 0, skew: 0 });
    assert.equal(report.violationCount, 7);
    assert.equal(report.violations.length, 7);
    assert.deepEqual([report.traceCount, report.spanCount], [3, 17]);
    assert.equal(report.verdict, FAILING_VERDICT);
    assert.deepEqual(report.unusedRules, ['p50 nothing:*']);
    const excess = report.violations.map((v) => v.excessNs).filter((e) => e !== null);
    assert.deepEqual(excess, [...excess].sort((a, b) => b - a), 'worst excess first');
    assert.equal(report.baseline, null);
  });

  test('--reporter junit: well-formed XML whose counts match its test cases', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...FAILING, '--reporter', 'junit']);
    assert.deepEqual([code, stderr], [1, '']);
    assert.equal(XMLValidator.validate(stdout), true);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'skipped'].includes(name) }).parse(stdout);
    const root = xml.testsuites;
    let tests = 0;
    let failures = 0;
    let skipped = 0;
    const suites = {};
    for (const suite of root.testsuite) {
      const cases = suite.testcase ?? [];
      const f = cases.filter((c) => c.failure).length;
      const s = cases.filter((c) => c.skipped).length;
      assert.equal(Number(suite.tests), cases.length, suite.name);
      assert.equal(Number(suite.failures), f, suite.name);
      assert.equal(Number(suite.skipped), s, suite.name);
      suites[suite.name] = { tests: cases.length, failures: f, skipped: s };
      tests += cases.length;
      failures += f;
      skipped += s;
    }
    assert.deepEqual([Number(root.tests), Number(root.failures), Number(root.skipped)], [tests, failures, skipped]);
    assert.deepEqual(suites, {
      // 14 + 3 operations; payments' two under payments:*, the rest under max.
      'tracelog check: duration limits': { tests: 17, failures: 4, skipped: 0 },
      'tracelog check: percentiles': { tests: 2, failures: 1, skipped: 1 },
      'tracelog check: structure': { tests: 4, failures: 1, skipped: 0 },
    });
    const charge = root.testsuite[0].testcase.find((c) => c.name.startsWith('payments:POST /charge'));
    assert.equal(charge.name, 'payments:POST /charge [rule payments:* ≤ 40ms]');
    assert.equal(charge.failure[0].message, '1 span of 1 over 40ms (worst 96.4ms)');
    assert.match(charge.failure[0]['#text'], /trace 4bf92f3577b34da6a3ce929d0e0e4736, span a1b2c3d4e5f60009/);
  });

  test('--reporter github: one ::error per violation, ::warning per warning, then a ::notice verdict', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...FAILING, '--reporter', 'github']);
    assert.deepEqual([code, stderr], [1, '']);
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) assert.match(line, /^::(error|warning|notice) title=[^:,\r\n]*::[^\r\n]+$/, line);
    assert.equal(lines.filter((l) => l.startsWith('::error ')).length, 7);
    assert.equal(lines.length, 8);
    assert.match(lines[0], /^::error title=tracelog check%3A max::frontend:POST \/checkout took 182ms, over the max limit 90ms by 91\.6ms \(trace 4bf92f3577b34da6a3ce929d0e0e4736, span a1b2c3d4e5f60001\)$/);
    assert.equal(lines.at(-1), `::notice title=tracelog check::${FAILING_VERDICT}`);
  });

  test('--reporter github: at most 50 commands, then the notice says how many were left out', async () => {
    const log = writeLog('many.jsonl', spans(Array.from({ length: 70 }, (_, i) => ['api', `op ${i}`, 100 + i])));
    const stdout = await stdoutOf(['check', log, '--max', '10ms', '--reporter', 'github'], { code: 1 });
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('::error ')).length, 50);
    assert.equal(lines.length, 51);
    assert.match(lines[0], /^::error title=tracelog check%3A max::api:op 69 took 169ms, /, 'worst first');
    assert.equal(lines.at(-1), '::notice title=tracelog check::FAIL: 70 violations (70 over limit) in 70 spans across 70 traces. Not annotated: 20 more violations.');
  });

  test('--reporter markdown: heading, verdict, tables whose rows all have the header\'s columns', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...FAILING, '--reporter', 'markdown']);
    assert.deepEqual([code, stderr], [1, '']);
    const lines = stdout.split('\n');
    assert.equal(lines[0], '## ❌ tracelog check failed: 7 violations');
    assert.equal(lines[2], FAILING_VERDICT.replace(/[:()]/g, '\\$&'));
    assertMarkdownTables(stdout);
    assert.ok(stdout.includes('| Rule | Service | Span name | Duration | Limit | Excess | Trace ID | Span ID |\n| --- | --- | --- | ---: | ---: | ---: | --- | --- |\n'));
    assert.ok(stdout.includes('| max | frontend | POST /checkout | 182ms | 90ms | +91.6ms | 4bf92f3577b34da6a3ce929d0e0e4736 | a1b2c3d4e5f60001 |\n'));
    const passing = await stdoutOf(['check', DEMO, '--max', '1s', '--reporter', 'markdown']);
    assert.match(passing, /^## ✅ tracelog check passed/);
  });

  /** Every Markdown table row has as many unescaped `|` as its header row. */
  function assertMarkdownTables(text) {
    let columns = null;
    for (const line of text.split('\n')) {
      if (!line.startsWith('|')) {
        columns = null;
        continue;
      }
      const pipes = line.replace(/\\./g, '').split('|').length;
      if (columns === null) columns = pipes;
      else assert.equal(pipes, columns, `row with a different number of columns:\n${line}`);
    }
  }

  test('--reporter text is the default and ends with the verdict; --reporter-output alone sends it to a file', async () => {
    const implicit = await stdoutOf(['check', ...FAILING], { code: 1 });
    const explicit = await stdoutOf(['check', ...FAILING, '--reporter', 'text'], { code: 1 });
    assert.equal(implicit, explicit);
    assert.equal(verdict(implicit), FAILING_VERDICT);
    const file = join(tmp.dir, 'report.txt');
    const toFile = await runCli(['check', ...FAILING, '--reporter-output', file]);
    assert.deepEqual([toFile.code, toFile.stdout, toFile.stderr], [1, '', '']);
    assert.equal(readFileSync(file, 'utf8'), implicit);
  });

  test('text colour: --color adds SGR emphasis only, the text is the same; NO_COLOR and pipes give none', async () => {
    const plain = await stdoutOf(['check', ...FAILING], { code: 1 });
    assert.ok(!plain.includes('\x1b'));
    const coloured = await stdoutOf(['check', ...FAILING, '--color'], { code: 1 });
    assert.match(coloured, /\x1b\[/);
    const sgr = /\x1b\[[0-9;]*m/g;
    assert.equal(coloured.split('\x1b').length - 1, coloured.match(sgr).length);
    assert.equal(coloured.replace(sgr, ''), plain);
    const { NO_COLOR, ...withoutNoColor } = cliEnv();
    const forced = await stdoutOf(['check', ...FAILING], { env: { ...withoutNoColor, FORCE_COLOR: '1' }, code: 1 });
    assert.match(forced, /\x1b\[/);
    const unforced = await stdoutOf(['check', ...FAILING], { env: withoutNoColor, code: 1 });
    assert.equal(unforced, plain, 'not a terminal: no colour');
    const json = await stdoutOf(['check', ...FAILING, '--color', '--reporter', 'json'], { code: 1 });
    assert.ok(!json.includes('\x1b'), 'colour is for the text report only');
  });

  test('--reporter-output pairs with the --reporter before it: text to stdout, JUnit and Markdown to files', async () => {
    const junit = join(tmp.dir, 'pair', 'tracelog-junit.xml');
    const markdown = join(tmp.dir, 'pair', 'summary.md');
    mkdirSync(join(tmp.dir, 'pair'), { recursive: true });
    const { code, stdout, stderr } = await runCli([
      'check', ...FAILING,
      '--reporter', 'text',
      '--reporter', 'junit', '--reporter-output', junit,
      '--reporter', 'markdown', '--reporter-output', markdown,
    ]);
    assert.deepEqual([code, stderr], [1, '']);
    assert.equal(stdout, await stdoutOf(['check', ...FAILING, '--reporter', 'text'], { code: 1 }), 'stdout holds only the text report');
    assert.equal(readFileSync(junit, 'utf8'), await stdoutOf(['check', ...FAILING, '--reporter', 'junit'], { code: 1 }));
    assert.equal(readFileSync(markdown, 'utf8'), await stdoutOf(['check', ...FAILING, '--reporter', 'markdown'], { code: 1 }));
  });

  test('--reporter-output: json to a file and github to stdout; a clean run writes the files too', async () => {
    const json = join(tmp.dir, 'pair-json.json');
    const { code, stdout, stderr } = await runCli(['check', DEMO, '--max', '1s', '--reporter', 'json', '--reporter-output', json, '--reporter', 'github']);
    assert.deepEqual([code, stderr], [0, '']);
    assert.equal(stdout, '::notice title=tracelog check::PASS: no violations in 14 spans across 2 traces\n');
    assert.equal(parseReport(readFileSync(json, 'utf8')).passed, true);
  });

  test('--reporter-output into a directory that does not exist: exit 2, no partial file', async () => {
    const target = join(tmp.dir, 'no-such-dir', 'out.xml');
    const { code, stdout, stderr } = await runCli(['check', DEMO, '--max', '1s', '--reporter', 'junit', '--reporter-output', target]);
    assert.deepEqual([code, stdout], [2, '']);
    assert.match(stderr, /^tracelog: cannot write '.*out\.xml': no such directory\n$/);
    assert.equal(existsSync(target), false);
  });

  // -------------------------------------------------------------------------
  // Hostile names in every reporter.

  const HOSTILE = [fixture('hostile-text.jsonl'), '--max', '1ms', '--rule', 'a,b:1*=2ms', '--p95', 'md|*:@*=1ms', '--fail-on', 'cycles', '-q'];
  // What the logs put in names, services and ids (see fixtures/hostile-text.jsonl).
  const RAW = readFileSync(join(FIXTURES, 'hostile-text.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const TERMINAL_UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

  test('hostile names: the text report shows control characters as visible escapes', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...HOSTILE]);
    assert.deepEqual([code, stderr], [1, '']);
    assert.doesNotMatch(stdout, TERMINAL_UNSAFE);
    assert.ok(stdout.includes('GET /\\x1b[2Jhome\\x1b]8;;http://evil.example/\\x07click'));
    assert.ok(stdout.includes('evil\\x1b[2Jtrace\\u202e'));
    const coloured = await stdoutOf(['check', ...HOSTILE, '--color'], { code: 1 });
    assert.equal(coloured.split('\x1b').length - 1, coloured.match(/\x1b\[[0-9;]*m/g).length, 'every ESC is our SGR');
  });

  test('regression: JSON reports wrote DEL, C1 controls and bidi overrides raw; now every name is kept exactly, escaped as \\uXXXX', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...HOSTILE, '--reporter', 'json']);
    assert.deepEqual([code, stderr], [1, '']);
    assert.doesNotMatch(stdout, TERMINAL_UNSAFE);
    const report = parseReport(stdout);
    const seen = new Set(report.violations.flatMap((v) => [v.name, v.service, v.traceId, v.spanId]));
    for (const record of RAW.filter((r) => r.duration_ms !== undefined)) {
      assert.ok(seen.has(record.name), JSON.stringify(record.name));
      assert.ok(seen.has(record['service.name']), JSON.stringify(record['service.name']));
      assert.ok(seen.has(record.trace_id), JSON.stringify(record.trace_id));
      assert.ok(seen.has(record.span_id), JSON.stringify(record.span_id));
    }
  });

  test('hostile names: JUnit is well-formed, entity-escaped, without characters XML 1.0 forbids', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...HOSTILE, '--reporter', 'junit']);
    assert.deepEqual([code, stderr], [1, '']);
    assert.equal(XMLValidator.validate(stdout), true);
    assert.doesNotMatch(stdout, /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u);
    assert.doesNotMatch(stdout, TERMINAL_UNSAFE);
    assert.ok(!stdout.includes('<script>'));
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(stdout);
    const names = xml.testsuites.testsuite.flatMap((s) => (s.testcase ?? []).map((c) => c.name));
    // Parsed back (entities decoded), the names are the text report's.
    assert.ok(names.includes('db\\x1b[31m:<script>alert(1)</script> | a & b "q" \'s\' [max ≤ 1ms]'), names.join('\n'));
    assert.ok(names.includes('x\\x7fml:nul\\x00 soh\\x01 fffe lone\\ud800 end]]> &amp; [max ≤ 1ms]'), 'U+FFFE dropped, the rest escaped');
  });

  test('hostile names: a GitHub command can never be ended or started by a name', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...HOSTILE, '--reporter', 'github']);
    assert.deepEqual([code, stderr], [1, '']);
    const report = parseReport(await stdoutOf(['check', ...HOSTILE, '--reporter', 'json'], { code: 1 }));
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, report.violationCount + report.warningCount + 1, 'one line per finding and the notice: no injected line');
    for (const line of lines) assert.match(line, /^::(error|warning|notice) title=[^:,\r\n]*::[^\r\n]+$/, line);
    assert.doesNotMatch(stdout, TERMINAL_UNSAFE);
    assert.ok(stdout.includes('a,b:c:100%25 done%0D%0A::error::injected%0A::warning title=x::y took'), 'CR, LF and % encoded');
    assert.ok(stdout.includes('::error title=tracelog check%3A p95 md|*%3A@*::'), ': encoded in properties');
  });

  test('hostile names: Markdown tables keep their shape and names cannot become HTML, links, mentions or emphasis', async () => {
    const { code, stdout, stderr } = await runCli(['check', ...HOSTILE, '--reporter', 'markdown']);
    assert.deepEqual([code, stderr], [1, '']);
    assert.doesNotMatch(stdout, TERMINAL_UNSAFE);
    assertMarkdownTables(stdout);
    const body = stdout.replace(/\\./g, '');
    for (const raw of ['<script>', '<b>', '](http', '@team', '#1', ':smile:', '$x$', '`code`', '*em*', '~~s~~']) assert.ok(!body.includes(raw), raw);
    assert.ok(stdout.includes('| max | md\\|pipe | \\@team \\#1 \\:smile\\: \\$x\\$ \\`code\\` \\*em\\*'), 'escaped, not dropped');
  });
});
