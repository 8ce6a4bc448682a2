/**
 * Where command output goes: stdout, or a file written atomically (a temporary
 * file beside it, renamed into place only when the run succeeds). Writes in
 * large chunks, waits for drain, and treats a closed pipe (EPIPE) as the reader
 * having seen enough: later writes are dropped and the run ends quietly.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { TracelogError } from '../errors.js';

/** Queued text is written once it holds this many characters (or bytes). */
const CHUNK_CHARS = 64 * 1024;

export class OutputWriter {
  private buffer: Array<string | Uint8Array> = [];
  private size = 0;
  private failure: Error | null = null;
  /** The reader went away (EPIPE): stop producing. */
  closed = false;

  constructor(
    private readonly stream: Writable,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') this.closed = true;
      else {
        this.failure = err;
        this.closed = true;
        this.onError(err);
      }
    });
  }

  /** Queues text (or its UTF-8 bytes); flushes when the queue is large. */
  async write(text: string | Uint8Array): Promise<void> {
    if (this.closed) return;
    const last = this.buffer[this.buffer.length - 1];
    // Bytes right after the last queued bytes in memory (texts read back in one piece) join them, uncopied.
    if (typeof text !== 'string' && last !== undefined && typeof last !== 'string' && last.buffer === text.buffer && last.byteOffset + last.length === text.byteOffset) {
      this.buffer[this.buffer.length - 1] = new Uint8Array(last.buffer, last.byteOffset, last.length + text.length);
    } else this.buffer.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARS) await this.flush();
  }

  /** Queues one line (adds the newline). */
  line(text: string): Promise<void> {
    return this.write(`${text}\n`);
  }

  async flush(): Promise<void> {
    if (this.closed || this.buffer.length === 0) return;
    const parts = this.buffer;
    this.buffer = [];
    this.size = 0;
    const data =
      parts.length === 1 ? parts[0]! :
      parts.every((p) => typeof p === 'string') ? parts.join('') :
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    if (!this.stream.write(data)) await this.waitDrain();
  }

  private waitDrain(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  get error(): Error | null {
    return this.failure;
  }
}

/** An output file that appears only whole: temporary file, then rename. */
export class AtomicFile {
  readonly tempPath: string;
  readonly stream: Writable;
  private finished = false;

  constructor(readonly path: string) {
    this.tempPath = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}`);
    this.stream = createWriteStream(this.tempPath, { flags: 'wx' });
  }

  /** Closes and renames into place; throws a one-line error on failure (and removes the temp file). */
  async commit(): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.stream.once('error', reject);
        this.stream.end(() => resolve());
      });
      await rename(this.tempPath, this.path);
      this.finished = true;
    } catch (err) {
      await this.abort();
      throw outputError(this.path, err);
    }
  }

  /** Removes the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.stream.destroy();
    await unlink(this.tempPath).catch(() => undefined);
  }
}

export function outputError(path: string, err: unknown): TracelogError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOSPC' ? 'no space left on device' :
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' :
    code === 'ENOENT' ? (existsSync(dirname(resolve(path))) ? 'cannot create a file in its directory' : 'no such directory') :
    code === 'EISDIR' ? 'is a directory' :
    code === 'EROFS' ? 'read-only file system' :
    err instanceof Error ? err.message : String(err);
  return new TracelogError('tracelog.output', `cannot write '${path}': ${reason}`);
}
