/** Pure formatting for the terminal: safe text, relative times, aligned columns, and the `ls` listing. */
import type { ArtifactRecord } from "../types.js";
import type { Paint } from "./color.js";

/**
 * User text made safe for a terminal: control characters (ANSI escapes, carriage returns, bidi overrides) are
 * shown as `\u001b`-style escapes so a record cannot rewrite the screen. Line breaks stay only when `multiline`.
 */
export function safeText(text: string, multiline = false): string {
  return text
    .replace(/\r\n/g, "\n")
    .replace(/\t/g, "    ")
    .replace(CONTROL, (c) => (multiline && c === "\n" ? c : escapeChar(c)));
}

// Characters that move the cursor, recolour or reorder a terminal's text: DEL and C1 controls, bidi marks and
// overrides, and the two Unicode line separators. C0 controls come on top for text (JSON escapes those itself).
const INVISIBLE = "\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069";
const CONTROL = new RegExp(`[\u0000-\u001f${INVISIBLE}]`, "g");
const JSON_UNSAFE = new RegExp(`[${INVISIBLE}]`, "g");

function escapeChar(c: string): string {
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Cuts `text` to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

const UNITS: [limitMs: number, unitMs: number, name: string][] = [
  [60_000, 1000, "second"],
  [3_600_000, 60_000, "minute"],
  [86_400_000, 3_600_000, "hour"],
  [30 * 86_400_000, 86_400_000, "day"],
  [365 * 86_400_000, 30 * 86_400_000, "month"],
  [Infinity, 365 * 86_400_000, "year"],
];

/** "3 minutes ago", "in 2 hours", "just now" (under a second); whole units, rounded down. */
export function relativeTime(then: Date | string, now: Date): string {
  const diff = now.getTime() - new Date(then).getTime();
  const abs = Math.abs(diff);
  if (abs < 1000) return "just now";
  const [, unitMs, name] = UNITS.find(([limit]) => abs < limit)!;
  const n = Math.floor(abs / unitMs);
  const phrase = `${n} ${name}${n === 1 ? "" : "s"}`;
  return diff > 0 ? `${phrase} ago` : `in ${phrase}`;
}

/** Rows of cells as aligned lines (two spaces apart, no trailing spaces). */
export function alignRows(rows: string[][]): string[] {
  const count = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: count }, (_, i) => Math.max(0, ...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((cells) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
}

/** A header row and rows as aligned columns; the header is painted bold. */
export function columns(header: string[], rows: string[][], paint?: Paint): string {
  const [head, ...body] = alignRows([header, ...rows]);
  return [paint ? paint.bold(head!) : head!, ...body].map((l) => `${l}\n`).join("");
}

/** The `ls` listing: ID, Key, Type, Updated (relative to `now`). Unkeyed artifacts show `-` as key. */
export function formatList(records: ArtifactRecord[], now: Date, paint?: Paint): string {
  const rows = records.map((r) => [r.id, r.key ?? "-", r.type, relativeTime(r.updated, now)]);
  return columns(["ID", "Key", "Type", "Updated"], rows, paint);
}

/** Records as JSON: two-space indented, one final newline. */
export function formatJson(value: unknown): string {
  // JSON.stringify leaves C1 controls and bidi overrides raw; escaped, a record cannot rewrite or reorder the terminal.
  return `${JSON.stringify(value, null, 2).replace(JSON_UNSAFE, escapeChar)}\n`;
}
