// Spawns the built CLI (bin/tracelog.js) the way a user's shell would, with a
// fixed environment, and collects exit code, stdout and stderr. Used by the
// end-to-end tests that feed it real producers' output.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'tracelog.js');
export const FIXTURES = join(ROOT, 'fixtures');

/** No colour, UTC, a fixed width and locale, whatever the machine running the tests has. */
export const E2E_ENV = { ...process.env, NO_COLOR: '1', TZ: 'UTC', COLUMNS: '100', LANG: 'C.UTF-8' };
delete E2E_ENV.FORCE_COLOR;
delete E2E_ENV.NODE_OPTIONS;

/**
 * Runs `node bin/tracelog.js ...args` in the repository root. `input` is
 * written to stdin (text or bytes); `stdinFile` connects a file to stdin
 * instead. Resolves to { code, signal, stdout, stderr } (text).
 */
export function tracelog(args, { input, stdinFile, cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const stdinFd = stdinFile === undefined ? undefined : openSync(stdinFile, 'r');
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: E2E_ENV,
      stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'],
    });
    if (stdinFd !== undefined) closeSync(stdinFd);
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    if (stdinFd === undefined) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    }
  });
}

/** Non-empty lines of a text. */
export function nonEmptyLines(text) {
  return text.split('\n').filter((line) => line.length > 0);
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = 'tracelog-e2e-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
