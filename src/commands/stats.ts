/**
 * `tracelog stats`: latency per service and operation — count, errors,
 * percentiles, max, total and self time — as a table or JSON.
 */
import { Diagnostics } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import { renderStatsJson } from '../stats/render-stats-json.js';
import { renderStatsTable } from '../stats/render-stats-table.js';
import { createStatsAccumulator, type StatsGroupBy } from '../trace/stats.js';
import { resolveColorLevel } from './color.js';
import type { Io } from './io.js';
import { eachTrace, toLoadOptions, type InputOptions } from './load.js';
import { openOutput } from './output.js';
import { reportDiagnostics } from './report.js';

export interface StatsCommandOptions extends InputOptions {
  by: StatsGroupBy;
  format: 'table' | 'json';
  output?: string;
  color?: boolean;
}

export async function runStats(options: StatsCommandOptions, io: Io): Promise<number> {
  const diagnostics = new Diagnostics();
  // Statistics read durations and structure, never tags or events.
  const statsOptions = { by: options.by };
  const accumulator = await eachTrace({ ...toLoadOptions(options), fields: 'none' }, null, io, diagnostics, () => createStatsAccumulator(statsOptions), {
    kind: 'stats',
    options: statsOptions,
  });
  if (io.signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(io.signal.reason) || 130);
  const result = accumulator.finish();
  const out = openOutput(options.output, io);
  const toTerminal = options.output === undefined && io.stdoutIsTTY;
  const text =
    options.format === 'json'
      ? renderStatsJson(result)
      : renderStatsTable(result, { colorLevel: resolveColorLevel(io, options.color, toTerminal) });
  await out.writer.write(text.endsWith('\n') ? text : `${text}\n`);
  await out.close(true);
  return reportDiagnostics(diagnostics, io, options.quiet || out.writer.closed);
}
