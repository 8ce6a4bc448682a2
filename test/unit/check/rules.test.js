// Rule patterns and precedence: globs over service:name, most specific wins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePattern, matchesPattern, compareSpecificity } from '../../../dist/check/pattern.js';
import { compileRules, parseRule, parsePercentile, parsePercentileRule } from '../../../dist/check/rules.js';

const match = (pattern, service, name) => matchesPattern(compilePattern(pattern), service, name);

test('globs match service and name separately', () => {
  const cases = [
    ['db:*', 'db', 'SELECT 1', true],
    ['db:*', 'dbx', 'q', false],
    ['db:*', null, 'q', false],
    ['*:GET /checkout*', 'web', 'GET /checkout/confirm', true],
    ['*:GET /checkout*', 'web', 'POST /checkout', false],
    ['*:GET /checkout*', null, 'GET /checkout', true],
    ['auth:*', 'auth', '', true],
    ['auth:?', 'auth', 'ab', false],
    ['auth:??', 'auth', 'ab', true],
    ['query', 'db', 'query', true],
    ['query', null, 'query', true],
    ['quer?', 'any', 'query', true],
    ['q*', 'db', 'SELECT', false],
    // `*` does not cross from the name into the service: the split is at the first `:`.
    ['db*', 'db', 'x', false],
    // Names may hold `:` and `=`; only the first `:` separates the service.
    ['*:a:b=c', 's', 'a:b=c', true],
    ['web\\:x:*', 'web:x', 'y', true],
    ['lit\\*', 's', 'lit*', true],
    ['lit\\*', 's', 'litx', false],
    ['a.b', 's', 'axb', false],
    ['(x)+[y]', 's', '(x)+[y]', true],
    ['*', 's', 'multi\nline', true],
    ['?', 's', '😀', true],
  ];
  for (const [pattern, service, name, expected] of cases) {
    assert.equal(match(pattern, service, name), expected, `${pattern} vs ${service}:${JSON.stringify(name)}`);
  }
});

test('specificity: more literal characters, then fewer wildcards', () => {
  const more = (a, b) => compareSpecificity(compilePattern(a), compilePattern(b)) > 0;
  assert.ok(more('db:SELECT*', 'db:*'));
  assert.ok(more('db:*', '*:*'));
  // db:q*x has four literal characters, db:q? three.
  assert.ok(more('db:q*x', 'db:q?'));
  // Same literals (d, b, a, b): fewer wildcards wins.
  assert.ok(more('db:ab', 'db:a?b'));
  assert.ok(more('db:a*', 'db:a**'));
  // A bare name counts its implied service `*` as a wildcard: `*:x` and `x` rank equal.
  assert.equal(compareSpecificity(compilePattern('*:x'), compilePattern('x')), 0);
});

test('the most specific matching rule governs a span; ties go to the later rule', () => {
  const rules = ['*:*=1s', 'db:*=100ms', 'db:SELECT*=50ms', 'auth:*=20ms', '*:login=30ms'].map(parseRule);
  const set = compileRules(rules);
  assert.equal(set.resolve('db', 'SELECT 1'), 2);
  assert.equal(set.resolve('db', 'INSERT'), 1);
  assert.equal(set.resolve('web', 'GET /'), 0);
  // auth:* has 4 literals, *:login has 5: the name rule wins.
  assert.equal(set.resolve('auth', 'login'), 4);
  assert.equal(compileRules([]).resolve('a', 'b'), -1);

  const tie = compileRules(['db:*=100ms', '*:query=200ms', 'db:*=300ms'].map(parseRule));
  // db:* (2 literals, 1 wildcard) vs *:query (5 literals): *:query wins.
  assert.equal(tie.resolve('db', 'query'), 1);
  // Equal patterns: the later one wins.
  assert.equal(tie.resolve('db', 'other'), 2);
});

test('parseRule splits at the last = and parses human durations', () => {
  assert.deepEqual(parseRule('db:*=100ms'), { pattern: 'db:*', limitNs: 100_000_000n });
  assert.deepEqual(parseRule('*:GET /a?b=c*=1.5s'), { pattern: '*:GET /a?b=c*', limitNs: 1_500_000_000n });
  assert.deepEqual(parseRule('x=800us'), { pattern: 'x', limitNs: 800_000n });
  assert.deepEqual(parseRule('x=250'), { pattern: 'x', limitNs: 250_000_000n });
  assert.throws(() => parseRule('db:*'), { code: 'tracelog.invalidRule' });
  assert.throws(() => parseRule('=100ms'), { code: 'tracelog.invalidRule' });
  assert.throws(() => parseRule('db:*=fast'), { code: 'tracelog.config.invalidDuration' });
  assert.throws(() => parseRule('db:*=-5ms'), { code: 'tracelog.config.invalidDuration' });
});

test('percentile names', () => {
  assert.equal(parsePercentile('p95'), 95);
  assert.equal(parsePercentile('P50'), 50);
  assert.equal(parsePercentile('99'), 99);
  assert.equal(parsePercentile('p75'), null);
  assert.deepEqual(parsePercentileRule(90, 'db:*=10ms'), { percentile: 90, pattern: 'db:*', limitNs: 10_000_000n });
});
