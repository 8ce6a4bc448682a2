/**
 * The command line: commands, options and help, defined once with commander.
 * Each command's module is imported only when that command runs, so
 * `--version` and `--help` start fast.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { TracelogError } from '../errors.js';
import { escapeControls } from '../commands/report.js';

type CheckFormatName = 'text' | 'json' | 'junit' | 'github' | 'markdown';
import type { Io } from '../commands/io.js';
import type { InputOptions } from '../commands/load.js';
import type { FieldOverrides } from '../extract/roles.js';
import { VERSION } from '../version.js';
import { collect, parseConcurrency, parseCount, parseDurationOption, parseField, parseSize, parseThreads } from './parse-options.js';

const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
const DEFAULT_IDLE_NS = 2_000_000_000n;

/** Options every command that reads logs takes. */
function addInputOptions(cmd: Command): Command {
  return cmd
    .argument('[files...]', "log files, plain or gzip ('-' or none: stdin)")
    .option('--field <role=path>', 'read a role (trace, span, parent, start, end, duration, name, service, status) from PATH; numeric times and durations take a unit suffix, e.g. duration=elapsed:ns (repeatable)', parseField, {})
    .option('--strict', 'stop at the first malformed line (exit 2)', false)
    .option('-q, --quiet', 'do not print the skipped-lines summary and structural warnings', false)
    .option('--max-line-bytes <size>', 'skip lines longer than this', parseSize, DEFAULT_MAX_LINE_BYTES)
    .option('--threads <n>', "worker threads for reading files whole: a number, or 'auto' (one per core for 48 MiB of files or more; 1 for one thread)", parseThreads, 'auto');
}

/** Follow-mode options (`view` follows stdin by default; `convert` and `check` only when asked). */
function addFollowOptions(cmd: Command): Command {
  return cmd
    .option('--idle <duration>', 'follow mode: a trace whose root has ended is complete after this long without new lines (default 2s)', parseDurationOption)
    .option('--window <lines>', 'follow mode: a trace is complete once this many lines have passed since its last line', parseCount, 100_000);
}

/** The values of the options addInputOptions defines. */
function inputValues(files: string[], opts: Record<string, unknown>): InputOptions {
  return {
    files,
    field: opts.field as FieldOverrides,
    strict: opts.strict as boolean,
    quiet: opts.quiet as boolean,
    maxLineBytes: opts.maxLineBytes as number,
    threads: opts.threads as number | 'auto',
  };
}

function followSettings(opts: Record<string, unknown>, follow: boolean): { idleMs: number; window: number } | null {
  if (!follow) return null;
  const idleNs = (opts.idle as bigint | undefined) ?? DEFAULT_IDLE_NS;
  return { idleMs: Number(idleNs / 1_000_000n), window: opts.window as number };
}

export interface ProgramHooks {
  io: Io;
  /** Receives the exit status of the command that ran. */
  setExit(code: number): void;
}

export function buildProgram(hooks: ProgramHooks): Command {
  const { io } = hooks;
  const program = new Command('tracelog')
    .description('Turn structured JSON logs into traces: waterfalls in the terminal, span JSON, exports, CI gates.')
    .version(VERSION, '-V, --version')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors are one line, like every other error: "tracelog: unknown option '--bogus' (…)".
      outputError: (s, write) => write(`tracelog: ${escapeControls(s.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' '))} (run with --help for usage)\n`),
    });

  addFollowOptions(addInputOptions(
    program
      .command('convert')
      .description('write the traces found in logs as span JSON or another trace format')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['spans', 'traces', 'otlp', 'zipkin', 'jaeger', 'chrome']).default('spans'))
      .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
      .option('--follow', 'write each trace as soon as it is complete (for endless input such as tail -f)', false)
      .option('--endpoint <url>', 'with --format otlp: POST to an OTLP/HTTP collector (e.g. http://localhost:4318) instead of writing')
      .option('--header <name: value>', 'with --endpoint: an HTTP header to send, e.g. an API key (repeatable; never printed)', collect, [])
      .option('--batch-spans <n>', 'OTLP: at most this many spans a request', parseCount, 512)
      .option('--batch-bytes <size>', 'OTLP: at most this many bytes a request', parseSize, 4 * 1024 * 1024)
      .option('--no-gzip', 'with --endpoint: send requests uncompressed')
      .option('--timeout <duration>', 'with --endpoint: give up on a request after this long (default 10s)', parseDurationOption)
      .option('--retries <n>', 'with --endpoint: retries on 429/502/503/504 and connection errors (default 5)', (v: string) => {
        if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`'${v}' is not a whole number`);
        return Number(v);
      })
      .option('--concurrency <n>', 'with --endpoint: requests in flight at once (default 4)', parseConcurrency)
      .addHelpText(
        'after',
        `
Examples:
  tracelog convert app.log > spans.jsonl
  kubectl logs deploy/api | tracelog convert --format traces
  tracelog convert --field duration=elapsed:ns --field name=op app.log.gz -o spans.jsonl
  tail -f app.log | tracelog convert --follow
  tracelog convert --format otlp app.log --endpoint http://localhost:4318
  tracelog convert -f otlp app.log --endpoint https://api.honeycomb.io --header "x-honeycomb-team: $HONEYCOMB_API_KEY"`,
      ),
  )).action(async (files: string[], opts: Record<string, unknown>) => {
    if (opts.endpoint !== undefined && opts.format !== 'otlp') {
      throw new TracelogError('tracelog.usage', '--endpoint sends OTLP: use it with --format otlp');
    }
    if (opts.endpoint !== undefined && opts.output !== undefined) {
      throw new TracelogError('tracelog.usage', '--endpoint sends and -o writes: use one of them');
    }
    if (opts.endpoint === undefined) {
      for (const flag of ['header', 'timeout', 'retries', 'concurrency'] as const) {
        const given = flag === 'header' ? (opts.header as string[]).length > 0 : opts[flag] !== undefined;
        if (given) throw new TracelogError('tracelog.usage', `--${flag} goes with --endpoint`);
      }
      if (opts.gzip === false) throw new TracelogError('tracelog.usage', '--no-gzip goes with --endpoint');
    }
    const { runConvert } = await import('../commands/convert.js');
    hooks.setExit(
      await runConvert(
        {
          ...inputValues(files, opts),
          format: opts.format as 'spans',
          output: opts.output as string | undefined,
          follow: followSettings(opts, opts.follow === true),
          otlp: { maxSpans: opts.batchSpans as number, maxBytes: opts.batchBytes as number },
          endpoint: opts.endpoint as string | undefined,
          headers: opts.header as string[],
          gzip: opts.gzip as boolean,
          timeoutMs: opts.timeout === undefined ? undefined : Number((opts.timeout as bigint) / 1_000_000n),
          retries: opts.retries as number | undefined,
          concurrency: opts.concurrency as number | undefined,
        },
        io,
      ),
    );
  });

  addViewCommand(program, hooks);
  addCheckCommand(program, hooks);
  addStatsCommand(program, hooks);
  return program;
}

function addCheckCommand(program: Command, hooks: ProgramHooks): void {
  // --reporter-output belongs to the --reporter before it: commander calls parsers in argv order.
  const reporters: Array<{ format: CheckFormatName; output?: string }> = [];
  const cmd = program
    .command('check')
    .description('fail the build when spans are slow: duration limits, percentiles, a baseline, structural problems')
    .option('--max <duration>', 'a violation for each span longer than this (250ms, 1.5s, 800us)', parseDurationOption)
    .option("--rule <pattern=duration>", "a limit for spans whose 'service:name' matches PATTERN (globs: * ?); the most specific rule wins, then --max (repeatable)", collect, [])
    .option('--p50 <pattern=duration>', 'the p50 of matching spans must stay under the limit (repeatable)', collect, [])
    .option('--p90 <pattern=duration>', 'the same for p90 (repeatable)', collect, [])
    .option('--p95 <pattern=duration>', 'the same for p95 (repeatable)', collect, [])
    .option('--p99 <pattern=duration>', 'the same for p99 (repeatable)', collect, [])
    .option('--baseline <file>', "logs or span JSON from the main branch: flag operations whose p50 or p95 regressed (repeatable)", collect, [])
    .option('--regression <percent>', 'how much slower than the baseline counts as a regression (default 20%)')
    .option('--min-samples <n>', 'only compare operations with at least this many spans in both runs (default 5)', parseCount)
    .option('--fail-on <kinds>', 'structural findings that fail the check instead of warning: orphans,cycles,duplicates,skew')
    .option('--config <file>', `read rules from FILE (default: ${'tracelog.config.json'} in the working directory, when present)`)
    .option('--reporter <name>', 'text (default), json, junit, github or markdown (repeatable)', (value: string) => {
      if (!['text', 'json', 'junit', 'github', 'markdown'].includes(value)) throw new InvalidArgumentError('expected text, json, junit, github or markdown');
      reporters.push({ format: value as CheckFormatName });
      return value;
    })
    .option('--reporter-output <file>', 'write the --reporter before it to FILE instead of stdout', (value: string) => {
      if (reporters.length === 0) reporters.push({ format: 'text' });
      reporters[reporters.length - 1]!.output = value;
      return value;
    })
    .option('--color', 'colour the text report even when not writing to a terminal')
    .option('--no-color', 'never colour')
    .option('--follow', 'evaluate traces as they complete (for endless input)', false)
    .addHelpText(
      'after',
      `
Examples:
  tracelog check logs/*.log --max 500ms
  tracelog check app.log --rule 'db:*=100ms' --rule '*:GET /checkout*=300ms' --p95 'api:*=250ms'
  tracelog check app.log --baseline main.log --regression 15% --fail-on orphans,cycles
  tracelog check app.log --max 1s --reporter text --reporter junit --reporter-output tracelog.xml`,
    );
  addFollowOptions(addInputOptions(cmd)).action(async (files: string[], opts: Record<string, unknown>) => {
    const { runCheck } = await import('../commands/check.js');
    const { parseRule, parsePercentileRule } = await import('../check/rules.js');
    const { parsePercent, STRUCTURE_KINDS } = await import('../check/config.js');
    const usage = (message: string): never => {
      throw new TracelogError('tracelog.usage', message);
    };
    const wrap = <T>(parse: () => T): T => {
      try {
        return parse();
      } catch (err) {
        return usage(err instanceof Error ? err.message : String(err));
      }
    };
    const failOn = opts.failOn === undefined ? undefined : (opts.failOn as string).split(',').map((k) => k.trim()).filter(Boolean);
    for (const kind of failOn ?? []) if (!(STRUCTURE_KINDS as readonly string[]).includes(kind)) usage(`--fail-on: '${kind}' is not one of ${STRUCTURE_KINDS.join(', ')}`);
    hooks.setExit(
      await runCheck(
        {
          ...inputValues(files, opts),
          follow: followSettings(opts, opts.follow === true),
          maxNs: opts.max as bigint | undefined,
          rules: (opts.rule as string[]).map((r) => wrap(() => parseRule(r))),
          percentileRules: ([50, 90, 95, 99] as const).flatMap((p) => (opts[`p${p}`] as string[]).map((r) => wrap(() => parsePercentileRule(p, r)))),
          baseline: opts.baseline as string[],
          regressionFraction: opts.regression === undefined ? undefined : wrap(() => parsePercent(opts.regression as string, '', '--regression')),
          minSamples: opts.minSamples as number | undefined,
          failOn: failOn as never,
          config: opts.config as string | undefined,
          reporters: reporters.slice(),
          color: opts.color as boolean | undefined,
        },
        hooks.io,
      ),
    );
  });
}

function addStatsCommand(program: Command, hooks: ProgramHooks): void {
  const cmd = program
    .command('stats')
    .description('latency per service and operation: count, errors, p50, p90, p99, max, total and self time')
    .addOption(new Option('--by <key>', 'group by').choices(['service', 'name', 'service,name']).default('service,name'))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
    .option('--color', 'colour the table even when not writing to a terminal')
    .option('--no-color', 'never colour')
    .addHelpText(
      'after',
      `
Examples:
  tracelog stats app.log
  tracelog stats --by service logs/*.log.gz
  tracelog stats --format json app.log > latency.json`,
    );
  addInputOptions(cmd).action(async (files: string[], opts: Record<string, unknown>) => {
    const { runStats } = await import('../commands/stats.js');
    hooks.setExit(
      await runStats(
        {
          ...inputValues(files, opts),
          by: opts.by as never,
          format: opts.format as 'table' | 'json',
          output: opts.output as string | undefined,
          color: opts.color as boolean | undefined,
        },
        hooks.io,
      ),
    );
  });
}

function addViewCommand(program: Command, hooks: ProgramHooks): void {
  const cmd = program
    .command('view')
    .description('show each trace as a waterfall in the terminal')
    .option('--trace <id>', 'only the trace with this id (a prefix is enough)')
    .option('--service <name>', 'only traces with a span of this service')
    .option('--name <glob>', "only traces with a span whose name matches (globs: * ?)")
    .option('--min-duration <duration>', 'only traces at least this long', parseDurationOption)
    .option('--errors', 'only traces with an error', false)
    .option('--slowest <n>', 'only the N longest traces, longest first', parseCount)
    .option('--limit <n>', 'at most N traces', parseCount)
    .addOption(new Option('--sort <order>', 'trace order: start (default) or duration (longest first)').choices(['start', 'duration']))
    .option('--events', "list each span's events (log lines) under it; they are always marked on the bars", false)
    .option('--tags <keys>', 'show these tags on each span row, e.g. hostname,user_name (repeatable)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((k) => k.trim()).filter(Boolean)], [])
    .option('--all-tags', 'list every tag under each span', false)
    .option('--depth <n>', 'collapse subtrees deeper than N levels into one row that says what it hides', (v: string) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`'${v}' is not a whole number`);
      return Number(v);
    })
    .option('--no-critical-path', 'do not highlight the critical path')
    .option('--summary', 'end with a table per service and operation: count, errors, p50, p95, max', false)
    .option('--width <cols>', 'line width in columns (default: the terminal\'s, else $COLUMNS, else 100)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 20 || n > 1000) throw new InvalidArgumentError('expected a width from 20 to 1000');
      return n;
    })
    .option('--color', 'colour even when not writing to a terminal')
    .option('--no-color', 'never colour')
    .option('--follow', 'show each trace as soon as it is complete (the default when reading stdin)')
    .option('--no-follow', 'wait for the end of input, then show traces in start order')
    .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  tracelog view app.log
  kubectl logs -f deploy/api | tracelog view
  tracelog view app.log --errors --events
  tracelog view app.log --slowest 5 --tags hostname,user_name --summary
  tracelog view app.log --trace 3f1c --all-tags --width 160`,
    );
  addFollowOptions(addInputOptions(cmd)).action(async (files: string[], opts: Record<string, unknown>) => {
    const { runView } = await import('../commands/view.js');
    hooks.setExit(
      await runView(
        {
          ...inputValues(files, opts),
          follow: opts.follow as boolean | undefined,
          followSettings: followSettings(opts, true)!,
          width: opts.width as number | undefined,
          color: opts.color as boolean | undefined,
          criticalPath: opts.criticalPath !== false,
          events: opts.events as boolean,
          tags: opts.tags as string[],
          allTags: opts.allTags as boolean,
          depth: opts.depth as number | undefined,
          summary: opts.summary as boolean,
          output: opts.output as string | undefined,
          select: {
            trace: opts.trace as string | undefined,
            service: opts.service as string | undefined,
            name: opts.name as string | undefined,
            minDurationNs: opts.minDuration as bigint | undefined,
            errors: opts.errors as boolean,
            slowest: opts.slowest as number | undefined,
            limit: opts.limit as number | undefined,
            sort: opts.sort as 'start' | 'duration' | undefined,
          },
        },
        hooks.io,
      ),
    );
  });
}
