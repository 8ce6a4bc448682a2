// Spawns the built CLI (bin/tracelog.cjs) the way a user's shell would, with a
// fixed environment, and collects exit code, stdout and stderr. Used by the
// end-to-end tests that feed it real producers' output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.js';

export { BIN, FIXTURES, ROOT } from './cli.js';

/**
 * Runs `node bin/tracelog.cjs ...args` in the repository root with the tests' fixed
 * environment (see cli.js). Resolves to { code, signal, stdout, stderr } (text).
 */
export function tracelog(args, options = {}) {
  return runCli(args, options);
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
