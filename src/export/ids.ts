/**
 * Deterministic mapping from an id as written in a log (any text) to the
 * fixed-width lowercase hex that OTLP, Zipkin and Jaeger require, following
 * FORMATS.md C.2 rule by rule. Pure: sha256 from node:crypto is computation,
 * not I/O; results are cached per text.
 */
import { createHash } from 'node:crypto';
import { ownCopy } from '../strings.js';

/** How the id text was written. */
export interface IdOptions {
  /**
   * The id came from a Datadog `dd.*` field or was a JSON number, so an
   * all-digit text is decimal even when it is 16 characters long (C.2 rule 5
   * and its ambiguity note).
   */
  decimal?: boolean;
}

/** Original-id attribute (OTLP) / tag (Zipkin, Jaeger) keys, written when the mapped id differs from the text (C.2 "Also"). */
export const ORIGINAL_TRACE_ID_KEY = 'tracelog.original_trace_id';
export const ORIGINAL_SPAN_ID_KEY = 'tracelog.original_span_id';
export const ORIGINAL_PARENT_ID_KEY = 'tracelog.original_parent_id';
/** Marks a placeholder for a parent that never arrived (C.2 "Synthetic placeholder parents"). */
export const SYNTHETIC_KEY = 'tracelog.synthetic';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;
const DIGITS = /^[0-9]+$/;
const ZEROS = /^0+$/;
const HEX_PREFIX = /^0x/i;
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_UINT128 = (1n << 128n) - 1n;
const CACHE_LIMIT = 16_384;

type IdRole = 'trace32' | 'trace16or32' | 'span';

/** One cache per role and decimal flag, so lookups need no composite key. */
const CACHES: Record<IdRole, [Map<string, string>, Map<string, string>]> = {
  trace32: [new Map(), new Map()],
  trace16or32: [new Map(), new Map()],
  span: [new Map(), new Map()],
};

/**
 * A trace id as hex32 for OTLP: a 16-hex or decimal id is left-padded with 16
 * zeros (C.2 rules 4 and 5), a UUID loses its dashes (rule 3), and anything
 * else is the first 16 bytes of its sha256 (rule 7).
 */
export function toTraceIdHex32(text: string, options: IdOptions = {}): string {
  return mapCached('trace32', text, options.decimal === true);
}

/**
 * A trace id for Zipkin and Jaeger: hex16 when the input was 16 hex chars, a
 * decimal up to 2^64−1 or a hex of at most 16 chars; otherwise hex32 (C.2
 * rules 4–6: "keep 16 for Zipkin/Jaeger").
 */
export function toTraceIdHex16or32(text: string, options: IdOptions = {}): string {
  return mapCached('trace16or32', text, options.decimal === true);
}

/**
 * A span id as hex16: the last 16 hex chars of a UUID or hex32 (C.2 rules 3
 * and 4), a decimal as uint64 (rule 5), or the first 8 bytes of its sha256.
 */
export function toSpanIdHex16(text: string, options: IdOptions = {}): string {
  return mapCached('span', text, options.decimal === true);
}

/**
 * A parent id with the span-id rules (so it equals the parent's mapped span
 * id), or null when it means "no parent": null, empty, or all zeros with or
 * without `0x` (C.2 rule 1).
 */
export function toParentIdHex16(text: string | null, options: IdOptions = {}): string | null {
  if (text === null || isNoParent(text)) return null;
  return toSpanIdHex16(text, options);
}

/** True when a parent id text means "no parent" (C.2 rule 1). */
export function isNoParent(text: string): boolean {
  const s = text.trim().replace(HEX_PREFIX, '');
  return s === '' || ZEROS.test(s);
}

/**
 * Whether an id taken from a Span should be read as decimal. A Span does not
 * record whether its id came from `dd.*` or a JSON number, so an all-digit id
 * counts as decimal unless it is exactly 16 characters (the C.2 ambiguity note
 * keeps those hex). Ids of 32 digits still match rule 4 first.
 */
export function isDecimalIdText(text: string): boolean {
  const s = text.trim();
  return DIGITS.test(s) && s.length !== 16;
}

function mapCached(role: IdRole, text: string, decimal: boolean): string {
  const cache = CACHES[role][decimal ? 1 : 0];
  let hex = cache.get(text);
  if (hex === undefined) {
    hex = mapId(role, text, decimal);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    // An id is often a slice of its whole log line: a copy keeps only the id alive.
    cache.set(ownCopy(text), hex);
  }
  return hex;
}

function mapId(role: IdRole, text: string, decimal: boolean): string {
  const s = text.trim();
  const mapped = mapByRules(role, s, decimal);
  // A rule can yield zeros (a UUID whose low half is zero): invalid, so hash (rule 7).
  return mapped !== null && !ZEROS.test(mapped) ? mapped : hashId(role, s);
}

function mapByRules(role: IdRole, s: string, decimal: boolean): string | null {
  // Rule 1: empty or all zeros is no valid trace/span id; rule 7 hashes it.
  if (s === '' || ZEROS.test(s)) return null;
  // Rule 2: "0x" means hex (Python ConsoleSpanExporter), so the decimal rule no longer applies.
  const prefixed = HEX_PREFIX.test(s);
  const body = prefixed ? s.slice(2) : s;
  if (body === '' || ZEROS.test(body)) return null;
  // Rule 3: UUID.
  if (UUID.test(body)) {
    const hex = body.replace(/-/g, '').toLowerCase();
    return role === 'span' ? hex.slice(16) : hex;
  }
  const allDigits = DIGITS.test(body);
  // Rule 4: hex of exactly 16 or 32; 16 digits count as decimal only when flagged (ambiguity note).
  if (HEX.test(body) && (body.length === 32 || (body.length === 16 && !(decimal && allDigits && !prefixed)))) {
    const hex = body.toLowerCase();
    if (role === 'span') return hex.slice(-16);
    return role === 'trace32' ? hex.padStart(32, '0') : hex;
  }
  // Rule 5: decimal ≤ 2^64−1, or any all-digit text flagged decimal.
  if (allDigits && !prefixed && (decimal || body.length <= 20)) {
    const value = BigInt(body);
    if (value <= MAX_UINT64) return padHex(role, value.toString(16), 16);
    // Flagged decimals above 64 bits still fit a 128-bit trace id; spans hash.
    if (decimal && role !== 'span' && value <= MAX_UINT128) return value.toString(16).padStart(32, '0');
    return null;
  }
  // Rule 6: other hex lengths (not all digits unless 0x-prefixed), as Zipkin's normalizeTraceId.
  if (HEX.test(body) && (!allDigits || prefixed) && body.length < 32) {
    if (role === 'span') return body.length <= 16 ? body.toLowerCase().padStart(16, '0') : null;
    return padHex(role, body.toLowerCase(), body.length);
  }
  return null;
}

/** Pads a hex value of `width` significant chars: 16 wide for spans and short Zipkin/Jaeger trace ids, else 32. */
function padHex(role: IdRole, hex: string, width: number): string {
  if (role === 'span') return hex.padStart(16, '0');
  if (role === 'trace16or32' && width <= 16) return hex.padStart(16, '0');
  return hex.padStart(32, '0');
}

/** Rule 7: sha256 of the UTF-8 text; a zero result gets a last byte of 01. */
function hashId(role: IdRole, s: string): string {
  const digest = createHash('sha256').update(s, 'utf8').digest('hex');
  const hex = digest.slice(0, role === 'span' ? 16 : 32);
  return ZEROS.test(hex) ? `${hex.slice(0, -2)}01` : hex;
}

/** A span's ids mapped for one export format, with the original texts that differ from them. */
export interface MappedSpanIds {
  traceId: string;
  spanId: string;
  /** Null for a root, and for a parent text that means "no parent". */
  parentId: string | null;
  /** `[tracelog.original_*, original text]` for each id the mapping changed. */
  originals: Array<[string, string]>;
}

/**
 * Maps a span's trace, span and parent ids (trace id as hex32 for OTLP, or
 * hex16/hex32 for Zipkin and Jaeger) and lists the originals to record.
 */
export function mapSpanIds(
  span: { traceId: string; spanId: string; parentId: string | null; decimalIds?: boolean },
  traceWidth: 'hex32' | 'hex16or32',
): MappedSpanIds {
  // Ids logged as numbers or under dd.* are decimal even with 16 digits (C.2 rule 5).
  const decimal = (text: string): boolean => (span.decimalIds === true && /^\d{1,20}$/.test(text)) || isDecimalIdText(text);
  const traceOptions = { decimal: decimal(span.traceId) };
  const traceId =
    traceWidth === 'hex32' ? toTraceIdHex32(span.traceId, traceOptions) : toTraceIdHex16or32(span.traceId, traceOptions);
  const spanId = toSpanIdHex16(span.spanId, { decimal: decimal(span.spanId) });
  const parentId =
    span.parentId === null ? null : toParentIdHex16(span.parentId, { decimal: decimal(span.parentId) });
  const originals: Array<[string, string]> = [];
  if (traceId !== span.traceId) originals.push([ORIGINAL_TRACE_ID_KEY, span.traceId]);
  if (spanId !== span.spanId) originals.push([ORIGINAL_SPAN_ID_KEY, span.spanId]);
  if (span.parentId !== null && parentId !== span.parentId) originals.push([ORIGINAL_PARENT_ID_KEY, span.parentId]);
  return { traceId, spanId, parentId, originals };
}
