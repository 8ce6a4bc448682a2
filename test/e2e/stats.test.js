// `tracelog stats` end to end: the table's shape and order (total time, longest
// first), --by service|name|service,name, --format json against its schema,
// the footer that says whether percentiles are exact, self time, unfinished
// spans and placeholders, -o FILE, and names from hostile or wide-character logs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { fixture, makeTempDir, ROOT, runCli, STACK_TRACE } from '../helpers/cli.js';

const tmp = makeTempDir('tracelog-stats-');
test.after(() => tmp.cleanup());

const validateStats = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schema', 'stats.schema.json'), 'utf8')),
);

/** Parses `--format json` output and checks it against schema/stats.schema.json. */
function parseStats(text) {
  const stats = JSON.parse(text);
  if (!validateStats(stats)) {
    throw new Error(`stats do not match stats.schema.json: ${validateStats.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  }
  return stats;
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

/** Header and body rows of the table, cells trimmed. */
function tableRows(text) {
  return text
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) => line.slice(1, -1).split('│').map((cell) => cell.trim()));
}

/** Columns a line takes: CJK and emoji presentation 2, combining and format characters 0. */
function displayWidthCols(text) {
  const wide = /[\p{Emoji_Presentation}\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/u;
  let cols = 0;
  for (const ch of text) cols += /[\p{Mn}\p{Me}\p{Cf}]/u.test(ch) ? 0 : wide.test(ch) ? 2 : 1;
  return cols;
}

const DEMO = fixture('demo.jsonl');
const COLUMNS_AFTER_KEY = ['count', 'errors', 'p50', 'p90', 'p99', 'max', 'total', 'self'];

describe('tracelog stats', { concurrency: 4 }, () => {
  test('the default table: one row per service and operation, sorted by total time, footer last', async () => {
    const { code, stdout, stderr } = await runCli(['stats', DEMO]);
    assert.deepEqual([code, stderr], [0, '']);
    const [head, ...rows] = tableRows(stdout);
    assert.deepEqual(head, ['service', 'span name', ...COLUMNS_AFTER_KEY]);
    assert.deepEqual(rows, [
      ['frontend', 'POST /checkout', '1', '1', '182ms', '182ms', '182ms', '182ms', '182ms', '9ms'],
      ['payments', 'POST /charge', '1', '1', '96.4ms', '96.4ms', '96.4ms', '96.4ms', '96.4ms', '49.2ms'],
      ['root-service', '/home', '1', '0', '72.9ms', '72.9ms', '72.9ms', '72.9ms', '72.9ms', '13ms'],
      ['payments', 'retry charge', '1', '0', '47.2ms', '47.2ms', '47.2ms', '47.2ms', '47.2ms', '47.2ms'],
      ['pricing', 'POST /quote', '1', '0', '41.2ms', '41.2ms', '41.2ms', '41.2ms', '41.2ms', '7.6ms'],
      ['name-service', '/users/name', '1', '0', '38.2ms', '38.2ms', '38.2ms', '38.2ms', '38.2ms', '38.2ms'],
      ['tax', 'GET /rates/DE', '1', '0', '31.7ms', '31.7ms', '31.7ms', '31.7ms', '31.7ms', '31.7ms'],
      ['cart', 'GET /cart/items', '1', '0', '23.5ms', '23.5ms', '23.5ms', '23.5ms', '23.5ms', '8.7ms'],
      ['auth-service', '/oauth2/authorize', '1', '0', '21.7ms', '21.7ms', '21.7ms', '21.7ms', '21.7ms', '21.7ms'],
      ['postgres', 'SELECT cart_items', '1', '0', '14.8ms', '14.8ms', '14.8ms', '14.8ms', '14.8ms', '14.8ms'],
      ['inventory', 'POST /reserve', '1', '0', '12.3ms', '12.3ms', '12.3ms', '12.3ms', '12.3ms', '12.3ms'],
      ['auth', 'POST /token/verify', '1', '0', '8.4ms', '8.4ms', '8.4ms', '8.4ms', '8.4ms', '8.4ms'],
      ['email', 'enqueue receipt', '1', '0', '3.1ms', '3.1ms', '3.1ms', '3.1ms', '3.1ms', '3.1ms'],
      ['redis', 'GET price:*', '1', '0', '1.9ms', '1.9ms', '1.9ms', '1.9ms', '1.9ms', '1.9ms'],
    ]);
    const lines = stdout.split('\n');
    assert.equal(lines.at(-1), '', 'ends with a newline');
    assert.equal(lines.at(-2), '14 groups, 14 spans in 2 traces; percentiles exact');
    assert.match(lines[0], /^┌[─┬]+┐$/);
    assert.match(lines.at(-3), /^└[─┴]+┘$/);
    const widths = new Set(lines.slice(0, -2).map(displayWidthCols));
    assert.equal(widths.size, 1, 'every table line is as wide as the others');
  });

  test('--by service: groups pooled across operations; percentiles nearest rank', async () => {
    const { code, stdout, stderr } = await runCli(['stats', DEMO, '--by', 'service']);
    assert.deepEqual([code, stderr], [0, '']);
    const [head, ...rows] = tableRows(stdout);
    assert.deepEqual(head, ['service', ...COLUMNS_AFTER_KEY]);
    assert.equal(rows.length, 13);
    // payments: 47.2ms and 96.4ms. p50 is rank ceil(0.5 × 2) = 1, p90 rank 2; total 143.6ms; self 49.2 + 47.2.
    assert.deepEqual(rows[1], ['payments', '2', '1', '47.2ms', '96.4ms', '96.4ms', '96.4ms', '144ms', '96.4ms']);
    assert.deepEqual(rows.map((r) => r[0]).slice(0, 3), ['frontend', 'payments', 'root-service']);
    assert.match(stdout, /\n13 groups, 14 spans in 2 traces; percentiles exact\n$/);
  });

  test('--by name: one row per name, whatever the service', async () => {
    const { code, stdout, stderr } = await runCli(['stats', fixture('nested-parallel.jsonl'), fixture('interleaved-traces.jsonl'), '--by', 'name']);
    assert.deepEqual([code, stderr], [0, '']);
    const [head, ...rows] = tableRows(stdout);
    assert.deepEqual(head, ['span name', ...COLUMNS_AFTER_KEY]);
    const reserve = rows.find((r) => r[0] === 'reserve');
    assert.deepEqual(reserve, ['reserve', '2', '0', '120ms', '170ms', '170ms', '170ms', '290ms', '140ms']);
    assert.equal(new Set(rows.map((r) => r[0])).size, rows.length, 'names are not repeated');
    const totals = rows.map((r) => r[7]);
    assert.equal(totals[0], '480ms');
    assert.match(stdout, /\n15 groups, 16 spans in 4 traces; percentiles exact\n$/);
  });

  test('--by service,name is the default', async () => {
    assert.equal(await stdoutOf(['stats', DEMO, '--by', 'service,name']), await stdoutOf(['stats', DEMO]));
  });

  test('--format json: valid against the schema, in integer nanoseconds, in the table\'s order', async () => {
    const { code, stdout, stderr } = await runCli(['stats', DEMO, '--format', 'json']);
    assert.deepEqual([code, stderr], [0, '']);
    const stats = parseStats(stdout);
    assert.deepEqual([stats.version, stats.by, stats.traceCount, stats.spanCount], [1, 'service,name', 2, 14]);
    assert.deepEqual(stats.percentiles, { definition: 'nearest-rank', exact: true, relativeError: 0 });
    assert.equal(stats.groups.length, 14);
    assert.deepEqual(stats.groups[0], {
      service: 'frontend',
      name: 'POST /checkout',
      count: 1,
      errors: 1,
      unfinished: 0,
      p50Ns: 181_600_000,
      p90Ns: 181_600_000,
      p99Ns: 181_600_000,
      maxNs: 181_600_000,
      totalNs: 181_600_000,
      selfNs: 9_000_000,
      exact: true,
    });
    const totals = stats.groups.map((g) => g.totalNs);
    assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
    const table = tableRows(await stdoutOf(['stats', DEMO])).slice(1);
    assert.deepEqual(stats.groups.map((g) => [g.service, g.name]), table.map((r) => [r[0], r[1]]));
  });

  test('--format json --by service and --by name: the other key is null', async () => {
    for (const [by, nullKey] of [['service', 'name'], ['name', 'service']]) {
      const { code, stdout, stderr } = await runCli(['stats', DEMO, '--by', by, '--format', 'json']);
      assert.deepEqual([code, stderr], [0, '']);
      const stats = parseStats(stdout);
      assert.equal(stats.by, by);
      assert.ok(stats.groups.every((g) => g[nullKey] === null && typeof g[by] === 'string'));
    }
  });

  test('self time: concurrent children count once, a child sticking out of its parent counts only inside it', async () => {
    const stdout = await stdoutOf(['stats', fixture('clock-skew.jsonl'), fixture('nested-parallel.jsonl'), '--format', 'json']);
    const self = Object.fromEntries(parseStats(stdout).groups.map((g) => [g.name, g.selfNs / 1e6]));
    // parent on host A, 50ms: its children cover 10ms inside it, and 10ms of the one that ends after it.
    assert.equal(self['parent on host A'], 30);
    // POST /checkout 480ms: children at 2–20, 22–332.5 (three in parallel), 335–475.
    assert.equal(self['POST /checkout'], 11.5);
    assert.equal(self['check stock'], 20);
  });

  test('unfinished spans are counted apart and left out of the durations; placeholders are not counted', async () => {
    const warmup = parseStats(await stdoutOf(['stats', fixture('begin-end.jsonl'), '--format', 'json'])).groups.find((g) => g.name === 'cache warmup');
    assert.deepEqual([warmup.count, warmup.unfinished, warmup.totalNs, warmup.maxNs, warmup.p50Ns], [0, 1, 0, null, null]);
    const stats = parseStats(await stdoutOf(['stats', fixture('orphan-parent.jsonl'), '--format', 'json']));
    assert.equal(stats.spanCount, 3);
    assert.deepEqual(stats.groups.map((g) => g.name), ['root', 'child 2', 'child 1']);
  });

  test('hostile and wide names: escaped in the table, kept exactly in JSON, no raw control or bidi character', async () => {
    const files = [fixture('hostile-text.jsonl'), fixture('wide-characters.jsonl')];
    const table = await runCli(['stats', ...files, '-q']);
    assert.deepEqual([table.code, table.stderr], [0, '']);
    const unsafe = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;
    assert.doesNotMatch(table.stdout, unsafe);
    assert.ok(table.stdout.includes('│ web\\x07\\x08\\x08\\x08bell │ GET /\\x1b[2Jhome'));
    const lines = table.stdout.split('\n').slice(0, -2);
    assert.equal(new Set(lines.map(displayWidthCols)).size, 1, `wide characters keep the table aligned:\n${table.stdout}`);
    const json = await stdoutOf(['stats', ...files, '-q', '--format', 'json']);
    assert.doesNotMatch(json, unsafe);
    const names = new Set(parseStats(json).groups.flatMap((g) => [g.service, g.name]));
    for (const line of readFileSync(join(ROOT, 'fixtures', 'hostile-text.jsonl'), 'utf8').trim().split('\n')) {
      const record = JSON.parse(line);
      if (record.duration_ms === undefined) continue;
      assert.ok(names.has(record.name), JSON.stringify(record.name));
      assert.ok(names.has(record['service.name']), JSON.stringify(record['service.name']));
    }
    assert.ok(names.has('注文を処理する') && names.has('🚀rocket'));
  });

  test('-o FILE: the table goes to the file, nothing to stdout', async () => {
    const out = join(tmp.dir, 'stats.txt');
    const { code, stdout, stderr } = await runCli(['stats', DEMO, '-o', out]);
    assert.deepEqual([code, stdout, stderr], [0, '', '']);
    assert.equal(readFileSync(out, 'utf8'), await stdoutOf(['stats', DEMO]));
  });

  test('colour: none when piped or with NO_COLOR; --color adds SGR only, the text is the same', async () => {
    const plain = await stdoutOf(['stats', DEMO]);
    assert.ok(!plain.includes('\x1b'));
    const coloured = await stdoutOf(['stats', DEMO, '--color']);
    const sgr = /\x1b\[[0-9;]*m/g;
    assert.equal(coloured.split('\x1b').length - 1, coloured.match(sgr)?.length ?? 0);
    assert.equal(coloured.replace(sgr, ''), plain);
  });

  test('usage errors and unreadable input exit 2', async () => {
    const bad = await runCli(['stats', DEMO, '--by', 'host']);
    assert.deepEqual([bad.code, bad.stdout], [2, '']);
    assert.match(bad.stderr, /argument 'host' is invalid\. Allowed choices are service, name, service,name/);
    const format = await runCli(['stats', DEMO, '--format', 'csv']);
    assert.deepEqual([format.code, format.stdout], [2, '']);
    assert.match(format.stderr, /argument 'csv' is invalid/);
    const missing = await runCli(['stats', 'missing.log', DEMO]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, "tracelog: cannot read 'missing.log': no such file\n");
    assert.equal(missing.stdout, await stdoutOf(['stats', DEMO]), 'the other files are still counted');
    for (const r of [bad, format, missing]) assert.doesNotMatch(r.stderr, STACK_TRACE);
  });
});
