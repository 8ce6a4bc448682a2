/**
 * The command line: commands, options and help, defined once with commander.
 * Each command's module is imported only when that command runs, so
 * `--version` and `--help` start fast.
 */
import { Command, Option } from 'commander';
import type { Io } from '../commands/io.js';
import { VERSION } from '../version.js';
import { collect, parseCount, parseDurationOption, parseField, parseSize } from './parse-options.js';

const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Options every command that reads logs takes. */
function addInputOptions(cmd: Command): Command {
  return cmd
    .argument('[files...]', "log files, plain or gzip ('-' or none: stdin)")
    .option('--field <role=path>', 'read a role (trace, span, parent, start, end, duration, name, service, status) from PATH; numeric times and durations take a unit suffix, e.g. duration=elapsed:ns (repeatable)', parseField, {})
    .option('--strict', 'stop at the first malformed line (exit 2)', false)
    .option('-q, --quiet', 'do not print the skipped-lines summary and structural warnings', false)
    .option('--max-line-bytes <size>', 'skip lines longer than this', parseSize, DEFAULT_MAX_LINE_BYTES);
}

/** Follow-mode options (`view` follows stdin by default; `convert` and `check` only when asked). */
function addFollowOptions(cmd: Command): Command {
  return cmd
    .option('--idle <duration>', 'follow mode: a trace whose root has ended is complete after this long without new lines', parseDurationOption, 2_000_000_000n)
    .option('--window <lines>', 'follow mode: a trace is complete once this many lines have passed since its last line', parseCount, 100_000);
}

function followSettings(opts: Record<string, unknown>, follow: boolean): { idleMs: number; window: number } | null {
  if (!follow) return null;
  return { idleMs: Number((opts.idle as bigint) / 1_000_000n), window: opts.window as number };
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
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  addFollowOptions(addInputOptions(
    program
      .command('convert')
      .description('write the traces found in logs as span JSON or another trace format')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['spans', 'traces', 'otlp', 'zipkin', 'jaeger', 'chrome']).default('spans'))
      .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
      .option('--follow', 'write each trace as soon as it is complete (for endless input such as tail -f)', false)
      .addHelpText(
        'after',
        `
Examples:
  tracelog convert app.log > spans.jsonl
  kubectl logs deploy/api | tracelog convert --format traces
  tracelog convert --field duration=elapsed:ns --field name=op app.log.gz -o spans.jsonl
  tail -f app.log | tracelog convert --follow`,
      ),
  )).action(async (files: string[], opts: Record<string, unknown>) => {
    const { runConvert } = await import('../commands/convert.js');
    hooks.setExit(
      await runConvert(
        {
          files,
          format: opts.format as 'spans',
          output: opts.output as string | undefined,
          field: opts.field as never,
          strict: opts.strict as boolean,
          quiet: opts.quiet as boolean,
          maxLineBytes: opts.maxLineBytes as number,
          follow: followSettings(opts, opts.follow === true),
        },
        io,
      ),
    );
  });

  // Keep the imports used until every command is wired.
  void collect;
  void parseCount;
  void parseDurationOption;
  return program;
}
