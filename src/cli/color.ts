/** ANSI colour, on only when the stream is a terminal and NO_COLOR is not set (https://no-color.org). */

export interface Paint {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const ON: Paint = {
  enabled: true,
  bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39),
};
const same = (text: string) => text;
const OFF: Paint = { enabled: false, bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

export function paint(enabled: boolean): Paint {
  return enabled ? ON : OFF;
}

/** Colour for a stream: a TTY, NO_COLOR unset or empty, and not machine output (`--json`). */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, json = false): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && !json;
}
