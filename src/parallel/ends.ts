/**
 * Where each trace's last line is. Read once before the real read of a file, it
 * lets a trace be finished, written and let go as soon as its last line has gone
 * by, so memory holds the traces in flight instead of the whole input. Each line's
 * trace ids are found in the raw text (route.ts); only a line naming none is
 * parsed. A line that names a trace counts for it even when its record turns out
 * to be another's: that only keeps the trace longer. The real read checks every
 * record against these ends (`TraceEnds.covers`); one that falls after its trace's
 * end means the raw text misled, and the caller reads again without them.
 */
import { Diagnostics } from '../diagnostics.js';
import { TracelogError } from '../errors.js';
import type { Io } from '../commands/io.js';
import { readRecords, type LoadOptions } from '../commands/load.js';
import { traceIdsIn } from './route.js';

/** Lines needing a parse before giving up: past this, at most one in PARSED_SHARE may. */
const PARSED_FREE = 4096;
const PARSED_SHARE = 8;

/** Stops the scan: the ends cannot be known cheaply. */
class GiveUp extends TracelogError {
  constructor() {
    super('tracelog.oneThread', 'trace ends not found in the raw text');
  }
}

/** The place (0-based, over all files) of each trace's last line, in the order they come. */
export class TraceEnds {
  private readonly ids: string[];
  private readonly places: number[];
  private next = 0;

  constructor(private readonly last: Map<string, number>) {
    const entries = [...last].sort((a, b) => a[1] - b[1]);
    this.ids = entries.map(([id]) => id);
    this.places = entries.map(([, place]) => place);
  }

  /** True when a record of `traceId` on line `place` comes no later than its trace's end. */
  covers(traceId: string, place: number): boolean {
    const last = this.last.get(traceId);
    return last !== undefined && last >= place;
  }

  /** The traces whose last line comes before line `place`, each once, in order of their ends. */
  *endedBefore(place: number): Generator<string> {
    while (this.next < this.ids.length && this.places[this.next]! < place) yield this.ids[this.next++]!;
  }
}

/**
 * Reads the files of `options` (a regular file each, read up to `options.fileBytes`)
 * and finds the last line of every trace `keep` accepts. Null when that cannot be
 * known cheaply: a whole JSON document, or many lines whose trace the raw text
 * does not name (each would be parsed twice).
 */
export async function findTraceEnds(options: LoadOptions, keep: (traceId: string) => boolean, io: Io): Promise<TraceEnds | null> {
  const last = new Map<string, number>();
  let place = -1;
  let parsed = 0;
  const note = (id: string): void => {
    if (last.has(id)) last.set(id, place);
    // An id found by a regular expression is a slice of its line, and would keep the line alive.
    else if (keep(id)) last.set((' ' + id).slice(1), place);
  };
  const scan: LoadOptions = {
    ...options,
    strict: false,
    fields: 'none',
    lineFilter(text) {
      place++;
      if (text === null) return false;
      const ids = traceIdsIn(text);
      if (ids.length > 0) {
        for (const id of ids) note(id);
        return false;
      }
      if (++parsed > PARSED_FREE && parsed * PARSED_SHARE > place) throw new GiveUp();
      return true;
    },
    onDocument() {
      throw new GiveUp();
    },
  };
  try {
    await readRecords(scan, { ...io, stdinIsTTY: false }, new Diagnostics(), (record) => note(record.traceId));
  } catch (err) {
    if (err instanceof GiveUp) return null;
    throw err;
  }
  return new TraceEnds(last);
}
