// parseConfig: validation with stable codes, and agreement with the published JSON Schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { parseConfig, parsePercent } from '../../../dist/check/config.js';
import { ConfigError } from '../../../dist/check/config-error.js';

const schema = JSON.parse(readFileSync(new URL('../../../schema/tracelog.config.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

const EXAMPLE = {
  $schema: './schema/tracelog.config.schema.json',
  max: '500ms',
  rules: { 'db:*': '100ms', 'auth:*': '1.5s' },
  percentiles: { p95: { '*:GET /checkout*': '300ms' }, p50: { '*': '800us' } },
  failOn: ['orphans', 'cycles'],
  regression: '20%',
  minSamples: 5,
};

test('a full config parses to limits in ns, in file order', () => {
  const config = parseConfig(EXAMPLE);
  assert.equal(config.maxNs, 500_000_000n);
  assert.deepEqual(config.rules, [
    { pattern: 'db:*', limitNs: 100_000_000n },
    { pattern: 'auth:*', limitNs: 1_500_000_000n },
  ]);
  assert.deepEqual(config.percentileRules, [
    { percentile: 95, pattern: '*:GET /checkout*', limitNs: 300_000_000n },
    { percentile: 50, pattern: '*', limitNs: 800_000n },
  ]);
  assert.deepEqual(config.failOn, ['orphans', 'cycles']);
  assert.equal(config.regressionFraction, 0.2);
  assert.equal(config.minSamples, 5);
  assert.equal(validate(EXAMPLE), true);
});

test('config text is parsed too; absent settings stay undefined', () => {
  const config = parseConfig('{"rules": {"db:*": "100ms"}}');
  assert.equal(config.maxNs, undefined);
  assert.equal(config.regressionFraction, undefined);
  assert.equal(config.minSamples, undefined);
  assert.deepEqual(config.failOn, []);
  assert.throws(() => parseConfig('{"max": '), { code: 'tracelog.config.invalidJson' });
});

const INVALID = [
  [[], 'tracelog.config.notObject', ''],
  ['"x"', 'tracelog.config.notObject', ''],
  [{ maxx: '1s' }, 'tracelog.config.unknownKey', '/maxx'],
  [{ max: 500 }, 'tracelog.config.invalidDuration', '/max'],
  [{ max: 'fast' }, 'tracelog.config.invalidDuration', '/max'],
  [{ max: '-5ms' }, 'tracelog.config.invalidDuration', '/max'],
  [{ rules: [] }, 'tracelog.config.invalidType', '/rules'],
  [{ rules: { 'db:*': '1 sec' } }, 'tracelog.config.invalidDuration', '/rules/db:*'],
  [{ rules: { 'a/b~c': 'x' } }, 'tracelog.config.invalidDuration', '/rules/a~1b~0c'],
  [{ rules: { '': '1s' } }, 'tracelog.config.invalidPattern', '/rules/'],
  [{ percentiles: { p75: { '*': '1s' } } }, 'tracelog.config.invalidPercentile', '/percentiles/p75'],
  [{ percentiles: { p95: '1s' } }, 'tracelog.config.invalidType', '/percentiles/p95'],
  [{ failOn: ['orphans', 'gaps'] }, 'tracelog.config.invalidFailOn', '/failOn/1'],
  [{ failOn: 'orphans' }, 'tracelog.config.invalidType', '/failOn'],
  [{ regression: 0.2 }, 'tracelog.config.invalidPercent', '/regression'],
  [{ regression: '20' }, 'tracelog.config.invalidPercent', '/regression'],
  [{ minSamples: 0 }, 'tracelog.config.invalidMinSamples', '/minSamples'],
  [{ minSamples: 2.5 }, 'tracelog.config.invalidMinSamples', '/minSamples'],
  [{ minSamples: '5' }, 'tracelog.config.invalidMinSamples', '/minSamples'],
];

test('each invalid config fails with a stable code and a JSON Pointer, and the schema rejects it too', () => {
  for (const [value, code, path] of INVALID) {
    const input = typeof value === 'string' ? value : value;
    let error;
    try {
      parseConfig(input);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError, `expected ConfigError for ${JSON.stringify(value)}`);
    assert.equal(error.code, code, JSON.stringify(value));
    assert.equal(error.problems[0].path, path, JSON.stringify(value));
    const asJson = typeof value === 'string' ? JSON.parse(value) : value;
    assert.equal(validate(asJson), false, `schema accepted ${JSON.stringify(value)}`);
  }
});

test('every problem is reported at once, with readable lines', () => {
  try {
    parseConfig({ max: 'x', rules: { 'db:*': 'y' }, minSamples: -1 });
    assert.fail('expected an error');
  } catch (error) {
    assert.deepEqual(
      error.problems.map((p) => p.code),
      ['tracelog.config.invalidDuration', 'tracelog.config.invalidDuration', 'tracelog.config.invalidMinSamples'],
    );
    assert.match(error.message, /config \/max: "x" is not a duration/);
    assert.match(error.message, /config \/rules\/db:\*: "y" is not a duration/);
  }
});

test('duration strings: the schema pattern and the parser agree', () => {
  const durations = ['250ms', '1.5s', '800us', '800µs', '2m', '1m2.5s', '0', '+0', '100', '0.5', '.5ms', '  10ms ', '1h',
    'fast', '', '-5ms', '-0', '5', '5.', '1.5', 'ms', '10 ms', '1e3ms', '5d', '+5ms'];
  for (const text of durations) {
    let parsed = true;
    try {
      parseConfig({ max: text });
    } catch {
      parsed = false;
    }
    assert.equal(validate({ max: text }), parsed, `schema and parser disagree on ${JSON.stringify(text)}`);
  }
});

test('parsePercent', () => {
  assert.equal(parsePercent('20%'), 0.2);
  assert.equal(parsePercent('12.5%'), 0.125);
  assert.equal(parsePercent('0%'), 0);
  assert.throws(() => parsePercent('twenty'), { code: 'tracelog.config.invalidPercent' });
});

test('__proto__ in a config does not leak into objects', () => {
  const config = parseConfig('{"rules": {"__proto__": "1s"}}');
  assert.deepEqual(config.rules, [{ pattern: '__proto__', limitNs: 1_000_000_000n }]);
  assert.equal({}.polluted, undefined);
});
