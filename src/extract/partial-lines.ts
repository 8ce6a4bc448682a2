/**
 * Long lines that a container runtime wrote in parts, joined back so the application's
 * line is read whole. Pure.
 *
 * - CRI (containerd, CRI-O: /var/log/pods/…, /var/log/containers/*.log) writes each line as
 *   `<time> <stream> <tag> <content>`; a line longer than 16 KiB comes in parts, each
 *   tagged `P` but the last (`F`).
 * - Docker's json-file driver (/var/lib/docker/containers/…-json.log) writes
 *   `{"log":"<content>","stream":"stdout","time":"…"}`; a line longer than 16 KiB comes in
 *   records of 16 KiB whose content does not end with the line's newline (`\n`), then one
 *   that does.
 */

/** A CRI line's prefix: RFC 3339 time, stream, tag (P partial, F full), then the content. */
const CRI_PREFIX = /^\d{4}-\d\d-\d\dT\S+ (stdout|stderr) ([PF])(?: |$)/;
const DOCKER_HEAD = '{"log":"';
const DOCKER_STREAM = '","stream":"';
/** The runtimes' buffer: a part is this long (Docker's json-file record of a partial line). */
const PART_BYTES = 16 * 1024;

/**
 * True when a line may be a part of a longer line, not its last (a CRI `P` line, a Docker
 * record of 16 KiB whose content does not end with a newline). Cheap for other lines.
 */
export function isPartialLine(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c === 0x7b && text.length < PART_BYTES / 4) return false;
  return partOf(text)?.partial === true;
}

interface Part {
  /** `cri stdout`, `docker stderr`, … : parts join within one stream of one format. */
  stream: string;
  partial: boolean;
  /** What a later part adds to the line. */
  content: string;
  /** Docker: the rest of the record after the content (`","stream":…}`); the last part's ends the line. */
  tail: string;
}

function partOf(text: string): Part | null {
  const c = text.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) {
    const m = CRI_PREFIX.exec(text);
    return m === null ? null : { stream: `cri ${m[1]}`, partial: m[2] === 'P', content: text.slice(m[0].length), tail: '' };
  }
  if (c !== 0x7b /* { */ || !text.startsWith(DOCKER_HEAD)) return null;
  const at = text.lastIndexOf(DOCKER_STREAM);
  if (at < 0) return null;
  const stream = text.startsWith('stdout"', at + DOCKER_STREAM.length) ? 'stdout' : text.startsWith('stderr"', at + DOCKER_STREAM.length) ? 'stderr' : null;
  if (stream === null) return null;
  const content = text.slice(DOCKER_HEAD.length, at);
  // A part short of the buffer ends its line, newline or not (a last line without one).
  const partial = !endsWithNewlineEscape(content) && Buffer.byteLength(content) >= PART_BYTES;
  return { stream: `docker ${stream}`, partial, content, tail: text.slice(at) };
}

/** True when JSON string content ends with the escape `\n` (an odd run of backslashes before the `n`). */
function endsWithNewlineEscape(content: string): boolean {
  if (!content.endsWith('\\n')) return false;
  let n = 0;
  for (let i = content.length - 2; i >= 0 && content.charCodeAt(i) === 0x5c; i--) n++;
  return n % 2 === 1;
}

interface Pending {
  /** The line so far: the first part whole (CRI) or up to its content's end (Docker). */
  parts: string[];
  /** Docker: what closes the record (the latest part's tail). */
  tail: string;
  line: number;
  chars: number;
  /** Longer than the cap: its parts are dropped until its last one, and it counts as too long. */
  tooLong: boolean;
}

/** Joins the parts of long lines; lines of any other shape pass through. */
export class PartialLines {
  private readonly pending = new Map<string, Pending>();

  /** `maxChars`: a joined line longer than this is too long, as any line over the cap. */
  constructor(private readonly maxChars: number) {}

  /**
   * Takes one line; calls `emit` with each line to read now — this one, or the line its
   * parts make, numbered as its first part (null text: too long) — and nothing while a
   * partial line waits for its end.
   */
  push(text: string, line: number, emit: (text: string | null, line: number) => void): void {
    const part = partOf(text);
    if (part === null) return emit(text, line);
    const open = this.pending.get(part.stream);
    if (open === undefined) {
      if (!part.partial) return emit(text, line);
      // The first part whole; for Docker without its tail, which the last part brings.
      const first = part.tail === '' ? text : text.slice(0, text.length - part.tail.length);
      this.pending.set(part.stream, { parts: [first], tail: part.tail, line, chars: text.length, tooLong: false });
      return;
    }
    if (!open.tooLong) {
      open.chars += part.content.length;
      if (open.chars > this.maxChars) {
        open.tooLong = true;
        open.parts = [];
      } else open.parts.push(part.content);
    }
    open.tail = part.tail;
    if (part.partial) return;
    this.pending.delete(part.stream);
    emit(joined(open), open.line);
  }

  /** At the end of a source: a line whose last part never came is read as far as it got. */
  flush(emit: (text: string | null, line: number) => void): void {
    for (const open of this.pending.values()) emit(joined(open), open.line);
    this.pending.clear();
  }
}

function joined(open: Pending): string | null {
  return open.tooLong ? null : open.parts.join('') + open.tail;
}
