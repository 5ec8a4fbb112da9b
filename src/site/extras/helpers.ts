/**
 * What the templates use from the extras (`it.h.extras`), and every extra file of a site in one list for the
 * writer: feeds, `api/latest.json`, the search index, compare data per key, table data per table.
 */
import type { ArtifactRecord } from "../../types.js";
import { compareDataFile, compareDataName, compareScriptFile } from "./compare-data.js";
import { diffVersions, type VersionDiff } from "./diff.js";
import { byCreated, dataSummary, feedFiles, keyFeedPath } from "./feed.js";
import type { SiteFile } from "./files.js";
import { latestApi } from "./latest-api.js";
import { searchFiles } from "./search-index.js";
import { tableDataFile, tableScriptFile } from "./table-data.js";
import { renderTrendSvg, trendSeries, type TrendSeries } from "./trend.js";

/** Diffs shown on a lineage page (newest first); older ones are on each version's page. */
export const RECENT_DIFFS = 10;

export interface ExtrasHelpers {
  /** `current` against `previous`. */
  diff(previous: ArtifactRecord, current: ArtifactRecord): VersionDiff;
  /** Trend series of a lineage given newest first, as the key page holds it. */
  trends(versionsNewestFirst: readonly ArtifactRecord[]): TrendSeries[];
  trendSvg(series: TrendSeries, root: string): string;
  compareScript(key: string): string;
  compareName(key: string): string;
  tableScript(id: string): string;
  feed(key: string): string;
  recentDiffs: number;
}

export function createExtrasHelpers(): ExtrasHelpers {
  return {
    diff: (previous, current) => diffVersions(previous, current),
    trends: (versions) => trendSeries([...versions].reverse()),
    trendSvg: (series, root) => renderTrendSvg(series, { root }),
    compareScript: compareScriptFile,
    compareName: compareDataName,
    tableScript: tableScriptFile,
    feed: keyFeedPath,
    recentDiffs: RECENT_DIFFS,
  };
}

export interface ExtraFilesOptions {
  siteTitle: string;
  /** Normalised base URL (normalizeBaseUrl); default none. */
  baseUrl?: string;
  imagePaths?: ReadonlyMap<string, string>;
  /** Plain text of a record's description (the rendered one); default its raw Markdown. */
  descriptionOf?: (record: ArtifactRecord) => string;
  /** Plain text of a record's content; default built from its data. */
  textOf?: (record: ArtifactRecord) => string;
}

/** Every extra file of a site, in a fixed order; `records` are the ones the site shows. */
export function extraFiles(records: readonly ArtifactRecord[], options: ExtraFilesOptions): SiteFile[] {
  const base = options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl };
  const descriptionOf = options.descriptionOf;
  const summaryOf = descriptionOf ? (r: ArtifactRecord) => descriptionOf(r) || dataSummary(r) : undefined;
  const files: SiteFile[] = [
    ...feedFiles(records, { siteTitle: options.siteTitle, ...base, ...(summaryOf ? { summaryOf } : {}) }),
    latestApi(records, { ...base, ...(options.imagePaths ? { imagePaths: options.imagePaths } : {}) }),
    ...searchFiles(records, {
      ...(options.descriptionOf ? { descriptionOf: options.descriptionOf } : {}),
      ...(options.textOf ? { textOf: options.textOf } : {}),
    }),
  ];
  const byKey = new Map<string, ArtifactRecord[]>();
  for (const r of records) if (r.key !== null) (byKey.get(r.key) ?? byKey.set(r.key, []).get(r.key)!).push(r);
  for (const key of [...byKey.keys()].sort()) {
    const versions = byKey.get(key)!.sort(byCreated);
    if (versions.length > 1) files.push(compareDataFile(key, versions));
  }
  for (const r of [...records].sort(byCreated)) {
    if (r.type === "table" && r.data.rows.length > 0) files.push(tableDataFile(r));
  }
  return files;
}
