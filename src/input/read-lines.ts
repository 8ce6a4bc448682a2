/**
 * With stage.ts (copies of stdin and gzip files), the only code that touches files,
 * stdin and zlib: opens each source, reads a
 * regular uncompressed file straight from its bytes (plain-file.ts), decompresses
 * gzip (told by its magic bytes) and splits stdin and gzip with split2 under
 * backpressure, and hands each line, numbered, to a synchronous callback. Lines
 * over the byte cap are skipped and reported, never buffered whole.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import split2 from 'split2';
import { TracelogError } from '../errors.js';
import { ownCopy } from '../strings.js';
import { eachLine, hasGzipMagic, isGzip, readPlainChunks } from './plain-file.js';

export interface LineHandlers {
  /** Called for each line in order; must not throw except to stop the run. */
  line(text: string, source: string, line: number): void;
  /** A line longer than the cap, skipped. */
  tooLong(source: string, line: number): void;
  /**
   * Asked before a line (not too long) is decoded: false leaves it unread, and `unread`
   * is called instead of `line`. A worker thread reads only the lines of its share.
   */
  wanted?(line: number): boolean;
  unread?(source: string, line: number): void;
}

export interface ReadOptions {
  maxLineBytes: number;
  stdin: Readable;
  signal?: AbortSignal;
  /** Read a file only up to this many bytes (what it held when a run began, so worker threads see the same lines). */
  bytes?: number;
  /** Bytes read at a time from a regular, uncompressed file (plain-file.ts). */
  chunkBytes?: number;
  /** The name the source is reported by, when not its path (a staged copy: stage.ts). */
  name?: string;
}

/**
 * Passes bytes through, or decompresses them when the first two bytes are gzip's
 * magic. Members are read one by one (header, raw deflate body, CRC and size
 * trailer), so the end of each member is known exactly: corrupt data, a truncated
 * member or bytes that are not gzip after a member stop decompression without
 * losing what came before. `failure` then tells the reader to report the file.
 */
export class MaybeGunzip extends Transform {
  private head: Buffer | null = Buffer.alloc(0);
  private gzip = false;
  /** Compressed bytes not yet given to an inflater (headers, trailers, what follows a member). */
  private pending: Buffer = Buffer.alloc(0);
  private inflate: InflateRaw | null = null;
  private memberEnded = false;
  private trailerDue = false;
  private crc = 0;
  private size = 0;
  failure: Error | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.failure) return cb();
    if (this.head !== null) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 2) return cb();
      chunk = this.head;
      this.head = null;
      this.gzip = hasGzipMagic(chunk);
    }
    if (!this.gzip) return cb(null, chunk);
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.drain(cb);
  }

  /** Feeds pending bytes to the current member, or reads the next header or trailer. */
  private drain(cb: TransformCallback): void {
    for (;;) {
      if (this.failure) return cb();
      if (this.trailerDue) {
        if (this.pending.length < 8) return cb();
        const crc = this.pending.readUInt32LE(0);
        const size = this.pending.readUInt32LE(4);
        if (crc !== this.crc >>> 0 || size !== this.size % 2 ** 32) return this.fail('Z_DATA_ERROR', cb);
        this.pending = this.pending.subarray(8);
        this.trailerDue = false;
        continue;
      }
      if (this.inflate === null) {
        if (this.pending.length === 0) return cb();
        const length = gzipHeaderLength(this.pending);
        if (length === NEED_MORE) return cb();
        if (length === NOT_GZIP) {
          // Zero padding after the last member (tape blocks) is harmless; anything else is not gzip.
          if (this.pending.every((byte) => byte === 0)) {
            this.pending = Buffer.alloc(0);
            return cb();
          }
          return this.fail('Z_DATA_ERROR', cb);
        }
        this.pending = this.pending.subarray(length);
        this.startMember();
        continue;
      }
      if (this.pending.length === 0) return cb();
      const inflate = this.inflate;
      const piece = this.pending;
      const before = inflate.bytesWritten;
      this.pending = Buffer.alloc(0);
      // Continue when zlib took the piece, or failed on it (then the write never completes).
      let settled = false;
      const next = (): void => {
        if (settled) return;
        settled = true;
        inflate.off('error', next);
        if (this.failure) return cb();
        if (this.memberEnded) {
          // The deflate stream ended inside this piece: the rest is the trailer and what follows.
          this.pending = piece.subarray(inflate.bytesWritten - before);
          this.inflate = null;
          this.trailerDue = true;
        }
        this.drain(cb);
      };
      inflate.once('error', next);
      inflate.write(piece, () => next());
      return;
    }
  }

  private startMember(): void {
    const inflate = createInflateRaw();
    this.inflate = inflate;
    this.memberEnded = false;
    this.crc = 0;
    this.size = 0;
    inflate.on('data', (data: Buffer) => {
      this.crc = crc32(data, this.crc);
      this.size += data.length;
      this.push(data);
    });
    inflate.on('end', () => (this.memberEnded = true));
    inflate.on('error', (err) => (this.failure ??= err));
  }

  private fail(code: string, cb: TransformCallback): void {
    this.failure ??= Object.assign(new Error('corrupt gzip data'), { code });
    this.pending = Buffer.alloc(0);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.head !== null && this.head.length > 0) this.push(this.head);
    if (this.failure || !this.gzip) return cb();
    // Input ended: a member still open, a trailer or a header cut short, means a truncated file.
    const inflate = this.inflate;
    if (this.trailerDue) return this.fail('Z_BUF_ERROR', cb);
    if (inflate === null) return this.pending.length > 0 ? this.fail('Z_BUF_ERROR', cb) : cb();
    const done = (): void => {
      inflate.off('end', done);
      inflate.off('error', done);
      if (!this.failure) this.fail('Z_BUF_ERROR', cb);
      else cb();
    };
    if (this.memberEnded) return done();
    inflate.on('end', done);
    inflate.on('error', done);
    inflate.end();
  }
}

const NEED_MORE = -1;
const NOT_GZIP = -2;

/** Length of the gzip member header at the start of `buf` (RFC 1952 §2.3), NEED_MORE or NOT_GZIP. */
function gzipHeaderLength(buf: Buffer): number {
  if (buf.length < 10) return buf[0] !== 0x1f || (buf.length > 1 && buf[1] !== 0x8b) || (buf.length > 2 && buf[2] !== 8) ? NOT_GZIP : NEED_MORE;
  if (buf[0] !== 0x1f || buf[1] !== 0x8b || buf[2] !== 8) return NOT_GZIP;
  const flags = buf[3]!;
  let at = 10;
  if (flags & 0x04) {
    if (buf.length < at + 2) return NEED_MORE;
    at += 2 + buf.readUInt16LE(at);
  }
  for (const bit of [0x08, 0x10]) {
    if (flags & bit) {
      const end = buf.indexOf(0, at);
      if (end < 0) return NEED_MORE;
      at = end + 1;
    }
  }
  if (flags & 0x02) at += 2;
  return buf.length < at ? NEED_MORE : at;
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

/** The most bytes given to split2 at a time, where lines allow (see readSource). */
const PIECE_BYTES = 2 ** 16;

/**
 * Reads one source to its end. Throws TracelogError('tracelog.unreadableFile')
 * when it cannot be opened or read; lines handled before a read error stay handled.
 */
export async function readSource(path: string, handlers: LineHandlers, options: ReadOptions): Promise<void> {
  const source = options.name ?? sourceName(path);
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
      const bytes = options.bytes;
      if (stat.isFile() && !(await isGzip(handle))) {
        try {
          await readPlainFile(handle, source, bytes ?? Number.POSITIVE_INFINITY, handlers, options);
        } finally {
          await close();
        }
        return;
      }
      input =
        bytes === 0 ? Readable.from([]) : handle.createReadStream({ autoClose: false, highWaterMark: 256 * 1024, ...(bytes === undefined ? {} : { end: bytes - 1 }) });
    } catch (err) {
      if (err instanceof TracelogError) throw err;
      throw new TracelogError('tracelog.unreadableFile', readErrorMessage(source, err));
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
      else if (handlers.wanted?.(lineNo) === false) handlers.unread!(source, lineNo);
      // split2's lines are slices of a whole read chunk, and so are the ids JSON.parse takes
      // from them: one kept id would keep the chunk alive. A copy keeps only the line.
      else handlers.line(ownCopy(text), source, lineNo);
      return undefined;
    },
    { maxLength: max, skipOverflow: true } as split2.Options,
  );
  // split2 drops an over-long line silently; notice when it starts dropping one.
  const splitState = splitter as unknown as { overflow: boolean; damaged?: boolean; _transform: Transform['_transform']; _flush: Transform['_flush'] };
  const transform = splitState._transform;
  const flush = splitState._flush;
  // split2 decodes each chunk, adds the text to what it kept of an unfinished line and
  // splits the sum. When a chunk holds non-ASCII text, V8 adds and splits ~40× slower, and
  // decodes more than 64 KiB at once ~8× slower (1 s against 0.1 s for 100 MB): so split2
  // is given whole lines, in pieces of at most 64 KiB where lines allow, and keeps nothing.
  // Only a chunk without a newline (a long line) goes as it is, after the bytes held back:
  // at most one chunk is held back.
  let tail: Buffer | null = null;
  splitState._flush = function (this: typeof splitState, cb: TransformCallback) {
    if (gunzip.failure) this.damaged = true;
    const rest = tail;
    tail = null;
    if (rest === null) return flush.call(this, cb);
    split.call(this, rest, 'buffer' as BufferEncoding, (err?: Error | null) => (err ? cb(err) : flush.call(this, cb)));
  };
  splitState._transform = function (this: typeof splitState, chunk: Buffer, enc: BufferEncoding, cb: TransformCallback) {
    const end = chunk.lastIndexOf(0x0a) + 1;
    if (end === 0) {
      const lines = tail === null ? chunk : Buffer.concat([tail, chunk]);
      tail = null;
      return split.call(this, lines, enc, cb);
    }
    const pieces: Buffer[] = [];
    let from = 0;
    if (tail !== null) {
      from = chunk.indexOf(0x0a) + 1;
      pieces.push(Buffer.concat([tail, chunk.subarray(0, from)]));
    }
    while (from < end) {
      let to = end;
      if (to - from > PIECE_BYTES) {
        to = chunk.lastIndexOf(0x0a, from + PIECE_BYTES - 1) + 1;
        if (to <= from) to = chunk.indexOf(0x0a, from + PIECE_BYTES) + 1;
      }
      pieces.push(chunk.subarray(from, to));
      from = to;
    }
    tail = end === chunk.length ? null : chunk.subarray(end);
    const next = (at: number): void => {
      if (at === pieces.length) return cb();
      split.call(this, pieces[at]!, enc, (err?: Error | null) => (err ? cb(err) : next(at + 1)));
    };
    next(0);
  };
  const split = function (this: typeof splitState, chunk: Buffer, enc: BufferEncoding, cb: TransformCallback) {
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

/**
 * readSource for a regular, uncompressed file: up to `end` bytes, each line decoded
 * from its own bytes (a fresh string that holds nothing else alive), lines over the
 * cap measured in bytes and never decoded, unwanted lines never decoded either.
 */
async function readPlainFile(handle: FileHandle, source: string, end: number, handlers: LineHandlers, options: ReadOptions): Promise<void> {
  const max = options.maxLineBytes;
  let lineNo = 0;
  try {
    await readPlainChunks(handle, end, max, options.signal, (data, to, longFirst, eof) => {
      eachLine(data, to, longFirst, eof, max, (start, _nl, stop, tooLong) => {
        lineNo++;
        if (tooLong) handlers.tooLong(source, lineNo);
        else if (handlers.wanted?.(lineNo) === false) handlers.unread!(source, lineNo);
        else handlers.line(data.toString('utf8', start, stop), source, lineNo);
      });
    }, options.chunkBytes);
  } catch (err) {
    if (err instanceof TracelogError) throw err;
    if (options.signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(options.signal.reason) || 130);
    const where = lineNo > 0 ? ` after line ${lineNo}` : '';
    throw new TracelogError('tracelog.unreadableFile', `${readErrorMessage(source, err)}${where}`);
  }
}
