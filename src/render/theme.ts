/**
 * Colours of the terminal views, built from an explicit colour level (0–3):
 * text styles, one stable colour per service (a hash of its name into a
 * palette) and bright/dim bar colours. Pure: never uses the auto-detecting
 * default chalk instance; level 0 yields functions that return text unchanged.
 */
import { Chalk, type ChalkInstance, type ForegroundColorName } from 'chalk';

/** 0 no colour, 1 sixteen colours, 2 256 colours, 3 truecolor (chalk's levels). */
export type ColorLevel = 0 | 1 | 2 | 3;

/** Styles a piece of text; returns it unchanged at colour level 0. */
export type Paint = (text: string) => string;

/** Service colours for 256-colour and truecolor terminals; red is kept for errors. */
export const SERVICE_PALETTE: readonly string[] = [
  '#4e9fe5', // blue
  '#2fb8ac', // teal
  '#7cb342', // green
  '#e0a526', // amber
  '#ab7ae0', // purple
  '#e07a3f', // orange
  '#3fa3c4', // cyan
  '#c2b236', // olive
  '#d46fb0', // pink
  '#5c7fd6', // indigo
  '#4dbb7a', // sea green
  '#b08d57', // tan
];

/** Service colours for 16-colour terminals (the bright variant marks the critical path). */
export const SERVICE_PALETTE_16: readonly ForegroundColorName[] = ['cyan', 'green', 'yellow', 'blue', 'magenta'];

const ERROR_HEX = '#ff5f5f';
const MUTED_HEX = '#8a8a8a';

/** FNV-1a over the UTF-16 units of `name`: the same in every trace and every run. */
export function hashServiceName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Index of `service`'s colour in a palette of `paletteSize` colours. */
export function serviceColorIndex(service: string, paletteSize: number): number {
  return hashServiceName(service) % paletteSize;
}

/** `hex` mixed halfway toward grey: the dimmer twin of a bar colour. */
function muteHex(hex: string): string {
  const grey = 0x60;
  const channel = (i: number): string =>
    Math.round((parseInt(hex.slice(i, i + 2), 16) + grey) / 2)
      .toString(16)
      .padStart(2, '0');
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

/** How a bar is coloured: by service, red for errors, bright on the critical path. */
export interface BarTone {
  service: string | null;
  error: boolean;
  bright: boolean;
}

/** Every style a view uses, for one colour level. */
export interface Theme {
  readonly level: ColorLevel;
  readonly bold: Paint;
  readonly dim: Paint;
  readonly italicDim: Paint;
  readonly error: Paint;
  readonly errorBold: Paint;
  readonly warn: Paint;
  /** The colour of a service's name. */
  service(service: string | null): Paint;
  /** Foreground for the blocks of a bar. */
  bar(tone: BarTone): Paint;
  /** Reverse video of the bar colour: a cell whose background is the bar. */
  barInverse(tone: BarTone): Paint;
}

const identity: Paint = (text) => text;

/** The styles for colour `level`; level 0 styles nothing and writes no escape at all. */
export function createTheme(level: ColorLevel): Theme {
  if (level === 0) {
    return {
      level,
      bold: identity,
      dim: identity,
      italicDim: identity,
      error: identity,
      errorBold: identity,
      warn: identity,
      service: () => identity,
      bar: () => identity,
      barInverse: () => identity,
    };
  }
  const chalk = new Chalk({ level });
  const colorOf = (tone: BarTone): ChalkInstance => {
    if (level === 1) {
      const base: ForegroundColorName = tone.error
        ? 'red'
        : tone.service === null
          ? 'white'
          : SERVICE_PALETTE_16[serviceColorIndex(tone.service, SERVICE_PALETTE_16.length)]!;
      return chalk[tone.bright ? (`${base}Bright` as ForegroundColorName) : base];
    }
    const hex = tone.error
      ? ERROR_HEX
      : tone.service === null
        ? MUTED_HEX
        : SERVICE_PALETTE[serviceColorIndex(tone.service, SERVICE_PALETTE.length)]!;
    return chalk.hex(tone.bright ? hex : muteHex(hex));
  };
  const cache = new Map<string, Paint>();
  const cached = (key: string, make: () => Paint): Paint => {
    let paint = cache.get(key);
    if (!paint) {
      paint = make();
      cache.set(key, paint);
    }
    return paint;
  };
  const toneKey = (tone: BarTone): string => `${tone.error ? 'e' : '-'}${tone.bright ? 'b' : '-'}${tone.service ?? '\u0000'}`;
  return {
    level,
    bold: chalk.bold,
    dim: chalk.dim,
    italicDim: chalk.dim.italic,
    error: chalk.red,
    errorBold: chalk.red.bold,
    warn: chalk.yellow,
    service: (service) =>
      cached(`s${service ?? '\u0000'}`, () => colorOf({ service, error: false, bright: true })),
    bar: (tone) => cached(`b${toneKey(tone)}`, () => colorOf(tone)),
    barInverse: (tone) => cached(`i${toneKey(tone)}`, () => colorOf(tone).inverse),
  };
}
