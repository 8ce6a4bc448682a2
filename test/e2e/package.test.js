// `npm pack` gives a package that installs and runs: the tarball is installed into an
// empty project and its `tracelog` binary answers --help and converts a log, in one
// thread and with worker threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

test('npm pack produces a package whose tracelog binary runs', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracelog-pack-'));
  try {
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
    const tarball = join(dir, out.trim().split('\n').pop());
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball], { cwd: dir, stdio: 'pipe' });
    const help = execFileSync('npx', ['--no-install', 'tracelog', '--help'], { cwd: dir, encoding: 'utf8' });
    assert.match(help, /Usage: tracelog/);
    assert.match(help, /convert/);
    const log = readFileSync(join(root, 'fixtures/book-example.jsonl'));
    const spans = execFileSync('npx', ['--no-install', 'tracelog', 'convert'], { cwd: dir, input: log, encoding: 'utf8' });
    const lines = spans.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.equal(lines[0].name, '/home');
    // Worker threads load their module from the installed package too.
    writeFileSync(join(dir, 'app.log'), log);
    const threaded = execFileSync('npx', ['--no-install', 'tracelog', 'convert', '--threads', '2', 'app.log'], { cwd: dir, encoding: 'utf8' });
    assert.equal(threaded, spans);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
