/**
 * The data file of a table for the table tools (`assets/table.js`): every row, so the reader can sort, filter and
 * page through all of them and download CSV or JSON, not only the rows written into the page.
 */
import type { ArtifactRecord, TableData } from "../../types.js";
import { dataScript } from "./escape.js";
import type { SiteFile } from "./files.js";

/** `artifacts/<id>.table.js`, beside the artifact page. */
export function tableScriptFile(id: string): string {
  return `artifacts/${id.toLowerCase()}.table.js`;
}

/** The name the data file registers under (see dataScript). */
export function tableDataName(id: string): string {
  return `table/${id.toLowerCase()}`;
}

/** A column is numeric when it has a number and every non-empty cell is a number (sorted as numbers). */
export function numericColumns(data: TableData): boolean[] {
  let width = data.columns?.length ?? 0;
  for (const row of data.rows) if (row.length > width) width = row.length;
  const out: boolean[] = [];
  for (let c = 0; c < width; c++) {
    let any = false, all = true;
    for (const row of data.rows) {
      const v = row[c];
      if (v === null || v === undefined) continue;
      any = true;
      if (typeof v !== "number") { all = false; break; }
    }
    out.push(any && all);
  }
  return out;
}

/** The data file of a table record; `key` and `created` go into download file names. */
export function tableDataFile(record: ArtifactRecord & { data: TableData }): SiteFile {
  const { columns, rows } = record.data;
  const name = `${record.key ?? "table"}-${record.created.replace(/[:.]/g, "-")}`;
  return {
    path: tableScriptFile(record.id),
    data: dataScript(tableDataName(record.id), { name, columns, numeric: numericColumns(record.data), rows }),
  };
}
