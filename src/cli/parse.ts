/** Command-line values → numbers: sizes (`32MiB`), durations (`30d`), counts and progress, with usage errors. */
import { UsageError, quote } from "../errors.js";

const SIZE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

/** `1048576`, `500KB` (×1000), `32MiB` (×1024²), `1.5GiB`; units are case-insensitive. */
export function parseSize(option: string, raw: unknown): number {
  const text = String(raw).trim();
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
  const unit = m ? (m[2] || "b").toLowerCase() : "";
  const factor = SIZE_UNITS[unit];
  const bytes = m && factor ? Math.floor(Number(m[1]) * factor) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new UsageError(
      `Invalid ${option} ${quote(String(raw))}: give a size in bytes like 1048576, 500KB or 32MiB (units B, KB, MB, GB, KiB, MiB, GiB)`,
    );
  }
  return bytes;
}

const DURATION_UNITS: Record<string, number> = {
  s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000,
};

/** `45s`, `90m`, `12h`, `30d`, `2w` → milliseconds. A bare number is refused: minutes or days? */
export function parseDuration(option: string, raw: unknown): number {
  const m = /^(\d+)\s*([smhdw])$/.exec(String(raw).trim());
  const ms = m ? Number(m[1]) * DURATION_UNITS[m[2]!]! : NaN;
  if (!Number.isSafeInteger(ms) || ms < 1) {
    throw new UsageError(`Invalid ${option} ${quote(String(raw))}: give a duration like 45s, 90m, 12h, 30d or 2w`);
  }
  return ms;
}

/** A whole number ≥ `min`. */
export function parseCount(option: string, raw: unknown, min = 1): number {
  const text = String(raw).trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`Invalid ${option} ${quote(String(raw))}: give a whole number of at least ${min}`);
  }
  return n;
}

/** A progress value: any finite decimal number (the library clamps it to 0–100 with a warning). */
export function parseProgress(raw: unknown): number {
  const text = String(raw).trim();
  const n = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`Invalid progress ${quote(String(raw))}: give a number from 0 to 100`);
  return n;
}
