/**
 * The data file behind "compare any two versions" on a lineage page (`assets/compare.js`): each version as lines
 * of text — Markdown as written, a table as one line per row, a link as text and address, a progress value — so
 * the client can line-diff any pair. Bounded (see CompareBuilder): a version without text is shown as too large
 * to compare.
 */
import type { ArtifactRecord } from "../../types.js";
import { cellText } from "../format.js";
import { splitLines } from "./diff-lines.js";
import { dataLiteral } from "./escape.js";
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

interface CompareVersion {
  n: number;
  id: string;
  created: string;
  type: string;
  description: string[];
  lines: string[] | null;
}

/**
 * Collects a key's versions oldest first. A version whose text is over `maxVersion` carries none; when the total
 * goes over `maxTotal`, the oldest versions still holding text lose it first, so the newest stay comparable.
 */
export class CompareBuilder {
  private readonly versions: CompareVersion[] = [];
  private readonly sizes: number[] = [];
  private total = 0;
  private oldest = 0;
  private readonly maxTotal: number;
  private readonly maxVersion: number;

  constructor(readonly key: string, options: CompareOptions = {}) {
    this.maxTotal = options.maxTotal ?? 4_000_000;
    this.maxVersion = options.maxVersion ?? 1_000_000;
  }

  /**
   * Versions kept as they came, turned into lines only when the file is made: a rebuild takes most keys' files from
   * the previous site (ExtrasCollector's `keyed`) and never asks (the lines were ~0.1 s of a 10k rebuild's main
   * thread). Kept while their record files' characters stay within `maxTotal`, so memory is bounded as the lines are.
   */
  private held: ArtifactRecord[] = [];
  private heldSize = 0;

  get count(): number {
    return this.versions.length + this.held.length;
  }

  /** Adds the next version; `size`, its record file's length in characters, lets it wait until `file` (see `held`). */
  add(record: ArtifactRecord, size?: number): void {
    if (size !== undefined && this.versions.length === 0 && this.heldSize + size <= this.maxTotal) {
      this.held.push(record);
      this.heldSize += size;
      return;
    }
    this.release();
    this.addNow(record);
  }

  private release(): void {
    const held = this.held;
    this.held = [];
    this.heldSize = 0;
    for (const r of held) this.addNow(r);
  }

  private addNow(record: ArtifactRecord): void {
    let lines: string[] | null = versionLines(record);
    let description = splitLines(record.description ?? "");
    const size = (list: string[]) => list.reduce((s, l) => s + l.length + 1, 0);
    if (size(description) > this.maxVersion) description = [];
    let bytes = size(lines) + size(description);
    if (bytes > this.maxVersion) { lines = null; bytes = size(description); }
    this.versions.push({ n: this.versions.length + 1, id: record.id.toLowerCase(), created: record.created, type: record.type, description, lines });
    this.sizes.push(bytes);
    this.total += bytes;
    while (this.total > this.maxTotal && this.oldest < this.versions.length) {
      const v = this.versions[this.oldest]!;
      this.total -= this.sizes[this.oldest]!;
      v.lines = null;
      v.description = [];
      this.oldest++;
    }
  }

  file(): SiteFile {
    this.release();
    // Every object key here is one of CompareVersion's, so the data can go as a literal (see dataLiteral).
    return { path: compareScriptFile(this.key), data: dataLiteral(compareDataName(this.key), { key: this.key, versions: this.versions }) };
  }
}

/** `versions` oldest first. */
export function compareDataFile(key: string, versions: readonly ArtifactRecord[], options: CompareOptions = {}): SiteFile {
  const builder = new CompareBuilder(key, options);
  for (const r of versions) builder.add(r);
  return builder.file();
}
