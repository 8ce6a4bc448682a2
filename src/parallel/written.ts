/**
 * Traces written as text (span JSON, Zipkin or Jaeger elements, waterfalls) as soon as they are finished,
 * held as UTF-8 bytes outside the JS heap, and handed out in start order (start
 * time, then first appearance) in chunks of one buffer each. Pure.
 */
import { toJaegerTrace } from '../export/jaeger.js';
import { traceToJson, traceToSpanLines } from '../export/spans.js';
import { toZipkinSpans } from '../export/zipkin.js';
import { renderWaterfall } from '../render/waterfall.js';
import { matchesTrace } from '../trace/select.js';
import type { Trace } from '../types.js';
import type { TextChunk, WorkerOutput } from './protocol.js';

export type TextOutput = Exclude<WorkerOutput, { kind: 'traces' }>;

interface Entry {
  start: bigint;
  order: number;
  text: Buffer | null;
  /** A view with --limit: the trace, drawn once the first --limit are known. */
  trace: Trace | null;
  problems: string[];
}

/** A chunk is handed out once it holds this many bytes or traces. */
const CHUNK_BYTES = 2 ** 20;
const CHUNK_TRACES = 4096;

/**
 * A trace a view does not show is kept only for its problems (reported as one thread
 * would, in start order). A view with --limit keeps only the first --limit traces it
 * shows, and draws them at the end.
 */
export class Written {
  private entries: Entry[] = [];
  private shown = 0;
  private readonly limit: number;

  constructor(private readonly output: TextOutput) {
    this.limit = output.kind === 'view' ? (output.select.limit ?? Infinity) : Infinity;
  }

  add(built: readonly [Trace, number]): void {
    const [trace, order] = built;
    const output = this.output;
    let text: Buffer | null = null;
    let shown: Trace | null = null;
    if (output.kind !== 'view') text = toBytes(traceText(output, trace));
    else if (matchesTrace(trace, output.select)) {
      if (this.limit === Infinity) text = toBytes(traceText(output, trace));
      else shown = trace;
    }
    if (text === null && shown === null && trace.problems.length === 0) return;
    this.entries.push({ start: trace.startNs, order, text, trace: shown, problems: trace.problems });
    if (shown && ++this.shown > 2 * this.limit + 1024) this.prune();
  }

  /** Keeps the first --limit traces shown (and every trace's problems). */
  private prune(): void {
    this.entries.sort(byStart);
    let shown = 0;
    this.entries = this.entries.filter((e) => {
      if (e.trace && ++shown > this.limit) e.trace = null;
      return e.trace !== null || e.problems.length > 0;
    });
    this.shown = Math.min(shown, this.limit);
  }

  /** Everything held, in start order, in chunks; each entry is let go once copied into one. */
  *drain(): Generator<TextChunk> {
    if (this.limit !== Infinity) this.prune();
    const entries = this.entries;
    this.entries = [];
    entries.sort(byStart);
    let from = 0;
    let bytes = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.trace) {
        entry.text = toBytes(traceText(this.output, entry.trace));
        entry.trace = null;
      }
      bytes += entry.text?.length ?? 0;
      if (bytes >= CHUNK_BYTES || i + 1 - from >= CHUNK_TRACES || i + 1 === entries.length) {
        yield toChunk(entries, from, i + 1, bytes);
        from = i + 1;
        bytes = 0;
      }
    }
  }
}

/**
 * One trace as its output writes it: span JSON lines, one trace's JSON line, the trace's
 * elements of a Zipkin span list or a Jaeger `data` array (comma-joined; null when it has
 * none), or its waterfall.
 */
export function traceText(output: TextOutput, trace: Trace): string | null {
  switch (output.kind) {
    case 'spans':
      return traceToSpanLines(trace).map((l) => `${l}\n`).join('');
    case 'trace-json':
      return `${traceToJson(trace)}\n`;
    case 'zipkin': {
      const spans = toZipkinSpans([trace]);
      return spans.length > 0 ? spans.map((s) => JSON.stringify(s)).join(',') : null;
    }
    case 'jaeger':
      return JSON.stringify(toJaegerTrace(trace));
    case 'view':
      return renderWaterfall(trace, output.render).map((l) => `${l}\n`).join('');
  }
}

function toBytes(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text);
}

function toChunk(entries: Entry[], from: number, to: number, bytes: number): TextChunk {
  const chunk: TextChunk = { kind: 'texts', starts: [], orders: [], lengths: [], problems: [], data: new Uint8Array(bytes) };
  let at = 0;
  for (let i = from; i < to; i++) {
    const entry = entries[i]!;
    (entries as unknown[])[i] = undefined;
    chunk.starts.push(entry.start);
    chunk.orders.push(entry.order);
    chunk.problems.push(entry.problems);
    chunk.lengths.push(entry.text === null ? -1 : entry.text.length);
    if (entry.text) {
      chunk.data.set(entry.text, at);
      at += entry.text.length;
    }
  }
  return chunk;
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

function byStart(a: Entry, b: Entry): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.order - b.order;
}
