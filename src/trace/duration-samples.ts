/**
 * Duration samples for percentiles in bounded memory: exact (every value kept)
 * while a group holds at most `exactLimit` values, then folded into a DDSketch
 * with a known relative error. Percentiles use the nearest-rank definition. Pure.
 */
import { DDSketch, DEFAULT_RELATIVE_ACCURACY, type SketchState } from './dd-sketch.js';

/** Samples as plain data (structured-clone safe): what a worker thread sends back. */
export interface SamplesState {
  total: number;
  max: bigint;
  /** The values kept exactly, or null once they went into the sketch. */
  values: Float64Array | null;
  sketch: SketchState | null;
}

/** Values kept exactly per group before switching to the sketch. */
export const DEFAULT_EXACT_LIMIT = 100_000;

/**
 * The nearest-rank rank of percentile `p` (0 < p ≤ 100) among `n` sorted values:
 * `ceil(p / 100 · n)`, at least 1. The p-th percentile is the value at that
 * 1-based rank in ascending order, always one of the observed values.
 */
export function nearestRank(p: number, n: number): number {
  // p·n first, so integer inputs divide exactly (0.07·100 is 7.000000000000001).
  return Math.min(n, Math.max(1, Math.ceil((p * n) / 100)));
}

/**
 * A growing set of durations (ns) answering nearest-rank percentiles: exact up
 * to `exactLimit` values, approximate (±relativeAccuracy) beyond. Durations are
 * held as doubles, exact below 2^53 ns (104 days). Count and max stay exact.
 */
export class DurationSamples {
  readonly exactLimit: number;
  readonly relativeAccuracy: number;
  private values: Float64Array | null = new Float64Array(16);
  private size = 0;
  private sorted = true;
  private sketch: DDSketch | null = null;
  private total = 0;
  private max = 0n;

  constructor(exactLimit: number = DEFAULT_EXACT_LIMIT, relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY) {
    this.exactLimit = Math.max(0, Math.floor(exactLimit));
    this.relativeAccuracy = relativeAccuracy;
  }

  /** Number of durations added. */
  get count(): number {
    return this.total;
  }

  /** True while every value is kept, so percentiles are exact. */
  get exact(): boolean {
    return this.sketch === null;
  }

  /** The largest duration added (exact), 0 when empty. */
  get maxNs(): bigint {
    return this.max;
  }

  /** Adds one duration; negative durations are ignored. */
  add(durationNs: bigint): void {
    if (durationNs < 0n) return;
    this.total++;
    if (durationNs > this.max) this.max = durationNs;
    const value = Number(durationNs);
    if (this.sketch) {
      this.sketch.add(value);
      return;
    }
    if (this.size >= this.exactLimit) {
      this.switchToSketch();
      this.sketch!.add(value);
      return;
    }
    this.push(value);
  }

  /** Adds every duration of `other` (same relative accuracy); exact only if both are and the total fits. */
  merge(other: DurationSamples): void {
    if (other.total === 0) return;
    this.total += other.total;
    if (other.max > this.max) this.max = other.max;
    if (other.sketch === null && this.sketch === null && this.size + other.size <= this.exactLimit) {
      for (let i = 0; i < other.size; i++) this.push(other.values![i]!);
      return;
    }
    if (this.sketch === null) this.switchToSketch();
    if (other.sketch) this.sketch!.merge(other.sketch);
    else for (let i = 0; i < other.size; i++) this.sketch!.add(other.values![i]!);
  }

  /** These samples as plain data. */
  toState(): SamplesState {
    return {
      total: this.total,
      max: this.max,
      values: this.values?.slice(0, this.size) ?? null,
      sketch: this.sketch?.toState() ?? null,
    };
  }

  /** Adds every duration `state` holds, as `merge` does: the same as adding them one by one. */
  absorb(state: SamplesState): void {
    const other = new DurationSamples(this.exactLimit, this.relativeAccuracy);
    other.total = state.total;
    other.max = state.max;
    if (state.sketch) {
      other.sketch = DDSketch.fromState(state.sketch);
      other.values = null;
    } else {
      other.values = state.values ?? new Float64Array(0);
      other.size = other.values.length;
    }
    this.merge(other);
  }

  /**
   * The nearest-rank `p`-th percentile (0 < p ≤ 100) in ns, or null when empty.
   * Exact while `exact` is true; otherwise within `relativeAccuracy` of the true value.
   */
  percentile(p: number): bigint | null {
    if (this.total === 0) return null;
    const rank = nearestRank(p, this.total);
    if (rank === this.total) return this.max;
    if (this.sketch) {
      const estimate = this.sketch.valueAtRank(rank);
      return estimate === null ? null : BigInt(Math.round(estimate));
    }
    const values = this.values!.subarray(0, this.size);
    if (!this.sorted) {
      values.sort();
      this.sorted = true;
    }
    return BigInt(values[rank - 1]!);
  }

  private push(value: number): void {
    let values = this.values!;
    if (this.size === values.length) {
      const grown = new Float64Array(Math.min(Math.max(16, values.length * 2), Math.max(16, this.exactLimit)));
      grown.set(values);
      values = this.values = grown;
    }
    if (this.sorted && this.size > 0 && value < values[this.size - 1]!) this.sorted = false;
    values[this.size++] = value;
  }

  private switchToSketch(): void {
    const sketch = new DDSketch(this.relativeAccuracy);
    for (let i = 0; i < this.size; i++) sketch.add(this.values![i]!);
    this.sketch = sketch;
    this.values = null;
    this.size = 0;
  }
}
