// A check result with every kind of violation and hostile text in every field
// that comes from input, shared by the reporter tests.
import { makeSpan, makeTrace } from '../../helpers/spans.js';
import { evaluateCheck } from '../../../dist/check/evaluate.js';
import { summarizeBaseline } from '../../../dist/check/baseline.js';
import { parseRule } from '../../../dist/check/rules.js';

export const MS = 1_000_000n;

/** Control characters, markup, workflow-command and XML breakers, a lone surrogate. */
export const HOSTILE =
  'evil\x1b[31m\x07\u202e|<script>alert("x")</script>]]>%0A%\r\n::error::pwned & \'q\' `t` *b* _i_ [l](u) #1 @team $x$ \x00\x7f\ud800 :smile:';

export const HOSTILE_TRACE = 'tr<"&\x1b>ace';

/** Raw characters no report may contain (colour off): C0 except LF, DEL, C1, bidi controls, lone surrogates. */
export const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/u;

function times(n, durationMs) {
  return Array.from({ length: n }, () => durationMs);
}

function trace(traceId, list) {
  const spans = [];
  for (const [service, name, durations, extra = {}] of list) {
    for (const d of durations) spans.push(makeSpan({ spanId: `${traceId}-${spans.length}`, service, name, durationMs: d, startMs: spans.length, ...extra }));
  }
  return makeTrace(spans, traceId);
}

/** A failing result: max, rule, percentile, regression and structural violations, plus warnings. */
export function failingResult(options = {}) {
  const current = [
    trace(HOSTILE_TRACE, [
      [HOSTILE, HOSTILE, [700]],
      ['db', 'query', [150, 90]],
      ['web', 'GET /checkout', times(6, 200)],
      ['web', 'GET /fresh', [1]],
    ]),
    trace('t2', [['web', 'skewed', [1], { skew: true }], ['web', 'dup', [1], { duplicate: true }]]),
    trace('t3', [['svc', 'cyc', [1], { cycleParentId: 'x' }]]),
  ];
  const baseline = summarizeBaseline([trace('b', [['web', 'GET /checkout', times(6, 100)], ['web', 'GET /gone', times(6, 1)]])]);
  return evaluateCheck(current, {
    maxNs: 500n * MS,
    rules: [parseRule('db:*=100ms')],
    percentileRules: [
      { percentile: 95, pattern: '*:GET /checkout*', limitNs: 150n * MS },
      { percentile: 50, pattern: '*:GET /none', limitNs: 1n },
    ],
    failOn: ['duplicates'],
    baseline,
    ...options,
  });
}

/** A clean result. */
export function passingResult() {
  return evaluateCheck([trace('ok', [['web', 'GET /', [10, 20]]])], { maxNs: 500n * MS });
}

/** Many span violations, to exercise caps. */
export function manyViolations(count) {
  return evaluateCheck([trace('many', [['svc', 'op', Array.from({ length: count }, (_, i) => 10 + i)]])], { maxNs: 1n * MS });
}
