#!/usr/bin/env node
/**
 * Follow-mode memory check: pipes an endless-style log (generated on the fly,
 * never stored) into `tracelog convert --follow --window 20000 > /dev/null` and
 * samples the child's VmRSS from /proc while it runs. Memory must stay flat:
 * the report gives the peak RSS within each block of lines (1M, 2M, …).
 *
 *   node bench/follow-stream.js [--lines N] [--every N] [--window N]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogGenerator } from './generate.js';
import { readProcMemory } from './measure.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'tracelog.cjs');
const SAMPLE_MS = 50;
const BATCH_LINES = 1000;

export const DEFAULT_STREAM_LINES = 10_000_000;

/** 1M-line blocks, or five blocks for a short run. */
export function defaultBlock(lines) {
  return lines >= 3_000_000 ? 1_000_000 : Math.max(BATCH_LINES, Math.floor(lines / 5));
}

/**
 * Runs the check. Resolves with {checkpoints: [{lines, maxRssKb, hwmKb, linesPerSec}],
 * wallMs, exitCode, stderr, verdict}.
 */
export async function runFollowStream({ lines = DEFAULT_STREAM_LINES, every = defaultBlock(lines), window = 20_000, log = () => {} } = {}) {
  every = Math.max(BATCH_LINES, Math.round(every / BATCH_LINES) * BATCH_LINES);
  const args = [CLI, 'convert', '--follow', '--window', String(window)];
  const outFd = openSync('/dev/null', 'w');
  const child = spawn(process.execPath, args, { stdio: ['pipe', outFd, 'pipe'] });
  closeSync(outFd);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  // The child may stop reading (a crash): writing then fails with EPIPE, reported below.
  let inputError = null;
  child.stdin.on('error', (err) => {
    inputError ??= err;
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  exited.then(() => (gone = true));

  let blockMaxRssKb = 0;
  let hwmKb = 0;
  const sample = () => {
    const mem = readProcMemory(child.pid);
    if (!mem) return;
    if (mem.rssKb > blockMaxRssKb) blockMaxRssKb = mem.rssKb;
    hwmKb = mem.hwmKb;
  };
  const sampler = setInterval(sample, SAMPLE_MS);

  const started = performance.now();
  let blockStarted = started;
  const checkpoints = [];
  const generator = createLogGenerator();
  let written = 0;
  try {
    while (written < lines && !gone && !inputError) {
      const n = Math.min(BATCH_LINES, lines - written);
      const ok = child.stdin.write(generator.take(n));
      written += n;
      if (!ok) await Promise.race([once(child.stdin, 'drain'), exited]);
      if (written % every === 0 || written === lines) {
        sample();
        const now = performance.now();
        const blockLines = written - (checkpoints.at(-1)?.lines ?? 0);
        checkpoints.push({ lines: written, maxRssKb: blockMaxRssKb, hwmKb, linesPerSec: blockLines / ((now - blockStarted) / 1000) });
        log(`  ${written.toLocaleString('en-US')} lines: peak RSS ${(blockMaxRssKb / 1024).toFixed(0)} MB in this block`);
        blockMaxRssKb = 0;
        blockStarted = now;
      }
    }
  } finally {
    child.stdin.end();
  }
  const exit = await exited;
  clearInterval(sampler);
  const wallMs = performance.now() - started;
  return { lines: written, window, checkpoints, wallMs, exitCode: exit.code, signal: exit.signal, stderr, inputError: inputError?.message ?? null, verdict: judgeFlat(checkpoints) };
}

/** Lines after which follow mode should have reached its steady state (window, traces in flight). */
const WARM_UP_LINES = 200_000;
/** Lines after the reference block needed for a verdict: short runs hide slow growth. */
const JUDGED_LINES = 1_000_000;

/**
 * Flat when no later block peaks more than 25% (and 32 MB) above the reference
 * block, the first block that ends after WARM_UP_LINES, over at least
 * JUDGED_LINES more lines.
 */
export function judgeFlat(checkpoints) {
  const refIndex = checkpoints.findIndex((c) => c.lines >= WARM_UP_LINES);
  if (refIndex < 0 || refIndex === checkpoints.length - 1) {
    return { flat: null, text: `too few blocks to judge (need one ending after ${WARM_UP_LINES.toLocaleString('en-US')} lines, and one more)` };
  }
  const reference = checkpoints[refIndex];
  const worst = Math.max(...checkpoints.slice(refIndex + 1).map((c) => c.maxRssKb));
  const growthKb = worst - reference.maxRssKb;
  const pct = ((100 * growthKb) / reference.maxRssKb).toFixed(0);
  const mb = (kb) => (kb / 1024).toFixed(0);
  const measured = `peak ${mb(worst)} MB after ${reference.lines.toLocaleString('en-US')} lines, against ${mb(reference.maxRssKb)} MB in the block up to there (${growthKb >= 0 ? '+' : ''}${pct}%)`;
  const linesAfter = checkpoints.at(-1).lines - reference.lines;
  if (linesAfter < JUDGED_LINES) {
    return { flat: null, text: `too short to judge (${JUDGED_LINES.toLocaleString('en-US')} lines after the first ${WARM_UP_LINES.toLocaleString('en-US')} needed): ${measured}` };
  }
  const flat = growthKb <= Math.max(reference.maxRssKb * 0.25, 32 * 1024);
  return { flat, text: `${flat ? 'flat' : 'GROWING'}: ${measured}` };
}

/** The check's result as Markdown. */
export function followStreamMarkdown(result) {
  const rows = result.checkpoints.map(
    (c) => `| ${c.lines.toLocaleString('en-US')} | ${(c.maxRssKb / 1024).toFixed(0)} | ${(c.hwmKb / 1024).toFixed(0)} | ${Math.round(c.linesPerSec).toLocaleString('en-US')} |`,
  );
  const status = result.exitCode === 0 ? '' : `\n\nThe command exited with ${result.exitCode ?? result.signal}: ${result.stderr.trim().split('\n').at(-1) ?? ''}`;
  return [
    `Follow mode, \`tracelog convert --follow --window ${result.window} > /dev/null\`, ${result.lines.toLocaleString('en-US')} lines piped in (${(result.wallMs / 1000).toFixed(0)} s):`,
    '',
    '| lines so far | peak RSS in block (MB) | VmHWM so far (MB) | lines/s in block |',
    '|---:|---:|---:|---:|',
    ...rows,
    '',
    `Verdict: ${result.verdict.text}.${status}`,
  ].join('\n');
}

function parsePositive(name, text) {
  const n = Number(String(text).replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} takes a positive integer`);
  return n;
}

async function main(argv) {
  const options = { log: (m) => process.stderr.write(`${m}\n`) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--lines') options.lines = parsePositive(arg, argv[++i]);
    else if (arg === '--every') options.every = parsePositive(arg, argv[++i]);
    else if (arg === '--window') options.window = parsePositive(arg, argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: node bench/follow-stream.js [--lines N] [--every N] [--window N]\n');
      return;
    } else throw new Error(`unknown argument: ${arg}`);
  }
  const result = await runFollowStream(options);
  process.stdout.write(`${followStreamMarkdown(result)}\n`);
  if (result.exitCode !== 0 || result.verdict.flat === false) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`follow-stream: ${err.message}\n`);
    process.exitCode = 2;
  });
}
