/** Every error class of the project. Messages quote the offending value with JSON.stringify. */

/** The base: sets `name` from the subclass and keeps `cause`. */
export class ArtifactPressError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input to a writer function: names the field and the value; nothing was written. */
export class InvalidArtifactError extends ArtifactPressError {
  readonly field: string;
  readonly value: unknown;
  constructor(field: string, value: unknown, reason: string, options?: { cause?: unknown }) {
    super(`Invalid ${field} ${quote(value)}: ${reason}`, options);
    this.field = field;
    this.value = value;
  }
}

/** A key that breaks the key rule (1–64 of a-z 0-9 -, letter or digit at both ends, no device names). */
export class InvalidKeyError extends InvalidArtifactError {
  constructor(value: unknown, reason: string) {
    super("key", value, reason);
  }
}

/** An input over a size cap (Markdown, description, table rows, file size). */
export class ArtifactTooLargeError extends InvalidArtifactError {}

/** A path that would leave its root (a symlinked key folder, `..`, an absolute name). */
export class UnsafePathError extends ArtifactPressError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`Refusing path ${quote(path)}: ${reason}`);
    this.path = path;
  }
}

/** A file in the store that cannot be trusted: broken JSON, wrong schema, a rule broken. */
export class InvalidRecordError extends ArtifactPressError {
  readonly path: string;
  readonly reason: string;
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`${path}: ${reason}`, options);
    this.path = path;
    this.reason = reason;
  }
}

/** A key, id or run that the store does not hold. */
export class ArtifactNotFoundError extends ArtifactPressError {}

/** A build that cannot go ahead (an --out folder it must not replace, …). */
export class BuildError extends ArtifactPressError {}

/** Bad command-line usage: the CLI prints the command's help and exits 2. */
export class UsageError extends ArtifactPressError {}

/** A failure the CLI reports on stderr with the given exit code (1 unless said). */
export class CliError extends ArtifactPressError {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** Markdown the site cannot render safely (nested too deep, or it overflows the parser): the file is skipped. */
export class MarkdownError extends ArtifactPressError {}

/** Quotes a value for a message, cut to a readable length. */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "number" && !Number.isFinite(value) ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
