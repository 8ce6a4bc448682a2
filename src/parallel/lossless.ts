/**
 * LosslessNumber is a class, and structured clone keeps only plain data: a
 * worker thread sends each one as a one-entry Map (which no JSON text can
 * produce, so none can be forged) and the main thread turns it back. Pure.
 */
import { walkSpans } from '../trace/walk.js';
import { LosslessNumber, type Fields, type JsonValue, type Trace } from '../types.js';

const KEY = 'lossless';

/** Replaces every LosslessNumber in a trace's tags and event fields; true if there was one. */
export function encodeLossless(trace: Trace): boolean {
  return mapTrace(trace, (v) => (v instanceof LosslessNumber ? new Map([[KEY, v.text]]) : undefined));
}

/** Undoes `encodeLossless` on a cloned trace. */
export function decodeLossless(trace: Trace): void {
  mapTrace(trace, (v) => (v instanceof Map ? new LosslessNumber(String(v.get(KEY))) : undefined));
}

type Replace = (value: unknown) => unknown;

function mapTrace(trace: Trace, replace: Replace): boolean {
  let changed = false;
  walkSpans(trace, (span) => {
    if (mapValues(span.tags, replace)) changed = true;
    for (const event of span.events) if (mapValues(event.fields, replace)) changed = true;
  });
  return changed;
}

/** Replaces values at any depth of an object or array, without recursion. */
function mapValues(root: Fields | JsonValue[], replace: Replace): boolean {
  let changed = false;
  const stack: Array<Fields | JsonValue[]> = [root];
  while (stack.length > 0) {
    const container = stack.pop()! as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const value = container[key];
      if (value === null || typeof value !== 'object') continue;
      const next = replace(value);
      if (next !== undefined) {
        // An own data property: assignment never reaches a setter, even for "__proto__".
        Object.defineProperty(container, key, { value: next, enumerable: true, writable: true, configurable: true });
        changed = true;
      } else stack.push(value as Fields);
    }
  }
  return changed;
}
