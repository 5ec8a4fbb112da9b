/**
 * The static search index, built with the site and split into chunks so a site of 100,000 artifacts never loads
 * one giant file. One document per key (its latest version) and per unkeyed artifact; terms come from the key,
 * the description, the Markdown text, column names and link text. Files (data scripts, see escape.ts):
 *
 * - `search/meta.js`: counts, and the first two-character prefix of each term shard;
 * - `search/t-<n>.js`: a run of sorted terms, each with its documents; all terms sharing their first two
 *   characters are in one shard, so a prefix search of two or more characters reads one file;
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
/** Rough size of a term shard (term characters plus postings), so a big site loads a few hundred kB per word. */
export const SHARD_BYTES = 200_000;

export interface SearchOptions {
  /** A record's description as plain text; default the raw Markdown. */
  descriptionOf?: (record: ArtifactRecord) => string;
  /** A record's content as plain text; default built from its data (Markdown as written, columns, link text). */
  textOf?: (record: ArtifactRecord) => string;
  /** Rough size of a term shard; default SHARD_BYTES. */
  shardBytes?: number;
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

/** A term's first two characters (code points), which decide its shard. */
export function prefixOf(term: string): string {
  return Array.from(term).slice(0, 2).join("");
}

/**
 * The shard that holds the terms starting with `term`'s first two characters: the last one whose first prefix
 * is not after it (`firsts` as in meta.js). -1 when there is none.
 */
export function shardOf(term: string, firsts: readonly string[]): number {
  const prefix = prefixOf(term);
  let lo = 0, hi = firsts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (firsts[mid]! <= prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
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

function snippetOf(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 160 ? `${t.slice(0, 159).trimEnd()}…` : t;
}

/**
 * Builds the index one document at a time (the build streams records): add the documents in the order they
 * should be numbered, then take the files.
 */
export class SearchIndexBuilder {
  private readonly docs: [string, string, string, string][] = [];
  private readonly index = new Map<string, number[]>();
  private readonly descriptionOf: (record: ArtifactRecord) => string;
  private readonly textOf: (record: ArtifactRecord) => string;
  private readonly shardBytes: number;

  constructor(options: SearchOptions = {}) {
    this.descriptionOf = options.descriptionOf ?? ((r: ArtifactRecord) => r.description ?? "");
    this.textOf = options.textOf ?? defaultText;
    this.shardBytes = options.shardBytes ?? SHARD_BYTES;
  }

  /**
   * A key's document (its latest version), or an unkeyed artifact's when `record.key` is null. `snippet` is the
   * line shown under the result; default the start of the description or text.
   */
  add(record: ArtifactRecord, snippet?: string): void {
    const title = record.key ?? `Unkeyed ${record.type} artifact ${record.id.slice(0, 8)}`;
    const page = record.key === null ? artifactPage(record.id) : keyPage(record.key);
    const description = this.descriptionOf(record);
    const text = this.textOf(record);
    this.docs.push([title, page, record.type, snippetOf(snippet || description || text)]);
    this.indexTerms(this.docs.length - 1, title, `${description}\n${text}`);
  }

  /**
   * Indexes document `n`'s terms. Apart from `add`, which reads records of every type: V8 optimised `add` whole
   * with the terms loops in it, and each record type it met later threw that code away (5 optimisations of ~20 ms
   * on the 10k bench); this part only ever sees strings.
   */
  private indexTerms(n: number, title: string, body: string): void {
    const titleTerms = new Set(terms(title));
    const all = new Set(titleTerms);
    for (const t of terms(body.slice(0, MAX_TEXT))) {
      if (all.size >= MAX_TERMS_PER_DOC) break;
      all.add(t);
    }
    for (const t of all) {
      const postings = this.index.get(t);
      const p = n * 2 + (titleTerms.has(t) ? 1 : 0);
      if (postings) postings.push(p);
      else this.index.set(t, [p]);
    }
  }

  files(): SiteFile[] {
    // Terms sorted, grouped by their first two characters; groups are packed into shards of about SHARD_BYTES, a
    // group never split, so every term with a given two-character prefix is in one shard.
    const shards: [string, number[]][][] = [];
    const firsts: string[] = [];
    let size = Infinity, group = "";
    for (const term of [...this.index.keys()].sort()) {
      const postings = this.index.get(term)!;
      const prefix = prefixOf(term);
      if (prefix !== group && size >= this.shardBytes) {
        shards.push([]);
        firsts.push(prefix);
        size = 0;
      }
      group = prefix;
      shards[shards.length - 1]!.push([term, postings]);
      size += term.length + 4 + postings.length * 6;
    }
    const files: SiteFile[] = [
      { path: SEARCH_META, data: dataScript("search/meta", { version: 1, docs: this.docs.length, docShard: DOC_SHARD, shards: firsts }) },
    ];
    shards.forEach((entries, i) => files.push({ path: `${SEARCH_DIR}/t-${i}.js`, data: dataScript(`search/t-${i}`, entries) }));
    for (let s = 0; s * DOC_SHARD < this.docs.length; s++) {
      files.push({ path: `${SEARCH_DIR}/d-${s}.js`, data: dataScript(`search/d-${s}`, this.docs.slice(s * DOC_SHARD, (s + 1) * DOC_SHARD)) });
    }
    return files;
  }
}

/** The index of a whole set of records: the latest version of each key in key order, then unkeyed ones oldest first. */
export function searchFiles(records: readonly ArtifactRecord[], options: SearchOptions = {}): SiteFile[] {
  const latest = new Map<string, ArtifactRecord>();
  const unkeyed: ArtifactRecord[] = [];
  for (const r of records) {
    if (r.key === null) unkeyed.push(r);
    else {
      const cur = latest.get(r.key);
      if (!cur || byCreated(cur, r) < 0) latest.set(r.key, r);
    }
  }
  const builder = new SearchIndexBuilder(options);
  for (const key of [...latest.keys()].sort()) builder.add(latest.get(key)!);
  for (const r of unkeyed.sort(byCreated)) builder.add(r);
  return builder.files();
}
