/**
 * Duration samples per operation (service and name), for baseline comparison:
 * each operation's count, p50 and p95, with the number of operations tracked
 * capped so high-cardinality span names cannot exhaust memory. Pure.
 */
import { DurationSamples, DEFAULT_EXACT_LIMIT, type SamplesState } from '../trace/duration-samples.js';

/** Durations per operation as plain data: what a worker thread sends back. */
export interface OperationDurationsState {
  operations: Array<[string, string | null, string | null, SamplesState]>;
  untrackedSpans: number;
}

/** Operations tracked before further ones are only counted. */
export const DEFAULT_MAX_OPERATIONS = 10_000;

/** One operation's figures; durations in ns, nearest-rank percentiles. */
export interface OperationSummary {
  service: string | null;
  name: string | null;
  count: number;
  p50Ns: bigint;
  p95Ns: bigint;
  exact: boolean;
}

/** A map key for an operation; NUL keeps a missing field apart from an empty one. */
export function operationKey(service: string | null, name: string | null): string {
  return `${service === null ? '\u0000' : service}\u0000${name === null ? '\u0000' : name}`;
}

/** How an operation is shown: `service:name`, with `-` for a missing part. */
export function operationLabel(service: string | null, name: string | null): string {
  return `${service ?? '-'}:${name ?? '-'}`;
}

/** Durations grouped per operation, at most `maxOperations` of them. */
export class OperationDurations {
  private readonly operations = new Map<string, { service: string | null; name: string | null; samples: DurationSamples }>();
  /** Spans of operations beyond the cap: counted, not sampled. */
  untrackedSpans = 0;

  constructor(
    private readonly exactLimit: number = DEFAULT_EXACT_LIMIT,
    private readonly maxOperations: number = DEFAULT_MAX_OPERATIONS,
  ) {}

  /** True once `maxOperations` are tracked: later ones are only counted. */
  get full(): boolean {
    return this.operations.size >= this.maxOperations;
  }

  add(key: string, service: string | null, name: string | null, durationNs: bigint): void {
    let op = this.operations.get(key);
    if (!op) {
      if (this.operations.size >= this.maxOperations) {
        this.untrackedSpans++;
        return;
      }
      op = { service, name, samples: new DurationSamples(this.exactLimit) };
      this.operations.set(key, op);
    }
    op.samples.add(durationNs);
  }

  /** These durations as plain data. */
  toState(): OperationDurationsState {
    const operations: OperationDurationsState['operations'] = [];
    for (const [key, op] of this.operations) operations.push([key, op.service, op.name, op.samples.toState()]);
    return { operations, untrackedSpans: this.untrackedSpans };
  }

  /**
   * Adds the durations `state` holds. The same as adding them one by one while the
   * operations together stay within the cap (`full` is false after).
   */
  absorb(state: OperationDurationsState): void {
    this.untrackedSpans += state.untrackedSpans;
    for (const [key, service, name, samples] of state.operations) {
      let op = this.operations.get(key);
      if (!op) {
        if (this.operations.size >= this.maxOperations) {
          this.untrackedSpans += samples.total;
          continue;
        }
        op = { service, name, samples: new DurationSamples(this.exactLimit) };
        this.operations.set(key, op);
      }
      op.samples.absorb(samples);
    }
  }

  /** Every tracked operation's summary, sorted by label. */
  summarize(): OperationSummary[] {
    const out: OperationSummary[] = [];
    for (const { service, name, samples } of this.operations.values()) {
      out.push({
        service,
        name,
        count: samples.count,
        p50Ns: samples.percentile(50) ?? 0n,
        p95Ns: samples.percentile(95) ?? 0n,
        exact: samples.exact,
      });
    }
    return out.sort(
      (a, b) =>
        compareText(operationLabel(a.service, a.name), operationLabel(b.service, b.name)) ||
        compareText(operationKey(a.service, a.name), operationKey(b.service, b.name)),
    );
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
