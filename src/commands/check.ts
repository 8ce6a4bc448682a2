/**
 * `tracelog check`: the CI gate. Evaluates duration limits, percentile rules,
 * a baseline comparison and structural findings over the input's traces,
 * writes each requested report, and exits 0 (clean), 1 (violations) or 2.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Diagnostics } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import { createBaselineAccumulator } from '../check/baseline.js';
import { parseConfig, type Config, type StructureKind } from '../check/config.js';
import { ConfigError } from '../check/config-error.js';
import { createCheckAccumulator, exitCodeFor, type CheckOptions } from '../check/evaluate.js';
import { renderCheckReport, type CheckFormat } from '../check/reporters.js';
import type { DurationRule, PercentileRule } from '../check/rules.js';
import { parseJson } from '../extract/json.js';
import { resolveColorLevel } from './color.js';
import type { Io } from './io.js';
import { eachTrace, toLoadOptions, type FollowSettings, type InputOptions } from './load.js';
import { openOutput } from './output.js';
import { reportDiagnostics } from './report.js';

export const CONFIG_FILE_NAME = 'tracelog.config.json';

export interface ReporterTarget {
  format: CheckFormat;
  /** A file, or undefined for stdout. */
  output?: string;
}

export interface CheckCommandOptions extends InputOptions {
  follow: FollowSettings | null;
  maxNs?: bigint;
  rules: DurationRule[];
  percentileRules: PercentileRule[];
  baseline: string[];
  regressionFraction?: number;
  minSamples?: number;
  failOn?: StructureKind[];
  config?: string;
  reporters: ReporterTarget[];
  color?: boolean;
}

/** Reads `--config FILE`, or tracelog.config.json in the working directory when present. */
async function readConfig(path: string | undefined, io: Io): Promise<Config | null> {
  const file = path ?? join(io.cwd, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (path === undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    const code = (err as NodeJS.ErrnoException).code;
    throw new TracelogError('tracelog.invalidConfig', `cannot read config '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? err)}`);
  }
  try {
    return parseConfig(parseJson(text.replace(/^\uFEFF/, '')));
  } catch (err) {
    // One line on stderr: "N problems: config /a: …; config /b: …".
    if (err instanceof ConfigError) throw new TracelogError('tracelog.invalidConfig', `${file}: ${err.message.replace(/:\n\s*/, ': ').replace(/\n\s*/g, '; ')}`);
    if (err instanceof SyntaxError) throw new TracelogError('tracelog.invalidConfig', `${file}: not valid JSON (${err.message})`);
    throw err;
  }
}

export async function runCheck(options: CheckCommandOptions, io: Io): Promise<number> {
  const config = await readConfig(options.config, io);
  const checkOptions: CheckOptions = {
    // Flags replace the config's single values; flag rules come after config rules and win ties.
    maxNs: options.maxNs ?? config?.maxNs,
    rules: [...(config?.rules ?? []), ...options.rules],
    percentileRules: [...(config?.percentileRules ?? []), ...options.percentileRules],
    failOn: options.failOn ?? config?.failOn ?? [],
    regressionFraction: options.regressionFraction ?? config?.regressionFraction,
    minSamples: options.minSamples ?? config?.minSamples,
  };
  const diagnostics = new Diagnostics();

  if (options.baseline.length > 0) {
    const baselineDiagnostics = new Diagnostics();
    const summary = await eachTrace({ ...toLoadOptions(options, options.baseline), fields: 'none' }, null, io, baselineDiagnostics, () => createBaselineAccumulator(), {
      kind: 'baseline',
      options: {},
    });
    diagnostics.failures.push(...baselineDiagnostics.failures);
    checkOptions.baseline = summary.finish();
  }

  // A check reads durations and structure, never tags or events.
  const accumulator = await eachTrace({ ...toLoadOptions(options), fields: 'none' }, options.follow, io, diagnostics, () => createCheckAccumulator(checkOptions), {
    kind: 'check',
    options: checkOptions,
  });
  if (io.signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(io.signal.reason) || 130);
  const result = accumulator.finish();
  if (diagnostics.failures.length > 0) {
    // An input that could not be read makes the verdict an error, in every report.
    result.inputErrors = diagnostics.failures.slice();
    result.passed = false;
  }

  const reporters = options.reporters.length > 0 ? options.reporters : [{ format: 'text' as const }];
  let readerGone = false;
  for (const reporter of reporters) {
    const toTerminal = reporter.output === undefined && io.stdoutIsTTY;
    const colorLevel = reporter.format === 'text' ? resolveColorLevel(io, options.color, toTerminal) : 0;
    const out = openOutput(reporter.output, io);
    await out.writer.write(renderCheckReport(result, reporter.format, { colorLevel }));
    await out.close(true);
    if (reporter.output === undefined && out.writer.closed) readerGone = true;
  }
  reportDiagnostics(diagnostics, io, options.quiet || readerGone);
  return exitCodeFor(result);
}
