/** Writer input → record data: the three table shapes, table cells, progress clamping, text size caps. */
import { ArtifactTooLargeError, InvalidArtifactError } from "../errors.js";
import type { JsonValue, Limits, TableData, TableInput } from "../types.js";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A string field checked for type and UTF-8 size. */
export function checkText(field: string, value: unknown, maxBytes: number): string {
  if (typeof value !== "string") throw new InvalidArtifactError(field, value, "must be a string");
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > maxBytes) {
    throw new ArtifactTooLargeError(field, `${value.slice(0, 40)}…`, `${bytes} bytes is over the ${maxBytes}-byte limit`);
  }
  return value;
}

export function checkDescription(value: unknown, limits: Limits): string | null {
  return value === undefined || value === null ? null : checkText("description", value, limits.maxDescriptionBytes);
}

/** One table cell → JSON: NaN, ±Infinity and undefined → null; Dates → ISO strings; bigint → string. */
export function toCell(value: unknown, field: string, depth = 0): JsonValue {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? value : null;
    case "string":
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "function":
    case "symbol":
      throw new InvalidArtifactError(field, String(value), `a ${typeof value} cannot be stored in a table`);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth > 32) throw new InvalidArtifactError(field, "…", "nested more than 32 levels deep");
  if (Array.isArray(value)) return value.map((v, i) => toCell(v, `${field}[${i}]`, depth + 1));
  if (isPlainObject(value)) {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCell(v, `${field}.${k}`, depth + 1);
    return out;
  }
  // Class instances (Map, Buffer, …) have no obvious JSON form; let toJSON decide if it exists.
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === "function") return toCell(json.call(value), field, depth + 1);
  throw new InvalidArtifactError(field, Object.prototype.toString.call(value), "this kind of value cannot be stored in a table");
}

function checkColumns(columns: unknown): string[] {
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === "string")) {
    throw new InvalidArtifactError("columns", columns, "must be a list of strings");
  }
  return columns;
}

function checkRowCount(count: number, limits: Limits): void {
  if (count > limits.maxTableRows) {
    throw new ArtifactTooLargeError("table", `${count} rows`, `over the ${limits.maxTableRows}-row limit`);
  }
}

/** Any of the three table shapes (plus `columns` for a list of lists) → `{ columns, rows }`. */
export function normalizeTable(table: TableInput | unknown, columns: unknown, limits: Limits): TableData {
  if (Array.isArray(table)) {
    checkRowCount(table.length, limits);
    // An empty list with `columns` is an empty list of lists (a header and no rows).
    const listOfLists = table.length > 0 ? table.every((row) => Array.isArray(row)) : columns !== undefined;
    if (listOfLists) {
      const cols = columns === undefined ? null : checkColumns(columns);
      const rows = (table as unknown[][]).map((row, i) => row.map((cell, j) => toCell(cell, `table[${i}][${j}]`)));
      if (cols) {
        const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
        if (width > cols.length) {
          throw new InvalidArtifactError("columns", cols, `names ${cols.length} columns but a row has ${width} cells`);
        }
      }
      return { columns: cols, rows };
    }
    if (table.every((row) => isPlainObject(row))) {
      if (columns !== undefined) throw new InvalidArtifactError("columns", columns, "is only for a list of lists");
      const records = table as Record<string, unknown>[];
      const seen = new Map<string, number>();
      for (const record of records) for (const k of Object.keys(record)) if (!seen.has(k)) seen.set(k, seen.size);
      const cols = [...seen.keys()];
      const rows = records.map((record, i) =>
        cols.map((c) => (Object.hasOwn(record, c) ? toCell(record[c], `table[${i}].${c}`) : null)),
      );
      return { columns: cols, rows };
    }
    // Name the first row that is neither a list nor a record, else the first whose shape differs from row 0's.
    const shape = (row: unknown) => (Array.isArray(row) ? "list" : isPlainObject(row) ? "record" : "other");
    let bad = table.findIndex((row) => shape(row) === "other");
    if (bad === -1) bad = table.findIndex((row) => shape(row) !== shape(table[0]));
    throw new InvalidArtifactError(
      `table[${bad}]`,
      table[bad],
      "a table is a list of records, a list of lists, or a record of lists (not a mix)",
    );
  }
  if (isPlainObject(table)) {
    if (columns !== undefined) throw new InvalidArtifactError("columns", columns, "is only for a list of lists");
    const cols = Object.keys(table);
    let length: number | undefined;
    for (const c of cols) {
      const list = table[c];
      if (!Array.isArray(list)) throw new InvalidArtifactError(`table.${c}`, list, "a record of lists needs a list for every column");
      if (length === undefined) length = list.length;
      else if (list.length !== length) {
        throw new InvalidArtifactError(
          `table.${c}`, `${list.length} values`,
          `every column of a record of lists must have the same length (${JSON.stringify(cols[0])} has ${length})`,
        );
      }
    }
    checkRowCount(length ?? 0, limits);
    const rows: JsonValue[][] = [];
    for (let i = 0; i < (length ?? 0); i++) {
      rows.push(cols.map((c) => toCell((table[c] as unknown[])[i], `table.${c}[${i}]`)));
    }
    return { columns: cols, rows };
  }
  throw new InvalidArtifactError("table", table, "a table is a list of records, a list of lists, or a record of lists");
}

/** Progress: NaN (or a non-number) is an error; outside 0–100 it is clamped with a warning. */
export function normalizeProgress(progress: unknown, warn: (message: string) => void): number {
  if (typeof progress !== "number" || Number.isNaN(progress)) {
    throw new InvalidArtifactError("progress", progress, "must be a number from 0 to 100");
  }
  if (progress < 0 || progress > 100) {
    const clamped = progress < 0 ? 0 : 100;
    warn(`progress ${progress} is outside 0–100; clamped to ${clamped}`);
    return clamped;
  }
  return progress;
}
