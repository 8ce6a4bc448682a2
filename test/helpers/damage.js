/**
 * Seeded random byte mutations of a log: fragments inserted, runs deleted, bytes replaced.
 * Returns `rounds` damaged copies of `base` (Latin-1 bytes), one PRNG across them all.
 */
export function damagedLogs(base, { seed, rounds, mutations, insertions }) {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
  const out = [];
  for (let round = 0; round < rounds; round++) {
    let text = base;
    for (let k = 0; k < mutations; k++) {
      const at = Math.floor(random() * text.length);
      const r = random();
      if (r < 0.4) text = text.slice(0, at) + insertions[Math.floor(random() * insertions.length)] + text.slice(at);
      else if (r < 0.7) text = text.slice(0, at) + text.slice(at + Math.floor(random() * 20));
      else text = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 256)) + text.slice(at + 1);
    }
    out.push(Buffer.from(text, 'latin1'));
  }
  return out;
}
