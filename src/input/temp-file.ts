/**
 * A new file of this process in a temporary directory, readable only by its owner: for
 * written traces that wait their turn (parallel/spill.ts) and for copies of stdin and
 * gzip files (stage.ts).
 */
import { randomBytes } from 'node:crypto';
import { openSync } from 'node:fs';
import { join } from 'node:path';

/** The new file, open for reading and writing, and its path; null when none can be made in `dir`. */
export function createTemporaryFile(dir: string, extension: string): { fd: number; path: string } | null {
  const path = join(dir, `tracelog-${process.pid}-${randomBytes(6).toString('hex')}.${extension}`);
  try {
    return { fd: openSync(path, 'wx+', 0o600), path };
  } catch {
    return null;
  }
}
