/**
 * Traces written as text (span JSON, Zipkin or Jaeger elements, OTLP spans, waterfalls) as soon as
 * they are finished, handed on with their start time and first appearance (the caller
 * puts them in start order). Pure.
 */
import { toJaegerTrace } from '../export/jaeger.js';
import { otlpSpanLines } from '../export/otlp.js';
import { traceToJson, traceToSpansText } from '../export/spans.js';
import { toZipkinSpans } from '../export/zipkin.js';
import { OperationSummaries } from '../render/summary.js';
import { renderWaterfall } from '../render/waterfall.js';
import { matchesTrace } from '../trace/select.js';
import type { Trace } from '../types.js';
import type { OrderedProblems, PartOutput, TextChunk, WorkerOutput } from './protocol.js';

export type TextOutput = Exclude<WorkerOutput, { kind: 'traces' } | PartOutput>;

/** Where written traces go: text null for a trace with none (a view does not show it) but with problems. */
export type TextSink = (start: bigint, order: number, text: string | null, problems: string[]) => void;

interface Kept {
  start: bigint;
  order: number;
  trace: Trace;
}

/**
 * Writes each trace and hands it on. A trace a view does not show goes on only for its
 * problems (reported as one thread would, in start order). A view with --limit keeps the
 * first --limit traces it shows, by start, and draws them at the end (`finish`).
 */
export class Written {
  private kept: Kept[] = [];
  private readonly limit: number;
  /** The traces drawn, summed up per operation, for a view that asks (see WorkerOutput). */
  readonly summary: OperationSummaries | null;

  constructor(
    private readonly output: TextOutput,
    private readonly sink: TextSink,
  ) {
    this.limit = output.kind === 'view' ? (output.select.limit ?? Infinity) : Infinity;
    this.summary = output.kind === 'view' && output.summary ? new OperationSummaries() : null;
  }

  add(built: readonly [Trace, number]): void {
    const [trace, order] = built;
    const output = this.output;
    if (output.kind === 'view' && !matchesTrace(trace, output.select)) {
      if (trace.problems.length > 0) this.sink(trace.startNs, order, null, trace.problems);
    } else if (this.limit === Infinity) {
      const text = traceText(output, trace);
      this.summary?.add(trace);
      if (text !== null || trace.problems.length > 0) this.sink(trace.startNs, order, text, trace.problems);
    } else {
      this.kept.push({ start: trace.startNs, order, trace });
      if (this.kept.length > 2 * this.limit + 1024) this.prune();
    }
  }

  /** Draws the traces a view with --limit kept. */
  finish(): void {
    this.prune();
    for (const { start, order, trace } of this.kept) this.sink(start, order, traceText(this.output, trace), trace.problems);
    this.kept = [];
  }

  /** Keeps the first --limit traces shown; the others go on for their problems. */
  private prune(): void {
    if (this.kept.length <= this.limit) return;
    this.kept.sort(byStart);
    for (const { start, order, trace } of this.kept.slice(this.limit)) {
      if (trace.problems.length > 0) this.sink(start, order, null, trace.problems);
    }
    this.kept.length = this.limit;
  }
}

/** A chunk holds this many bytes (more for one larger trace) and this many traces at most. */
const CHUNK_BYTES = 2 ** 20;
const CHUNK_TRACES = 4096;

/**
 * Written traces gathered into chunks of about a MiB (a worker sends them as they fill),
 * each text encoded straight into the chunk's bytes.
 */
export class Chunker {
  private chunk = emptyChunk();
  /** The chunk's bytes (its own memory, moved to the main thread when sent), `used` of them written. */
  private data = NO_BYTES;
  private used = 0;

  constructor(private readonly send: (chunk: TextChunk) => void) {}

  readonly add: TextSink = (start, order, text, problems) => {
    let length = -1;
    if (text !== null) {
      // Three bytes per UTF-16 unit at most; counted only when that might not fit.
      const room = this.data.length - this.used;
      if (text.length * 3 > room && Buffer.byteLength(text) > room) {
        this.flush();
        this.data = Buffer.allocUnsafeSlow(text.length * 3 > CHUNK_BYTES ? Math.max(CHUNK_BYTES, Buffer.byteLength(text)) : CHUNK_BYTES);
      }
      length = this.data.write(text, this.used);
      this.used += length;
    }
    const chunk = this.chunk;
    chunk.starts.push(start);
    chunk.orders.push(order);
    chunk.problems.push(problems);
    chunk.lengths.push(length);
    if (chunk.lengths.length >= CHUNK_TRACES) this.flush();
  };

  flush(): void {
    const chunk = this.chunk;
    if (chunk.lengths.length === 0) return;
    // With no text written there are no bytes of its own to send (the chunk's are empty).
    if (this.data !== NO_BYTES) chunk.data = this.data.subarray(0, this.used);
    this.send(chunk);
    this.chunk = emptyChunk();
    this.data = NO_BYTES;
    this.used = 0;
  }
}

const NO_BYTES = Buffer.alloc(0);

function emptyChunk(): TextChunk {
  return { kind: 'texts', starts: [], orders: [], lengths: [], problems: [], data: new Uint8Array(0) };
}

/**
 * One trace as its output writes it: span JSON lines, one trace's JSON line, the trace's
 * elements of a Zipkin span list or a Jaeger `data` array (comma-joined; null when it has
 * none), or its waterfall.
 */
export function traceText(output: TextOutput, trace: Trace): string | null {
  switch (output.kind) {
    case 'spans':
      return traceToSpansText(trace);
    case 'trace-json':
      return `${traceToJson(trace)}\n`;
    case 'zipkin': {
      const spans = toZipkinSpans([trace]);
      return spans.length > 0 ? spans.map((s) => JSON.stringify(s)).join(',') : null;
    }
    case 'jaeger':
      return JSON.stringify(toJaegerTrace(trace));
    case 'otlp':
      return otlpSpanLines(trace) || null;
    case 'view':
      return linesText(renderWaterfall(trace, output.render));
  }
}

/** Lines as text, each ending in a newline. */
function linesText(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The texts of a chunk, each a view of its data (null where a trace has none). */
export function chunkTexts(chunk: TextChunk): Array<Uint8Array | null> {
  let at = 0;
  return chunk.lengths.map((length) => {
    if (length < 0) return null;
    const text = chunk.data.subarray(at, at + length);
    at += length;
    return text;
  });
}

function byStart(a: Kept, b: Kept): number {
  return compareStart(a.start, a.order, b.start, b.order);
}

/** Notes a trace's problems, if it has some, with its start and first appearance. */
export function noteProblems(into: OrderedProblems, trace: Trace, order: number): void {
  if (trace.problems.length === 0) return;
  into.starts.push(trace.startNs);
  into.orders.push(order);
  into.lists.push(trace.problems);
}

/** The problems noted by every share, as one thread reports them: in start order. */
export function problemsInOrder(parts: readonly OrderedProblems[]): string[] {
  const all: Array<[OrderedProblems, number]> = [];
  for (const part of parts) for (let i = 0; i < part.lists.length; i++) all.push([part, i]);
  all.sort(([a, i], [b, j]) => compareStart(a.starts[i]!, a.orders[i]!, b.starts[j]!, b.orders[j]!));
  return all.flatMap(([part, i]) => part.lists[i]!);
}

/** The one-thread order of traces: start time, then first appearance. */
export function compareStart(startA: bigint, orderA: number, startB: bigint, orderB: number): number {
  return startA < startB ? -1 : startA > startB ? 1 : orderA - orderB;
}
