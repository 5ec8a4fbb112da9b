/**
 * Table diff: added, removed and changed rows and cells. Rows are matched by a key column when the first column
 * is named the same in both versions, its values are unique, non-empty strings or numbers in each (the usual
 * id column) and at least one value is in both; otherwise by position (row 1 with row 1 …), which is also what a
 * single-row metrics table whose first cell is a number gets. Columns are matched by name, or by position when either
 * version has no column names.
 */
import type { JsonValue, TableData } from "../../types.js";
import { cellText } from "../format.js";

export interface CellChange {
  column: string;
  before: string;
  after: string;
}
export interface RowRef {
  /** The key value, or `row N` (1-based, in the version the row belongs to). */
  label: string;
  cells: string[];
}
export interface RowChange {
  label: string;
  changes: CellChange[];
}

export interface TableDiff {
  matchedBy: "key" | "position";
  /** The key column's name when matched by key. */
  keyColumn: string | null;
  /** Column names of the new version (generated `column N` when it has none): the cells of `added` follow it. */
  columns: string[];
  /** Column names of the old version: the cells of `removed` follow it. */
  oldColumns: string[];
  columnsAdded: string[];
  columnsRemoved: string[];
  added: RowRef[];
  removed: RowRef[];
  changed: RowChange[];
  counts: { added: number; removed: number; changed: number; unchanged: number };
  /** True when a list was cut at `maxListed` entries (the counts are still complete). */
  truncated: boolean;
  /** True when the tables hold more cells than `maxCells`: only row counts are compared. */
  tooLarge: boolean;
  /** True when most compared cells changed (see `maxChangedShare`): the counts stand, no rows are listed. */
  rewritten: boolean;
}

export interface TableDiffOptions {
  /** Rows listed per kind of change; default 100. */
  maxListed?: number;
  /** Cells compared (rows × columns of both versions) before giving up; default 4,000,000. */
  maxCells?: number;
  /**
   * Above this share of changed cells among the compared ones (and more than 30 of them), the diff is `rewritten`:
   * counts only, as listing nearly every cell would repeat both tables; default 1 (always list).
   */
  maxChangedShare?: number;
}

function columnNames(data: TableData, width: number): string[] {
  return Array.from({ length: width }, (_, c) => data.columns?.[c] ?? `column ${c + 1}`);
}
function widthOf(data: TableData): number {
  let w = data.columns?.length ?? 0;
  for (const row of data.rows) if (row.length > w) w = row.length;
  return w;
}
function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  const x = a ?? null, y = b ?? null;
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  return JSON.stringify(x) === JSON.stringify(y);
}

/** The first column's values as map keys, or null when they cannot serve as a key. */
function keyIndex(data: TableData): Map<string, number> | null {
  const index = new Map<string, number>();
  for (let r = 0; r < data.rows.length; r++) {
    const v = data.rows[r]![0];
    if (!((typeof v === "string" && v !== "") || (typeof v === "number"))) return null;
    const k = `${typeof v}:${v}`;
    if (index.has(k)) return null;
    index.set(k, r);
  }
  return index;
}

export function diffTable(before: TableData, after: TableData, options: TableDiffOptions = {}): TableDiff {
  const maxListed = options.maxListed ?? 100;
  const maxCells = options.maxCells ?? 4_000_000;
  const oldWidth = widthOf(before), newWidth = widthOf(after);
  const oldColumns = columnNames(before, oldWidth), columns = columnNames(after, newWidth);
  const byName = before.columns !== null && after.columns !== null;
  // Pairs of (old index, new index) for the columns both versions have.
  const pairs: [number, number][] = [];
  const columnsAdded: string[] = [], columnsRemoved: string[] = [];
  if (byName) {
    const oldAt = new Map<string, number>();
    oldColumns.forEach((name, c) => { if (!oldAt.has(name)) oldAt.set(name, c); });
    const matched = new Set<number>();
    columns.forEach((name, c) => {
      const o = oldAt.get(name);
      if (o === undefined || matched.has(o)) columnsAdded.push(name);
      else { pairs.push([o, c]); matched.add(o); }
    });
    oldColumns.forEach((name, c) => { if (!matched.has(c)) columnsRemoved.push(name); });
  } else {
    for (let c = 0; c < Math.min(oldWidth, newWidth); c++) pairs.push([c, c]);
    for (let c = oldWidth; c < newWidth; c++) columnsAdded.push(columns[c]!);
    for (let c = newWidth; c < oldWidth; c++) columnsRemoved.push(oldColumns[c]!);
  }

  const result: TableDiff = {
    matchedBy: "position", keyColumn: null, columns, oldColumns, columnsAdded, columnsRemoved,
    added: [], removed: [], changed: [], counts: { added: 0, removed: 0, changed: 0, unchanged: 0 },
    truncated: false, tooLarge: false, rewritten: false,
  };
  let comparedCells = 0, changedCells = 0;
  const cells = before.rows.length * Math.max(oldWidth, 1) + after.rows.length * Math.max(newWidth, 1);
  if (cells > maxCells) {
    result.tooLarge = true;
    return result;
  }
  const rowCells = (row: JsonValue[], width: number) => Array.from({ length: width }, (_, c) => cellText(row[c]));
  const addRow = (label: string, row: JsonValue[]) => {
    result.counts.added++;
    if (result.added.length < maxListed) result.added.push({ label, cells: rowCells(row, newWidth) });
    else result.truncated = true;
  };
  const removeRow = (label: string, row: JsonValue[]) => {
    result.counts.removed++;
    if (result.removed.length < maxListed) result.removed.push({ label, cells: rowCells(row, oldWidth) });
    else result.truncated = true;
  };
  const compare = (label: string, a: JsonValue[], b: JsonValue[]) => {
    const changes: CellChange[] = [];
    comparedCells += pairs.length;
    for (const [o, c] of pairs) {
      if (!same(a[o], b[c])) changes.push({ column: columns[c]!, before: cellText(a[o]), after: cellText(b[c]) });
    }
    changedCells += changes.length;
    if (changes.length === 0) { result.counts.unchanged++; return; }
    result.counts.changed++;
    if (result.changed.length < maxListed) result.changed.push({ label, changes });
    else result.truncated = true;
  };

  const finish = (): TableDiff => {
    if (changedCells > 30 && changedCells > (options.maxChangedShare ?? 1) * comparedCells) {
      result.rewritten = true;
      result.changed = [];
      result.added = [];
      result.removed = [];
      result.truncated = false;
    }
    return result;
  };

  const oldKeys = byName && oldColumns[0] === columns[0] && oldWidth > 0 ? keyIndex(before) : null;
  const newKeys = oldKeys ? keyIndex(after) : null;
  let shared = false;
  if (oldKeys && newKeys) for (const k of newKeys.keys()) if (oldKeys.has(k)) { shared = true; break; }
  if (oldKeys && newKeys && shared) {
    result.matchedBy = "key";
    result.keyColumn = columns[0]!;
    after.rows.forEach((row) => {
      const label = cellText(row[0]);
      const o = oldKeys.get(`${typeof row[0]}:${row[0]}`);
      if (o === undefined) addRow(label, row);
      else compare(label, before.rows[o]!, row);
    });
    before.rows.forEach((row) => {
      if (!newKeys.has(`${typeof row[0]}:${row[0]}`)) removeRow(cellText(row[0]), row);
    });
    return finish();
  }
  const common = Math.min(before.rows.length, after.rows.length);
  for (let r = 0; r < common; r++) compare(`row ${r + 1}`, before.rows[r]!, after.rows[r]!);
  for (let r = common; r < after.rows.length; r++) addRow(`row ${r + 1}`, after.rows[r]!);
  for (let r = common; r < before.rows.length; r++) removeRow(`row ${r + 1}`, before.rows[r]!);
  return finish();
}
