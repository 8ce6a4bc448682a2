/**
 * The only code that touches files, stdin and zlib: opens each source,
 * decompresses gzip (told by its magic bytes), splits lines with split2 under
 * backpressure and hands each line, numbered, to a synchronous callback. Lines
 * over the byte cap are skipped and reported, never buffered whole.
 */
import { open } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import split2 from 'split2';
import { TracelogError } from '../errors.js';

export interface LineHandlers {
  /** Called for each line in order; must not throw except to stop the run. */
  line(text: string, source: string, line: number): void;
  /** A line longer than the cap, skipped. */
  tooLong(source: string, line: number): void;
}

export interface ReadOptions {
  maxLineBytes: number;
  stdin: Readable;
  signal?: AbortSignal;
}

/**
 * Passes bytes through, or through gunzip when the first two bytes are gzip's
 * magic. Corrupt gzip data does not destroy the pipeline: what was decompressed
 * before it still reaches the line splitter, the rest of the input is dropped,
 * and `failure` tells the reader to report the file.
 */
class MaybeGunzip extends Transform {
  private head: Buffer | null = Buffer.alloc(0);
  private gunzip: Gunzip | null = null;
  failure: Error | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.failure) return cb();
    if (this.head !== null) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 2) return cb();
      chunk = this.head;
      this.head = null;
      if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
        this.gunzip = createGunzip();
        this.gunzip.on('data', (data: Buffer) => this.push(data));
        this.gunzip.on('error', (err) => (this.failure ??= err));
      }
    }
    const gunzip = this.gunzip;
    if (!gunzip) return cb(null, chunk);
    let room = true;
    for (const piece of splitAtMembers(chunk)) room = gunzip.write(piece);
    if (room) return cb();
    // Wait for room, or for the error that means there will be none.
    const done = (): void => {
      gunzip.off('drain', done);
      gunzip.off('error', done);
      cb();
    };
    gunzip.on('drain', done);
    gunzip.on('error', done);
  }

  override _flush(cb: TransformCallback): void {
    if (this.head !== null && this.head.length > 0) this.push(this.head);
    const gunzip = this.gunzip;
    if (!gunzip || this.failure) return cb();
    // A truncated last member fails here, at the end: that is reported too.
    const done = (): void => {
      gunzip.off('end', done);
      gunzip.off('error', done);
      cb();
    };
    gunzip.on('end', done);
    gunzip.on('error', done);
    gunzip.end();
  }
}

/**
 * Splits compressed bytes before each gzip member header (1f 8b 08), so a member
 * ends at the end of a write. zlib drops all output of a write that fails, so
 * without this a corrupt member would take the last lines of the member before
 * it along. (The magic can also occur inside deflate data: an extra split is harmless.)
 */
function splitAtMembers(chunk: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (let i = chunk.indexOf(0x1f, 1); i !== -1 && i + 2 < chunk.length; i = chunk.indexOf(0x1f, i + 1)) {
    if (chunk[i + 1] === 0x8b && chunk[i + 2] === 0x08) {
      pieces.push(chunk.subarray(start, i));
      start = i;
    }
  }
  pieces.push(chunk.subarray(start));
  return pieces;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EMFILE: 'too many open files',
};

/** `cannot read 'x.log': no such file` from a Node error. */
export function readErrorMessage(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return `cannot read '${path}': corrupt gzip data`;
  const text = (code && ERRNO_TEXT[code]) ?? (err instanceof Error ? err.message : String(err));
  return `cannot read '${path}': ${text}`;
}

/** The display name of a source: its path, or `stdin` for `-`. */
export function sourceName(path: string): string {
  return path === '-' ? 'stdin' : path;
}

/**
 * Reads one source to its end. Throws TracelogError('tracelog.unreadableFile')
 * when it cannot be opened or read; lines handled before a read error stay handled.
 */
export async function readSource(path: string, handlers: LineHandlers, options: ReadOptions): Promise<void> {
  const source = sourceName(path);
  let input: Readable;
  let close = async (): Promise<void> => {};
  if (path === '-') input = options.stdin;
  else {
    try {
      const handle = await open(path, 'r');
      close = () => handle.close().catch(() => undefined);
      const stat = await handle.stat();
      if (stat.isDirectory()) {
        await close();
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      }
      input = handle.createReadStream({ autoClose: false, highWaterMark: 256 * 1024 });
    } catch (err) {
      throw new TracelogError('tracelog.unreadableFile', readErrorMessage(path, err));
    }
  }

  const max = options.maxLineBytes;
  let lineNo = 0;
  const gunzip = new MaybeGunzip();
  const splitter = split2(
    /\r?\n/,
    (text: string) => {
      // At the end of input split2 hands over what it kept of a line it was still
      // skipping (no final newline): that line was counted when it overflowed.
      if (splitState.overflow) return undefined;
      // After corrupt gzip data, what is left is the start of a line the damage cut off:
      // the file is reported as unreadable after the last whole line instead.
      if (splitState.damaged) return undefined;
      lineNo++;
      // split2 caps only the unfinished line, in characters; check whole lines in bytes.
      if (text.length > max || (text.length * 3 > max && Buffer.byteLength(text) > max)) handlers.tooLong(source, lineNo);
      // split2's lines are slices of a whole read chunk, and so are the ids JSON.parse takes
      // from them: one kept id would keep the chunk alive. A copy keeps only the line.
      else handlers.line((' ' + text).slice(1), source, lineNo);
      return undefined;
    },
    { maxLength: max, skipOverflow: true } as split2.Options,
  );
  // split2 drops an over-long line silently; notice when it starts dropping one.
  const splitState = splitter as unknown as { overflow: boolean; damaged?: boolean; _transform: Transform['_transform']; _flush: Transform['_flush'] };
  const transform = splitState._transform;
  const flush = splitState._flush;
  splitState._flush = function (this: typeof splitState, cb: TransformCallback) {
    if (gunzip.failure) this.damaged = true;
    flush.call(this, cb);
  };
  splitState._transform = function (this: typeof splitState, chunk: Buffer, enc: BufferEncoding, cb: TransformCallback) {
    const was = this.overflow;
    transform.call(this, chunk, enc, (err?: Error | null) => {
      if (!err && this.overflow && (!was || chunk.includes(0x0a))) {
        lineNo++;
        // A handler may throw to stop the run (--strict): hand that to the stream, not the event loop.
        try {
          handlers.tooLong(source, lineNo);
        } catch (stop) {
          return cb(stop as Error);
        }
      }
      cb(err);
    });
  };

  try {
    await pipeline(input, gunzip, splitter, options.signal ? { signal: options.signal } : {});
    // Lines decompressed before corrupt gzip data were handled; now the file is reported.
    if (gunzip.failure) throw gunzip.failure;
  } catch (err) {
    if (err instanceof TracelogError) throw err;
    if (options.signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(options.signal.reason) || 130);
    const where = lineNo > 0 ? ` after line ${lineNo}` : '';
    throw new TracelogError('tracelog.unreadableFile', `${readErrorMessage(source, err)}${where}`);
  } finally {
    await close();
  }
}
