/**
 * `api/latest.json`: the latest version of every key, for other tools (dashboards, scripts, CI checks). Paths are
 * relative to the site root; `url` fields are added when a `baseUrl` is given. Keys in key order, record fields
 * in the store's documented order, so the same store gives the same bytes.
 */
import type { ArtifactRecord } from "../../types.js";
import { artifactPage, keyPage } from "../paths.js";
import type { SiteFile } from "./files.js";
import { byCreated } from "./feed.js";

export const LATEST_API = "api/latest.json";

export interface LatestApiOptions {
  /** Normalised base URL; default none (no `url` fields). */
  baseUrl?: string;
  /** Site path of each local image by artifact id (the `image` field of local-image records). */
  imagePaths?: ReadonlyMap<string, string>;
}

/** The record with its fields in a fixed order (records read from other writers may order them differently). */
function ordered(r: ArtifactRecord): Record<string, unknown> {
  return {
    formatVersion: r.formatVersion, id: r.id, key: r.key, type: r.type, description: r.description, data: r.data,
    flowRunId: r.flowRunId, taskRunId: r.taskRunId, created: r.created, updated: r.updated,
  };
}

/** One key's entry of the file, as JSON text (the build streams keys and joins the entries at the end). */
export function latestEntry(latest: ArtifactRecord, versions: number, options: LatestApiOptions = {}): string {
  const key = latest.key!;
  const page = keyPage(key), artifact = artifactPage(latest.id);
  const image = options.imagePaths?.get(latest.id);
  return JSON.stringify({
    key, versions, page, artifactPage: artifact,
    ...(options.baseUrl !== undefined ? { url: options.baseUrl + page, artifactUrl: options.baseUrl + artifact } : {}),
    ...(image !== undefined ? { image, ...(options.baseUrl !== undefined ? { imageUrl: options.baseUrl + image } : {}) } : {}),
    latest: ordered(latest),
  });
}

/** The file from entries in key order: one key per line, so a diff of two builds reads key by key. */
export function latestApiFile(entries: readonly string[]): SiteFile {
  const body = entries.length === 0 ? "[]" : `[\n${entries.join(",\n")}\n]`;
  return { path: LATEST_API, data: `{"formatVersion":1,"keys":${body}}\n` };
}

export function latestApi(records: readonly ArtifactRecord[], options: LatestApiOptions = {}): SiteFile {
  const byKey = new Map<string, { latest: ArtifactRecord; versions: number }>();
  for (const r of records) {
    if (r.key === null) continue;
    const entry = byKey.get(r.key);
    if (!entry) byKey.set(r.key, { latest: r, versions: 1 });
    else {
      entry.versions++;
      if (byCreated(entry.latest, r) < 0) entry.latest = r;
    }
  }
  const entries = [...byKey.keys()].sort().map((key) => latestEntry(byKey.get(key)!.latest, byKey.get(key)!.versions, options));
  return latestApiFile(entries);
}
