// Spawns the real CLI with a fixed environment and collects stdout, stderr and
// the exit status; parses span JSON output and checks it against
// schema/span.schema.json. Shared by every end-to-end test.
import { spawn } from 'node:child_process';
import { openSync, closeSync, createWriteStream, readFileSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'tracelog.cjs');
export const FIXTURES = join(ROOT, 'fixtures');

/** Variables that CI systems set and that could change how a CLI behaves. */
const CI_VARIABLE = /^(CI|CI_.*|CONTINUOUS_INTEGRATION|BUILD_NUMBER|BUILD_ID|RUN_ID|GITHUB_.*|GITLAB_.*|TRAVIS.*|CIRCLECI|CIRCLE_.*|BUILDKITE.*|JENKINS_.*|TEAMCITY_.*|TF_BUILD|APPVEYOR.*|DRONE.*|CODEBUILD_.*|BITBUCKET_.*|NETLIFY|VERCEL.*|FORCE_COLOR|NODE_OPTIONS)$/;

/** The environment every test run of the CLI gets. */
export function cliEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!CI_VARIABLE.test(key)) env[key] = value;
  return { ...env, NO_COLOR: '1', TZ: 'UTC', COLUMNS: '100', LANG: 'C.UTF-8', ...extra };
}

/**
 * An environment with no temporary directory to write in: stdin and gzip files are then
 * read in one pass as streams (holding every trace), not from a plain copy — the reference
 * the copied reading is compared with.
 */
export function streamEnv(extra = {}) {
  return cliEnv({ TMPDIR: join(tmpdir(), 'tracelog-no-such-directory'), ...extra });
}

/** A fixture's path relative to the repository root (how the CLI names it in messages). */
export const fixture = (name) => `fixtures/${name}`;

/**
 * Runs `node bin/tracelog.cjs ...args` in the repository root.
 * `input`: text or bytes for stdin; `stdinFile`: a file to connect to stdin
 * directly (for big inputs). Resolves to { code, signal, stdout, stderr }.
 */
export function runCli(args, options = {}) {
  return runScript(BIN, args, options);
}

/** As runCli, for another script run by Node (such as the bundled CLI's entry). */
export function runScript(script, args, { input, stdinFile, cwd = ROOT, env } = {}) {
  return new Promise((resolve, reject) => {
    let stdinFd;
    let stdin = 'pipe';
    if (stdinFile !== undefined) {
      stdinFd = openSync(stdinFile, 'r');
      stdin = stdinFd;
    }
    const child = spawn(process.execPath, [script, ...args], { cwd, env: env ?? cliEnv(), stdio: [stdin, 'pipe', 'pipe'] });
    if (stdinFd !== undefined) closeSync(stdinFd);
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
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

/**
 * Runs the CLI and closes its stdout after the first full line, as `| head -1`
 * does. Resolves to { code, signal, firstLine, stderr }.
 */
export function runCliFirstLine(args, { stdinFile, cwd = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const stdin = stdinFile === undefined ? 'ignore' : openSync(stdinFile, 'r');
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(), stdio: [stdin, 'pipe', 'pipe'] });
    if (typeof stdin === 'number') closeSync(stdin);
    let text = '';
    let firstLine = null;
    const err = [];
    child.stdout.on('data', (c) => {
      if (firstLine !== null) return;
      text += c.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0) {
        firstLine = text.slice(0, nl);
        child.stdout.destroy();
      }
    });
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, firstLine, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Non-empty lines of a text. */
export function lines(text) {
  return text.split('\n').filter((l) => l.length > 0);
}

/** Parses NDJSON output (every line must be JSON). */
export function parseLines(text) {
  return lines(text).map((l, i) => {
    try {
      return JSON.parse(l);
    } catch (e) {
      throw new Error(`output line ${i + 1} is not JSON: ${l.slice(0, 200)}`, { cause: e });
    }
  });
}

/** A stack trace in CLI output: never acceptable. */
export const STACK_TRACE = /^\s+at .+[(:]\d+|node:internal|Error: .*\n\s+at /m;

let validateSpanFn;
/** The ajv validator for schema/span.schema.json, compiled once. */
export function spanValidator() {
  if (!validateSpanFn) {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'span.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    validateSpanFn = ajv.compile(schema);
  }
  return validateSpanFn;
}

/** Throws with ajv's messages when a span object does not match the schema. */
export function assertValidSpan(span, where = '') {
  const validate = spanValidator();
  if (!validate(span)) {
    const detail = validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`span ${span?.spanId ?? '?'}${where} does not match span.schema.json: ${detail}`);
  }
}

/** Parses `--format spans` output and validates every line against the schema. */
export function parseSpans(text) {
  const spans = parseLines(text);
  spans.forEach((s, i) => assertValidSpan(s, ` (line ${i + 1})`));
  return spans;
}

/** Parses `--format traces` output; each nested span (children removed) is validated. */
export function parseTraces(text) {
  const traces = parseLines(text);
  for (const trace of traces) {
    const stack = [...trace.roots];
    while (stack.length > 0) {
      const span = stack.pop();
      if (!Array.isArray(span.children)) throw new Error(`span ${span.spanId} has no children array`);
      const { children, ...own } = span;
      assertValidSpan(own, ` in trace ${trace.traceId}`);
      stack.push(...children);
    }
  }
  return traces;
}

/** A fresh temporary directory; removed by the returned cleanup function. */
export function makeTempDir(prefix = 'tracelog-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }), list: () => readdirSync(dir).sort() };
}

/** Writes `count` lines made by `lineAt(i)` to `path` in batches, with backpressure. */
export async function writeLines(path, count, lineAt) {
  const out = createWriteStream(path);
  let batch = [];
  for (let i = 0; i < count; i++) {
    batch.push(lineAt(i));
    if (batch.length === 10_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  out.end(batch.length > 0 ? `${batch.join('\n')}\n` : '');
  await once(out, 'finish');
}
