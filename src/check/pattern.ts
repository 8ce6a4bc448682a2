/**
 * Operation patterns for check rules: `SERVICE:NAME` globs (`db:*`,
 * `*:GET /checkout*`) or a bare `NAME` glob that matches any service; `*` is
 * any run of characters, `?` exactly one, `\` makes the next one literal. Pure.
 */

/** A compiled pattern and the figures that rank it against others. */
export interface OperationPattern {
  /** The pattern as written. */
  text: string;
  /** Null for a bare name pattern: any service, including none. */
  service: RegExp | null;
  name: RegExp;
  /** Characters that must match literally, service and name together. */
  literalChars: number;
  /** `*` and `?` count; a bare name pattern counts its implied service `*` as one. */
  wildcards: number;
}

interface GlobPart {
  regexp: RegExp;
  literalChars: number;
  wildcards: number;
}

/** Splits at the first `:` not escaped by `\`; null when there is none. */
function splitPattern(text: string): [string, string] | null {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === ':') return [text.slice(0, i), text.slice(i + 1)];
  }
  return null;
}

function compileGlob(glob: string): GlobPart {
  let source = '';
  let literalChars = 0;
  let wildcards = 0;
  const chars = Array.from(glob);
  for (let i = 0; i < chars.length; i++) {
    let c = chars[i]!;
    if (c === '*') {
      wildcards++;
      source += '.*';
      continue;
    }
    if (c === '?') {
      wildcards++;
      source += '.';
      continue;
    }
    if (c === '\\' && i + 1 < chars.length) c = chars[++i]!;
    literalChars++;
    // Only syntax characters and `/` may be escaped under the `u` flag.
    source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  // s: names may hold newlines; u: `?` is one code point, not half a surrogate pair.
  return { regexp: new RegExp(`^${source}$`, 'su'), literalChars, wildcards };
}

/** Compiles a rule pattern. Throws a RangeError for an empty pattern. */
export function compilePattern(text: string): OperationPattern {
  if (text.length === 0) throw new RangeError('empty pattern');
  const parts = splitPattern(text);
  if (parts === null) {
    const name = compileGlob(text);
    return { text, service: null, name: name.regexp, literalChars: name.literalChars, wildcards: name.wildcards + 1 };
  }
  const service = compileGlob(parts[0]);
  const name = compileGlob(parts[1]);
  return {
    text,
    service: service.regexp,
    name: name.regexp,
    literalChars: service.literalChars + name.literalChars,
    wildcards: service.wildcards + name.wildcards,
  };
}

/** Whether a span's service and name match; a missing service or name is the empty string. */
export function matchesPattern(pattern: OperationPattern, service: string | null, name: string | null): boolean {
  if (pattern.service !== null && !pattern.service.test(service ?? '')) return false;
  return pattern.name.test(name ?? '');
}

/**
 * Orders two patterns by specificity: positive when `a` is more specific.
 * More literal characters wins, then fewer wildcards; equal patterns compare 0
 * (the caller then prefers the later rule).
 */
export function compareSpecificity(a: OperationPattern, b: OperationPattern): number {
  if (a.literalChars !== b.literalChars) return a.literalChars - b.literalChars;
  return b.wildcards - a.wildcards;
}
