/** What every command gets: the store folder, the streams, colour, the clock and the global flags. */
import { CliError, quote } from "../errors.js";
import { openStore, type ArtifactStore } from "../artifacts/client.js";
import { colorFor, paint, type Paint } from "./color.js";

/** The global options every command receives from yargs. */
export interface GlobalArgs {
  /** The store folder; default ARTIFACTS_DIR or `.artifacts`. */
  dir: string;
  /** Print stack traces of errors; default false. */
  debug?: boolean;
  json?: boolean;
}

export interface CliContext {
  dir: string;
  debug: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** Colour for stdout (off with --json) and for stderr. */
  out: Paint;
  err: Paint;
  /** Now: `ARTIFACTS_NOW` (an ISO time, a testing aid) or the real clock. */
  now(): Date;
  /** The store, opened on first use; progress-clamp warnings go to stderr. */
  store(): ArtifactStore;
  /** Writes `text` to stdout, adding a final newline when missing. */
  print(text: string): void;
  /** Writes one line to stderr. */
  warn(text: string): void;
}

export function makeContext(args: GlobalArgs, env: NodeJS.ProcessEnv = process.env): CliContext {
  const now = clockFrom(env);
  let store: ArtifactStore | undefined;
  const ctx: CliContext = {
    dir: args.dir,
    debug: Boolean(args.debug),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    out: paint(colorFor(process.stdout, env, Boolean(args.json))),
    err: paint(colorFor(process.stderr, env)),
    now,
    store: () => (store ??= openStore(args.dir, { warn: (message) => ctx.warn(`Warning: ${message}`) })),
    print: (text) => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    warn: (text) => void process.stderr.write(`${text}\n`),
  };
  return ctx;
}

/** The clock: `ARTIFACTS_NOW` pins "now" so relative times ("3 minutes ago") and prune cut-offs are testable. */
export function clockFrom(env: NodeJS.ProcessEnv): () => Date {
  const fixed = env.ARTIFACTS_NOW;
  if (fixed === undefined || fixed === "") return () => new Date();
  const ms = Date.parse(fixed);
  if (Number.isNaN(ms)) throw new CliError(`Invalid ARTIFACTS_NOW ${quote(fixed)}: give an ISO time like 2026-11-26T04:26:39Z`);
  return () => new Date(ms);
}
