/**
 * LosslessNumber is a class, and structured clone keeps only plain data: a
 * worker thread sends each one as a one-entry Map (which no JSON text can
 * produce, so none can be forged) and the main thread turns it back. Pure.
 */
import { walkSpans } from '../trace/walk.js';
import { replaceValues } from '../extract/json.js';
import { LosslessNumber, type Trace } from '../types.js';

const KEY = 'lossless';

/** Replaces every LosslessNumber in a trace's tags and event fields; true if there was one. */
export function encodeLossless(trace: Trace): boolean {
  return mapTrace(trace, (v) => (v instanceof LosslessNumber ? new Map([[KEY, v.text]]) : undefined));
}

/** Undoes `encodeLossless` on a cloned trace. */
export function decodeLossless(trace: Trace): void {
  mapTrace(trace, (v) => (v instanceof Map ? new LosslessNumber(String(v.get(KEY))) : undefined));
}

function mapTrace(trace: Trace, replace: (value: unknown) => unknown): boolean {
  let changed = 0;
  walkSpans(trace, (span) => {
    changed += replaceValues(span.tags, replace);
    for (const event of span.events) changed += replaceValues(event.fields, replace);
  });
  return changed > 0;
}
