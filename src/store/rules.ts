/**
 * The trust boundary: every string that becomes a path or a URL is checked here, by the writer before it writes
 * and by every reader before it uses what it read.
 */
import { InvalidArtifactError, InvalidKeyError } from "../errors.js";

const KEY_RE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Names Windows refuses as files or folders, whatever the extension.
const DEVICE_NAMES = new Set([
  "con", "prn", "aux", "nul",
  ..."0123456789".split("").map((d) => `com${d}`),
  ..."0123456789".split("").map((d) => `lpt${d}`),
]);

/** Why a key breaks the key rule, or null when it is valid. The key is checked exactly as given. */
export function keyProblem(key: unknown): string | null {
  if (typeof key !== "string") return "a key must be a string";
  if (key.length === 0) return "a key cannot be empty";
  if (key.length > 64) return `a key has at most 64 characters (this one has ${key.length})`;
  if (!KEY_RE.test(key)) {
    return "a key must only contain lowercase letters, digits and dashes, and start and end with a letter or digit";
  }
  if (DEVICE_NAMES.has(key)) return "a key cannot be a Windows device name";
  return null;
}

export function isValidKey(key: unknown): key is string {
  return keyProblem(key) === null;
}

export function assertKey(key: unknown): asserts key is string {
  const problem = keyProblem(key);
  if (problem) throw new InvalidKeyError(key, problem);
}

/** Run ids (and attached file names): 1–128 of A-Z a-z 0-9 . _ -, starting with a letter or digit. */
export function isValidRunId(id: unknown): id is string {
  return typeof id === "string" && RUN_ID_RE.test(id);
}

export function assertRunId(id: unknown, field = "run id"): asserts id is string {
  if (!isValidRunId(id)) {
    throw new InvalidArtifactError(field, id, "a run id is 1–128 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
  }
}

/** A bare file name by the run-id rule; `.` and `..` can never match since they start with a dot. */
export const isValidFileName = isValidRunId;

export function isUuid(id: unknown): id is string {
  return typeof id === "string" && UUID_RE.test(id);
}

export const LINK_PROTOCOLS: readonly string[] = ["http:", "https:", "mailto:"];
export const IMAGE_PROTOCOLS: readonly string[] = ["http:", "https:"];

/** Why a URL is refused, or null: it must be absolute, parse with WHATWG URL, and use an allowed protocol. */
export function urlProblem(url: unknown, protocols: readonly string[]): string | null {
  if (typeof url !== "string") return "a URL must be a string";
  if (url.length === 0) return "a URL cannot be empty";
  if (url.length > 8192) return "a URL has at most 8192 characters";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not an absolute URL (allowed: ${protocols.join(" ")})`;
  }
  if (!protocols.includes(parsed.protocol)) {
    return `protocol ${JSON.stringify(parsed.protocol)} is not allowed (allowed: ${protocols.join(" ")})`;
  }
  // A URL that only parses thanks to leading/trailing spaces or control characters would differ from what is stored.
  if (/[\u0000-\u001f\u007f\s]/.test(url)) return "a URL cannot contain whitespace or control characters";
  return null;
}

export function assertUrl(field: string, url: unknown, protocols: readonly string[]): asserts url is string {
  const problem = urlProblem(url, protocols);
  if (problem) throw new InvalidArtifactError(field, url, problem);
}

/** File name of a version: the UTC timestamp with `:` replaced by `-`, e.g. `2026-11-26T04-26-39.123Z.json`. */
export const VERSION_FILE_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2}\.\d{3}Z)\.json$/;

export function versionFileName(ms: number): string {
  return `${new Date(ms).toISOString().replace(/:/g, "-")}.json`;
}

/** The ISO timestamp a version file name stands for, or null if the name is not a version name. */
export function timestampOfFileName(name: string): string | null {
  const m = VERSION_FILE_RE.exec(name);
  if (!m) return null;
  const iso = `${m[1]}T${m[2]}:${m[3]}:${m[4]}`;
  return isRealTime(iso) ? iso : null;
}

/** Days in each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether a time of the shape `YYYY-MM-DDTHH:MM:SS.sssZ` (digits where the shape has them: the caller's pattern
 * checked that) is one `toISOString` writes: month, day (February 29 in leap years only), hour, minute and second
 * in range. The answer of a `Date` round trip without one: a record file takes five of these checks, and the
 * round trips were ~25 ms of the 10k build's reader thread.
 */
export function isRealTime(iso: string): boolean {
  const num = (at: number, length: number) => {
    let v = 0;
    for (let i = at; i < at + length; i++) v = v * 10 + iso.charCodeAt(i) - 48;
    return v;
  };
  const year = num(0, 4), month = num(5, 2), day = num(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
  return day <= days && num(11, 2) <= 23 && num(14, 2) <= 59 && num(17, 2) <= 59;
}
