/**
 * The data of a table for the table tools (`assets/table.js`): every row, so the reader can sort, filter and page
 * through all of them and download CSV or JSON, not only the rows written into the page. It travels inside the
 * page as a JSON data block (`<script type="application/json">`, never executed, so `script-src 'self'` allows it
 * and it works from `file://`), not as a file of its own: a file per table was a seventh of a site's files.
 */
import type { ArtifactRecord, TableData } from "../../types.js";
import { escapeXml, jsonForScript } from "./escape.js";

/** The id of a table's data block on a page (one block per record and page, see SiteRenderer.renderPage). */
export function tableDataId(id: string): string {
  return `table-data-${id.toLowerCase()}`;
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

/**
 * The data block of a table record: `{ name, columns, numeric, rows }` as JSON in a `<script type="application/json">`
 * element. `key` and `created` go into download file names. The JSON comes from jsonForScript, so no `<`, `>`, `&`
 * or line separator is written raw: no cell can end the element (`</script`) or open a comment-like state
 * (`<!--`), and table.js reads the text back with JSON.parse (a `__proto__` key stays data).
 */
export function tableDataBlock(record: ArtifactRecord & { data: TableData }): string {
  const { columns, rows } = record.data;
  const name = `${record.key ?? "table"}-${record.created.replace(/[:.]/g, "-")}`;
  const json = jsonForScript({ name, columns, numeric: numericColumns(record.data), rows });
  return `<script type="application/json" id="${escapeXml(tableDataId(record.id))}" class="table-data">${json}</script>\n`;
}
