/**
 * A string of its own. V8 makes a slice of a longer string (a regular expression's match, a
 * `slice`) point into that string, so a small kept slice keeps the whole of it alive: an id
 * taken from a log line, the line itself, a 64 KiB read chunk. A copy holds only its own
 * characters. Pure.
 */
export function ownCopy(text: string): string {
  // Joining flattens into a new string; slicing off the added character leaves the copy.
  return (' ' + text).slice(1);
}
