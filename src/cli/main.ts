/**
 * The process edge: wires the real stdin/stdout/stderr, environment and TTY
 * facts into the program, maps every failure to one `tracelog:` line and an
 * exit status, and never calls process.exit (piped output must drain).
 */
import { fstatSync } from 'node:fs';
import { TracelogError, EXIT_USAGE } from '../errors.js';
import type { Io } from '../commands/io.js';
import { escapeControls } from '../commands/report.js';

// SIGINT/SIGTERM: stop reading, remove partial output files, exit 130/143.
const interrupt = new AbortController();
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    process.exitCode = code;
    interrupt.abort(code);
    // If something still holds the event loop, do not hang on it.
    setTimeout(() => process.exit(code), 2000).unref();
  });
}

/** True when stdin is a regular file (`tracelog view < app.log`), not a pipe or terminal. */
function stdinIsFile(): boolean {
  try {
    return fstatSync(0).isFile();
  } catch {
    return false;
  }
}

const io: Io = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTTY: process.stdout.isTTY === true,
  stdinIsTTY: process.stdin.isTTY === true,
  stdinIsFile: stdinIsFile(),
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  signal: interrupt.signal,
};

// A reader that goes away (`| head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.exitCode = EXIT_USAGE;
  });
}

async function main(argv: string[]): Promise<void> {
  const [{ CommanderError }, { buildProgram }] = await Promise.all([import('commander'), import('./program.js')]);
  const program = buildProgram({ io, setExit: (code) => (process.exitCode = code) });
  program.exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error.
      process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (err instanceof TracelogError && err.code === 'tracelog.interrupted') {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof TracelogError) {
      io.stderr.write(`tracelog: ${escapeControls(err.message)}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`tracelog: internal error: ${escapeControls(message)}\n`);
    if (process.env.TRACELOG_DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

await main(process.argv);
