/**
 * Follow mode: emits each trace as soon as it is complete, so an endless stream
 * (`tail -f`, `kubectl logs -f`) shows traces live and memory stays bounded.
 * A trace is complete when its root has ended and it has been idle for `idleMs`,
 * or when the input has moved on by `window` lines. A late span of a trace
 * already emitted starts a continuation. Pure: the caller passes the clock.
 */
import type { LogRecord, Trace } from '../types.js';
import { Assembler } from './assemble.js';
import { ownCopy } from '../strings.js';

export interface FollowOptions {
  idleMs: number;
  window: number;
  /** How many emitted trace ids are remembered to mark late spans as continuations. */
  rememberShown?: number;
}

interface TraceState {
  lastLine: number;
  lastSeenMs: number;
  rootEnded: boolean;
  continuation: boolean;
}

/** Idle traces whose root never ended are still emitted after this many idle periods. */
const ROOTLESS_IDLE_FACTOR = 5;

export class FollowAssembler {
  private readonly assembler = new Assembler();
  /** In order of last activity: re-inserted on every record. */
  private readonly states = new Map<string, TraceState>();
  private readonly shown = new Set<string>();
  private lineCount = 0;

  constructor(private readonly options: FollowOptions) {}

  /** Spans and events held in memory now. */
  get held(): number {
    return this.assembler.held;
  }

  /** Adds one record; returns traces that the window pushed out. */
  add(record: LogRecord, nowMs: number): Trace[] {
    this.lineCount++;
    let state = this.states.get(record.traceId);
    if (state) this.states.delete(record.traceId);
    else state = { lastLine: 0, lastSeenMs: 0, rootEnded: false, continuation: this.shown.has(record.traceId) };
    state.lastLine = this.lineCount;
    state.lastSeenMs = nowMs;
    if (record.spanId !== null && record.parentId === null && (record.kind === 'span' || record.kind === 'end')) state.rootEnded = true;
    this.states.set(record.traceId, state);
    this.assembler.add(record);
    const out: Trace[] = [];
    for (const [traceId, s] of this.states) {
      if (this.lineCount - s.lastLine < this.options.window) break;
      out.push(this.emit(traceId, s));
    }
    return out;
  }

  /** Traces that have been idle long enough, in the order they went quiet. */
  tick(nowMs: number): Trace[] {
    const out: Trace[] = [];
    for (const [traceId, s] of this.states) {
      const idle = nowMs - s.lastSeenMs;
      if (idle < this.options.idleMs) break;
      if (s.rootEnded || s.continuation || idle >= this.options.idleMs * ROOTLESS_IDLE_FACTOR) out.push(this.emit(traceId, s));
    }
    return out;
  }

  /** End of input: everything still held, by start time. */
  finish(): Trace[] {
    const traces = this.assembler.finish();
    for (const trace of traces) if (this.states.get(trace.traceId)?.continuation) trace.continuation = true;
    this.states.clear();
    return traces;
  }

  private emit(traceId: string, state: TraceState): Trace {
    this.states.delete(traceId);
    const trace = this.assembler.take(traceId)!;
    if (state.continuation) trace.continuation = true;
    // A copy: the id is a slice of its log line and would keep the whole line alive.
    this.shown.add(ownCopy(traceId));
    const limit = this.options.rememberShown ?? 100_000;
    if (this.shown.size > limit) this.shown.delete(this.shown.values().next().value as string);
    return trace;
  }
}
