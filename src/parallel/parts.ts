/**
 * The part of a check, a baseline summary, the statistics or a view's longest traces
 * that one share of a parallel load makes from its own traces (see PartOutput).
 */
import { createBaselineAccumulator } from '../check/baseline.js';
import { createCheckAccumulator } from '../check/evaluate.js';
import { SlowestTraces } from '../trace/select.js';
import { createStatsAccumulator } from '../trace/stats.js';
import type { Io } from '../commands/io.js';
import type { Trace } from '../types.js';
import type { OrderedProblems, PartMessage, PartOutput, WorkerInput } from './protocol.js';
import { readShare, type ExchangeEnds } from './share.js';
import { noteProblems } from './written.js';

interface Part {
  add(trace: Trace, firstAppearance: number): void;
  toState(): PartMessage['state'];
}

function createPart(output: PartOutput): Part {
  switch (output.kind) {
    case 'check':
      return createCheckAccumulator(output.options);
    case 'baseline':
      return createBaselineAccumulator(output.options);
    case 'stats':
      return createStatsAccumulator(output.options);
    case 'slowest':
      return new SlowestTraces(output.keep, output.select);
  }
}

/**
 * Reads a worker thread's share, each trace going into the part as it ends: the part and
 * the problems of the share's traces; or the one-thread reader is needed.
 */
export async function readPart(input: WorkerInput & { output: PartOutput }, io: Io, exchange?: ExchangeEnds): Promise<PartMessage | { kind: 'fallback'; reason: string }> {
  const part = createPart(input.output);
  const problems: OrderedProblems = { starts: [], orders: [], lists: [] };
  const share = await readShare(
    input,
    io,
    ([trace, order]) => {
      noteProblems(problems, trace, order);
      part.add(trace, order);
    },
    exchange,
  );
  if (share.kind === 'fallback') return share;
  return { kind: 'part', diag: share.diag, state: part.toState(), problems, lossless: [] };
}
