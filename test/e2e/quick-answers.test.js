// bin/tracelog.cjs answers --version and --help (written to a pipe) from text made at build
// time, without loading the CLI: every such answer must be what the CLI itself prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, cliEnv, runCli, runScript } from '../helpers/cli.js';

/** The bundled CLI run directly: commander writes the help. */
const ENTRY = join(ROOT, 'dist', 'bundle', 'tracelog.js');
const COMMANDS = ['convert', 'view', 'check', 'stats'];

const cases = [['--version'], ['-V'], ['--help'], ['-h'], ...COMMANDS.flatMap((c) => [[c, '--help'], [c, '-h']]), ['help'], ['nope', '--help'], ['view', 'x', '--help']];

test('--version and --help print exactly what the CLI prints', async () => {
  const results = await Promise.all(cases.map(async (args) => [args, await runCli(args), await runScript(ENTRY, args)]));
  for (const [args, quick, full] of results) {
    assert.deepEqual(quick, full, args.join(' '));
  }
  const [, version] = results[0];
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const [, help] = results[2];
  assert.match(help.stdout, /^Usage: tracelog /);
  for (const [args, { stdout }] of results.slice(4, 12)) assert.match(stdout, new RegExp(`^Usage: tracelog ${args[0]} `));
});

test('--help on a terminal is fitted to its width by the CLI', (t) => {
  const probe = spawnSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return t.skip('script(1) is not available');
  const result = spawnSync('script', ['-qec', `stty cols 200; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} --help`, '/dev/null'], {
    cwd: ROOT,
    env: cliEnv(),
    encoding: 'utf8',
  });
  assert.equal(result.status, 0);
  const lines = result.stdout.replace(/\r/g, '').trimEnd().split('\n');
  assert.match(lines[0], /^Usage: tracelog /);
  // The description, two lines at 80 columns, is one at 200.
  assert.ok(lines.includes('Turn structured JSON logs into traces: waterfalls in the terminal, span JSON, exports, CI gates.'), result.stdout);
});

test('a checkout that is not built: one line that says so, exit 2, for every command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracelog-unbuilt-'));
  try {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(BIN, join(dir, 'bin', 'tracelog.cjs'));
    for (const args of [['--version'], ['--help'], ['view', '--help'], ['convert', 'x.log']]) {
      const { code, stdout, stderr } = await runScript(join(dir, 'bin', 'tracelog.cjs'), args, { cwd: dir });
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, /^tracelog: cannot start \(.*\); run `npm run build` in a checkout\n$/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
