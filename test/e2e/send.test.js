// `convert --endpoint`: the CLI posting OTLP to a collector (a local HTTP server here).
// Input read whole is sent as `--format otlp` writes it — the same requests (in the same
// order with --concurrency 1; several in flight at once by default) — from a file, several
// threads, stdin and gzip; a collector that fails makes the run end with exit 2, however
// much input is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createLogGenerator } from '../../bench/generate.js';
import { makeTempDir, runCli, STACK_TRACE } from '../helpers/cli.js';

const tmp = makeTempDir('tracelog-send-');
const log = join(tmp.dir, 'app.log');
writeFileSync(log, createLogGenerator({ seed: 3 }).take(3000));
writeFileSync(`${log}.gz`, gzipSync(createLogGenerator({ seed: 3 }).take(3000)));

/** A collector that keeps each request's JSON text; `status` answers every request. */
async function collector(status = 200) {
  const bodies = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      bodies.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { bodies, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

test.after(() => tmp.cleanup());

test('input read whole is sent as --format otlp writes it: file, two threads, stdin, gzip', async () => {
  const written = await runCli(['convert', '--format', 'otlp', '--batch-spans', '40', log]);
  assert.equal(written.code, 0);
  const expected = written.stdout.trimEnd().split('\n');
  assert.ok(expected.length > 20, `${expected.length} requests`);
  const spans = expected.reduce((n, line) => n + JSON.parse(line).resourceSpans.reduce((m, r) => m + r.scopeSpans[0].spans.length, 0), 0);
  for (const [args, options, name] of [
    [['--concurrency', '1', log], {}, log],
    [[log], {}, log],
    [['--threads', '2', log], {}, log],
    [[], { stdinFile: log }, 'stdin'],
    [[`${log}.gz`], {}, `${log}.gz`],
  ]) {
    const server = await collector();
    try {
      const r = await runCli(['convert', '--format', 'otlp', '--batch-spans', '40', '--endpoint', server.url, ...args], options);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `${written.stderr.replaceAll(`${log}:`, `${name}:`)}tracelog: sent ${spans.toLocaleString('en-US')} spans in ${expected.length} requests\n`);
      // One at a time they arrive in order; several at once, in any order.
      if (args[0] === '--concurrency') assert.deepEqual(server.bodies, expected, args.join(' '));
      else assert.deepEqual([...server.bodies].sort(), [...expected].sort(), args.join(' '));
    } finally {
      server.close();
    }
  }
});

test('in follow mode every span is sent too, trace by trace', async () => {
  const server = await collector();
  try {
    const r = await runCli(['convert', '--format', 'otlp', '--follow', '--endpoint', server.url], { stdinFile: log });
    assert.equal(r.code, 0, r.stderr);
    const sent = server.bodies.reduce((n, body) => n + JSON.parse(body).resourceSpans.reduce((m, res) => m + res.scopeSpans[0].spans.length, 0), 0);
    assert.match(r.stderr, new RegExp(`sent ${sent.toLocaleString('en-US')} spans in ${server.bodies.length} requests\\n$`));
    assert.ok(sent > 500);
  } finally {
    server.close();
  }
});

test('a collector that rejects every request: each is tried once, exit 2, and reading does not wait on it', async () => {
  const server = await collector(400);
  try {
    const r = await runCli(['convert', '--format', 'otlp', '--batch-spans', '10', '--endpoint', server.url, log]);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
    assert.match(r.stderr, /could not send [\d,]+ spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: 400/);
    assert.ok(server.bodies.length > 100, `${server.bodies.length} requests`);
  } finally {
    server.close();
  }
  // A collector that is not there: given up on after the retries, the rest counted as not sent.
  const gone = await runCli(['convert', '--format', 'otlp', '--batch-spans', '10', '--retries', '0', '--endpoint', 'http://127.0.0.1:9', log]);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /tracelog: sent 0 spans in 0 requests\ntracelog: could not send [\d,]+ spans to http:\/\/127\.0\.0\.1:9\/v1\/traces: /);
});
