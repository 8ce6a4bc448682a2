#!/usr/bin/env node
/**
 * Runs one command and measures its wall time and peak resident memory.
 * Peak RSS comes from GNU time (`/usr/bin/time -f %M`, the kernel's rusage of
 * the finished child) when it is installed, else from polling VmHWM in
 * /proc/<pid>/status every 20 ms (a process's high-water mark cannot be read
 * after it exits, so the last ≤20 ms are missed: fine for anything that runs
 * longer than a second, an underestimate for start-up).
 *
 *   node bench/measure.js [--proc] [--stdin FILE] [--stdout FILE] -- COMMAND [ARGS…]
 * prints {"wallMs":…,"maxRssKb":…,"exitCode":…,"rssMethod":"time"|"proc"}.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TIME_BINARY = '/usr/bin/time';
const POLL_MS = 20;
const STDERR_KEEP_BYTES = 4096;

let timeWorks = null;

/** Process groups started here and still running: ended if the harness is interrupted. */
const running = new Set();
let handlersInstalled = false;

function installSignalHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      for (const pid of running) killGroup(pid);
      process.exitCode = code;
      process.exit(code);
    });
  }
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** True when /usr/bin/time is GNU time and reports %M. */
export function hasGnuTime() {
  if (timeWorks === null) {
    timeWorks = false;
    if (existsSync(TIME_BINARY)) {
      const dir = mkdtempSync(join(tmpdir(), 'tracelog-bench-'));
      try {
        const out = join(dir, 'rss');
        const r = spawnSync(TIME_BINARY, ['-f', '%M', '-o', out, 'true'], { stdio: 'ignore' });
        timeWorks = r.status === 0 && /^\d+\s*$/m.test(readFileSync(out, 'utf8'));
      } catch {
        timeWorks = false;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return timeWorks;
}

/** VmRSS and VmHWM of a running process in KiB, or null once it is gone. */
export function readProcMemory(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const rss = /^VmRSS:\s+(\d+)/m.exec(text);
  const hwm = /^VmHWM:\s+(\d+)/m.exec(text);
  if (!rss || !hwm) return null; // a zombie has no memory lines
  return { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) };
}

/**
 * Runs `command args` with stdout (and stdin) redirected to files, `/dev/null`
 * by default, and resolves with {wallMs, maxRssKb, exitCode, signal, stderr, rssMethod}.
 * `rssMethod`: 'time' (GNU time), 'proc' (/proc polling) or 'auto' (time when present).
 */
export function measure(command, args, { stdin = '/dev/null', stdout = '/dev/null', env = process.env, rssMethod = 'auto', timeoutMs = 0 } = {}) {
  const method = rssMethod === 'auto' ? (hasGnuTime() ? 'time' : 'proc') : rssMethod;
  const dir = method === 'time' ? mkdtempSync(join(tmpdir(), 'tracelog-bench-')) : null;
  const rssFile = dir ? join(dir, 'rss') : null;
  const inFd = openSync(stdin, 'r');
  const outFd = openSync(stdout, 'w');
  const [file, argv] = method === 'time' ? [TIME_BINARY, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Its own process group, so that a timeout ends the command and not only GNU time.
    installSignalHandlers();
    const child = spawn(file, argv, { stdio: [inFd, outFd, 'pipe'], env, detached: true });
    if (child.pid) running.add(child.pid);
    closeSync(inFd);
    closeSync(outFd);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP_BYTES);
    });
    let hwmKb = 0;
    const poll = () => {
      const mem = readProcMemory(child.pid);
      if (mem && mem.hwmKb > hwmKb) hwmKb = mem.hwmKb;
    };
    const poller = method === 'proc' ? setInterval(poll, POLL_MS) : null;
    if (poller) poll();
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            killGroup(child.pid);
          }, timeoutMs)
        : null;
    let wallMs = 0;
    let exit = { code: null, signal: null };
    child.on('exit', (code, signal) => {
      wallMs = performance.now() - started;
      exit = { code, signal };
      running.delete(child.pid);
      if (poller) clearInterval(poller);
      if (timer) clearTimeout(timer);
    });
    child.on('error', (err) => {
      running.delete(child.pid);
      if (poller) clearInterval(poller);
      if (timer) clearTimeout(timer);
      if (dir) rmSync(dir, { recursive: true, force: true });
      reject(err);
    });
    child.on('close', () => {
      let maxRssKb = hwmKb || null;
      let exitCode = exit.code;
      if (rssFile) {
        // GNU time writes "Command exited with non-zero status N" before the format line.
        const report = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : '';
        const m = /(\d+)\s*$/.exec(report);
        maxRssKb = m ? Number(m[1]) : null;
        const signalled = /Command terminated by signal (\d+)/.exec(report);
        if (signalled) exitCode = 128 + Number(signalled[1]);
        rmSync(dir, { recursive: true, force: true });
      }
      resolve({
        wallMs,
        maxRssKb,
        exitCode: timedOut ? null : (exitCode ?? (exit.signal ? 128 : null)),
        signal: timedOut ? 'timeout' : exit.signal,
        stderr,
        rssMethod: method,
      });
    });
  });
}

async function main(argv) {
  const options = { rssMethod: 'auto' };
  let i = 0;
  for (; i < argv.length && argv[i] !== '--'; i++) {
    if (argv[i] === '--proc') options.rssMethod = 'proc';
    else if (argv[i] === '--stdin') options.stdin = argv[++i];
    else if (argv[i] === '--stdout') options.stdout = argv[++i];
    else throw new Error(`unknown option ${argv[i]}`);
  }
  const [command, ...args] = argv.slice(i + 1);
  if (!command) throw new Error('usage: node bench/measure.js [--proc] [--stdin FILE] [--stdout FILE] -- COMMAND [ARGS…]');
  const result = await measure(command, args, options);
  process.stdout.write(`${JSON.stringify({ ...result, wallMs: Math.round(result.wallMs * 10) / 10 })}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`measure: ${err.message}\n`);
    process.exitCode = 2;
  });
}
