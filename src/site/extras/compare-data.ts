/**
 * The data file behind "compare any two versions" on a lineage page (`assets/compare.js`): each version as lines
 * of text — Markdown as written, a table as one line per row, a link as text and address, a progress value — so
 * the client can line-diff any pair. Bounded: versions are taken newest first, and one whose text does not fit
 * what is left of the budget carries none (the page says it is too large to compare).
 */
import type { ArtifactRecord } from "../../types.js";
import { cellText } from "../format.js";
import { splitLines } from "./diff-lines.js";
import { dataScript } from "./escape.js";
import type { SiteFile } from "./files.js";

export function compareScriptFile(key: string): string {
  return `keys/${key}/versions.js`;
}
export function compareDataName(key: string): string {
  return `compare/${key}`;
}

export interface CompareOptions {
  /** Characters of text over all versions of a key; default 4,000,000. */
  maxTotal?: number;
  /** Characters of text of one version; default 1,000,000. */
  maxVersion?: number;
}

/** One version as lines of text. */
export function versionLines(record: ArtifactRecord): string[] {
  switch (record.type) {
    case "markdown": return splitLines(record.data);
    case "table": {
      const lines = record.data.columns ? [record.data.columns.join(" | ")] : [];
      for (const row of record.data.rows) lines.push(row.map((c) => cellText(c)).join(" | "));
      return lines;
    }
    case "link": return record.data.text === null ? [record.data.url] : [record.data.text, record.data.url];
    case "image": return ["url" in record.data ? record.data.url : `local image ${record.data.file}`];
    case "progress": return [`${Math.round(record.data * 100) / 100}%`];
    default: return [];
  }
}

/** `versions` oldest first. */
export function compareDataFile(key: string, versions: readonly ArtifactRecord[], options: CompareOptions = {}): SiteFile {
  const maxTotal = options.maxTotal ?? 4_000_000, maxVersion = options.maxVersion ?? 1_000_000;
  let budget = maxTotal;
  const out: { n: number; id: string; created: string; type: string; description: string[]; lines: string[] | null }[] = [];
  for (let i = versions.length - 1; i >= 0; i--) {
    const r = versions[i]!;
    let lines: string[] | null = versionLines(r);
    const size = lines.reduce((s, l) => s + l.length + 1, 0);
    if (size > maxVersion || size > budget) lines = null;
    else budget -= size;
    const description = splitLines(r.description ?? "");
    out.push({ n: i + 1, id: r.id.toLowerCase(), created: r.created, type: r.type, description, lines });
  }
  out.reverse();
  return { path: compareScriptFile(key), data: dataScript(compareDataName(key), { key, versions: out }) };
}
