/**
 * One worker thread of a parallel load (see load-parallel.ts). Every worker reads
 * every line of the files, but parses only the lines whose trace it owns (and the
 * lines whose trace cannot be told from the raw text, keeping only its own
 * records of those). It assembles its traces and posts them back — as objects
 * in one message, or written as text (span JSON, waterfalls) in chunks — with
 * their start times and first appearances, so the main thread can merge them
 * into the order one thread gives.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Diagnostics } from '../diagnostics.js';
import type { SkipReason } from '../extract/line.js';
import { traceToJson, traceToSpanLines } from '../export/spans.js';
import { renderWaterfall } from '../render/waterfall.js';
import { matchesTrace } from '../trace/select.js';
import type { Trace } from '../types.js';
import { readRecords, type LoadOptions } from '../commands/load.js';
import type { Io } from '../commands/io.js';
import { Assembler } from '../trace/assemble.js';
import { TracelogError } from '../errors.js';
import { encodeLossless } from './lossless.js';
import { ownerOf, sniffTraceId } from './route.js';
import type { TextChunk, WorkerInput, WorkerMessage } from './protocol.js';

/** Thrown to stop reading when the parallel plan cannot give the one-thread result. */
class Fallback extends TracelogError {
  constructor(reason: string) {
    super('tracelog.oneThread', reason);
  }
}

/** Records per line are numbered within the line's place in the input. */
const RECORDS_PER_LINE = 2 ** 20;

async function run(input: WorkerInput, post: (message: WorkerMessage) => void): Promise<void> {
  const { index, count } = input;
  let seq = -1;
  let shared = false;
  let owned = false;
  let firstSkipSeq = -1;
  let lineRecords = 0;

  // Skips count once: by the line's owner, or by worker 0 for a line every worker reads.
  const diagnostics = new (class extends Diagnostics {
    override skip(reason: SkipReason, source: string, line: number): void {
      if (!owned) return;
      if (firstSkipSeq < 0) firstSkipSeq = seq;
      super.skip(reason, source, line);
    }
  })();
  const assembler = new Assembler();
  const options: LoadOptions = {
    ...input.load,
    lineFilter(text) {
      seq++;
      lineRecords = 0;
      const id = text === null ? null : sniffTraceId(text);
      if (id === null) {
        shared = true;
        owned = index === 0;
        return true;
      }
      shared = false;
      owned = ownerOf(id, count) === index;
      return owned;
    },
    onDocument() {
      throw new Fallback('a whole JSON document');
    },
  };
  const io = { stdinIsTTY: false } as Io;
  try {
    await readRecords(options, io, diagnostics, (record) => {
      const order = seq * RECORDS_PER_LINE + Math.min(lineRecords++, RECORDS_PER_LINE - 1);
      if (ownerOf(record.traceId, count) === index) assembler.add(record, order);
      // A record of another worker's trace on a line only this worker read: the raw text misled.
      else if (!shared) throw new Fallback('trace id not where the raw text said');
    });
  } catch (err) {
    if (err instanceof Fallback) return post({ kind: 'fallback', reason: err.message });
    throw err;
  }

  const built = assembler.finishOrdered();
  const diag = {
    lines: diagnostics.lines,
    skipped: diagnostics.skipped,
    firstSkip: diagnostics.firstSkip,
    firstSkipSeq,
    failures: diagnostics.failures,
  };
  const output = input.output;
  if (output.kind === 'traces') {
    const traces = built.map(([trace]) => trace);
    const lossless: number[] = [];
    traces.forEach((trace, i) => {
      if (encodeLossless(trace)) lossless.push(i);
    });
    return post({ kind: 'traces', diag, starts: traces.map((t) => t.startNs), orders: built.map(([, order]) => order), traces, lossless });
  }

  // Texts go out in chunks, each trace dropped once written, so neither thread holds all the output.
  post({ kind: 'read', diag });
  // The first --limit traces of the merged order are among each worker's first --limit.
  const limit = output.kind === 'view' ? (output.select.limit ?? Infinity) : Infinity;
  let shown = 0;
  const text = (trace: Trace): string | null => {
    switch (output.kind) {
      case 'spans':
        return traceToSpanLines(trace).map((l) => `${l}\n`).join('');
      case 'trace-json':
        return `${traceToJson(trace)}\n`;
      case 'view':
        if (shown >= limit || !matchesTrace(trace, output.select)) return null;
        shown++;
        return renderWaterfall(trace, output.render).map((l) => `${l}\n`).join('');
    }
  };
  let chunk: TextChunk = { kind: 'texts', starts: [], orders: [], texts: [], problems: [] };
  let chars = 0;
  for (let i = 0; i < built.length; i++) {
    const [trace, order] = built[i]!;
    (built as unknown[])[i] = undefined;
    const t = text(trace);
    chunk.starts.push(trace.startNs);
    chunk.orders.push(order);
    chunk.texts.push(t);
    chunk.problems.push(trace.problems);
    chars += t?.length ?? 0;
    if (chars >= CHUNK_CHARS || chunk.texts.length >= CHUNK_TRACES) {
      post(chunk);
      chunk = { kind: 'texts', starts: [], orders: [], texts: [], problems: [] };
      chars = 0;
    }
  }
  if (chunk.texts.length > 0) post(chunk);
  post({ kind: 'end' });
}

/** A chunk of texts is posted once it holds this many characters or traces. */
const CHUNK_CHARS = 2 ** 20;
const CHUNK_TRACES = 4096;

const port = parentPort!;
run(workerData as WorkerInput, (message) => port.postMessage(message)).catch((err: unknown) =>
  port.postMessage({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerMessage),
);
