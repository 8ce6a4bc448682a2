/**
 * Decides the colour level (0–3) from the flag, the environment and the
 * terminal: --color/--no-color first, then NO_COLOR and FORCE_COLOR, then
 * whether the output is a terminal and what it says it supports.
 */
import type { Io } from './io.js';

export type ColorLevel = 0 | 1 | 2 | 3;

function terminalLevel(env: NodeJS.ProcessEnv): ColorLevel {
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (env.TERM === 'dumb') return 0;
  if (/-256(color)?$/i.test(env.TERM ?? '')) return 2;
  return 1;
}

/** `flag` is true for --color, false for --no-color, undefined when neither was given. */
export function resolveColorLevel(io: Io, flag: boolean | undefined, isTTY = io.stdoutIsTTY): ColorLevel {
  if (flag === false) return 0;
  const force = io.env.FORCE_COLOR;
  const forced = force === '1' || force === '2' || force === '3' ? (Number(force) as ColorLevel) : null;
  if (flag === true) return forced ?? (Math.max(1, terminalLevel(io.env)) as ColorLevel);
  if (force !== undefined && force !== '') {
    if (force === '0' || force === 'false') return 0;
    return forced ?? (Math.max(1, terminalLevel(io.env)) as ColorLevel);
  }
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return 0;
  if (!isTTY) return 0;
  return terminalLevel(io.env);
}
