/**
 * The static search index, built with the site and split into chunks so a site of 100,000 artifacts never loads
 * one giant file. One document per key (its latest version) and per unkeyed artifact; terms come from the key,
 * the description, the Markdown text, column names and link text. Files (data scripts, see escape.ts):
 *
 * - `search/meta.js`: counts and the list of term shards that exist (so the client never asks for a missing file);
 * - `search/t-<shard>.js`: the terms starting with two given characters, each with its documents (prefix search);
 * - `search/d-<n>.js`: documents `n*DOC_SHARD … n*DOC_SHARD+DOC_SHARD-1` as [title, page, type, snippet].
 *
 * A posting is `doc * 2 + 1` when the term is in the document's title (its key), `doc * 2` otherwise.
 */
import type { ArtifactRecord } from "../../types.js";
import { artifactPage, keyPage } from "../paths.js";
import { dataScript } from "./escape.js";
import { byCreated } from "./feed.js";
import type { SiteFile } from "./files.js";

export const SEARCH_DIR = "search";
export const SEARCH_META = "search/meta.js";
/** Documents per document shard. */
export const DOC_SHARD = 500;
/** Characters of text per document that are indexed (the rest of a huge report is not). */
export const MAX_TEXT = 100_000;
/** Distinct terms kept per document. */
export const MAX_TERMS_PER_DOC = 5_000;
export const MIN_TERM = 2;
export const MAX_TERM = 32;

export interface SearchOptions {
  /** A record's description as plain text; default the raw Markdown. */
  descriptionOf?: (record: ArtifactRecord) => string;
  /** A record's content as plain text; default built from its data (Markdown as written, columns, link text). */
  textOf?: (record: ArtifactRecord) => string;
}

/** Lowercase, accents dropped, split on anything that is not a letter or digit; terms of 2–32 characters. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const t = m[0];
    if (t.length >= MIN_TERM && t.length <= MAX_TERM) out.push(t);
  }
  return out;
}

/** The shard a term lives in: its first two characters as hex code points (file-name safe). */
export function shardOf(term: string): string {
  return Array.from(term).slice(0, 2).map((ch) => ch.codePointAt(0)!.toString(16).padStart(4, "0")).join("-");
}

export function defaultText(record: ArtifactRecord): string {
  switch (record.type) {
    case "markdown": return record.data;
    case "table": return (record.data.columns ?? []).join(" ");
    case "link": return `${record.data.text ?? ""} ${record.data.url}`;
    case "image": return "url" in record.data ? record.data.url : "";
    default: return "";
  }
}

interface Doc {
  title: string;
  page: string;
  type: string;
  snippet: string;
  record: ArtifactRecord;
}

function snippetOf(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 160 ? `${t.slice(0, 159).trimEnd()}…` : t;
}

export function searchFiles(records: readonly ArtifactRecord[], options: SearchOptions = {}): SiteFile[] {
  const descriptionOf = options.descriptionOf ?? ((r: ArtifactRecord) => r.description ?? "");
  const textOf = options.textOf ?? defaultText;
  const latest = new Map<string, ArtifactRecord>();
  const unkeyed: ArtifactRecord[] = [];
  for (const r of records) {
    if (r.key === null) unkeyed.push(r);
    else {
      const cur = latest.get(r.key);
      if (!cur || byCreated(cur, r) < 0) latest.set(r.key, r);
    }
  }
  const docs: Doc[] = [];
  for (const key of [...latest.keys()].sort()) {
    const r = latest.get(key)!;
    docs.push({ title: key, page: keyPage(key), type: r.type, snippet: "", record: r });
  }
  for (const r of unkeyed.sort(byCreated)) {
    docs.push({ title: `Unkeyed ${r.type} artifact ${r.id.slice(0, 8)}`, page: artifactPage(r.id), type: r.type, snippet: "", record: r });
  }

  const index = new Map<string, number[]>();
  docs.forEach((doc, n) => {
    const description = descriptionOf(doc.record);
    const text = textOf(doc.record);
    doc.snippet = snippetOf(description || text);
    const titleTerms = new Set(terms(doc.title));
    const all = new Set(titleTerms);
    for (const t of terms(`${description}\n${text}`.slice(0, MAX_TEXT))) {
      if (all.size >= MAX_TERMS_PER_DOC) break;
      all.add(t);
    }
    for (const t of all) (index.get(t) ?? index.set(t, []).get(t)!).push(n * 2 + (titleTerms.has(t) ? 1 : 0));
  });

  const shards = new Map<string, [string, number[]][]>();
  for (const term of [...index.keys()].sort()) {
    const shard = shardOf(term);
    (shards.get(shard) ?? shards.set(shard, []).get(shard)!).push([term, index.get(term)!]);
  }
  const shardNames = [...shards.keys()].sort();
  const files: SiteFile[] = [
    { path: SEARCH_META, data: dataScript("search/meta", { version: 1, docs: docs.length, docShard: DOC_SHARD, shards: shardNames }) },
  ];
  for (const name of shardNames) files.push({ path: `${SEARCH_DIR}/t-${name}.js`, data: dataScript(`search/t-${name}`, shards.get(name)) });
  for (let s = 0; s * DOC_SHARD < docs.length; s++) {
    const slice = docs.slice(s * DOC_SHARD, (s + 1) * DOC_SHARD).map((d) => [d.title, d.page, d.type, d.snippet]);
    files.push({ path: `${SEARCH_DIR}/d-${s}.js`, data: dataScript(`search/d-${s}`, slice) });
  }
  return files;
}
