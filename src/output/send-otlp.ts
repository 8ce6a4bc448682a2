/**
 * POSTs OTLP/JSON requests to a collector's /v1/traces (FORMATS.md B.1
 * "Transport"), several at a time, gzipped, each with a timeout and with jittered
 * retries on overload and connection errors. The only module that does HTTP.
 * It must never let a header value (API key) or URL credentials into a message.
 */
import { STATUS_CODES } from 'node:http';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { TracelogError } from '../errors.js';
import { OTLP_DEFAULT_MAX_BYTES, OTLP_DEFAULT_MAX_SPANS, type OtlpRequest, type OtlpRequestJson } from '../export/otlp.js';
import { sanitizeText } from '../render/sanitize-text.js';

const gzipAsync = promisify(gzipCallback);

/** Defaults for the `convert --format otlp --endpoint` flags and for {@link sendOtlp}. */
export const SEND_DEFAULTS = {
  /** Spans per request (`--batch-spans`), the OTel SDK's `maxExportBatchSize`. */
  batchSpans: OTLP_DEFAULT_MAX_SPANS,
  /** JSON bytes per request before compression (`--batch-bytes`): 4 MiB. */
  batchBytes: OTLP_DEFAULT_MAX_BYTES,
  gzip: true,
  /** Per attempt, from sending the request to the end of the response body. */
  timeoutMs: 10_000,
  /** Further attempts after the first, so 6 attempts in all. */
  retries: 5,
  /** Requests in flight at once (`--concurrency`). */
  concurrency: 4,
  /** First backoff ceiling; it doubles each retry up to `backoffCapMs`. */
  backoffBaseMs: 500,
  /** Longest wait between attempts, also the cap on a collector's `Retry-After`. */
  backoffCapMs: 30_000,
} as const;

/** Statuses the OTLP/HTTP spec names as retryable ("Retryable Response Codes"). */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Network errors worth another attempt: the collector may be restarting or overloaded. */
const RETRYABLE_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ECONNABORTED: 'connection aborted',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EAI_AGAIN: 'DNS lookup failed',
  UND_ERR_SOCKET: 'connection closed by the collector',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the response',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the response',
};

/** Network errors that another attempt will not fix. */
const FATAL_CODES: Readonly<Record<string, string>> = {
  ENOTFOUND: 'host not found',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  EPROTO: 'TLS handshake failed',
};

/** Headers that describe the body tracelog builds, so a `--header` cannot set them. */
const RESERVED_HEADERS = new Set(['content-type', 'content-encoding', 'content-length', 'transfer-encoding', 'host', 'connection']);

/** RFC 9110 §5.6.2 `token`: the characters allowed in a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** fetch refuses these in a header value; a user reaching for them has made a quoting mistake. */
const BAD_HEADER_VALUE = /[\r\n\0]/;

/** How much of an error response is read, and how much of its first line is shown. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_DETAIL_CHARS = 200;
/** Shorter header values are not worth hiding and would blank out ordinary words. */
const MIN_SECRET_CHARS = 4;

export interface SendOptions {
  /**
   * The collector's base URL or full traces URL. An empty path or `/` becomes
   * `/v1/traces`; a path ending in `/v1/traces` is kept; any other path gets
   * `/v1/traces` appended (`https://host/otlp` → `https://host/otlp/v1/traces`).
   * Trailing slashes are dropped first. `user:password@` becomes a Basic
   * `Authorization` header unless `headers` sets one.
   */
  endpoint: string;
  /** Extra request headers, e.g. from {@link parseHeaderOptions}. Their values never appear in messages. */
  headers?: Readonly<Record<string, string>>;
  /** Send `Content-Encoding: gzip` bodies (default true). */
  gzip?: boolean;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  /** Further attempts after a retryable failure (default 5). */
  retries?: number;
  /** Requests in flight at once, retries included, once the collector has taken one (default 4); 1 sends them one after another. */
  concurrency?: number;
  /** Called after each delivered request with the running totals, for a progress line. */
  onProgress?: (sentSpans: number, sentRequests: number) => void;
  /** Stops sending (SIGINT): the request in flight is abandoned and counted as failed; the rest are not read. */
  signal?: AbortSignal;
}

/** Replaceable effects, so tests run without waiting or randomness. */
export interface SendDeps {
  fetch?: typeof globalThis.fetch;
  /** Waits before a retry; should resolve early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), for the backoff jitter. */
  random?: () => number;
  /** Epoch ms, for a `Retry-After` given as an HTTP date. */
  now?: () => number;
}

export interface SendResult {
  /** The traces URL with credentials and query string removed: safe to print. */
  endpoint: string;
  sentSpans: number;
  sentRequests: number;
  /** Spans not delivered: in failed requests, never attempted, or rejected by the collector (partial success). */
  failedSpans: number;
  failedRequests: number;
  /** The first failure, one line, escaped and free of secrets; null when everything was delivered. */
  firstError: string | null;
}

/**
 * Sends each request (an object, or its JSON's bytes with its span count), up to
 * `concurrency` at once, taking the next only when there is room, and reports what
 * was delivered; delivery
 * failures are counted in the result, never thrown. Retries 429, 502, 503,
 * 504, connection errors and timeouts with full-jitter exponential backoff,
 * honouring `Retry-After` up to the backoff cap. Any other error status fails
 * that request at once and sending goes on with the next, so one bad batch
 * does not cost the rest. When a request has used up its retries the collector
 * is taken to be down: later requests are counted as failed without being sent.
 * Requests without spans are skipped. Redirects are not followed, so headers
 * never reach another host.
 *
 * @throws TracelogError `tracelog.usage` for an endpoint that is not an http(s) URL or an invalid header.
 */
export async function sendOtlp(
  requests: AsyncIterable<OtlpRequest | OtlpRequestJson> | Iterable<OtlpRequest | OtlpRequestJson>,
  options: SendOptions,
  deps: SendDeps = {},
): Promise<SendResult> {
  const target = resolveTarget(options.endpoint, options.headers ?? {});
  const gzip = options.gzip ?? SEND_DEFAULTS.gzip;
  const retries = Math.max(0, Math.floor(options.retries ?? SEND_DEFAULTS.retries));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? SEND_DEFAULTS.concurrency));
  const timeoutMs = Math.max(1, options.timeoutMs ?? SEND_DEFAULTS.timeoutMs);
  const signal = options.signal;
  const context: AttemptContext = {
    fetch: deps.fetch ?? globalThis.fetch,
    url: target.url,
    headers: { ...target.headers, 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    timeoutMs,
    signal,
    now: deps.now ?? Date.now,
    redact: target.redact,
  };
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;

  const result: SendResult = {
    endpoint: target.display,
    sentSpans: 0,
    sentRequests: 0,
    failedSpans: 0,
    failedRequests: 0,
    firstError: null,
  };
  const fail = (spans: number, reason: string): void => {
    result.failedSpans += spans;
    result.failedRequests += 1;
    result.firstError ??= reason;
  };

  let collectorDown = false;
  // Requests let in flight at once: one until the collector has taken one (one that is down
  // is tried with one request, as before), then `concurrency`. A request being retried keeps its place.
  let allowed = 1;
  // One request: gzipped, tried until it is delivered, fails, or its retries are used up.
  const deliver = async (json: Uint8Array, spans: number): Promise<void> => {
    const body = gzip ? await gzipAsync(json) : json;
    let outcome: Outcome | undefined;
    for (let attempt = 1; ; attempt++) {
      outcome = await attemptOnce(context, body);
      if (outcome.kind !== 'retry') break;
      // Another request found the collector down meanwhile: no more tries.
      if (attempt > retries || collectorDown) {
        const attempts = `after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
        outcome = { kind: 'fail', reason: outcome.detail ? `${outcome.reason} ${attempts}: ${outcome.detail}` : `${outcome.reason} ${attempts}` };
        collectorDown = true;
        break;
      }
      const ceilingMs = Math.min(SEND_DEFAULTS.backoffCapMs, SEND_DEFAULTS.backoffBaseMs * 2 ** (attempt - 1));
      const waitMs = outcome.retryAfterMs ?? Math.floor(random() * ceilingMs);
      await sleep(Math.min(waitMs, SEND_DEFAULTS.backoffCapMs), signal);
      if (signal?.aborted) {
        outcome = { kind: 'aborted' };
        break;
      }
    }
    if (outcome.kind === 'aborted') fail(spans, 'interrupted');
    else if (outcome.kind === 'fail') fail(spans, outcome.reason);
    else if (outcome.kind === 'sent') {
      allowed = concurrency;
      const rejected = Math.min(spans, outcome.rejectedSpans);
      result.sentRequests += 1;
      result.sentSpans += spans - rejected;
      if (rejected > 0) {
        result.failedSpans += rejected;
        const detail = outcome.rejectMessage ? `: ${outcome.rejectMessage}` : '';
        result.firstError ??= `collector rejected ${formatCount(rejected, 'span')} of ${formatNumber(spans)}${detail}`;
      }
      options.onProgress?.(result.sentSpans, result.sentRequests);
    }
  };

  const inFlight = new Set<Promise<void>>();
  for await (const request of requests) {
    const spans = 'json' in request ? request.spans : countSpans(request);
    if (spans === 0) continue;
    // A request is only made when there is room for it (the caller makes them as they are taken).
    while (inFlight.size >= allowed) await Promise.race(inFlight);
    if (collectorDown) {
      fail(spans, 'not sent');
      continue;
    }
    if (signal?.aborted) break;
    const json = 'json' in request ? request.json : Buffer.from(JSON.stringify(request), 'utf8');
    const delivery: Promise<void> = deliver(json, spans).finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  }
  await Promise.all(inFlight);
  return result;
}

/**
 * The summary the CLI prints on stderr: `sent 12,345 spans in 25 requests`,
 * followed, when anything was not delivered, by a second line such as
 * `could not send 512 spans to http://host:4318/v1/traces: 400 Bad Request: …`.
 * Lines are joined with `\n`, without a final newline. The CLI exits 2 when
 * `failedSpans` is not zero.
 */
export function formatSendSummary(result: SendResult): string {
  const summary = `sent ${formatCount(result.sentSpans, 'span')} in ${formatCount(result.sentRequests, 'request')}`;
  if (result.failedSpans === 0 && result.failedRequests === 0) return summary;
  const reason = result.firstError ?? 'unknown error';
  return `${summary}\ncould not send ${formatCount(result.failedSpans, 'span')} to ${result.endpoint}: ${reason}`;
}

/**
 * One `--header 'name: value'` option as a name and a value with the
 * surrounding blanks removed. The name must be an HTTP token and not one of
 * the headers tracelog sets itself (Content-Type, Content-Encoding, …); the
 * value must not contain CR, LF or NUL. Error messages never include the value.
 *
 * @throws TracelogError `tracelog.usage`
 */
export function parseHeaderOption(text: string): { name: string; value: string } {
  const colon = text.indexOf(':');
  if (colon === -1) throw usage(`--header must look like 'name: value'`);
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  checkHeader(name, value);
  return { name, value };
}

/**
 * All `--header` options as one record. A name given twice (in any case) keeps
 * both values, joined with `, ` as HTTP combines repeated fields.
 *
 * @throws TracelogError `tracelog.usage`, as {@link parseHeaderOption}
 */
export function parseHeaderOptions(texts: readonly string[]): Record<string, string> {
  const headers = new Map<string, { name: string; value: string }>();
  for (const text of texts) {
    const { name, value } = parseHeaderOption(text);
    const key = name.toLowerCase();
    const previous = headers.get(key);
    headers.set(key, previous === undefined ? { name, value } : { name: previous.name, value: `${previous.value}, ${value}` });
  }
  return Object.fromEntries([...headers.values()].map(({ name, value }) => [name, value]));
}

/**
 * The URL requests go to, per {@link SendOptions.endpoint} (credentials kept).
 *
 * @throws TracelogError `tracelog.usage` when `endpoint` is not an http(s) URL.
 */
export function resolveTracesUrl(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    // The text is not echoed: it may hold a password.
    throw usage('--endpoint must be an http:// or https:// URL, e.g. http://localhost:4318');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usage(`--endpoint must be an http:// or https:// URL, not ${sanitizeText(url.protocol)}`);
  }
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1/traces') ? path : `${path}/v1/traces`;
  return url;
}

/** `url` without user name, password, query string or fragment: safe to print. */
export function redactUrl(url: URL): string {
  return sanitizeText(`${url.protocol}//${url.host}${url.pathname}`);
}

interface Target {
  url: string;
  display: string;
  headers: Record<string, string>;
  redact: (text: string) => string;
}

function resolveTarget(endpoint: string, headers: Readonly<Record<string, string>>): Target {
  const url = resolveTracesUrl(endpoint);
  const out: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    checkHeader(name, value);
    out[name] = value;
    secrets.push(value);
  }
  // fetch refuses a URL with credentials; send them as HTTP Basic instead.
  if (url.username !== '' || url.password !== '') {
    const user = safeDecode(url.username);
    const password = safeDecode(url.password);
    secrets.push(url.username, url.password, user, password);
    const hasAuthorization = Object.keys(out).some((name) => name.toLowerCase() === 'authorization');
    if (!hasAuthorization) {
      out.authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
      secrets.push(out.authorization);
    }
    url.username = '';
    url.password = '';
  }
  if (url.search !== '') {
    secrets.push(url.search.slice(1));
    for (const value of url.searchParams.values()) secrets.push(value);
  }
  const hidden = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_CHARS))].sort((a, b) => b.length - a.length);
  const redact = (text: string): string => hidden.reduce((acc, secret) => acc.split(secret).join('***'), text);
  return { url: url.href, display: redactUrl(url), headers: out, redact };
}

function checkHeader(name: string, value: string): void {
  if (!HEADER_NAME.test(name)) {
    throw usage(name === '' ? `--header must look like 'name: value'` : `--header name '${sanitizeText(name)}' is not a valid HTTP header name`);
  }
  if (RESERVED_HEADERS.has(name.toLowerCase())) throw usage(`--header cannot set ${name}: tracelog sets it for the body it sends`);
  if (BAD_HEADER_VALUE.test(value)) throw usage(`--header ${name} has a line break or NUL in its value`);
}

type Outcome =
  | { kind: 'sent'; rejectedSpans: number; rejectMessage: string }
  | { kind: 'retry'; reason: string; detail: string; retryAfterMs: number | null }
  | { kind: 'fail'; reason: string }
  | { kind: 'aborted' };

interface AttemptContext {
  fetch: typeof globalThis.fetch;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  now: () => number;
  redact: (text: string) => string;
}

async function attemptOnce(context: AttemptContext, body: Uint8Array): Promise<Outcome> {
  const timeout = AbortSignal.timeout(context.timeoutMs);
  const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await context.fetch(context.url, {
      method: 'POST',
      headers: context.headers,
      body,
      signal,
      redirect: 'manual',
    });
  } catch (err) {
    return classifyFailure(err, context, timeout);
  }
  try {
    text = await readBodyPrefix(response, MAX_RESPONSE_BYTES);
  } catch {
    // The status already says the collector took the data; a broken body does not undo that.
    if (response.ok) return { kind: 'sent', rejectedSpans: 0, rejectMessage: '' };
    if (context.signal?.aborted) return { kind: 'aborted' };
    text = '';
  }

  if (response.ok) return readPartialSuccess(text, context.redact);
  const status = describeStatus(response, text, context.redact);
  if (RETRYABLE_STATUS.has(response.status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), context.now());
    return { kind: 'retry', reason: status.line, detail: status.detail, retryAfterMs };
  }
  let reason = status.detail ? `${status.line}: ${status.detail}` : status.line;
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    reason += location ? ` (redirect to ${describeLocation(location, context.url, context.redact)} not followed; use it as --endpoint)` : ' (redirect not followed)';
  } else if (response.status === 413) {
    reason += ' (try a smaller --batch-bytes or --batch-spans)';
  }
  return { kind: 'fail', reason };
}

function classifyFailure(err: unknown, context: AttemptContext, timeout: AbortSignal): Outcome {
  if (context.signal?.aborted) return { kind: 'aborted' };
  if (timeout.aborted) {
    return { kind: 'retry', reason: `timed out (no response within ${formatMs(context.timeoutMs)})`, detail: '', retryAfterMs: null };
  }
  const code = findErrorCode(err);
  if (code !== null) {
    const retryable = RETRYABLE_CODES[code];
    if (retryable !== undefined) return { kind: 'retry', reason: retryable, detail: '', retryAfterMs: null };
    const fatal = FATAL_CODES[code];
    if (fatal !== undefined) return { kind: 'fail', reason: fatal };
  }
  const message = err instanceof Error ? innermostMessage(err) : String(err);
  const detail = clip(sanitizeText(context.redact(message)));
  return { kind: 'fail', reason: code === null ? `request failed: ${detail}` : `request failed (${sanitizeText(code)}): ${detail}` };
}

/** The first `code` on the error, its causes or (for a failed dual-stack connect) its aggregated errors. */
function findErrorCode(err: unknown, depth = 0): string | null {
  if (depth > 5 || err === null || typeof err !== 'object') return null;
  const record = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === 'string' && record.code !== '') return record.code;
  const fromCause = findErrorCode(record.cause, depth + 1);
  if (fromCause !== null) return fromCause;
  if (Array.isArray(record.errors)) {
    for (const inner of record.errors) {
      const code = findErrorCode(inner, depth + 1);
      if (code !== null) return code;
    }
  }
  return null;
}

function innermostMessage(err: Error): string {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause instanceof Error; depth++) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/** Reads at most `maxBytes` of the body, then cancels the rest so the connection is released. */
async function readBodyPrefix(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let done = false;
  try {
    while (size < maxBytes) {
      const chunk = await reader.read();
      if (chunk.done) {
        done = true;
        break;
      }
      chunks.push(chunk.value);
      size += chunk.value.byteLength;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/** OTLP/HTTP "Partial Success": a 200 whose body says some spans were dropped. */
function readPartialSuccess(text: string, redact: (text: string) => string): Outcome {
  const body = parseJsonObject(text);
  const partial = body?.partialSuccess;
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) return { kind: 'sent', rejectedSpans: 0, rejectMessage: '' };
  const { rejectedSpans, errorMessage } = partial as { rejectedSpans?: unknown; errorMessage?: unknown };
  // int64 comes as a decimal string in proto3 JSON; accept a number too.
  const rejected = typeof rejectedSpans === 'string' || typeof rejectedSpans === 'number' ? Number(rejectedSpans) : 0;
  const message = typeof errorMessage === 'string' ? firstLine(errorMessage, redact) : '';
  return { kind: 'sent', rejectedSpans: Number.isSafeInteger(rejected) && rejected > 0 ? rejected : 0, rejectMessage: message };
}

/** `400 Bad Request` and the body's first line (or a JSON `google.rpc.Status` message), escaped and clipped. */
function describeStatus(response: Response, text: string, redact: (text: string) => string): { line: string; detail: string } {
  const reason = sanitizeText(redact(response.statusText || (STATUS_CODES[response.status] ?? ''))).trim();
  const line = reason ? `${response.status} ${reason}` : String(response.status);
  const body = parseJsonObject(text);
  const message = body !== null && typeof body.message === 'string' ? body.message : text;
  return { line, detail: firstLine(message, redact) };
}

function describeLocation(location: string, base: string, redact: (text: string) => string): string {
  try {
    return redactUrl(new URL(location, base));
  } catch {
    return clip(sanitizeText(redact(location)));
  }
}

function firstLine(text: string, redact: (text: string) => string): string {
  const line = text.split(/\r?\n/).find((candidate) => candidate.trim() !== '') ?? '';
  return clip(sanitizeText(redact(line.trim())));
}

function clip(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; null when absent or unreadable. */
function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse accepts almost anything; only take what looks like an HTTP date ("Sun, 06 Nov 1994 …").
  if (!/^[A-Za-z]{3,9}, /.test(text)) return null;
  const dateMs = Date.parse(text);
  return Number.isNaN(dateMs) ? null : Math.max(0, dateMs - nowMs);
}

function countSpans(request: OtlpRequest): number {
  let spans = 0;
  for (const resource of request.resourceSpans) for (const scope of resource.scopeSpans) spans += scope.spans.length;
  return spans;
}

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleepFor(ms, undefined, signal ? { signal } : {});
  } catch {
    // Aborted: the caller checks the signal.
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function usage(message: string): TracelogError {
  return new TracelogError('tracelog.usage', message);
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatNumber(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatCount(n: number, noun: string): string {
  return `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`;
}
