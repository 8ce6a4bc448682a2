/**
 * Opens the destination of a command's data: stdout, or `-o FILE` written
 * atomically. `close(ok)` renames the file into place only when the run succeeded.
 */
import { AtomicFile, OutputWriter, outputError } from '../output/writer.js';
import type { Io } from './io.js';

export interface Output {
  writer: OutputWriter;
  /** Finishes the output: commit on success, remove the partial file otherwise. */
  close(ok: boolean): Promise<void>;
}

export function openOutput(path: string | undefined, io: Io): Output {
  if (path === undefined || path === '-') {
    const writer = new OutputWriter(io.stdout);
    return {
      writer,
      async close() {
        await writer.flush();
        // A full disk behind a redirect (ENOSPC) is an error; a reader that left (EPIPE) is not.
        if (writer.error) throw outputError('stdout', writer.error);
      },
    };
  }
  const file = new AtomicFile(path);
  const writer = new OutputWriter(file.stream);
  return {
    writer,
    async close(ok) {
      await writer.flush();
      if (writer.error) {
        await file.abort();
        throw outputError(path, writer.error);
      }
      if (ok) await file.commit();
      else await file.abort();
    },
  };
}
