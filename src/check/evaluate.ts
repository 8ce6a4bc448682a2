/**
 * The core of `tracelog check`: spans over their limit (most specific rule, else
 * `max`), percentile limits, baseline regressions and structural findings, fed
 * one trace at a time. Memory stays bounded: the worst violations are kept and
 * the rest counted. Pure: no I/O, no clock; exit statuses belong to the CLI.
 */
import type { Span, Trace } from '../types.js';
import { walkSpans } from '../trace/walk.js';
import { DurationSamples, DEFAULT_EXACT_LIMIT, type SamplesState } from '../trace/duration-samples.js';
import { formatDuration } from '../render/format-duration.js';
import { compileRules, percentileRuleLabel, type DurationRule, type PercentileRule, type Percentile } from './rules.js';
import { compilePattern, matchesPattern } from './pattern.js';
import { STRUCTURE_KINDS, type StructureKind } from './config.js';
import {
  compareBaseline,
  DEFAULT_MIN_SAMPLES,
  DEFAULT_REGRESSION_FRACTION,
  type BaselineComparison,
  type BaselineSummary,
  type OperationComparison,
} from './baseline.js';
import { DEFAULT_MAX_OPERATIONS, OperationDurations, operationKey, type OperationDurationsState } from './operation-durations.js';
import { WorstKept } from './worst-kept.js';

/** Violations (and warnings) kept in memory when no limit is given; the rest are counted. */
export const DEFAULT_MAX_VIOLATIONS_KEPT = 1000;

/** What a violation or warning is about. */
export type ViolationKind = 'max' | 'rule' | 'percentile' | 'regression' | 'orphan' | 'cycle' | 'duplicate' | 'skew';

/**
 * One thing over its limit, or one structural finding. Durations in ns. Span
 * violations carry the trace and span id (`tracelog view --trace ID`); percentile
 * and regression violations concern many spans and have none.
 */
export interface Violation {
  kind: ViolationKind;
  /** `max`, a rule's pattern, `p95 PATTERN`, `regression p95`, or a structural kind (`orphans`). */
  rule: string;
  service: string | null;
  name: string | null;
  durationNs: bigint | null;
  limitNs: bigint | null;
  /** durationNs − limitNs; null for structural findings. */
  excessNs: bigint | null;
  traceId: string | null;
  spanId: string | null;
  /** A short explanation: "p95 of 1234 spans", "parent a1 never arrived", … */
  detail: string | null;
}

export interface CheckOptions {
  /** Limit for spans no rule matches. */
  maxNs?: bigint | null | undefined;
  /** Per-pattern limits; most specific wins (see `compileRules`). */
  rules?: readonly DurationRule[];
  percentileRules?: readonly PercentileRule[];
  /** Structural findings that are violations instead of warnings. */
  failOn?: readonly StructureKind[];
  /** Baseline run to compare each operation's p50 and p95 with. */
  baseline?: BaselineSummary | null | undefined;
  /** Relative rise that counts as a regression; default 0.2. */
  regressionFraction?: number | undefined;
  /** Samples needed on both sides to judge an operation; default 5. */
  minSamples?: number | undefined;
  /** Violations, and separately warnings, kept in memory; default 1000. */
  maxViolationsKept?: number;
  /** Durations kept exactly per percentile rule or operation; default 100,000. */
  exactLimit?: number;
  /** Operations tracked for the baseline and the per-operation summary; default 10,000. */
  maxOperations?: number;
}

/** One rule applied to one operation: a JUnit test case. */
export interface CheckedOperation {
  kind: 'max' | 'rule';
  /** `max` or the rule's pattern. */
  rule: string;
  limitNs: bigint;
  service: string | null;
  name: string | null;
  /** True for the bucket gathering operations past `maxOperations`. */
  other: boolean;
  spanCount: number;
  violationCount: number;
  /** Longest span seen. */
  worstNs: bigint;
}

export interface PercentileOutcome {
  percentile: Percentile;
  pattern: string;
  /** `p95 PATTERN`. */
  rule: string;
  limitNs: bigint;
  /** Null when no span matched. */
  valueNs: bigint | null;
  sampleCount: number;
  exact: boolean;
  passed: boolean;
}

export interface CheckResult {
  passed: boolean;
  traceCount: number;
  /** Spans seen, placeholders excluded. */
  spanCount: number;
  /** Worst excess first; at most `maxViolationsKept`. */
  violations: Violation[];
  /** All violations, including those not kept. */
  violationCount: number;
  /** All violations by kind. */
  violationCounts: Record<ViolationKind, number>;
  warnings: Violation[];
  warningCount: number;
  /** Structural findings by kind, whether warnings or violations. */
  structure: Record<StructureKind, number>;
  failOn: StructureKind[];
  maxNs: bigint | null;
  /** Every (rule, operation) pair checked, by rule then operation. */
  checked: CheckedOperation[];
  percentiles: PercentileOutcome[];
  baseline: BaselineComparison | null;
  /** Rules (`db:*`, `p95 *:GET /x`) that matched no span: often a typo. */
  unusedRules: string[];
  /** The relative error of approximate percentiles (0.01). */
  relativeAccuracy: number;
  /** Inputs that could not be read (set by the caller): the check is then an error, not a pass. */
  inputErrors?: string[];
}

/** Feeds traces one at a time; `finish()` evaluates. */
export interface CheckAccumulator {
  /**
   * Adds one trace. Traces may come in any order when each gives its place in start
   * order (start time, then first appearance): the result is then what adding them in
   * start order gives, as long as `orderMatters` stays false.
   */
  add(trace: Trace, firstAppearance?: number): void;
  /**
   * True once more operations were seen than are tracked one by one: which of them get
   * their own row then depends on the order traces were added in.
   */
  readonly orderMatters: boolean;
  /** What was added so far, as plain data: a worker thread's part of a check. */
  toState(): CheckState;
  /**
   * Adds the part of a check `state` holds, made with the same options from other
   * traces (each added with its first appearance): the result is then what adding
   * every trace here gives, as long as `orderMatters` stays false.
   */
  absorb(state: CheckState): void;
  finish(): CheckResult;
}

/** A check's part as plain data (structured-clone safe): see `CheckAccumulator.toState`. */
export interface CheckState {
  traceCount: number;
  spanCount: number;
  violations: { items: Offered[]; total: number };
  violationCounts: Record<ViolationKind, number>;
  warnings: { items: Offered[]; total: number };
  structure: Record<StructureKind, number>;
  checked: Array<[string, CheckedOperation]>;
  ruleMatched: boolean[];
  percentileSamples: SamplesState[];
  operations: OperationDurationsState | null;
}

const KIND_OF_STRUCTURE: Record<StructureKind, ViolationKind> = {
  orphans: 'orphan',
  cycles: 'cycle',
  duplicates: 'duplicate',
  skew: 'skew',
};

/** Caches per operation stop growing here; lookups still work, uncached. */
const MAX_CACHED_OPERATIONS = 50_000;

/** One operation (service and name) of a check: its key, rule and percentile rules, its entry in `checked`. */
interface Operation {
  key: string;
  /** The rule that applies (−1: none, `--max` if given). */
  rule: number;
  percentiles: number[];
  checked: CheckedOperation | null;
}

/** A violation with its place: its trace's start and first appearance, then its place in the trace. */
export interface Offered {
  violation: Violation;
  start: bigint;
  order: number;
  seq: number;
}

/** The start given to what is found after all traces (percentiles, regressions): later than any. */
const AFTER_ALL = 2n ** 128n;

/** Positive when `a` is worse: larger excess first, findings without one last, then earlier first. */
function compareOffered(a: Offered, b: Offered): number {
  const x = a.violation.excessNs;
  const y = b.violation.excessNs;
  if (x !== y) {
    if (x === null) return -1;
    if (y === null) return 1;
    return x > y ? 1 : -1;
  }
  if (a.start !== b.start) return a.start < b.start ? 1 : -1;
  return b.order - a.order || b.seq - a.seq;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatChange(change: number | null): string {
  if (change === null) return 'from 0';
  const pct = (change * 100).toFixed(1);
  return `${change >= 0 ? '+' : ''}${pct}%`;
}

/** Starts an incremental check run. */
export function createCheckAccumulator(options: CheckOptions = {}): CheckAccumulator {
  const maxNs = options.maxNs ?? null;
  const rules = options.rules ?? [];
  const ruleSet = compileRules(rules);
  const percentileRules = options.percentileRules ?? [];
  const percentilePatterns = percentileRules.map((r) => compilePattern(r.pattern));
  const failOn = new Set(options.failOn ?? []);
  const kept = options.maxViolationsKept ?? DEFAULT_MAX_VIOLATIONS_KEPT;
  const exactLimit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
  const maxOperations = options.maxOperations ?? DEFAULT_MAX_OPERATIONS;

  const violations = new WorstKept<Offered>(kept, compareOffered);
  const violationCounts: Record<ViolationKind, number> = {
    max: 0,
    rule: 0,
    percentile: 0,
    regression: 0,
    orphan: 0,
    cycle: 0,
    duplicate: 0,
    skew: 0,
  };
  // Where offers are: the trace being added (or AFTER_ALL) and the place within it.
  let start = 0n;
  let order = 0;
  let seq = 0;
  const offerViolation = (violation: Violation): void => {
    violationCounts[violation.kind]++;
    violations.offer({ violation, start, order, seq: seq++ });
  };
  const warnings = new WorstKept<Offered>(kept, compareOffered);
  const structure: Record<StructureKind, number> = { orphans: 0, cycles: 0, duplicates: 0, skew: 0 };
  const checked = new Map<string, CheckedOperation>();
  // A rule outranked on every span it matches still matched: only rules matching nothing are "unused" (often a typo).
  const rulePatterns = rules.map((rule) => compilePattern(rule.pattern));
  const ruleMatched = rules.map(() => false);
  const percentileSamples = percentileRules.map(() => new DurationSamples(exactLimit));
  // Each operation met, found again by its service and name (no key built per span).
  const operationsSeen = new Map<string | null, Map<string | null, Operation>>();
  let operationsCached = 0;
  const operations = options.baseline ? new OperationDurations(exactLimit, maxOperations) : null;
  let traceCount = 0;
  let spanCount = 0;
  let result: CheckResult | null = null;

  const offerFinding = (kind: StructureKind, span: Span, trace: Trace, detail: string, subject: Span = span): void => {
    structure[kind]++;
    const violation: Violation = {
      kind: KIND_OF_STRUCTURE[kind],
      rule: kind,
      service: subject.service,
      name: subject.name,
      durationNs: null,
      limitNs: null,
      excessNs: null,
      traceId: trace.traceId,
      spanId: subject.spanId,
      detail,
    };
    if (failOn.has(kind)) offerViolation(violation);
    else warnings.offer({ violation, start, order, seq: seq++ });
  };

  const checkStructure = (span: Span, trace: Trace): void => {
    if (span.synthetic) {
      const child = span.children[0];
      offerFinding(
        'orphans',
        span,
        trace,
        child
          ? `parent ${span.spanId} never arrived (${plural(span.children.length, 'orphaned span')})`
          : `span ${span.spanId} never arrived (only its events did)`,
        child ?? span,
      );
    }
    if (span.cycleParentId !== null) {
      offerFinding('cycles', span, trace, `parent link to ${span.cycleParentId} cut to break a cycle`);
    }
    if (span.duplicate) offerFinding('duplicates', span, trace, `span id ${span.spanId} used more than once`);
    if (span.skew) offerFinding('skew', span, trace, 'starts before or ends after its parent');
  };

  /** The operation of a span: its rule and percentile rules resolved once. */
  const operationOf = (span: Span): Operation => {
    const { service, name } = span;
    let byName = operationsSeen.get(service);
    let operation = byName?.get(name);
    if (operation !== undefined) return operation;
    const rule = ruleSet.resolve(service, name);
    for (let i = 0; i < rulePatterns.length; i++) {
      if (!ruleMatched[i] && matchesPattern(rulePatterns[i]!, service, name)) ruleMatched[i] = true;
    }
    const percentiles: number[] = [];
    for (let i = 0; i < percentilePatterns.length; i++) if (matchesPattern(percentilePatterns[i]!, service, name)) percentiles.push(i);
    operation = { key: operationKey(service, name), rule, percentiles, checked: null };
    if (operationsCached < MAX_CACHED_OPERATIONS) {
      if (byName === undefined) operationsSeen.set(service, (byName = new Map()));
      byName.set(name, operation);
      operationsCached++;
    }
    return operation;
  };

  const checkDuration = (operation: Operation, span: Span, trace: Trace): void => {
    const index = operation.rule;
    const rule = index >= 0 ? rules[index]! : null;
    const limitNs = rule ? rule.limitNs : maxNs;
    if (limitNs === null) return;
    const label = rule ? rule.pattern : 'max';
    // Kept on the operation once found: an entry stays in `checked`, and an operation that
    // went to the "other" bucket (checked full) stays there, as `checked` never shrinks.
    let entry = operation.checked;
    if (entry === null) {
      let pairKey = `${index}\u0000${operation.key}`;
      let found = checked.get(pairKey);
      if (!found) {
        const other = checked.size >= maxOperations;
        if (other) {
          pairKey = `${index}\u0000\u0001other`;
          found = checked.get(pairKey);
        }
        if (!found) {
          found = {
            kind: rule ? 'rule' : 'max',
            rule: label,
            limitNs,
            service: other ? null : span.service,
            name: other ? null : span.name,
            other,
            spanCount: 0,
            violationCount: 0,
            worstNs: 0n,
          };
          checked.set(pairKey, found);
        }
      }
      entry = operation.checked = found;
    }
    entry.spanCount++;
    if (span.durationNs > entry.worstNs) entry.worstNs = span.durationNs;
    if (span.durationNs <= limitNs) return;
    entry.violationCount++;
    offerViolation({
      kind: rule ? 'rule' : 'max',
      rule: label,
      service: span.service,
      name: span.name,
      durationNs: span.durationNs,
      limitNs,
      excessNs: span.durationNs - limitNs,
      traceId: trace.traceId,
      spanId: span.spanId,
      detail: null,
    });
  };

  return {
    add(trace: Trace, firstAppearance?: number): void {
      if (result) throw new Error('check accumulator already finished');
      // Without a place, traces come in start order: the count is their place.
      start = firstAppearance === undefined ? 0n : trace.startNs;
      order = firstAppearance ?? traceCount;
      seq = 0;
      traceCount++;
      walkSpans(trace, (span) => {
        checkStructure(span, trace);
        if (span.synthetic) return;
        spanCount++;
        if (span.unfinished) return;
        const operation = operationOf(span);
        checkDuration(operation, span, trace);
        for (const i of operation.percentiles) percentileSamples[i]!.add(span.durationNs);
        operations?.add(operation.key, span.service, span.name, span.durationNs);
      });
    },

    get orderMatters(): boolean {
      return checked.size >= maxOperations || (operations?.full ?? false);
    },

    toState(): CheckState {
      return {
        traceCount,
        spanCount,
        violations: { items: violations.items(), total: violations.total },
        violationCounts,
        warnings: { items: warnings.items(), total: warnings.total },
        structure,
        checked: [...checked],
        ruleMatched,
        percentileSamples: percentileSamples.map((samples) => samples.toState()),
        operations: operations?.toState() ?? null,
      };
    },

    absorb(state: CheckState): void {
      if (result) throw new Error('check accumulator already finished');
      traceCount += state.traceCount;
      spanCount += state.spanCount;
      violations.absorb(state.violations.items, state.violations.total);
      warnings.absorb(state.warnings.items, state.warnings.total);
      for (const kind of Object.keys(violationCounts) as ViolationKind[]) violationCounts[kind] += state.violationCounts[kind];
      for (const kind of Object.keys(structure) as StructureKind[]) structure[kind] += state.structure[kind];
      for (const [key, theirs] of state.checked) {
        const ours = checked.get(key);
        if (!ours) checked.set(key, { ...theirs });
        else {
          ours.spanCount += theirs.spanCount;
          ours.violationCount += theirs.violationCount;
          if (theirs.worstNs > ours.worstNs) ours.worstNs = theirs.worstNs;
        }
      }
      state.ruleMatched.forEach((matched, i) => {
        if (matched) ruleMatched[i] = true;
      });
      state.percentileSamples.forEach((samples, i) => {
        percentileSamples[i]!.absorb(samples);
      });
      if (state.operations) operations?.absorb(state.operations);
    },

    finish(): CheckResult {
      if (result) return result;
      start = AFTER_ALL;
      order = 0;
      seq = 0;
      const percentiles: PercentileOutcome[] = percentileRules.map((rule, i) => {
        const samples = percentileSamples[i]!;
        const valueNs = samples.percentile(rule.percentile);
        const passed = valueNs === null || valueNs <= rule.limitNs;
        const label = percentileRuleLabel(rule);
        if (!passed) {
          offerViolation({
            kind: 'percentile',
            rule: label,
            service: null,
            name: null,
            durationNs: valueNs,
            limitNs: rule.limitNs,
            excessNs: valueNs! - rule.limitNs,
            traceId: null,
            spanId: null,
            detail: `p${rule.percentile} of ${plural(samples.count, 'span')}${samples.exact ? '' : ' (approximate, ±1%)'}`,
          });
        }
        return {
          percentile: rule.percentile,
          pattern: rule.pattern,
          rule: label,
          limitNs: rule.limitNs,
          valueNs,
          sampleCount: samples.count,
          exact: samples.exact,
          passed,
        };
      });

      let baseline: BaselineComparison | null = null;
      if (options.baseline && operations) {
        baseline = compareBaseline(operations.summarize(), options.baseline, {
          regressionFraction: options.regressionFraction ?? DEFAULT_REGRESSION_FRACTION,
          minSamples: options.minSamples ?? DEFAULT_MIN_SAMPLES,
        });
        for (const c of baseline.regressions) {
          for (const v of regressionViolations(c, baseline.regressionFraction)) offerViolation(v);
        }
      }

      const unusedRules = [
        ...rules.filter((_, i) => !ruleMatched[i]).map((r) => r.pattern),
        ...percentiles.filter((p) => p.sampleCount === 0).map((p) => p.rule),
      ];

      const checkedList = [...checked.values()].sort(compareChecked);
      result = {
        passed: violations.total === 0,
        traceCount,
        spanCount,
        violations: violations.sorted().map((o) => o.violation),
        violationCount: violations.total,
        violationCounts,
        warnings: warnings.sorted().map((o) => o.violation),
        warningCount: warnings.total,
        structure,
        failOn: STRUCTURE_KINDS.filter((k) => failOn.has(k)),
        maxNs,
        checked: checkedList,
        percentiles,
        baseline,
        unusedRules,
        relativeAccuracy: 0.01,
      };
      return result;
    },
  };
}

function compareChecked(a: CheckedOperation, b: CheckedOperation): number {
  const ka = [a.kind === 'max' ? 1 : 0, a.rule, a.other ? 1 : 0, a.service ?? '', a.name ?? '', a.service === null ? 0 : 1, a.name === null ? 0 : 1];
  const kb = [b.kind === 'max' ? 1 : 0, b.rule, b.other ? 1 : 0, b.service ?? '', b.name ?? '', b.service === null ? 0 : 1, b.name === null ? 0 : 1];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i]! < kb[i]!) return -1;
    if (ka[i]! > kb[i]!) return 1;
  }
  return 0;
}

/** One violation per metric (p50, p95) that rose past the threshold. */
function regressionViolations(c: OperationComparison, fraction: number): Violation[] {
  const out: Violation[] = [];
  const metrics: Array<['p50' | 'p95', bigint, bigint, number | null]> = [
    ['p50', c.baseline.p50Ns, c.current.p50Ns, c.p50Change],
    ['p95', c.baseline.p95Ns, c.current.p95Ns, c.p95Change],
  ];
  for (const [metric, beforeNs, nowNs, change] of metrics) {
    if (change !== null && change <= fraction) continue;
    const limitNs = BigInt(Math.floor(Number(beforeNs) * (1 + fraction)));
    out.push({
      kind: 'regression',
      rule: `regression ${metric}`,
      service: c.service,
      name: c.name,
      durationNs: nowNs,
      limitNs,
      excessNs: nowNs - limitNs,
      traceId: null,
      spanId: null,
      detail: `${metric} ${formatDuration(beforeNs)} → ${formatDuration(nowNs)} (${formatChange(change)}; ${c.baseline.count} → ${c.current.count} spans)`,
    });
  }
  return out;
}

function isAccumulator(input: Iterable<Trace> | CheckAccumulator): input is CheckAccumulator {
  return typeof (input as CheckAccumulator).finish === 'function' && typeof (input as CheckAccumulator).add === 'function';
}

/**
 * Evaluates a check over `input`: traces (any iterable), or an accumulator
 * already fed (then `options` were given when it was created).
 */
export function evaluateCheck(input: Iterable<Trace> | CheckAccumulator, options: CheckOptions = {}): CheckResult {
  if (isAccumulator(input)) return input.finish();
  const acc = createCheckAccumulator(options);
  for (const trace of input) acc.add(trace);
  return acc.finish();
}

/** The exit status for a result: 0 when clean, 1 when there are violations. */
export function exitCodeFor(result: CheckResult): 0 | 1 | 2 {
  if (result.inputErrors !== undefined && result.inputErrors.length > 0) return 2;
  return result.violationCount > 0 ? 1 : 0;
}
