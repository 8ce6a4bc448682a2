// OTLP/HTTP sender against a real HTTP server on 127.0.0.1 (port 0): batching,
// gzip, headers, retries and their backoff (with an injected sleep, so no test
// waits), timeouts, URL handling and secret-free error text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { toOtlpRequests } from '../../../dist/export/otlp.js';
import {
  SEND_DEFAULTS,
  formatSendSummary,
  parseHeaderOption,
  parseHeaderOptions,
  resolveTracesUrl,
  sendOtlp,
} from '../../../dist/output/send-otlp.js';
import { makeSpan, makeTrace } from '../../helpers/spans.js';

const SECRET = 'hcaik_0123456789abcdefSECRET';

/** `count` spans in one trace, as requests of at most `maxSpans` spans. */
function makeRequests(count, maxSpans = SEND_DEFAULTS.batchSpans) {
  const hex = (n, width) => n.toString(16).padStart(width, '0');
  const spans = Array.from({ length: count }, (_, i) =>
    makeSpan({ spanId: hex(i + 1, 16), parentId: i === 0 ? null : hex(1, 16), name: `op ${i}`, startMs: i }),
  );
  return toOtlpRequests([makeTrace(spans, hex(0xabc, 32))], { maxSpans });
}

function spanCount(body) {
  return body.resourceSpans.flatMap((r) => r.scopeSpans).flatMap((s) => s.spans).length;
}

/** Records waits instead of waiting. */
function recordingSleep() {
  const waits = [];
  const sleep = async (ms) => {
    waits.push(ms);
  };
  return { waits, sleep };
}

/**
 * Runs `fn(baseUrl, received)` with a loopback server whose `respond(req, res,
 * index)` answers each decoded request; the server is closed afterwards, even
 * with requests still hanging.
 */
async function withServer(respond, fn) {
  const received = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    let raw = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    received.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(raw.toString('utf8')) });
    respond(req, res, received.length - 1);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  try {
    return await fn(`http://127.0.0.1:${port}`, received);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const ok = (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{}');
};

/** A loopback port with nothing listening on it. */
async function deadPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('sends one POST per request to /v1/traces, gzipped JSON, and reports progress', async () => {
  const requests = makeRequests(5, 2);
  assert.equal(requests.length, 3);
  const progress = [];
  await withServer(ok, async (base, received) => {
    const result = await sendOtlp(requests, { endpoint: base, onProgress: (spans, reqs) => progress.push([spans, reqs]) });
    assert.deepEqual(result, {
      endpoint: `${base}/v1/traces`,
      sentSpans: 5,
      sentRequests: 3,
      failedSpans: 0,
      failedRequests: 0,
      firstError: null,
    });
    assert.deepEqual(progress, [[2, 1], [4, 2], [5, 3]]);
    assert.equal(received.length, 3);
    assert.deepEqual(received.map((r) => spanCount(r.body)), [2, 2, 1]);
    assert.deepEqual(received.map((r) => r.body), requests);
    for (const r of received) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/v1/traces');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['content-encoding'], 'gzip');
    }
    assert.equal(formatSendSummary(result), 'sent 5 spans in 3 requests');
  });
});

test('gzip: false sends plain JSON without Content-Encoding', async () => {
  await withServer(ok, async (base, received) => {
    const result = await sendOtlp(makeRequests(3), { endpoint: base, gzip: false });
    assert.equal(result.sentSpans, 3);
    assert.equal(received.length, 1);
    assert.equal(received[0].headers['content-encoding'], undefined);
    assert.equal(spanCount(received[0].body), 3);
  });
});

test('accepts an async iterable and skips requests without spans', async () => {
  async function* generate() {
    yield { resourceSpans: [] };
    yield* makeRequests(4, 3);
  }
  await withServer(ok, async (base, received) => {
    const result = await sendOtlp(generate(), { endpoint: base });
    assert.equal(result.sentRequests, 2);
    assert.equal(result.sentSpans, 4);
    assert.equal(received.length, 2);
  });
});

test('requests given as their JSON bytes are sent as those bytes, counted by the spans given with them', async () => {
  const requests = makeRequests(5, 2);
  await withServer(ok, async (base, received) => {
    const json = (request) => new Uint8Array(Buffer.from(JSON.stringify(request)));
    const result = await sendOtlp([{ json: json(requests[0]), spans: 2 }, { json: json({ resourceSpans: [] }), spans: 0 }, ...requests.slice(1)], { endpoint: base });
    assert.equal(result.sentRequests, 3);
    assert.equal(result.sentSpans, 5);
    assert.deepEqual(received.map((r) => r.body), requests);
  });
});

test('custom headers arrive; URL credentials become Basic authorization', async () => {
  const headers = parseHeaderOptions(['x-honeycomb-team: ' + SECRET, 'X-Scope-OrgID:tenant-1']);
  await withServer(ok, async (base, received) => {
    await sendOtlp(makeRequests(1), { endpoint: base, headers });
    assert.equal(received[0].headers['x-honeycomb-team'], SECRET);
    assert.equal(received[0].headers['x-scope-orgid'], 'tenant-1');
    assert.equal(received[0].headers.authorization, undefined);

    const withUser = base.replace('http://', 'http://alice:p%40ss@');
    const result = await sendOtlp(makeRequests(1), { endpoint: withUser });
    assert.equal(result.sentRequests, 1);
    assert.equal(received[1].headers.authorization, `Basic ${Buffer.from('alice:p@ss').toString('base64')}`);
    assert.equal(result.endpoint, `${base}/v1/traces`);
  });
});

test('503 then 200: retried once, honouring Retry-After: 0', async () => {
  const { waits, sleep } = recordingSleep();
  await withServer(
    (req, res, index) => {
      if (index === 0) {
        res.writeHead(503, { 'retry-after': '0' });
        res.end('overloaded');
      } else ok(req, res);
    },
    async (base, received) => {
      const result = await sendOtlp(makeRequests(2), { endpoint: base }, { sleep, random: () => 0.99 });
      assert.equal(received.length, 2);
      assert.deepEqual(waits, [0]);
      assert.equal(result.sentSpans, 2);
      assert.equal(result.failedRequests, 0);
      assert.equal(result.firstError, null);
    },
  );
});

test('429 honours Retry-After in seconds and as an HTTP date, capped at 30 s', async () => {
  const now = Date.parse('2024-05-01T10:00:00Z');
  const retryAfter = ['7', 'Wed, 01 May 2024 10:00:02 GMT', '120', 'soon'];
  const { waits, sleep } = recordingSleep();
  await withServer(
    (req, res, index) => {
      if (index < retryAfter.length) {
        res.writeHead(429, { 'retry-after': retryAfter[index] });
        res.end();
      } else ok(req, res);
    },
    async (base, received) => {
      const result = await sendOtlp(makeRequests(1), { endpoint: base }, { sleep, random: () => 0.5, now: () => now });
      assert.equal(received.length, 5);
      // An unreadable Retry-After falls back to jittered backoff: attempt 4 → 0.5 × 500 × 2³.
      assert.deepEqual(waits, [7000, 2000, 30_000, 2000]);
      assert.equal(result.sentSpans, 1);
    },
  );
});

test('400 is not retried: one request, the body first line reported escaped, later batches still sent', async () => {
  const { waits, sleep } = recordingSleep();
  await withServer(
    (req, res, index) => {
      if (index === 0) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('\n  bad \x1b[31mspan\x07 id\nsecond line');
      } else ok(req, res);
    },
    async (base, received) => {
      const result = await sendOtlp(makeRequests(3, 2), { endpoint: base }, { sleep });
      assert.equal(received.length, 2);
      assert.deepEqual(waits, []);
      assert.deepEqual(result, {
        endpoint: `${base}/v1/traces`,
        sentSpans: 1,
        sentRequests: 1,
        failedSpans: 2,
        failedRequests: 1,
        firstError: '400 Bad Request: bad \\x1b[31mspan\\x07 id',
      });
      assert.equal(
        formatSendSummary(result),
        `sent 1 span in 1 request\ncould not send 2 spans to ${base}/v1/traces: 400 Bad Request: bad \\x1b[31mspan\\x07 id`,
      );
    },
  );
});

test('an error body in google.rpc.Status JSON reports its message; a long line is clipped', async () => {
  await withServer(
    (req, res, index) => {
      res.writeHead(index === 0 ? 400 : 500, { 'content-type': 'application/json' });
      res.end(index === 0 ? JSON.stringify({ code: 3, message: 'invalid trace id' }) : 'x'.repeat(5000));
    },
    async (base) => {
      const first = await sendOtlp(makeRequests(1), { endpoint: base });
      assert.equal(first.firstError, '400 Bad Request: invalid trace id');
      const second = await sendOtlp(makeRequests(1), { endpoint: base });
      assert.match(second.firstError, /^500 Internal Server Error: x+…$/);
      assert.ok(second.firstError.length < 250);
    },
  );
});

test('a 200 with partialSuccess counts the rejected spans as not delivered', async () => {
  await withServer(
    (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ partialSuccess: { rejectedSpans: '2', errorMessage: 'spans too old' } }));
    },
    async (base) => {
      const result = await sendOtlp(makeRequests(5), { endpoint: base });
      assert.equal(result.sentRequests, 1);
      assert.equal(result.sentSpans, 3);
      assert.equal(result.failedSpans, 2);
      assert.equal(result.firstError, 'collector rejected 2 spans of 5: spans too old');
    },
  );
});

test('dead endpoint: connection refused, retried with full-jitter backoff, then the rest is not attempted', async () => {
  const port = await deadPort();
  const { waits, sleep } = recordingSleep();
  const endpoint = `http://127.0.0.1:${port}`;
  const result = await sendOtlp(makeRequests(3, 2), { endpoint }, { sleep, random: () => 0.5 });
  assert.deepEqual(waits, [250, 500, 1000, 2000, 4000]);
  assert.deepEqual(result, {
    endpoint: `${endpoint}/v1/traces`,
    sentSpans: 0,
    sentRequests: 0,
    failedSpans: 3,
    failedRequests: 2,
    firstError: 'connection refused after 6 attempts',
  });
  assert.equal(
    formatSendSummary(result),
    `sent 0 spans in 0 requests\ncould not send 3 spans to ${endpoint}/v1/traces: connection refused after 6 attempts`,
  );
});

test('backoff ceiling doubles from 500 ms and stops at 30 s', async () => {
  const port = await deadPort();
  const { waits, sleep } = recordingSleep();
  const result = await sendOtlp(makeRequests(1), { endpoint: `http://127.0.0.1:${port}`, retries: 9 }, { sleep, random: () => 0.999999 });
  assert.deepEqual(
    waits,
    [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000].map((ceiling) => Math.floor(0.999999 * ceiling)),
  );
  assert.equal(result.firstError, 'connection refused after 10 attempts');
});

test('a connection closed without a response is retried', async () => {
  const { sleep } = recordingSleep();
  await withServer(
    (req, res, index) => {
      if (index === 0) req.socket.destroy();
      else ok(req, res);
    },
    async (base, received) => {
      const result = await sendOtlp(makeRequests(1), { endpoint: base }, { sleep });
      assert.equal(received.length, 2);
      assert.equal(result.sentSpans, 1);
    },
  );
});

test('timeout: a collector that never answers is given up on after the retries', async () => {
  const { waits, sleep } = recordingSleep();
  await withServer(
    () => undefined,
    async (base, received) => {
      const started = Date.now();
      const result = await sendOtlp(makeRequests(1), { endpoint: base, timeoutMs: 200, retries: 1 }, { sleep });
      assert.ok(Date.now() - started < 2000);
      assert.equal(received.length, 2);
      assert.equal(waits.length, 1);
      assert.equal(result.failedSpans, 1);
      assert.equal(result.firstError, 'timed out (no response within 200 ms) after 2 attempts');
    },
  );
});

test('endpoint with and without /v1/traces', async () => {
  const cases = [
    ['http://localhost:4318', 'http://localhost:4318/v1/traces'],
    ['http://localhost:4318/', 'http://localhost:4318/v1/traces'],
    ['http://localhost:4318/v1/traces', 'http://localhost:4318/v1/traces'],
    ['http://localhost:4318/v1/traces/', 'http://localhost:4318/v1/traces'],
    ['https://api.honeycomb.io', 'https://api.honeycomb.io/v1/traces'],
    ['https://gateway.example/otlp', 'https://gateway.example/otlp/v1/traces'],
    ['https://gateway.example/otlp/', 'https://gateway.example/otlp/v1/traces'],
    ['https://gateway.example/tenant/v1/traces?x=1#frag', 'https://gateway.example/tenant/v1/traces?x=1'],
  ];
  for (const [endpoint, expected] of cases) assert.equal(resolveTracesUrl(endpoint).href, expected, endpoint);

  for (const bad of ['localhost:4318', 'ftp://host', 'not a url']) {
    assert.throws(() => resolveTracesUrl(bad), (err) => err.code === 'tracelog.usage', bad);
  }
  await assert.rejects(sendOtlp([], { endpoint: 'grpc://host:4317' }), (err) => err.code === 'tracelog.usage');

  await withServer(ok, async (base, received) => {
    for (const endpoint of [base, `${base}/`, `${base}/v1/traces`, `${base}/custom/prefix`]) {
      await sendOtlp(makeRequests(1), { endpoint });
    }
    assert.deepEqual(
      received.map((r) => r.url),
      ['/v1/traces', '/v1/traces', '/v1/traces', '/custom/prefix/v1/traces'],
    );
  });
});

test('header values and URL credentials never appear in error text', async () => {
  await withServer(
    (req, res) => {
      // A collector that echoes what it was given.
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`invalid API key ${req.headers['x-honeycomb-team']} for ${req.headers.authorization} at ${req.url}`);
    },
    async (base) => {
      const endpoint = base.replace('http://', 'http://user:hunter22@') + '/?api_key=querysecret';
      const result = await sendOtlp(makeRequests(1), { endpoint, headers: { 'x-honeycomb-team': SECRET } });
      assert.equal(result.endpoint, `${base}/v1/traces`);
      const text = formatSendSummary(result);
      assert.match(text, /could not send 1 span to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: 401 Unauthorized: invalid API key \*\*\*/);
      const basic = Buffer.from('user:hunter22').toString('base64');
      for (const secret of [SECRET, 'hunter22', 'querysecret', basic]) assert.ok(!text.includes(secret), secret);
    },
  );

  const port = await deadPort();
  const { sleep } = recordingSleep();
  const dead = await sendOtlp(makeRequests(1), { endpoint: `http://me:pw-secret@127.0.0.1:${port}?token=tok-secret`, headers: { authorization: `Bearer ${SECRET}` }, retries: 0 }, { sleep });
  const text = formatSendSummary(dead);
  assert.equal(text, `sent 0 spans in 0 requests\ncould not send 1 span to http://127.0.0.1:${port}/v1/traces: connection refused after 1 attempt`);

  assert.throws(
    () => parseHeaderOption(`x-api-key: ${SECRET}\r\nx-evil: 1`),
    (err) => err.code === 'tracelog.usage' && !err.message.includes(SECRET) && err.message.includes('x-api-key'),
  );
  await assert.rejects(
    sendOtlp([], { endpoint: 'http://localhost', headers: { 'x-api-key': `${SECRET}\n` } }),
    (err) => err.code === 'tracelog.usage' && !err.message.includes(SECRET),
  );
});

test('a redirect is not followed, so headers never reach another host', async () => {
  await withServer(
    (req, res) => {
      res.writeHead(308, { location: 'https://elsewhere.example/v1/traces?key=abc' });
      res.end();
    },
    async (base, received) => {
      const result = await sendOtlp(makeRequests(1), { endpoint: base, headers: { 'x-api-key': SECRET } });
      assert.equal(received.length, 1);
      assert.equal(result.firstError, '308 Permanent Redirect (redirect to https://elsewhere.example/v1/traces not followed; use it as --endpoint)');
    },
  );
});

test('an aborted signal stops sending; the request in flight counts as failed', async () => {
  const controller = new AbortController();
  await withServer(
    () => controller.abort(130),
    async (base, received) => {
      const result = await sendOtlp(makeRequests(3, 1), { endpoint: base, signal: controller.signal });
      assert.equal(received.length, 1);
      assert.equal(result.failedRequests, 1);
      assert.equal(result.firstError, 'interrupted');
    },
  );
});

test('parseHeaderOption validates name: value', () => {
  assert.deepEqual(parseHeaderOption('x-honeycomb-team: abc'), { name: 'x-honeycomb-team', value: 'abc' });
  assert.deepEqual(parseHeaderOption('  Authorization :Bearer a:b  '), { name: 'Authorization', value: 'Bearer a:b' });
  assert.deepEqual(parseHeaderOption('x-empty:'), { name: 'x-empty', value: '' });
  for (const bad of ['no colon here', ': value', 'bad name: v', 'x(y): v', 'Content-Type: text/plain', 'content-encoding: br', 'x: a\nb']) {
    assert.throws(() => parseHeaderOption(bad), (err) => err.code === 'tracelog.usage', bad);
  }
  assert.deepEqual(parseHeaderOptions(['a: 1', 'B: 2', 'A: 3']), { a: '1, 3', B: '2' });
});

test('summary line: thousands separators and singulars', () => {
  const result = { endpoint: 'http://host:4318/v1/traces', sentSpans: 12_345, sentRequests: 25, failedSpans: 0, failedRequests: 0, firstError: null };
  assert.equal(formatSendSummary(result), 'sent 12,345 spans in 25 requests');
  assert.equal(formatSendSummary({ ...result, sentSpans: 1, sentRequests: 1 }), 'sent 1 span in 1 request');
  assert.equal(formatSendSummary({ ...result, sentSpans: 1_234_567 }), 'sent 1,234,567 spans in 25 requests');
  assert.equal(
    formatSendSummary({ ...result, failedSpans: 1_512, failedRequests: 3, firstError: '400 Bad Request: bad' }),
    'sent 12,345 spans in 25 requests\ncould not send 1,512 spans to http://host:4318/v1/traces: 400 Bad Request: bad',
  );
});

test('SEND_DEFAULTS match the documented flag defaults', () => {
  assert.deepEqual(
    { ...SEND_DEFAULTS },
    { batchSpans: 512, batchBytes: 4 * 1024 * 1024, gzip: true, timeoutMs: 10_000, retries: 5, concurrency: 4, backoffBaseMs: 500, backoffCapMs: 30_000 },
  );
});

/**
 * A collector answering each request after `delayMs` with `status(name, attempt)` (the
 * request's one span name, and how often it came); `log` records arrivals, with the
 * requests open at each, and answers, in order.
 */
async function slowCollector(delayMs, status, fn) {
  const log = [];
  const tries = new Map();
  let open = 0;
  let bodies = [];
  return withServer(
    (req, res, index) => {
      const name = bodies[index].body.resourceSpans[0].scopeSpans[0].spans[0].name;
      const attempt = (tries.get(name) ?? 0) + 1;
      tries.set(name, attempt);
      open++;
      log.push({ event: 'arrive', name, open });
      setTimeout(() => {
        const code = status(name, attempt);
        open--;
        log.push({ event: 'answer', name, code });
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end('{}');
      }, delayMs);
    },
    (base, received) => {
      bodies = received;
      return fn(base, log);
    },
  );
}

test('requests go four at a time once the collector has taken one; --concurrency 1 sends one after another', async () => {
  for (const [concurrency, most] of [[undefined, 4], [1, 1], [6, 6]]) {
    await slowCollector(
      30,
      () => 200,
      async (base, log) => {
        const result = await sendOtlp(makeRequests(12, 1), { endpoint: base, concurrency });
        assert.deepEqual([result.sentRequests, result.sentSpans, result.failedSpans], [12, 12, 0]);
        const arrivals = log.filter((e) => e.event === 'arrive');
        assert.equal(new Set(arrivals.map((e) => e.name)).size, 12);
        assert.equal(Math.max(...arrivals.map((e) => e.open)), most, `concurrency ${concurrency}`);
        // The first request goes alone: a collector that is down is not sent several.
        assert.deepEqual(log.slice(0, 2).map((e) => e.event), ['arrive', 'answer']);
      },
    );
  }
});

test('a request being retried keeps its place: at most four in flight, retries included, and every one delivered', async () => {
  const { sleep } = recordingSleep();
  // Overloaded for a while after the first request: every first try of op 1 … op 6 gets 503.
  const overloaded = (name, attempt) => (attempt === 1 && /^op [1-6]$/.test(name) ? 503 : 200);
  await slowCollector(20, overloaded, async (base, log) => {
    const result = await sendOtlp(makeRequests(12, 1), { endpoint: base }, { sleep });
    assert.deepEqual([result.sentRequests, result.sentSpans, result.failedSpans, result.firstError], [12, 12, 0, null]);
    assert.equal(log.filter((e) => e.code === 503).length, 6);
    assert.equal(log.filter((e) => e.code === 200).length, 12);
    assert.equal(Math.max(...log.filter((e) => e.event === 'arrive').map((e) => e.open)), 4);
  });
});
