/**
 * `tracelog view`: each trace as a waterfall in the terminal. Renders and
 * writes trace by trace (a long file starts printing at once); follows stdin from a
 * pipe by default so `kubectl logs -f … | tracelog view` shows traces as they complete.
 */
import { Diagnostics } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import { OperationSummaries, renderSummary } from '../render/summary.js';
import { matchesTrace, selectTraces, SlowestTraces, slowestBound, type SelectOptions } from '../trace/select.js';
import type { Trace } from '../types.js';
import { resolveColorLevel } from './color.js';
import type { Io } from './io.js';
import { eachTrace, loadTraces, STOP, streamTexts, streamTraces, toLoadOptions, withStagedInput, type FollowSettings, type InputOptions, type LoadOptions } from './load.js';
import { openOutput } from './output.js';
import { reportDiagnostics } from './report.js';
import { traceText } from '../parallel/written.js';

export const DEFAULT_WIDTH_COLS = 100;
/** The widest a view is drawn (`--width` takes 20 to 1,000). */
export const MAX_WIDTH_COLS = 1000;

export interface ViewOptions extends InputOptions {
  /** Explicit --follow / --no-follow; undefined: follow when reading stdin. */
  follow?: boolean;
  followSettings: FollowSettings;
  width?: number;
  color?: boolean;
  criticalPath: boolean;
  events: boolean;
  tags: string[];
  allTags: boolean;
  depth?: number;
  summary: boolean;
  select: SelectOptions;
  output?: string;
}

/** Terminal columns, else COLUMNS, else 100; at most 1,000, as `--width` allows. */
export function resolveWidth(io: Io, flag: number | undefined): number {
  if (flag !== undefined) return flag;
  if (io.stdoutIsTTY && io.columns) return Math.min(io.columns, MAX_WIDTH_COLS);
  const env = Number(io.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? Math.min(env, MAX_WIDTH_COLS) : DEFAULT_WIDTH_COLS;
}

/** Options that need every trace before the first is shown rule out following. */
function needsAllTraces(select: SelectOptions): boolean {
  return select.slowest !== undefined || select.sort === 'duration';
}

export async function runView(options: ViewOptions, io: Io): Promise<number> {
  const readsStdin = options.files.length === 0 || options.files.every((f) => f === '-');
  if (options.follow === true && needsAllTraces(options.select)) {
    throw new TracelogError('tracelog.usage', '--slowest and --sort duration need all input: use them without --follow');
  }
  // A pipe may never end (`kubectl logs -f`); a file given as stdin (`< app.log`) does, like a named one.
  const follow = options.follow ?? (readsStdin && io.stdinIsFile !== true && !needsAllTraces(options.select));
  const diagnostics = new Diagnostics();
  const out = openOutput(options.output, io);
  const toTerminal = options.output === undefined && io.stdoutIsTTY;
  const colorLevel = resolveColorLevel(io, options.color, toTerminal);
  const render = {
    widthCols: resolveWidth(io, options.width),
    colorLevel,
    criticalPath: options.criticalPath,
    events: options.events,
    tags: options.tags,
    allTags: options.allTags,
    depth: options.depth,
  };
  // Tags and event fields are only shown with --tags, --all-tags and --events.
  const load = { ...toLoadOptions(options), ...(options.tags.length === 0 && !options.allTags && !options.events ? { fields: 'none' as const } : {}) };
  const limit = options.select.limit ?? Infinity;
  // The summary table sums up the traces shown, as they are shown: none is held for it.
  const summary = new OperationSummaries();
  let count = 0;
  let ok = false;
  // Writes one trace's waterfall, rendered here or by a worker thread. Reading stops when the
  // reader goes away (`kubectl logs -f … | tracelog view | head`) or --limit traces are
  // shown: stdin may never end.
  const writeText = async (text: string | Uint8Array, trace?: Trace): Promise<void | typeof STOP> => {
    if (out.writer.closed || count >= limit) return STOP;
    if (count > 0) await out.writer.line('');
    count++;
    await out.writer.write(text);
    if (trace && options.summary) summary.add(trace);
    if (follow) await out.writer.flush();
    return out.writer.closed || count >= limit ? STOP : undefined;
  };
  const write = (trace: Trace): Promise<void | typeof STOP> =>
    out.writer.closed || count >= limit ? Promise.resolve(STOP) : writeText(traceText({ kind: 'view', render, select: options.select }, trace)!, trace);
  // Waterfalls in start order of the traces a filter keeps can be drawn as each trace's last
  // line goes by (and by worker threads), so only the traces in flight are held. A summary
  // is summed up by whoever draws them, unless --limit decides which are shown.
  const drawnEarly = !follow && (!options.summary || limit === Infinity) && options.select.slowest === undefined && (options.select.sort ?? 'start') === 'start';
  try {
    const output = { kind: 'view' as const, render, select: options.select, summary: options.summary };
    const show = async (load: LoadOptions): Promise<void> => {
      const rendered = drawnEarly && (await streamTexts(load, output, io, diagnostics, summary));
      if (rendered) {
        // Every trace's problems are counted, as when one thread reads, even after --limit or a closed reader.
        let stopped = false;
        for (const [text, problems] of rendered) {
          diagnostics.problems.push(...problems);
          if (stopped || text === null) continue;
          if (io.signal?.aborted || (await writeText(text)) === STOP) stopped = true;
        }
      } else if (follow) {
        await streamTraces(load, options.followSettings, io, diagnostics, (trace) => (matchesTrace(trace, options.select) ? write(trace) : undefined));
      } else {
        // The longest N (--slowest N; --sort duration --limit N) are kept while files are read, not every trace.
        const bound = slowestBound(options.select);
        const candidates =
          bound === null
            ? await loadTraces(load, io, diagnostics)
            : (await eachTrace(load, null, io, diagnostics, () => new SlowestTraces(bound, options.select), { kind: 'slowest', keep: bound, select: options.select })).traces();
        const traces = selectTraces(candidates, { sort: 'start', ...options.select });
        for (const trace of traces) {
          if (io.signal?.aborted || (await write(trace)) === STOP) break;
        }
      }
    };
    // Read whole, stdin, gzip files and pipes are read from a plain copy (load.ts withStagedInput).
    if (follow) await show(load);
    else await withStagedInput(load, io, diagnostics, show);
    if (options.summary && !out.writer.closed) {
      await out.writer.line('');
      for (const line of renderSummary(summary, { colorLevel, widthCols: render.widthCols })) await out.writer.line(line);
    }
    ok = !io.signal?.aborted;
  } finally {
    await out.close(ok);
  }
  if (io.signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(io.signal.reason) || 130);
  if (count === 0 && !options.quiet && diagnostics.failures.length === 0) {
    io.stderr.write(diagnostics.lines === 0 ? 'tracelog: no input lines\n' : 'tracelog: no traces to show\n');
  }
  // A reader that went away (`| head`) has seen enough: only unreadable inputs are still reported.
  return reportDiagnostics(diagnostics, io, options.quiet || out.writer.closed);
}
