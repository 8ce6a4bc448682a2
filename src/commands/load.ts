/**
 * Shared by every command: read the sources, turn lines into records, feed the
 * assembler, count what was skipped. A file that cannot be read is reported and
 * the others still processed; `--strict` makes the first bad line fatal.
 */
import { Diagnostics, describeSkip } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import { readLine, type LineOptions } from '../extract/line.js';
import { readSource } from '../input/read-lines.js';
import { Assembler } from '../trace/assemble.js';
import type { LogRecord, Trace } from '../types.js';
import type { Io } from './io.js';
import { readDocument } from '../extract/documents.js';

export interface LoadOptions {
  files: string[];
  strict: boolean;
  maxLineBytes: number;
  lineOptions: LineOptions;
}

/** Reads every source, calling `onRecord` for each record in input order. */
export async function readRecords(options: LoadOptions, io: Io, diagnostics: Diagnostics, onRecord: (record: LogRecord) => void): Promise<void> {
  if (options.files.length === 0 && io.stdinIsTTY) {
    throw new TracelogError('tracelog.usage', 'no input: name log files, or pipe logs in (e.g. kubectl logs deploy/api | tracelog view)');
  }
  const files = options.files.length > 0 ? options.files : ['-'];
  const lineOptions: LineOptions = { readDocument, ...options.lineOptions };
  const fail = (reason: Parameters<Diagnostics['skip']>[0], source: string, line: number): void => {
    if (options.strict) throw new TracelogError('tracelog.strict', `${source}:${line}: ${describeSkip(reason)}`);
    diagnostics.skip(reason, source, line);
  };
  for (const file of files) {
    try {
      await readSource(
        file,
        {
          line(text, source, line) {
            diagnostics.lines++;
            const result = readLine(text, source, line, lineOptions);
            if (result === null) return;
            if ('skip' in result) fail(result.skip, source, line);
            else for (const record of result.records) onRecord(record);
          },
          tooLong(source, line) {
            diagnostics.lines++;
            fail('too-long', source, line);
          },
        },
        { maxLineBytes: options.maxLineBytes, stdin: io.stdin },
      );
    } catch (err) {
      if (err instanceof TracelogError && err.code === 'tracelog.unreadableFile') diagnostics.failures.push(err.message);
      else throw err;
    }
  }
}

/** Reads everything and returns the traces in start order. */
export async function loadTraces(options: LoadOptions, io: Io, diagnostics: Diagnostics): Promise<Trace[]> {
  const assembler = new Assembler();
  await readRecords(options, io, diagnostics, (record) => assembler.add(record));
  const traces = assembler.finish();
  for (const trace of traces) diagnostics.problems.push(...trace.problems);
  return traces;
}
