/**
 * One worker thread of a parallel load (see load-parallel.ts and share.ts). It
 * posts its traces back — as objects in one message, or written as text (span
 * JSON, waterfalls) in chunks — with their start times and first appearances, so
 * the main thread can merge them into the order one thread gives.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Io } from '../commands/io.js';
import { encodeLossless } from './lossless.js';
import type { WorkerInput, WorkerMessage } from './protocol.js';
import { readShare } from './share.js';

async function run(input: WorkerInput, post: (message: WorkerMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  const share = await readShare(input, { stdinIsTTY: false } as Io);
  if (share.kind === 'fallback') return post(share);
  const { diag, assembler, written } = share;
  if (written === null) {
    const built = assembler.finishOrdered();
    const traces = built.map(([trace]) => trace);
    const lossless: number[] = [];
    traces.forEach((trace, i) => {
      if (encodeLossless(trace)) lossless.push(i);
    });
    return post({ kind: 'traces', diag, starts: traces.map((t) => t.startNs), orders: built.map(([, order]) => order), traces, lossless });
  }
  // Texts go out in chunks whose bytes move to the main thread without a copy.
  post({ kind: 'read', diag });
  for (const chunk of written.drain()) post(chunk, [chunk.data.buffer as ArrayBuffer]);
  post({ kind: 'end' });
}

const port = parentPort!;
run(workerData as WorkerInput, (message, transfer) => port.postMessage(message, transfer)).catch((err: unknown) =>
  port.postMessage({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerMessage),
);
