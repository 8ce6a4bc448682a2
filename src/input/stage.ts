/**
 * Sources read whole that are not regular uncompressed files (stdin, gzip files, named
 * pipes) are first copied, decompressed, into a temporary file, as `sort` spills to disk. Then
 * they are read as plain files are: twice if need be (the last line of each trace found
 * first) and by worker threads, so only the traces in flight are held, where one pass
 * over a stream must hold every trace until the stream ends.
 *
 * The copy lives in the temporary directory (TMPDIR). Where the system lets an open
 * file be opened again by its descriptor (/proc/self/fd), it is unlinked at once, so
 * nothing is left behind however the process ends; elsewhere `close` removes it.
 */
import { closeSync, fstatSync, ftruncateSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TracelogError } from '../errors.js';
import { outputError } from '../output/writer.js';
import { isGzip } from './plain-file.js';
import { MaybeGunzip, readErrorMessage, sourceName } from './read-lines.js';
import { createTemporaryFile } from './temp-file.js';

export interface StagedSources {
  /** The sources to read: each staged one replaced by its copy. */
  files: string[];
  /** The name each source is reported by (`stdin` for `-`, a copy by its source's name). */
  names: string[];
  /** Sources that failed part way (corrupt gzip data): one message each; their whole lines before it were copied. */
  failures: string[];
  /** Lets go of the copies. */
  close(): void;
}

export interface StageOptions {
  stdin: Readable;
  signal?: AbortSignal;
  /**
   * The reader's cap on a line's bytes: a longer line is copied cut short (still too long,
   * so the reader skips and counts it, as the stream read does), and a huge line — a gzip
   * bomb — takes no disk.
   */
  maxLineBytes?: number;
  /** Where the copies go (default: the system's temporary directory). */
  dir?: string;
}

/**
 * Copies stdin (`-`), each gzip file and each named pipe among `files` into a temporary plain file. A
 * source that cannot be opened, or when no temporary file can be made, is left as it is
 * (read the stream way, which reports it). Throws TracelogError('tracelog.output') when
 * a copy cannot be written (a full disk), 'tracelog.interrupted' on the signal.
 */
export async function stageSources(files: string[], options: StageOptions): Promise<StagedSources> {
  const staged: StagedSources = { files: [...files], names: files.map(sourceName), failures: [], close: () => undefined };
  const copies: Copy[] = [];
  staged.close = () => {
    for (const copy of copies.splice(0)) copy.close();
  };
  try {
    for (const [index, file] of files.entries()) {
      const name = staged.names[index]!;
      const input = file === '-' ? options.stdin : await streamToCopy(file);
      if (input === null) continue;
      const copy = openCopy(options.dir ?? tmpdir(), name, (options.maxLineBytes ?? Number.POSITIVE_INFINITY) + 2);
      if (copy === null) {
        if (file !== '-') input.destroy();
        continue;
      }
      copies.push(copy);
      const failure = await copy.fill(input, options.signal);
      if (failure) staged.failures.push(failure);
      staged.files[index] = copy.readPath();
    }
  } catch (err) {
    staged.close();
    throw err;
  }
  return staged;
}

/**
 * A stream of the file's bytes when it is to be copied: a gzip file, or one that can be read
 * only once (a named pipe, `<(zcat …)`). Null for a plain file, a directory, or one that
 * cannot be opened (the read reports it).
 */
async function streamToCopy(path: string): Promise<Readable | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isDirectory() && !(stat.isFile() && !(await isGzip(handle)))) return handle.createReadStream({ highWaterMark: 256 * 1024 });
  } catch {
    // Read the stream way, which reports it.
  }
  await handle.close().catch(() => undefined);
  return null;
}

interface Copy {
  /** Copies the source's bytes (decompressed); a failure message when it failed part way. */
  fill(input: Readable, signal: AbortSignal | undefined): Promise<string | null>;
  /** The path to read the copy by. */
  readPath(): string;
  close(): void;
}

/** A copy whose lines are cut to `keep` bytes. */
function openCopy(dir: string, name: string, keep: number): Copy | null {
  const file = createTemporaryFile(dir, 'log');
  if (file === null) return null;
  const { fd, path } = file;
  let linked = true;
  let closed = false;
  let written = 0;
  return {
    async fill(input, signal) {
      // Bytes up to the end of the last whole line; how many lines that is is `cut.lines`.
      let whole = 0;
      const cut: LineCut = { keep, lineBytes: 0, lines: 0 };
      let writeFailure: unknown = null;
      const gunzip = new MaybeGunzip();
      const sink = new Writable({
        highWaterMark: 2 ** 20,
        write(chunk: Buffer, _enc, cb) {
          const { bytes, wholeEnd } = cutLines(chunk, cut);
          try {
            for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, written + done);
          } catch (err) {
            writeFailure = err;
            return cb(err as Error);
          }
          if (wholeEnd >= 0) whole = written + wholeEnd;
          written += bytes.length;
          cb();
        },
      });
      let failure: unknown = null;
      try {
        await pipeline(input, gunzip, sink, signal ? { signal } : {});
        failure = gunzip.failure;
      } catch (err) {
        if (writeFailure) throw new TracelogError('tracelog.output', `${outputError(path, writeFailure).message} (a temporary copy of ${name}: TMPDIR says where)`);
        if (signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(signal.reason) || 130);
        failure = err;
      }
      if (failure === null) return null;
      // As when the stream is read: the lines before the failure count, the one it cut off does not.
      ftruncateSync(fd, whole);
      written = whole;
      return `${readErrorMessage(name, failure)}${cut.lines > 0 ? ` after line ${cut.lines}` : ''}`;
    },
    readPath() {
      const byDescriptor = `/proc/self/fd/${fd}`;
      try {
        if (statSync(byDescriptor).ino !== fstatSync(fd).ino) return path;
        unlinkSync(path);
        linked = false;
        return byDescriptor;
      } catch {
        return path;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        closeSync(fd);
        if (linked) unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}

/** How the lines of a copy are cut: at `keep` bytes; the current line's bytes so far, and the newlines seen. */
export interface LineCut {
  keep: number;
  lineBytes: number;
  lines: number;
}

/**
 * The bytes of `chunk` to copy, every line cut to `cut.keep` bytes (`cut` carries a line
 * across chunks), and where in them the last whole line ends (−1: no newline in the chunk).
 * The chunk itself when nothing is cut.
 */
export function cutLines(chunk: Buffer, cut: LineCut): { bytes: Buffer; wholeEnd: number } {
  const pieces: Buffer[] = [];
  // The kept run of bytes starts at `from`; `out` bytes were kept before it.
  let from = 0;
  let out = 0;
  let wholeEnd = -1;
  for (let at = 0; ; ) {
    const nl = chunk.indexOf(0x0a, at);
    const end = nl < 0 ? chunk.length : nl;
    if (cut.lineBytes + (end - at) > cut.keep) {
      const stop = at + (cut.keep - cut.lineBytes);
      pieces.push(chunk.subarray(from, stop));
      out += stop - from;
      from = end;
      cut.lineBytes = cut.keep;
    } else cut.lineBytes += end - at;
    if (nl < 0) break;
    cut.lines++;
    cut.lineBytes = 0;
    wholeEnd = out + (nl + 1 - from);
    at = nl + 1;
  }
  if (pieces.length === 0) return { bytes: chunk, wholeEnd };
  pieces.push(chunk.subarray(from));
  return { bytes: Buffer.concat(pieces), wholeEnd };
}
