#!/usr/bin/env node
/**
 * The benchmark harness (`npm run bench`): generates or reuses the input, then
 * runs the baseline (split2 + JSON.parse), jq, and tracelog's commands in
 * alternation for several rounds, and reports medians of wall time,
 * throughput and peak RSS, with ratios to the baseline measured in the same
 * run. Prints Markdown and writes it to bench/.cache/results.md.
 *
 *   node bench/run.js [--lines N | --sizes A,B,C] [--rounds N] [--quick]
 *                     [--follow-stream [--stream-lines N]] [--no-render] [--proc]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { followStreamMarkdown, runFollowStream, DEFAULT_STREAM_LINES } from './follow-stream.js';
import { CACHE_DIR, DEFAULT_LINES, GENERATOR_VERSION, ensureLogFile, ensureRenderFiles } from './generate.js';
import { hasGnuTime, measure } from './measure.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH_DIR, '..');
const CLI = join(ROOT, 'bin', 'tracelog.cjs');
const BASELINE = join(BENCH_DIR, 'baseline.js');
const NODE = process.execPath;
const PROBE_LINES = 2000;
const MB = 1e6;

const HELP = `usage: node bench/run.js [options]   (npm run bench -- [options])

  --lines N            input size in lines (default ${DEFAULT_LINES.toLocaleString('en-US')})
  --sizes A,B,…        run several sizes and show how time and memory grow
  --rounds N           rounds of alternating runs; medians are reported (default 3)
  --startup-runs N     runs of --version and --help (default 20)
  --quick              smoke run: 100,000 lines, 1 round, 5 start-up runs
  --follow-stream      also run the follow-mode memory check (bench/follow-stream.js)
  --stream-lines N     lines piped into follow mode (default ${DEFAULT_STREAM_LINES.toLocaleString('en-US')}; 300,000 with --quick)
  --no-render          skip the render check (one 10,000-span trace; 1,000 traces of 20 spans)
  --proc               measure peak RSS by polling /proc even when GNU time is installed
  --timeout S          give up on a single run after S seconds (default 1800)
`;

function parsePositive(name, text) {
  const n = Number(String(text ?? '').replace(/_/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} takes a positive integer, got '${text}'`);
  return n;
}

export function parseArgs(argv) {
  const o = { sizes: null, lines: null, rounds: null, startupRuns: null, quick: false, followStream: false, streamLines: null, render: true, rssMethod: 'auto', timeoutS: 1800 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--lines') o.lines = parsePositive(arg, value());
    else if (arg === '--sizes') o.sizes = value().split(',').map((s) => parsePositive(arg, s.trim()));
    else if (arg === '--rounds') o.rounds = parsePositive(arg, value());
    else if (arg === '--startup-runs') o.startupRuns = parsePositive(arg, value());
    else if (arg === '--quick') o.quick = true;
    else if (arg === '--follow-stream') o.followStream = true;
    else if (arg === '--stream-lines') o.streamLines = parsePositive(arg, value());
    else if (arg === '--no-render') o.render = false;
    else if (arg === '--proc') o.rssMethod = 'proc';
    else if (arg === '--timeout') o.timeoutS = parsePositive(arg, value());
    else if (arg === '--help' || arg === '-h') o.help = true;
    else throw new Error(`unknown option '${arg}' (see --help)`);
  }
  const sizes = o.sizes ?? [o.lines ?? (o.quick ? 100_000 : DEFAULT_LINES)];
  return {
    ...o,
    sizes,
    rounds: o.rounds ?? (o.quick ? 1 : 3),
    startupRuns: o.startupRuns ?? (o.quick ? 5 : 20),
    streamLines: o.streamLines ?? (o.quick ? 300_000 : DEFAULT_STREAM_LINES),
  };
}

// --- Statistics and formatting ---

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const int = (n) => Math.round(n).toLocaleString('en-US');
const fixed = (n, digits) => (n === null || n === undefined ? '—' : n.toFixed(digits));
const seconds = (ms) => (ms >= 100_000 ? (ms / 1000).toFixed(0) : ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
const rssMb = (kb) => (kb === null ? '—' : int((kb * 1024) / MB));

function machine(rssMethod) {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() is enough
  }
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src'], { cwd: ROOT, encoding: 'utf8' });
  const commit = git.status === 0 ? git.stdout.trim() + (dirty.stdout.trim() ? ' + uncommitted changes in src/' : '') : 'unknown commit';
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const jq = spawnSync('jq', ['--version'], { encoding: 'utf8' });
  return {
    cpu,
    cores: os.cpus().length,
    ramGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    tracelog: `${version} (${commit})`,
    jq: jq.status === 0 ? jq.stdout.trim() : null,
    load: os.loadavg()[0],
    rss: rssMethod === 'time' ? 'GNU time (`/usr/bin/time -f %M`)' : '/proc/<pid>/status VmHWM polled every 20 ms',
  };
}

// --- The commands ---

/**
 * What runs on an input file. `variants`: argument lists tried in order on a
 * small probe file; the first that exits with an accepted code is used.
 */
function commandsFor(file, jqAvailable) {
  const list = [
    { id: 'baseline', label: 'baseline: split2 + `JSON.parse` per line', command: NODE, variants: [[BASELINE, file]], ok: [0] },
  ];
  if (jqAvailable) {
    // `jq -c .` stops at the first malformed line; -R + fromjson? parses every line and skips bad ones.
    list.push({ id: 'jq', label: "`jq -cR 'fromjson? // empty'`", command: 'jq', variants: [['-cR', 'fromjson? // empty', file]], ok: [0] });
  }
  list.push(
    { id: 'convert', label: commandText, command: NODE, variants: [[CLI, 'convert', '--format', 'spans', file]], ok: [0] },
    // The default reads big files with worker threads; this is the same work in one thread.
    { id: 'convert-1', label: commandText, command: NODE, variants: [[CLI, 'convert', '--format', 'spans', '--threads', '1', file]], ok: [0] },
    {
      id: 'view',
      label: commandText,
      command: NODE,
      variants: [
        [CLI, 'view', '--no-color', '--no-follow', file],
        [CLI, 'view', '--no-color', file],
      ],
      ok: [0],
    },
    { id: 'check', label: (args) => `${commandText(args)} (exit 1: violations)`, command: NODE, variants: [[CLI, 'check', '--max', '100ms', file]], ok: [0, 1] },
    // The same file on stdin: copied to a temporary file first, then read as the file is.
    { id: 'convert-stdin', label: (args) => `${commandText(args)} < file (stdin)`, command: NODE, variants: [[CLI, 'convert', '--format', 'spans']], stdin: file, ok: [0] },
  );
  return list;
}

/** The line of a command's stderr that says what went wrong. */
function reasonOf(stderr) {
  const lines = stderr.trim().split('\n').filter(Boolean);
  return (lines.find((l) => /error|tracelog:/i.test(l)) ?? lines.at(-1) ?? '').trim();
}

function describeFailure(result) {
  if (result.signal === 'timeout') return 'timed out';
  const why = reasonOf(result.stderr);
  return `exit ${result.exitCode ?? result.signal}${why ? `: ${why}` : ''}`;
}

/**
 * Tries each command on a small file (`probeFile` in place of `realFile`):
 * picks the first argument variant that works, or records why the command is skipped.
 */
async function probe(commands, probeFile, realFile, options, log) {
  for (const c of commands) {
    let failure = null;
    for (const args of c.variants) {
      const probeArgs = args.map((a) => (a === realFile ? probeFile : a));
      const result = await measure(c.command, probeArgs, { rssMethod: options.rssMethod, timeoutMs: 120_000, ...(c.stdin ? { stdin: probeFile } : {}) });
      if (c.ok.includes(result.exitCode)) {
        c.args = args;
        failure = null;
        break;
      }
      failure ??= describeFailure(result);
    }
    if (!c.args) {
      c.skipped = `skipped: fails on a ${PROBE_LINES.toLocaleString('en-US')}-line sample (${failure})`;
      log(`  ${c.id}: ${c.skipped}`);
    }
  }
}

/** Runs every available command once per round, in alternation, and keeps every sample. */
async function runRounds(commands, rounds, options, log) {
  for (let r = 1; r <= rounds; r++) {
    for (const c of commands) {
      if (!c.args || c.failed) continue;
      const result = await measure(c.command, c.args, { rssMethod: options.rssMethod, timeoutMs: options.timeoutS * 1000, ...(c.stdin ? { stdin: c.stdin } : {}) });
      if (!c.ok.includes(result.exitCode)) {
        c.failed = `failed in round ${r} (${describeFailure(result)})`;
        log(`  round ${r}/${rounds} ${c.id}: ${c.failed}`);
        continue;
      }
      (c.samples ??= []).push(result);
      log(`  round ${r}/${rounds} ${c.id}: ${seconds(result.wallMs)} s, ${rssMb(result.maxRssKb)} MB peak RSS`);
    }
  }
  for (const c of commands) {
    // A command that failed in any round shows as failed, not as the median of the others.
    if (!c.samples?.length || c.failed) continue;
    c.wallMs = median(c.samples.map((s) => s.wallMs));
    c.maxRssKb = median(c.samples.map((s) => s.maxRssKb));
  }
}

/** `tracelog view --no-color` from the arguments that ran (no paths). */
function commandText(args) {
  const words = args.filter((a) => !a.startsWith('/') && a !== CLI);
  return `\`tracelog ${words.join(' ')}\``;
}

/** One table row for a command run on an input of `bytes` bytes and `lines` lines. */
function row(c, { bytes, lines, baseline }) {
  const label = typeof c.label === 'function' ? c.label(c.args ?? c.variants[0]) : c.label;
  const shown = c.args ? label : label.replace(/ \(exit 1: violations\)$/, '');
  if (!c.wallMs) return `| ${shown} | ${c.skipped ?? c.failed ?? 'no result'} ||||||`;
  const s = c.wallMs / 1000;
  const vsBaseline = baseline?.wallMs ? `${fixed(baseline.wallMs / c.wallMs, 2)}×` : '—';
  const rssRatio = c.maxRssKb === null ? '—' : `${fixed((c.maxRssKb * 1024) / bytes, 2)}×`;
  return `| ${shown} | ${seconds(c.wallMs)} | ${fixed(bytes / MB / s, 1)} | ${int(lines / s)} | ${rssMb(c.maxRssKb)} | ${vsBaseline} | ${rssRatio} |`;
}

const TABLE_HEAD = [
  '| command | wall (s) | MB/s | lines/s | peak RSS (MB) | throughput vs baseline | peak RSS / input |',
  '|---|---:|---:|---:|---:|---:|---:|',
];

async function startup(options, log) {
  const cases = [
    // Node's own start-up, measured alongside: the floor under any Node tool's.
    { label: '`node -e 0` (Node alone)', args: ['-e', '0'] },
    { label: '`tracelog --version` (start-up)', args: [CLI, '--version'] },
    { label: '`tracelog --help`', args: [CLI, '--help'] },
  ];
  // Node reads NODE_EXTRA_CA_CERTS' certificates as it starts, before any script runs (~40 ms
  // for a system bundle): where it is set, start-up is measured without it too.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    for (const c of cases.slice()) cases.push({ ...c, label: `${c.label}, without NODE_EXTRA_CA_CERTS`, env });
  }
  for (let i = 0; i < options.startupRuns; i++) {
    for (const c of cases) {
      const result = await measure(NODE, c.args, { env: c.env, rssMethod: options.rssMethod, timeoutMs: 60_000 });
      if (result.exitCode !== 0) c.failed = describeFailure(result);
      else (c.samples ??= []).push(result);
    }
  }
  return cases.map((c) => {
    if (!c.samples) return `| ${c.label} | ${c.failed} ||||||`;
    const ms = median(c.samples.map((s) => s.wallMs));
    const kb = median(c.samples.map((s) => s.maxRssKb));
    log(`  ${c.label}: ${fixed(ms, 0)} ms`);
    return `| ${c.label} | ${fixed(ms / 1000, 3)} (${fixed(ms, 0)} ms, median of ${c.samples.length}) | — | — | ${rssMb(kb)} | — | — |`;
  });
}

async function renderCheck(options, log) {
  const files = await ensureRenderFiles({ log });
  const rows = [];
  for (const f of files) {
    const c = {
      id: `view ${f.name}`,
      label: (args) => `${commandText(args)}: ${f.label}`,
      command: NODE,
      variants: [[CLI, 'view', '--no-color', '--no-follow', f.path], [CLI, 'view', '--no-color', f.path]],
      ok: [0],
    };
    // The render files are small: probe on the file itself.
    await probe([c], f.path, f.path, options, log);
    await runRounds([c], options.rounds, options, log);
    rows.push(row(c, { bytes: f.bytes, lines: f.lines, baseline: null }));
  }
  return rows;
}

function growthTable(perSize) {
  const first = perSize[0];
  const last = perSize.at(-1);
  const head = [
    `| command | ${perSize.map((p) => `${int(p.lines)} lines: s / MB`).join(' | ')} | time × | peak RSS × |`,
    `|---|${perSize.map(() => '---:').join('|')}|---:|---:|`,
  ];
  const rows = first.commands.map((c, i) => {
    const cells = perSize.map((p) => {
      const x = p.commands[i];
      return x.wallMs ? `${seconds(x.wallMs)} / ${rssMb(x.maxRssKb)}` : '—';
    });
    const a = c;
    const b = last.commands[i];
    const time = a.wallMs && b.wallMs ? `${fixed(b.wallMs / a.wallMs, 1)}×` : '—';
    const rss = a.maxRssKb && b.maxRssKb ? `${fixed(b.maxRssKb / a.maxRssKb, 1)}×` : '—';
    const label = typeof c.label === 'function' ? c.label(c.args ?? c.variants[0]) : c.label;
    return `| ${label} | ${cells.join(' | ')} | ${time} | ${rss} |`;
  });
  return [
    `Growth from ${int(first.lines)} to ${int(last.lines)} lines (${fixed(last.lines / first.lines, 1)}× the input):`,
    '',
    ...head,
    ...rows,
  ];
}

export async function main(argv) {
  const options = parseArgs(argv);
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const log = (m) => process.stderr.write(`${m}\n`);
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    log('bench: dist/ is missing: run `npm run build` first (`npm run bench` does)');
    return 2;
  }
  options.rssMethod = options.rssMethod === 'auto' ? (hasGnuTime() ? 'time' : 'proc') : options.rssMethod;
  const m = machine(options.rssMethod);
  const jqAvailable = m.jq !== null;
  mkdirSync(CACHE_DIR, { recursive: true });
  const probeFile = (await ensureLogFile(PROBE_LINES)).path;

  const out = [
    `## Benchmark: ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${fixed(m.ramGiB, 1)} GiB RAM, ${m.kernel}; Node ${m.node}${m.jq ? `; ${m.jq}` : ''}; tracelog ${m.tracelog}. Load average (1 min) at the start: ${fixed(m.load, 2)}.`,
    `Each figure is the median of ${options.rounds} round${options.rounds > 1 ? 's' : ''} in which the commands run in alternation; peak RSS from ${m.rss}. MB = 10⁶ bytes.`,
    '',
  ];
  const notes = [];
  if (!jqAvailable) notes.push('jq is not installed: its row is left out.');
  else notes.push("jq: `jq -c .` stops at the log's first malformed line, so jq reads raw lines and parses each with `fromjson?`, skipping the bad ones.");
  if (m.load > m.cores / 2) notes.push(`The machine was busy when the run started (load ${fixed(m.load, 1)} on ${m.cores} cores): absolute times are inflated; the ratios to the baseline, measured in alternation, suffer less.`);
  if (options.rssMethod === 'proc') notes.push('GNU time is not in use: peak RSS is VmHWM polled every 20 ms, which can miss the last 20 ms of a run (start-up figures are underestimates).');

  const perSize = [];
  for (const lines of options.sizes) {
    log(`\n${int(lines)} lines`);
    const input = await ensureLogFile(lines, { log });
    const commands = commandsFor(input.path, jqAvailable);
    await probe(commands, probeFile, input.path, options, log);
    await runRounds(commands, options.rounds, options, log);
    const baseline = commands.find((c) => c.id === 'baseline');
    perSize.push({ lines, bytes: input.bytes, commands });
    out.push(
      `Input: ${int(lines)} lines, ${fixed(input.bytes / MB, 1)} MB (\`${relative(ROOT, input.path)}\`, generator v${GENERATOR_VERSION}).`,
      '',
      ...TABLE_HEAD,
      ...commands.map((c) => row(c, { bytes: input.bytes, lines, baseline })),
      '',
    );
  }
  if (perSize.length > 1) out.push(...growthTable(perSize), '');

  log('\nstart-up');
  const extra = await startup(options, log);
  if (options.render) {
    log('\nrender check');
    extra.push(...(await renderCheck(options, log)));
  }
  const heading = options.render ? 'Start-up and rendering (render inputs: one trace of 10,000 spans; 1,000 traces of 20 spans, one after another):' : 'Start-up:';
  out.push(heading, '', ...TABLE_HEAD, ...extra, '');

  if (options.followStream) {
    log(`\nfollow stream: ${int(options.streamLines)} lines`);
    const result = await runFollowStream({ lines: options.streamLines, log });
    out.push(followStreamMarkdown(result), '');
  }
  out.push('Notes:', '', ...notes.map((n) => `- ${n}`), '');

  const markdown = out.join('\n');
  writeFileSync(join(CACHE_DIR, 'results.md'), markdown);
  process.stdout.write(`${markdown}\n`);
  log(`written to ${relative(process.cwd(), join(CACHE_DIR, 'results.md'))}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(`bench: ${err.message}\n`);
      process.exitCode = 2;
    },
  );
}
