/** Pure text formatting for the pages: times, durations, table cells, CSV. Deterministic: no clock, no locale. */
import type { JsonValue } from "../types.js";

/** `2026-11-26T04:26:39.123Z` → `2026-11-26 04:26:39 UTC` (the client script may localise it). */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** Milliseconds between two ISO times as `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`; null when unknown. */
export function formatDuration(startIso: string, endIso: string | null): string | null {
  if (endIso === null) return null;
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const totalS = Math.floor(s);
  const min = Math.floor(totalS / 60);
  if (min < 60) return `${min} min ${totalS % 60} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** Integer with thin grouping that does not depend on the machine's locale: 12345 → "12,345". */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A table cell as text: null empty, objects and lists as JSON text. */
export function cellText(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** One CSV field (RFC 4180); text that a spreadsheet would run as a formula gets a leading quote mark. */
export function csvField(value: JsonValue | undefined): string {
  let text = cellText(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: string[] | null, rows: JsonValue[][]): string {
  const lines: string[] = [];
  if (columns) lines.push(columns.map((c) => csvField(c)).join(","));
  for (const row of rows) lines.push(row.map((c) => csvField(c)).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** Plain text of sanitized HTML, for alt text and one-line summaries; the result is escaped again on output. */
export function htmlToText(html: string, max = 200): string {
  const text = html
    .replace(/<[^>]*>/g, " ")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => safeChar(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => safeChar(parseInt(d, 10)))
    .replace(/&nbsp;/g, " ").replace(/&amp;/g, "&");
  return oneLine(text, max);
}

/**
 * `text` with its white space collapsed to single spaces and trimmed, cut to `max` characters with an ellipsis.
 * A report runs to kilobytes and only its start is shown: its first `4 × max` characters are collapsed, and the
 * whole only when those make too little text to tell (~45 ms of the 10k build collapsed whole reports).
 */
export function oneLine(text: string, max: number): string {
  // The collapsed prefix agrees with the collapsed whole up to its last character (a run of white space across the
  // cut becomes one space either way), so more than `max + 1` characters of it settle the answer.
  if (text.length > 4 * max) {
    const head = text.slice(0, 4 * max).replace(/\s+/g, " ").trimStart();
    if (head.length > max + 1) return `${head.slice(0, max - 1).trimEnd()}…`;
  }
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

function safeChar(code: number): string {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
}
