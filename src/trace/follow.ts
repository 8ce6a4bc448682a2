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
  traceId: string;
  lastLine: number;
  lastSeenMs: number;
  rootEnded: boolean;
  continuation: boolean;
}

/** Idle traces whose root never ended are still emitted after this many idle periods. */
const ROOTLESS_IDLE_FACTOR = 5;

export class FollowAssembler {
  private readonly assembler = new Assembler();
  private readonly states = new Map<string, TraceState>();
  /**
   * Every record's trace and line, in input order, from `head` on: a trace's entry is
   * live while it is the trace's last line (and the trace is held), so the live entries
   * are the held traces in order of last activity. Earlier entries are skipped, and
   * dropped once they reach the head. (A Map re-inserted on every record gives the same
   * order, but its deleted entries pile up at its start and every look at the oldest
   * walks over them.)
   */
  private queueStates: TraceState[] = [];
  private queueLines: number[] = [];
  private head = 0;
  private readonly shown = new Set<string>();
  private lineCount = 0;

  constructor(private readonly options: FollowOptions) {}

  /** Spans and events held in memory now. */
  get held(): number {
    return this.assembler.held;
  }

  /** Adds one record; returns traces that the window pushed out. */
  add(record: LogRecord, nowMs: number): Trace[] {
    const line = ++this.lineCount;
    let state = this.states.get(record.traceId);
    if (!state) {
      state = { traceId: record.traceId, lastLine: 0, lastSeenMs: 0, rootEnded: false, continuation: this.shown.has(record.traceId) };
      this.states.set(record.traceId, state);
    }
    state.lastLine = line;
    state.lastSeenMs = nowMs;
    if (record.spanId !== null && record.parentId === null && (record.kind === 'span' || record.kind === 'end')) state.rootEnded = true;
    this.queueStates.push(state);
    this.queueLines.push(line);
    this.assembler.add(record);
    const out: Trace[] = [];
    for (let state = this.oldest(); state && line - state.lastLine >= this.options.window; state = this.oldest()) out.push(this.emit(state));
    return out;
  }

  /** Traces that have been idle long enough, in the order they went quiet. */
  tick(nowMs: number): Trace[] {
    const out: Trace[] = [];
    for (let at = this.head; at < this.queueStates.length; at++) {
      const state = this.queueStates[at]!;
      if (!this.isLive(state, this.queueLines[at]!)) continue;
      const idle = nowMs - state.lastSeenMs;
      if (idle < this.options.idleMs) break;
      if (state.rootEnded || state.continuation || idle >= this.options.idleMs * ROOTLESS_IDLE_FACTOR) out.push(this.emit(state));
    }
    this.oldest();
    return out;
  }

  /** End of input: everything still held, by start time. */
  finish(): Trace[] {
    const traces = this.assembler.finish();
    for (const trace of traces) if (this.states.get(trace.traceId)?.continuation) trace.continuation = true;
    this.states.clear();
    this.queueStates = [];
    this.queueLines = [];
    this.head = 0;
    return traces;
  }

  private isLive(state: TraceState, line: number): boolean {
    return state.lastLine === line && this.states.get(state.traceId) === state;
  }

  /** The held trace whose last line is the oldest, after dropping the entries before it. */
  private oldest(): TraceState | undefined {
    const states = this.queueStates;
    let at = this.head;
    while (at < states.length && !this.isLive(states[at]!, this.queueLines[at]!)) at++;
    if (at === states.length) {
      states.length = 0;
      this.queueLines.length = 0;
      this.head = 0;
      return undefined;
    }
    // Drop the skipped entries now and then, not on every call.
    if (at >= 4096 && at * 2 >= states.length) {
      this.queueStates = states.slice(at);
      this.queueLines = this.queueLines.slice(at);
      at = 0;
    }
    this.head = at;
    return this.queueStates[at];
  }

  private emit(state: TraceState): Trace {
    this.states.delete(state.traceId);
    const trace = this.assembler.take(state.traceId)!;
    if (state.continuation) trace.continuation = true;
    // A copy: the id is a slice of its log line and would keep the whole line alive.
    this.shown.add(ownCopy(state.traceId));
    const limit = this.options.rememberShown ?? 100_000;
    if (this.shown.size > limit) this.shown.delete(this.shown.values().next().value as string);
    return trace;
  }
}
