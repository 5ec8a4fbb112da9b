/**
 * Atom feeds (RFC 4287): one per key (`keys/<key>/feed.xml`, its latest versions) and one for the whole site
 * (`feed.xml`, the latest versions of every key and unkeyed artifact). Links are relative to the feed, or absolute
 * with `baseUrl`. Output depends only on the records: `updated` is the newest entry's time, never the clock.
 */
import { createHash } from "node:crypto";
import type { ArtifactRecord } from "../../types.js";
import { formatCount, oneLine } from "../format.js";
import { INDEX_PAGE, artifactPage, keyPage } from "../paths.js";
import { linkTo } from "./base-url.js";
import { escapeXml } from "./escape.js";
import type { SiteFile } from "./files.js";

export const SITE_FEED = "feed.xml";
export function keyFeedPath(key: string): string {
  return `keys/${key}/feed.xml`;
}

export interface FeedOptions {
  siteTitle: string;
  /** Normalised base URL (see normalizeBaseUrl); default none: links relative to the feed. */
  baseUrl?: string;
  /** One line of plain text for an entry; default `dataSummary`. */
  summaryOf?: (record: ArtifactRecord) => string;
  /** Entries per feed, newest first; default 50. */
  maxEntries?: number;
}

/** A short plain-text summary of a record's content. */
export function dataSummary(record: ArtifactRecord): string {
  switch (record.type) {
    case "markdown": return oneLine(record.data, 200);
    case "link": return record.data.text === null ? record.data.url : `${record.data.text} (${record.data.url})`;
    case "image": return "url" in record.data ? `Image ${record.data.url}` : "Image";
    case "table": {
      const n = record.data.rows.length;
      return `Table, ${formatCount(n)} ${n === 1 ? "row" : "rows"}`;
    }
    case "progress": return `Progress ${Math.round(record.data * 100) / 100}%`;
    default: return "";
  }
}

/** A UUID made from a name (SHA-1, RFC 4122 version 5 layout), for feed ids that stay put across builds. */
export function nameUuid(name: string): string {
  const h = createHash("sha1").update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

interface Entry {
  record: ArtifactRecord;
  title: string;
}

/** Version order (DESIGN §1): by `created`, ties by id, as the site model orders them. */
export function byCreated(a: ArtifactRecord, b: ArtifactRecord): number {
  return a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
function byNewest(a: ArtifactRecord, b: ArtifactRecord): number {
  return byCreated(b, a);
}

function renderFeed(path: string, title: string, alternate: string, entries: Entry[], options: FeedOptions): string {
  const link = (target: string) => escapeXml(linkTo(target, path, options.baseUrl));
  const id = options.baseUrl !== undefined ? options.baseUrl + path : `urn:uuid:${nameUuid(`artifact-press:${options.siteTitle}:${path}`)}`;
  let updated = "1970-01-01T00:00:00.000Z";
  for (const e of entries) if (e.record.updated > updated) updated = e.record.updated;
  const summaryOf = options.summaryOf ?? dataSummary;
  const out: string[] = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `<title>${escapeXml(title)}</title>`,
    `<id>${escapeXml(id)}</id>`,
    `<updated>${escapeXml(updated)}</updated>`,
    `<link rel="self" type="application/atom+xml" href="${link(path)}"/>`,
    `<link rel="alternate" type="text/html" href="${link(alternate)}"/>`,
    `<author><name>${escapeXml(options.siteTitle)}</name></author>`,
    `<generator>Artifact Press</generator>`,
  ];
  for (const { record, title: entryTitle } of entries) {
    const summary = summaryOf(record);
    out.push(
      `<entry>`,
      `<title>${escapeXml(entryTitle)}</title>`,
      `<id>urn:uuid:${escapeXml(record.id.toLowerCase())}</id>`,
      `<published>${escapeXml(record.created)}</published>`,
      `<updated>${escapeXml(record.updated)}</updated>`,
      `<link rel="alternate" type="text/html" href="${link(artifactPage(record.id))}"/>`,
      `<category term="${escapeXml(record.type)}"/>`,
      ...(summary === "" ? [] : [`<summary type="text">${escapeXml(summary)}</summary>`]),
      `</entry>`,
    );
  }
  out.push(`</feed>`, "");
  return out.join("\n");
}

/**
 * The feed of one key; `versions` oldest first. Version numbers count from the oldest, or from `skipped + 1` when
 * the caller passes only the latest versions (`skipped` older ones left out).
 */
export function keyFeed(key: string, versions: readonly ArtifactRecord[], options: FeedOptions, skipped = 0): SiteFile {
  const max = options.maxEntries ?? 50;
  const entries: Entry[] = [];
  for (let i = versions.length - 1; i >= 0 && entries.length < max; i--) {
    const r = versions[i]!;
    entries.push({ record: r, title: `${key} v${skipped + i + 1} (${r.type})` });
  }
  const path = keyFeedPath(key);
  return { path, data: renderFeed(path, `${key} · ${options.siteTitle}`, keyPage(key), entries, options) };
}

/**
 * The site feed: the newest versions over all keys and unkeyed artifacts. `numberOf` gives a keyed record's
 * version number; by default it is counted over `records`, which must then hold every version of each key.
 */
export function siteFeed(records: readonly ArtifactRecord[], options: FeedOptions, numberOf?: (r: ArtifactRecord) => number | undefined): SiteFile {
  const max = options.maxEntries ?? 50;
  const numbers = new Map<string, number>();
  if (!numberOf) {
    const perKey = new Map<string, ArtifactRecord[]>();
    for (const r of records) if (r.key !== null) (perKey.get(r.key) ?? perKey.set(r.key, []).get(r.key)!).push(r);
    for (const list of perKey.values()) list.sort(byCreated).forEach((r, i) => numbers.set(r.id, i + 1));
  }
  const number = numberOf ?? ((r: ArtifactRecord) => numbers.get(r.id));
  const newest = [...records].sort(byNewest).slice(0, max);
  const entries = newest.map((r) => ({
    record: r,
    title: r.key === null ? `Unkeyed ${r.type} artifact ${r.id.slice(0, 8)}` : `${r.key} v${number(r)} (${r.type})`,
  }));
  return { path: SITE_FEED, data: renderFeed(SITE_FEED, options.siteTitle, INDEX_PAGE, entries, options) };
}

/** Every feed of a site: the site feed, then one per key in key order. */
export function feedFiles(records: readonly ArtifactRecord[], options: FeedOptions): SiteFile[] {
  const byKey = new Map<string, ArtifactRecord[]>();
  for (const r of records) if (r.key !== null) (byKey.get(r.key) ?? byKey.set(r.key, []).get(r.key)!).push(r);
  const files = [siteFeed(records, options)];
  for (const key of [...byKey.keys()].sort()) {
    const versions = byKey.get(key)!.sort(byCreated);
    files.push(keyFeed(key, versions, options));
  }
  return files;
}
