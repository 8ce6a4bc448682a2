/**
 * `tracelog convert`: logs in, traces out, as tracelog's span JSON (one span or
 * one trace a line) or an interchange format.
 */
import { Diagnostics } from '../diagnostics.js';
import { traceToJson, traceToSpanLines } from '../export/spans.js';
import type { FieldOverrides } from '../extract/fields.js';
import type { Io } from './io.js';
import { loadTraces } from './load.js';
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
}

export async function runConvert(options: ConvertOptions, io: Io): Promise<number> {
  const diagnostics = new Diagnostics();
  const out = openOutput(options.output, io);
  let ok = false;
  try {
    const traces = await loadTraces(
      { files: options.files, strict: options.strict, maxLineBytes: options.maxLineBytes, lineOptions: { overrides: options.field } },
      io,
      diagnostics,
    );
    for (const trace of traces) {
      if (out.writer.closed) break;
      if (options.format === 'traces') await out.writer.line(traceToJson(trace));
      else for (const line of traceToSpanLines(trace)) await out.writer.line(line);
    }
    // Sources that could not be read are reported; what the others gave is still written whole.
    ok = true;
  } finally {
    await out.close(ok);
  }
  return reportDiagnostics(diagnostics, io, options.quiet);
}
