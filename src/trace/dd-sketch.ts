/**
 * A DDSketch-style quantile sketch: positive values fall into logarithmic
 * buckets so every estimate is within a fixed relative error of a true value,
 * in memory that grows with the value range, not the count. Pure.
 * Reference: Masson, Rim, Lee, "DDSketch" (VLDB 2019).
 */

/** A sketch as plain data (structured-clone safe): what a worker thread sends back. */
export interface SketchState {
  relativeAccuracy: number;
  buckets: Array<[number, number]>;
  zeroCount: number;
  total: number;
  minValue: number;
  maxValue: number;
}

/** The relative accuracy used when none is given: estimates within ±1%. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;

/**
 * Log-bucket sketch. A value x > 0 goes to bucket `ceil(log_gamma(x))` with
 * `gamma = (1 + α) / (1 − α)`; a bucket i stands for `2·gamma^i / (gamma + 1)`,
 * which is within α of every value the bucket holds. Zero has its own bucket.
 */
export class DDSketch {
  /** α: the bound on |estimate − value| / value. */
  readonly relativeAccuracy: number;
  readonly gamma: number;
  private readonly logGamma: number;
  private readonly buckets = new Map<number, number>();
  private zeroCount = 0;
  private total = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;

  constructor(relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
      throw new RangeError(`relative accuracy must be in (0, 1), got ${relativeAccuracy}`);
    }
    this.relativeAccuracy = relativeAccuracy;
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  /** Number of values added. */
  get count(): number {
    return this.total;
  }

  /** Number of non-empty buckets: the memory the sketch holds. */
  get bucketCount(): number {
    return this.buckets.size + (this.zeroCount > 0 ? 1 : 0);
  }

  /** Adds `value` (≥ 0) `count` times. Negative and non-finite values are ignored. */
  add(value: number, count = 1): void {
    if (!(value >= 0) || !Number.isFinite(value) || count <= 0) return;
    this.total += count;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
    if (value === 0) {
      this.zeroCount += count;
      return;
    }
    const index = this.bucketIndex(value);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + count);
  }

  /** Adds every value of `other`, which must have the same relative accuracy. */
  merge(other: DDSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new RangeError('cannot merge sketches of different relative accuracy');
    }
    if (other.total === 0) return;
    this.total += other.total;
    this.zeroCount += other.zeroCount;
    this.minValue = Math.min(this.minValue, other.minValue);
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    for (const [index, n] of other.buckets) this.buckets.set(index, (this.buckets.get(index) ?? 0) + n);
  }

  /** This sketch as plain data. */
  toState(): SketchState {
    const { relativeAccuracy, zeroCount, total, minValue, maxValue } = this;
    return { relativeAccuracy, buckets: [...this.buckets], zeroCount, total, minValue, maxValue };
  }

  /** A sketch holding what `state` describes. */
  static fromState(state: SketchState): DDSketch {
    const sketch = new DDSketch(state.relativeAccuracy);
    for (const [index, n] of state.buckets) sketch.buckets.set(index, n);
    sketch.zeroCount = state.zeroCount;
    sketch.total = state.total;
    sketch.minValue = state.minValue;
    sketch.maxValue = state.maxValue;
    return sketch;
  }

  /** The bucket a positive value falls into. */
  bucketIndex(value: number): number {
    return Math.ceil(Math.log(value) / this.logGamma);
  }

  /** The value that bucket `index` stands for. */
  bucketValue(index: number): number {
    return (2 * this.gamma ** index) / (this.gamma + 1);
  }

  /**
   * The estimate of the value of 1-based `rank` in ascending order, clamped to the
   * exact minimum and maximum seen. Null when the sketch is empty.
   */
  valueAtRank(rank: number): number | null {
    if (this.total === 0) return null;
    const r = Math.min(Math.max(rank, 1), this.total);
    if (r === this.total) return this.maxValue;
    let seen = this.zeroCount;
    if (r <= seen) return 0;
    const indexes = [...this.buckets.keys()].sort((a, b) => a - b);
    for (const index of indexes) {
      seen += this.buckets.get(index)!;
      if (r <= seen) return Math.min(Math.max(this.bucketValue(index), this.minValue), this.maxValue);
    }
    return this.maxValue;
  }
}
