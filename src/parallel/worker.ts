/**
 * One worker thread of a parallel load (see load-parallel.ts and share.ts). It
 * posts its traces back — as objects in one message, or written as text (span
 * JSON, waterfalls) in chunks as they end — with their start times and first
 * appearances, so the main thread can put them in the order one thread gives;
 * or, for check and stats, only its part of the result over its traces.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Io } from '../commands/io.js';
import { createBaselineAccumulator } from '../check/baseline.js';
import { createCheckAccumulator } from '../check/evaluate.js';
import { SlowestTraces } from '../trace/select.js';
import { createStatsAccumulator } from '../trace/stats.js';
import { encodeLossless } from './lossless.js';
import type { OrderedProblems, WorkerInput, WorkerMessage } from './protocol.js';
import { readShare } from './share.js';
import { Chunker, noteProblems, Written } from './written.js';

async function run(input: WorkerInput, post: (message: WorkerMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  const io = { stdinIsTTY: false } as Io;
  const { output } = input;
  if (output.kind === 'traces') {
    const share = await readShare(input, io);
    if (share.kind === 'fallback') return post(share);
    const built = share.assembler.finishOrdered();
    const traces = built.map(([trace]) => trace);
    const lossless: number[] = [];
    traces.forEach((trace, i) => {
      if (encodeLossless(trace)) lossless.push(i);
    });
    return post({ kind: 'traces', diag: share.diag, starts: traces.map((t) => t.startNs), orders: built.map(([, order]) => order), traces, lossless });
  }
  if (output.kind === 'check' || output.kind === 'baseline' || output.kind === 'stats' || output.kind === 'slowest') {
    // Each trace goes into the part as it ends; only the part goes back.
    const part =
      output.kind === 'check'
        ? createCheckAccumulator(output.options)
        : output.kind === 'baseline'
          ? createBaselineAccumulator(output.options)
          : output.kind === 'stats'
            ? createStatsAccumulator(output.options)
            : new SlowestTraces(output.keep, output.select);
    const problems: OrderedProblems = { starts: [], orders: [], lists: [] };
    const share = await readShare(input, io, ([trace, order]) => {
      noteProblems(problems, trace, order);
      part.add(trace, order);
    });
    if (share.kind === 'fallback') return post(share);
    const state = part.toState();
    const lossless: number[] = [];
    if ('kept' in state) {
      for (let i = 0; i < state.kept.length; i++) if (encodeLossless(state.kept[i]![0])) lossless.push(i);
    }
    return post({ kind: 'part', diag: share.diag, state, problems, lossless });
  }
  // Each trace is written as it ends; its bytes go out in chunks that move to the main thread without a copy.
  const chunker = new Chunker((chunk) => post(chunk, [chunk.data.buffer as ArrayBuffer]));
  const written = new Written(output, chunker.add);
  const share = await readShare(input, io, (built) => written.add(built));
  if (share.kind === 'fallback') return post(share);
  written.finish();
  chunker.flush();
  post({ kind: 'read', diag: share.diag });
}

const port = parentPort!;
run(workerData as WorkerInput, (message, transfer) => port.postMessage(message, transfer)).catch((err: unknown) =>
  port.postMessage({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerMessage),
);
