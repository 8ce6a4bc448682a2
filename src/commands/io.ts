/**
 * What a command may touch of the process, passed in by the CLI so commands
 * can be run in tests with fake streams, environment and terminal size.
 */
import type { Readable, Writable } from 'node:stream';

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  /** Stdin is a regular file (`< app.log`): it has an end, as a named file has. */
  stdinIsFile?: boolean;
  stderrIsTTY: boolean;
  /** Terminal width when stdout is a terminal. */
  columns: number | undefined;
  /** Aborted on SIGINT/SIGTERM: reading stops and partial output files are removed. */
  signal?: AbortSignal;
}
