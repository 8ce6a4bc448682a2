// A small distributed application traced with the real OpenTelemetry JS SDK and
// logged with real pino, as ground truth for end-to-end tests. Four services
// (one BasicTracerProvider each, service.name on the Resource) record spans into
// InMemorySpanExporters; a span processor writes one pino line per ended span,
// and a pino mixin adds trace_id/span_id/trace_flags of the active span to every
// ordinary log line, as @opentelemetry/instrumentation-pino does.
// (The test runner also loads this file on its own, so it does nothing at import.)
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';

const require = createRequire(import.meta.url);

/** The services of the application; each spells the times of its span lines its own way (timeFields). */
export const SERVICES = ['frontend', 'cart', 'inventory', 'payment'];

/** hrTime [s, ns] → BigInt ns. */
export function hrTimeToNs([seconds, nanos]) {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

/** Epoch ns → RFC 3339 with all nine fractional digits. */
export function nsToIso(ns) {
  const seconds = ns / 1_000_000_000n;
  const base = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d+Z$/, '');
  return `${base}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/**
 * The start and duration fields of a span line, in a different supported
 * convention per service (FORMATS.md A.3, A.4), all exact to the ns.
 */
function timeFields(service, startNs, durationNs) {
  switch (service) {
    case 'frontend':
      return { start_time: nsToIso(startNs), duration_ns: Number(durationNs) };
    case 'cart':
      // OTLP-style decimal-string ns; float ms written by JSON keeps every ns digit below 1e6 ms.
      return { start_time: startNs.toString(), duration_ms: Number(durationNs) / 1e6 };
    case 'inventory':
      return { startTimeUnixNano: startNs.toString(), endTimeUnixNano: (startNs + durationNs).toString() };
    default:
      return { start_time: nsToIso(startNs), duration: `${durationNs}ns` };
  }
}

/** A SpanProcessor that logs each ended span as one pino line. */
class SpanLogProcessor {
  constructor(logger) {
    this.logger = logger;
  }
  onStart() {}
  onEnd(span) {
    const ctx = span.spanContext();
    const service = span.resource.attributes['service.name'];
    const status = { code: SpanStatusCode[span.status.code] };
    if (span.status.message !== undefined) status.message = span.status.message;
    this.logger.info(
      {
        trace_id: ctx.traceId,
        span_id: ctx.spanId,
        ...(span.parentSpanContext ? { parent_id: span.parentSpanContext.spanId } : {}),
        name: span.name,
        'service.name': service,
        ...timeFields(service, hrTimeToNs(span.startTime), hrTimeToNs(span.duration)),
        kind: SpanKind[span.kind],
        status,
      },
      'span ended',
    );
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

/** A remote parent context, as W3C propagation extracts it on the receiving side. */
function remoteContext(clientSpan) {
  return trace.setSpanContext(ROOT_CONTEXT, { ...clientSpan.spanContext(), isRemote: true });
}

/**
 * Runs the application once and returns what the SDK recorded.
 * `logPath`: the file pino writes to (created). Resolves to
 * `{ spans, logPath, expectedEvents }`: every ended ReadableSpan of every service, and the
 * plain log lines written inside spans as `{ spanId, msg }`.
 */
export async function produceTelemetry(logPath) {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const destination = pino.destination({ dest: logPath, sync: true });
  // The span log: its own logger, no mixin, so a span line carries exactly its own ids.
  const spanLogger = pino({ base: { pid: process.pid, hostname: 'producer' } }, destination);
  // The application log, with the instrumentation-pino style mixin.
  const logger = pino(
    {
      base: { pid: process.pid, hostname: 'producer' },
      mixin() {
        const span = trace.getSpan(context.active());
        if (!span) return {};
        const ctx = span.spanContext();
        return { trace_id: ctx.traceId, span_id: ctx.spanId, trace_flags: ctx.traceFlags.toString(16).padStart(2, '0') };
      },
    },
    destination,
  );

  const exporters = new Map();
  const tracers = new Map();
  const providers = [];
  for (const service of SERVICES) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(exporter), new SpanLogProcessor(spanLogger)],
    });
    exporters.set(service, exporter);
    tracers.set(service, provider.getTracer(`${service}-app`, '1.0.0'));
    providers.push(provider);
  }
  const expectedEvents = [];
  const log = (msg, fields = {}, level = 'info') => {
    const span = trace.getSpan(context.active());
    logger[level](fields, msg);
    if (span) expectedEvents.push({ spanId: span.spanContext().spanId, msg });
  };
  const tracer = (service) => tracers.get(service);

  /** `fn` inside a new active span of `service`, ended when `fn` settles. */
  const inSpan = (service, name, options, fn, parentContext = context.active()) =>
    tracer(service).startActiveSpan(name, options, parentContext, async (span) => {
      try {
        return await fn(span);
      } finally {
        span.end();
      }
    });

  /** A client span in `from` and the server span it causes in `to`, linked as by propagation headers. */
  const call = (from, to, route, handler) =>
    inSpan(from, `POST ${route}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', 'url.path': route } }, async (client) => {
      try {
        const result = await inSpan(to, route, { kind: SpanKind.SERVER }, handler, remoteContext(client));
        client.setAttribute('http.response.status_code', 200);
        return result;
      } catch (err) {
        client.setAttribute('http.response.status_code', 502);
        client.setStatus({ code: SpanStatusCode.ERROR, message: `upstream ${to} failed` });
        throw err;
      }
    });

  // The deeper chain: cart → inventory → its database.
  const reserve = async () => {
    log('reserving items', { items: 3 });
    await inSpan('cart', 'validate cart', { kind: SpanKind.INTERNAL }, async () => {
      await sleep(2);
      log('cart valid');
    });
    await call('cart', 'inventory', '/inventory/check', async () => {
      await inSpan('inventory', 'SELECT stock', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }, async () => {
        await sleep(3);
        log('stock rows fetched', { rows: 3 });
      });
      log('stock ok');
    });
  };
  // The failing branch: the payment server records an exception and an ERROR status.
  const charge = async (span) => {
    await inSpan('payment', 'fraud score', { kind: SpanKind.INTERNAL }, async () => {
      await sleep(1);
    });
    await sleep(2);
    const err = new Error('card declined');
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    log('charge failed', { err }, 'error');
    throw err;
  };

  logger.info('server listening'); // outside any span: no trace fields
  await inSpan('frontend', 'GET /checkout', { kind: SpanKind.SERVER, attributes: { 'http.route': '/checkout' } }, async (root) => {
    log('checkout started', { user: 'u1' });
    // Two backends in parallel: their spans overlap in time.
    const results = await Promise.allSettled([call('frontend', 'cart', '/cart/reserve', reserve), call('frontend', 'payment', '/payment/charge', charge)]);
    if (results.some((r) => r.status === 'rejected')) {
      root.setStatus({ code: SpanStatusCode.ERROR, message: 'checkout failed' });
      log('checkout failed', {}, 'warn');
    }
  }, ROOT_CONTEXT);
  // A second, successful trace that runs while nothing else does.
  await inSpan('frontend', 'GET /cart', { kind: SpanKind.SERVER }, async () => {
    await call('frontend', 'cart', '/cart/view', async () => {
      await sleep(1);
      log('cart viewed');
    });
  }, ROOT_CONTEXT);
  logger.info('server stopping');

  const spans = [];
  for (const [, exporter] of exporters) spans.push(...exporter.getFinishedSpans());
  await Promise.all(providers.map((p) => p.shutdown()));
  destination.flushSync();
  contextManager.disable();
  context.disable();
  return { spans, logPath, expectedEvents };
}

/**
 * The spans as OTLP/JSON text written by the real @opentelemetry/otlp-transformer
 * 0.52.1 `JsonTraceSerializer` (what the OTLP/HTTP JSON exporter sends). That
 * version reads SDK 1.x span fields, so each SDK 2.x span is presented with
 * `parentSpanId` and `instrumentationLibrary` as well; nothing else changes.
 */
export function serializeWithOtlpTransformer(spans) {
  const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const asSdk1 = spans.map((span) => ({
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanId: span.parentSpanContext?.spanId,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationLibrary: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  }));
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(asSdk1));
}
