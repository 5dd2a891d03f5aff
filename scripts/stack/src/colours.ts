/** ANSI foreground colours the stack's output uses. */
const CODES = {
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  grey: 90,
  bold: 1,
  dim: 2,
} as const;

/** A colour (or weight) name. */
export type Colour = keyof typeof CODES;

/** Paints text, or leaves it plain. */
export type Paint = (colour: Colour, text: string) => string;

/**
 * Colours only on a terminal, and never when `NO_COLOR` is set (no-color.org); `FORCE_COLOR`
 * turns them on for a pipe (CI logs that render ANSI).
 */
export function paintFor(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
): Paint {
  const on = env.NO_COLOR
    ? false
    : env.FORCE_COLOR !== undefined
      ? env.FORCE_COLOR !== '0'
      : Boolean(stream.isTTY);
  return on ? (colour, text) => `\x1b[${CODES[colour]}m${text}\x1b[0m` : (_colour, text) => text;
}
