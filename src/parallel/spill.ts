/**
 * A temporary file for written traces that wait for their turn (see held.ts), as
 * `sort` spills to disk: appended to through a 1 MiB buffer, read back at offsets.
 * It lives in the temporary directory (TMPDIR) and is unlinked as soon as it is
 * open, so nothing is left behind when the process ends, however it ends.
 */
import { closeSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { TracelogError } from '../errors.js';
import { createTemporaryFile } from '../input/temp-file.js';
import { outputError } from '../output/writer.js';

const BUFFER_BYTES = 2 ** 20;

export interface Spill {
  /** Appends the bytes; their offset in the file. */
  append(bytes: Uint8Array): number;
  /** Appends the text's UTF-8 bytes; [offset, length]. */
  appendText(text: string): [number, number];
  /** Copies `length` bytes from `offset` into `target` at `at`. */
  read(target: Uint8Array, at: number, length: number, offset: number): void;
  close(): void;
}

/** How many bytes wait in memory before a spill file is used: TRACELOG_MEMORY_BYTES when set, else `fallback`. */
export function memoryBytesSetting(env: NodeJS.ProcessEnv | undefined, fallback: number): number {
  const setting = env?.TRACELOG_MEMORY_BYTES;
  return setting !== undefined && /^\d+$/.test(setting) ? Number(setting) : fallback;
}

/** A spill file in `dir`, or null when none can be made there (then the caller keeps everything in memory). */
export function openSpill(dir: string = tmpdir()): Spill | null {
  const file = createTemporaryFile(dir, 'tmp');
  if (file === null) return null;
  const { fd, path } = file;
  let linked = true;
  try {
    unlinkSync(path);
    linked = false;
  } catch {
    // Some systems cannot unlink an open file: it goes at close.
  }
  return new FileSpill(fd, path, linked);
}

class FileSpill implements Spill {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  /** Bytes in the file; the buffer's `used` bytes come after them. */
  private written = 0;

  constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly linked: boolean,
  ) {}

  append(bytes: Uint8Array): number {
    const offset = this.written + this.used;
    if (this.used + bytes.length > BUFFER_BYTES) this.flush();
    if (bytes.length > BUFFER_BYTES) this.writeAll(bytes);
    else {
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
    return offset;
  }

  appendText(text: string): [number, number] {
    // Three bytes per UTF-16 unit at most: a text that surely fits is encoded straight into the buffer.
    if (text.length * 3 > BUFFER_BYTES - this.used) {
      if (text.length * 3 > BUFFER_BYTES) {
        const bytes = Buffer.from(text);
        return [this.append(bytes), bytes.length];
      }
      this.flush();
    }
    const offset = this.written + this.used;
    const length = this.buffer.write(text, this.used);
    this.used += length;
    return [offset, length];
  }

  read(target: Uint8Array, at: number, length: number, offset: number): void {
    if (this.used > 0) this.flush();
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, target, at + done, length - done, offset + done);
      if (n === 0) throw new TracelogError('tracelog.output', `temporary file '${this.path}' ended early`);
      done += n;
    }
  }

  close(): void {
    try {
      closeSync(this.fd);
      if (this.linked) unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }

  private flush(): void {
    this.writeAll(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(bytes: Uint8Array): void {
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, this.written + done);
    } catch (err) {
      throw new TracelogError('tracelog.output', `${outputError(this.path, err).message} (a temporary file: TMPDIR says where)`);
    }
    this.written += bytes.length;
  }
}
