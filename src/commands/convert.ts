/**
 * `tracelog convert`: logs in, traces out, as tracelog's span JSON (one span or
 * one trace a line) or an interchange format.
 */
import { Diagnostics } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import { traceToJson, traceToSpanLines } from '../export/spans.js';
import type { FieldOverrides } from '../extract/fields.js';
import type { Io } from './io.js';
import { streamTraces, type FollowSettings } from './load.js';
import { openOutput } from './output.js';
import { reportDiagnostics } from './report.js';

export type ConvertFormat = 'spans' | 'traces';
export const CONVERT_FORMATS: readonly ConvertFormat[] = ['spans', 'traces'];

export interface ConvertOptions {
  files: string[];
  format: ConvertFormat;
  output?: string;
  field: FieldOverrides;
  strict: boolean;
  quiet: boolean;
  maxLineBytes: number;
  /** Emit each trace as it completes instead of after all input. */
  follow: FollowSettings | null;
}

export async function runConvert(options: ConvertOptions, io: Io): Promise<number> {
  const diagnostics = new Diagnostics();
  const out = openOutput(options.output, io);
  let ok = false;
  try {
    const load = { files: options.files, strict: options.strict, maxLineBytes: options.maxLineBytes, lineOptions: { overrides: options.field } };
    await streamTraces(load, options.follow, io, diagnostics, async (trace) => {
      if (out.writer.closed) return;
      if (options.format === 'traces') await out.writer.line(traceToJson(trace));
      else for (const line of traceToSpanLines(trace)) await out.writer.line(line);
      // Live output: each trace reaches the reader as soon as it is complete.
      if (options.follow) await out.writer.flush();
    });
    // Sources that could not be read are reported; what the others gave is still written whole.
    ok = !io.signal?.aborted;
  } finally {
    await out.close(ok);
  }
  if (io.signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', io.signal.reason as number);
  return reportDiagnostics(diagnostics, io, options.quiet);
}
