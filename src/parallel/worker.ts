/**
 * One worker thread of a parallel load (see load-parallel.ts and share.ts). It
 * posts its traces back — as objects in one message, or written as text (span
 * JSON, waterfalls) in chunks as they end — with their start times and first
 * appearances, so the main thread can put them in the order one thread gives;
 * or, for check, stats and a view's longest traces, only its part over its traces.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Io } from '../commands/io.js';
import { encodeLossless } from './lossless.js';
import type { EndsPart } from './ends.js';
import { isPartOutput, type EndsMessage, type WorkerInput, type WorkerMessage } from './protocol.js';
import { readPart } from './parts.js';
import { readShare, type ExchangeEnds } from './share.js';
import { Chunker, Written } from './written.js';

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
  if (isPartOutput(output)) {
    // Each trace goes into the part as it ends; only the part goes back.
    const part = await readPart({ ...input, output }, io, exchange);
    if (part.kind === 'part' && 'kept' in part.state) {
      const { kept } = part.state;
      for (let i = 0; i < kept.length; i++) if (encodeLossless(kept[i]![0])) part.lossless.push(i);
    }
    return post(part);
  }
  // Each trace is written as it ends; its bytes go out in chunks that move to the main thread without a copy.
  const chunker = new Chunker((chunk) => post(chunk, [chunk.data.buffer as ArrayBuffer]));
  const written = new Written(output, chunker.add);
  const share = await readShare(input, io, (built) => written.add(built), exchange);
  if (share.kind === 'fallback') return post(share);
  written.finish();
  chunker.flush();
  post({ kind: 'read', diag: share.diag, summary: written.summary?.toState() ?? null });
}

const port = parentPort!;

/** Posts this share's part of the first pass and waits for every share's, relayed by the main thread. */
const exchange: ExchangeEnds = (part) =>
  new Promise((resolve) => {
    const onMessage = (message: EndsMessage): void => {
      if (message?.kind !== 'ends') return;
      port.off('message', onMessage);
      const { index } = workerData as WorkerInput;
      resolve(message.parts.map((other, k) => (k === index ? part : (other as EndsPart | null))));
    };
    port.on('message', onMessage);
    port.postMessage({ kind: 'ends-part', part } satisfies WorkerMessage);
  });

run(workerData as WorkerInput, (message, transfer) => port.postMessage(message, transfer)).catch((err: unknown) =>
  port.postMessage({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerMessage),
);
