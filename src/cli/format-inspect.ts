/** Pure formatting of `inspect`: each version of a key with its fields and its data, for reading at a terminal. */
import type { ArtifactRecord, JsonValue, TableData } from "../types.js";
import type { Paint } from "./color.js";
import { alignRows, columns, relativeTime, safeText, truncate } from "./format.js";

/** How much of a table `inspect` shows; `--json` prints all of it. */
const TABLE_ROWS = 20;
const CELL_WIDTH = 40;
const LABEL_WIDTH = 13;

/** The versions of one key, newest first; `total` is how many the key has (more than shown under --limit). */
export function formatInspect(key: string, versions: ArtifactRecord[], total: number, now: Date, paint: Paint): string {
  const shown = versions.length < total ? ` (showing the newest ${versions.length})` : "";
  const head = paint.bold(`Key ${key}: ${total} version${total === 1 ? "" : "s"}, newest first${shown}`);
  const blocks = versions.map((record, i) => formatVersion(record, total - i, total, now, paint));
  return `${head}\n\n${blocks.join("\n")}`;
}

function formatVersion(r: ArtifactRecord, number: number, total: number, now: Date, paint: Paint): string {
  const title = `Version ${number} of ${total}${number === total ? " (latest)" : ""}`;
  const field = (label: string, value: string) => `  ${paint.dim(label.padEnd(LABEL_WIDTH))}${indentRest(value)}\n`;
  const when = (iso: string) => `${iso} (${relativeTime(iso, now)})`;
  let out = `${paint.cyan(title)}\n`;
  out += field("ID", r.id);
  out += field("Type", r.type);
  out += field("Created", when(r.created));
  if (r.updated !== r.created) out += field("Updated", when(r.updated));
  out += field("Flow run", r.flowRunId ?? "-");
  out += field("Task run", r.taskRunId ?? "-");
  out += field("Description", r.description === null ? "-" : safeText(r.description, true));
  out += field("Data", formatData(r));
  return out;
}

/** Continuation lines line up under the first value column. */
function indentRest(value: string): string {
  return value.replace(/\n(?=.)/g, `\n${" ".repeat(LABEL_WIDTH + 2)}`).replace(/\n+$/, "");
}

/** The data of one record as text: Markdown verbatim (made terminal-safe), a table as columns, and so on. */
export function formatData(r: ArtifactRecord): string {
  switch (r.type) {
    case "markdown":
      return r.data === "" ? "(empty)" : safeText(r.data, true);
    case "link":
      return r.data.text === null ? safeText(r.data.url) : `${safeText(r.data.text)} <${safeText(r.data.url)}>`;
    case "image":
      return "url" in r.data ? safeText(r.data.url) : `${r.data.file} (${r.data.mediaType}, stored beside the record)`;
    case "progress":
      return `${r.data}%`;
    case "table":
      return formatTable(r.data);
  }
}

/** A table's first rows as aligned text; long cells are cut and the rest of the rows counted. */
export function formatTable(table: TableData): string {
  const width = Math.max(table.columns?.length ?? 0, ...table.rows.map((row) => row.length));
  const cell = (v: JsonValue | undefined) => truncate(safeText(cellText(v)), CELL_WIDTH);
  const rows = table.rows.slice(0, TABLE_ROWS).map((row) => Array.from({ length: width }, (_, i) => cell(row[i])));
  const header = table.columns ? table.columns.map((c) => truncate(safeText(c), CELL_WIDTH)) : [];
  const rest = table.rows.length - rows.length;
  const size = `${table.rows.length} row${table.rows.length === 1 ? "" : "s"} × ${width} column${width === 1 ? "" : "s"}`;
  if (width === 0) return `(empty table, ${size})`;
  const body = table.columns
    ? columns(pad(header, width), rows)
    : alignRows(rows).map((l) => `${l}\n`).join("");
  const more = rest > 0 ? `… ${rest} more row${rest === 1 ? "" : "s"} (--json shows all)\n` : "";
  return `${size}\n${body}${more}`;
}

function pad(header: string[], width: number): string[] {
  return Array.from({ length: width }, (_, i) => header[i] ?? "");
}

function cellText(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}
