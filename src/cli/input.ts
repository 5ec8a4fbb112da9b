/** Content for `create`: inline, from `--file`, or from stdin (`-`). */
import { promises as fs } from "node:fs";
import { CliError, UsageError, quote } from "../errors.js";

/**
 * yargs-parser reads a lone `-` as an empty flag, so main.ts swaps it for this marker before parsing; a value
 * equal to it means "read stdin".
 */
export const STDIN_ARG = "\u0000stdin";

export function isStdin(value: unknown): boolean {
  return value === STDIN_ARG;
}

/** Replaces each lone `-` (before a `--`) with STDIN_ARG. */
export function markStdinArgs(argv: readonly string[]): string[] {
  const end = argv.indexOf("--");
  return argv.map((arg, i) => (arg === "-" && (end === -1 || i < end) ? STDIN_ARG : arg));
}

/** Where content comes from, as the user gave it. */
export interface ContentSource {
  /** Inline text, or STDIN_ARG. */
  inline?: string;
  /** A file path, or STDIN_ARG. */
  file?: string;
}

/** Reads the content of exactly one source; `what` names it in messages ("Markdown", "table"). */
export async function readContent(source: ContentSource, what: string, stdin: NodeJS.ReadStream): Promise<string> {
  const { inline, file } = source;
  if ((inline === undefined) === (file === undefined)) {
    throw new UsageError(`Give the ${what} inline, with --file <path>, or as - to read stdin (exactly one of them)`);
  }
  if (isStdin(inline) || isStdin(file)) return readStdin(stdin);
  if (inline !== undefined) return inline;
  try {
    return await fs.readFile(file!, "utf8");
  } catch (err) {
    throw new CliError(`Cannot read --file ${quote(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1, { cause: err });
  }
}

export async function readStdin(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
