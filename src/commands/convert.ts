/**
 * `tracelog convert`: logs in, traces out — tracelog's span JSON (one span or
 * one trace a line), OTLP/JSON, Zipkin v2, Jaeger UI JSON or Chrome trace
 * events. Output streams trace by trace except for Chrome's, which lays out
 * lanes over the whole input (each trace kept as the texts of its events).
 */
import { Diagnostics } from '../diagnostics.js';
import { EXIT_USAGE, TracelogError } from '../errors.js';
import { ChromeTraceBuilder, chromeTraceText } from '../export/chrome.js';
import { OtlpTextWriter, toOtlpRequests, type OtlpOptions, type OtlpRequest, type OtlpRequestJson } from '../export/otlp.js';
import type { Trace } from '../types.js';
import type { Io } from './io.js';
import { eachTrace, STOP, streamTexts, streamTraces, toLoadOptions, withStagedInput, type FollowSettings, type InputOptions, type LoadOptions } from './load.js';
import { openOutput, type Output } from './output.js';
import { reportDiagnostics } from './report.js';
import { VERSION } from '../version.js';
import { traceText, type TextOutput } from '../parallel/written.js';
import { MEMORY_BYTES } from '../parallel/held.js';
import { memoryBytesSetting, openSpill } from '../parallel/spill.js';

export type ConvertFormat = 'spans' | 'traces' | 'otlp' | 'zipkin' | 'jaeger' | 'chrome';

export interface ConvertOptions extends InputOptions {
  format: ConvertFormat;
  output?: string;
  /** Emit each trace as it completes instead of after all input. */
  follow: FollowSettings | null;
  /** OTLP request bounds. */
  otlp?: OtlpOptions;
  /** Send OTLP/HTTP to this collector instead of writing. */
  endpoint?: string;
  headers?: string[];
  gzip?: boolean;
  timeoutMs?: number;
  retries?: number;
  /** Requests in flight at once (`--concurrency`). */
  concurrency?: number;
}

/** Turns traces into output text, piece by piece. */
interface FormatWriter {
  start(): string;
  /** Text for one trace (may be empty while a batch fills). */
  trace(trace: Trace): string | Uint8Array;
  /** The closing text, or pieces of it (a Chrome document is written event by event). */
  end(): string | Iterable<string | Uint8Array>;
  /**
   * For output that can be written as each trace's last line goes by (by worker threads
   * too): what is written of a trace (`traceText`), and what then goes out for it.
   */
  early?: { output: TextOutput; written(text: Uint8Array): Array<string | Uint8Array> };
}

/** OTLP requests as JSON lines, filled span by span (in follow mode, one or more per trace). */
function otlpWriter(options: OtlpOptions, follow: boolean): FormatWriter {
  const writer = new OtlpTextWriter(options);
  const output: TextOutput = { kind: 'otlp' };
  return {
    start: () => '',
    trace(trace) {
      writer.add(traceText(output, trace) ?? '');
      return Buffer.concat(writer.takeLines(follow));
    },
    end: () => writer.takeLines(true),
    early: {
      output,
      written(text) {
        writer.add(text);
        return writer.takeLines();
      },
    },
  };
}

/** A JSON array (Zipkin) or `{data:[…]}` (Jaeger) written element by element; JSONL in follow mode. */
function listWriter(open: string, close: string, output: TextOutput, follow: boolean): FormatWriter {
  let first = true;
  if (follow) {
    return {
      start: () => '',
      trace: (trace) => `${open}${traceText(output, trace) ?? ''}${close}\n`,
      end: () => '',
    };
  }
  // Commas go between the traces that have elements.
  const separated = <T>(text: T): Array<string | T> => {
    const pieces = first ? [text] : [',', text];
    first = false;
    return pieces;
  };
  return {
    start: () => open,
    trace(trace) {
      const text = traceText(output, trace);
      return text === null ? '' : separated(text).join('');
    },
    end: () => `${close}\n`,
    early: { output, written: separated },
  };
}

function* withNewline(pieces: Iterable<string>): Generator<string> {
  yield* pieces;
  yield '\n';
}

/**
 * Chrome: one document a trace when following. Otherwise one for all input, made by
 * `runConvert` from traces taken as their last line goes by (`writeChromeDocument`).
 */
function chromeWriter(): FormatWriter {
  return {
    start: () => '',
    trace: (trace) => `${[...chromeTraceText([trace])].join('')}\n`,
    end: () => '',
  };
}

/**
 * The one Chrome document for all input. Each trace is kept only as the texts of its
 * events (ChromeTraceBuilder: in memory, then a temporary file), taken as soon as its last
 * line has gone by where the input allows (`eachTrace`), so the traces themselves never
 * all wait in memory.
 */
async function writeChromeDocument(options: ConvertOptions, out: Output, io: Io, diagnostics: Diagnostics): Promise<void> {
  const sink = await eachTrace(convertLoadOptions(options), null, io, diagnostics, () => {
    const builder = new ChromeTraceBuilder(() => openSpill(), memoryBytesSetting(io.env, MEMORY_BYTES));
    return { builder, add: (trace: Trace, firstAppearance?: number) => builder.add(trace, firstAppearance) };
  });
  for (const piece of withNewline(sink.builder.text())) await out.writer.write(piece);
}

function spanWriter(format: 'spans' | 'traces'): FormatWriter {
  const output: TextOutput = { kind: format === 'traces' ? 'trace-json' : 'spans' };
  return {
    start: () => '',
    trace: (trace) => traceText(output, trace)!,
    end: () => '',
    early: { output, written: (text) => [text] },
  };
}

export function formatWriter(format: ConvertFormat, follow: boolean, otlp: OtlpOptions = {}): FormatWriter {
  switch (format) {
    case 'spans':
    case 'traces':
      return spanWriter(format);
    case 'otlp':
      return otlpWriter(otlp, follow);
    case 'zipkin':
      return listWriter('[', ']', { kind: 'zipkin' }, follow);
    case 'jaeger':
      return listWriter('{"data":[', '],"total":0,"limit":0,"offset":0,"errors":null}', { kind: 'jaeger' }, follow);
    case 'chrome':
      return chromeWriter();
  }
}

export async function runConvert(options: ConvertOptions, io: Io): Promise<number> {
  if (options.endpoint !== undefined) return runSend(options, io);
  const diagnostics = new Diagnostics();
  const out = openOutput(options.output, io);
  const writer = formatWriter(options.format, options.follow !== null, { scopeVersion: VERSION, ...options.otlp });
  let ok = false;
  try {
    await out.writer.write(writer.start());
    const early = options.follow ? undefined : writer.early;
    const writeTraces = async (load: LoadOptions): Promise<void> => {
      const texts = early && (await streamTexts(load, early.output, io, diagnostics));
      if (texts) {
        for (const [text, problems] of texts) {
          // A reader that went away (`| head`) has seen enough: nothing more is written or reported.
          if (out.writer.closed || io.signal?.aborted) break;
          diagnostics.problems.push(...problems);
          if (text === null) continue;
          for (const piece of early.written(text)) await out.writer.write(piece);
        }
      } else await streamTraces(load, options.follow, io, diagnostics, async (trace) => {
        // A reader that went away (`| head`) has seen enough: stop reading too.
        if (out.writer.closed) return STOP;
        const text = writer.trace(trace);
        if (text.length > 0) await out.writer.write(text);
        // Live output: each trace reaches the reader as soon as it is complete.
        if (options.follow) await out.writer.flush();
        return out.writer.closed ? STOP : undefined;
      });
    };
    if (options.format === 'chrome' && !options.follow) await writeChromeDocument(options, out, io, diagnostics);
    // Read whole, stdin, gzip files and pipes are read from a plain copy (load.ts withStagedInput).
    else if (options.follow) await writeTraces(convertLoadOptions(options));
    else await withStagedInput(convertLoadOptions(options), io, diagnostics, writeTraces);
    const end = writer.end();
    for (const piece of typeof end === 'string' ? [end] : end) await out.writer.write(piece);
    // Sources that could not be read are reported; what the others gave is still written whole.
    ok = !io.signal?.aborted;
  } finally {
    await out.close(ok);
  }
  if (io.signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(io.signal.reason) || 130);
  return reportDiagnostics(diagnostics, io, options.quiet || out.writer.closed);
}

/**
 * Tags are read as JSON text, without building objects: span JSON writes that text as it is,
 * and the other formats parse it back as each trace is written (export/values.ts `spanTags`),
 * so the traces in flight weigh far less.
 */
function convertLoadOptions(options: ConvertOptions): LoadOptions {
  return { ...toLoadOptions(options), fields: 'text' };
}

/**
 * Traces sent are turned into OTLP requests a few batches at a time: only the last
 * request of each group can be short, so few requests are nearly empty.
 */
const BATCHES_PER_FLUSH = 8;

/** Requests made ahead of the one being sent, at most. */
const MAX_QUEUED_REQUESTS = 4;

/**
 * `--endpoint`: OTLP requests are produced as traces complete and POSTed, several at
 * a time (`--concurrency`); the closing line says how many spans arrived. Exit 2 if any did not. Input read
 * whole goes as `--format otlp` writes it (the same requests, from traces written as their
 * last line goes by, by worker threads when large), made only as fast as they are sent.
 */
async function runSend(options: ConvertOptions, io: Io): Promise<number> {
  const { sendOtlp, formatSendSummary, parseHeaderOptions } = await import('../output/send-otlp.js');
  const headers = parseHeaderOptions(options.headers ?? []);
  const diagnostics = new Diagnostics();
  const otlp = { scopeVersion: VERSION, ...options.otlp };
  const maxSpans = otlp.maxSpans ?? 512;

  // Requests flow from the reader to the sender through a small queue.
  const queue: Array<OtlpRequest | OtlpRequestJson> = [];
  let done = false;
  let wake: (() => void) | null = null;
  let taken: (() => void) | null = null;
  const enqueue = (requests: ReadonlyArray<OtlpRequest | OtlpRequestJson>): void => {
    if (requests.length === 0) return;
    queue.push(...requests);
    wake?.();
  };
  async function* requests(): AsyncGenerator<OtlpRequest | OtlpRequestJson> {
    while (true) {
      const next = queue.shift();
      taken?.();
      if (next) yield next;
      else if (done) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  const progress = io.stderrIsTTY
    ? (spans: number, requestCount: number) => io.stderr.write(`\rtracelog: sent ${spans.toLocaleString('en-US')} spans in ${requestCount.toLocaleString('en-US')} requests`)
    : undefined;
  const sending = sendOtlp(requests(), {
    endpoint: options.endpoint!,
    headers,
    gzip: options.gzip,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    concurrency: options.concurrency,
    onProgress: progress,
    signal: io.signal,
  });
  let stopped = false;
  const sendingEnds = sending.then(
    () => void (stopped = true),
    () => void (stopped = true),
  );
  const textWriter = new OtlpTextWriter(otlp);
  let pending: Trace[] = [];
  let pendingSpans = 0;
  const flush = (): void => {
    enqueue(toOtlpRequests(pending, otlp));
    pending = [];
    pendingSpans = 0;
  };
  const send = async (load: LoadOptions): Promise<void> => {
    const texts = !options.follow && (await streamTexts(load, { kind: 'otlp' }, io, diagnostics));
    if (texts) {
      for (const [text, problems] of texts) {
        diagnostics.problems.push(...problems);
        if (text === null) continue;
        textWriter.add(text);
        enqueue(textWriter.takeRequests());
        // Made only as fast as they go: the rest waits as written text (memory, then a temporary file).
        while (queue.length > MAX_QUEUED_REQUESTS && !stopped) await Promise.race([new Promise<void>((resolve) => (taken = resolve)), sendingEnds]);
        taken = null;
        // The sender gave up (interrupted, or an endpoint it cannot use): reading stops too.
        if (stopped) break;
      }
      enqueue(textWriter.takeRequests(true));
    } else await streamTraces(load, options.follow, io, diagnostics, (trace) => {
      pending.push(trace);
      pendingSpans += trace.spanCount;
      if (options.follow || pendingSpans >= maxSpans * BATCHES_PER_FLUSH) flush();
    });
  };
  try {
    if (options.follow) await send(toLoadOptions(options));
    else await withStagedInput({ ...toLoadOptions(options), fields: 'text' }, io, diagnostics, send);
  } finally {
    flush();
    done = true;
    (wake as (() => void) | null)?.();
  }
  const result = await sending;
  if (progress) io.stderr.write('\r\x1b[K');
  if (io.signal?.aborted) throw new TracelogError('tracelog.interrupted', 'interrupted', Number(io.signal.reason) || 130);
  const status = reportDiagnostics(diagnostics, io, options.quiet);
  for (const line of formatSendSummary(result).split('\n')) io.stderr.write(`tracelog: ${line}\n`);
  return result.failedSpans > 0 ? EXIT_USAGE : status;
}
