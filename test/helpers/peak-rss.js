// Runs the CLI and measures the child's peak resident memory: with
// `/usr/bin/time -f %M` when it exists (the kernel's own maxrss of the child),
// else by polling VmHWM in /proc/<pid>/status. Resolves to
// { code, signal, stdout, stderr, peakRssKiB, method }.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { BIN, ROOT, cliEnv } from './cli.js';

const TIME = '/usr/bin/time';
const MARK = 'tracelog-test-maxrss-kib=';

function vmHwmKiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function runCliMeasured(args, { stdinFile, cwd = ROOT } = {}) {
  const useTime = existsSync(TIME);
  const command = useTime ? TIME : process.execPath;
  const argv = useTime ? ['-f', `${MARK}%M`, process.execPath, BIN, ...args] : [BIN, ...args];
  return new Promise((resolve, reject) => {
    const stdin = stdinFile === undefined ? 'ignore' : openSync(stdinFile, 'r');
    const child = spawn(command, argv, { cwd, env: cliEnv(), stdio: [stdin, 'pipe', 'pipe'] });
    if (typeof stdin === 'number') closeSync(stdin);
    let polled = 0;
    const timer = useTime ? null : setInterval(() => (polled = Math.max(polled, vmHwmKiB(child.pid))), 10);
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      let stderr = Buffer.concat(err).toString('utf8');
      let peakRssKiB = polled;
      if (useTime) {
        const m = new RegExp(`(?:^|\\n)${MARK}(\\d+)\\n?$`).exec(stderr);
        peakRssKiB = m ? Number(m[1]) : NaN;
        if (m) stderr = stderr.slice(0, m.index + (m[0].startsWith('\n') ? 1 : 0));
        // time(1) reports a child killed by a signal, or exiting non-zero, on a line of its own.
        stderr = stderr.replace(/^Command (exited with non-zero status \d+|terminated by signal \d+)\n/m, '');
      }
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr, peakRssKiB, method: useTime ? 'time' : 'VmHWM' });
    });
  });
}
