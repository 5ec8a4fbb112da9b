/**
 * The extras of a build, collected as records stream by (keys sorted, versions oldest first, then unkeyed — the
 * store order): each record is seen once with its full data, and only what the extras need is kept — a capped
 * diff per version, trend points, the feed's latest entries, the latest record per key for the API, the search
 * document. A key's feed and compare data are emitted as soon as the next key starts, so memory does not grow
 * with the store.
 */
import type { ArtifactRecord } from "../../types.js";
import { CompareBuilder, compareDataName, compareScriptFile } from "./compare-data.js";
import { diffVersions, type RenderedDiff, type SplicedDiff, type VersionDiff } from "./diff.js";
import { DiffStore, MemoryDiffs, type DiffKeeper } from "./diff-store.js";
import { byCreated, dataSummary, keyFeed, keyFeedPath, siteFeed } from "./feed.js";
import { sha1 } from "../page-keys.js";
import type { SiteFile } from "./files.js";
import { latestApiFile, latestEntry } from "./latest-api.js";
import { SearchIndexBuilder } from "./search-index.js";
import { renderTrendSvg, trendSeries, type TrendSeries } from "./trend.js";

/** Diffs shown on a lineage page (newest first); older ones are on each version's page. */
export const RECENT_DIFFS = 5;
/** Diffs kept for pages: at most 40 lines listed (both versions are on their own pages, and the lineage page compares any two in full), and none when over 60% of the lines changed (see LineDiff). */
const DIFF_LINES = { maxLines: 40, maxChangedShare: 0.6 };
/** Table diffs kept for pages: at most 20 rows of each kind, and none listed when over 60% of the cells changed. */
const DIFF_TABLE = { maxListed: 20, maxChangedShare: 0.6 };
/** Entries per feed. */
export const FEED_ENTRIES = 50;

export interface CollectorOptions {
  siteTitle: string;
  /** Normalised base URL (normalizeBaseUrl); default none: feed links are relative. */
  baseUrl?: string;
  /** Takes each file as soon as it is complete; default: kept, and returned by `finish`. */
  emit?: (file: SiteFile) => void;
  /**
   * Keep the version diffs in a temp file instead of memory (big stores: memory then does not grow with the
   * number of versions); default false. Call `close` when done to remove the file.
   */
  diffsOnDisk?: boolean;
  /** With `diffsOnDisk`: hold none in memory (a big build), instead of the first few megabytes (see AppendFile). */
  diffsWriteThrough?: boolean;
  /**
   * A key's compare data file made before from the very records the collector is about to be given for that key
   * (watch mode keeps them across batches); undefined: it is built here. Asked at the key's first record.
   */
  compareFile?: (key: string) => SiteFile | undefined;
  /**
   * Renders a diff computed here to its "changes" HTML (SiteRenderer.renderDiff), kept instead of the diff: the
   * page then splices it, as it does the reader thread's. Default none: diffs are kept as computed.
   */
  renderDiff?: (diff: VersionDiff) => string | undefined;
  /**
   * A key's feed and compare data by content key instead of `emit`, so the caller can take the file of the previous
   * build made from the same key rather than make it again (`make` gives the text). The key is a hash of `prefix`
   * (the build's salt and every setting the files depend on), the key's name and version count, and the content
   * hashes of the versions the file shows (RecordInfo.hash; a key with a record that has none is emitted as usual).
   */
  keyed?: { prefix: string; put: (path: string, key: string, make: () => string) => void };
  /**
   * Makes `current`'s diff against `previous` when a page asks for one the collector did not make (records added with
   * RecordInfo.lateDiff): from the records as stored, as `add` would have. Default none: every diff is made in `add`.
   */
  lateDiff?: (previous: ArtifactRecord, current: ArtifactRecord) => VersionDiff | RenderedDiff;
}

/**
 * A version's diff computed elsewhere, with the version it was computed against — used only when that is the
 * version the collector saw last in the key: from the reader thread (read-worker.ts) the JSON of its VersionDiff
 * or the HTML of its RenderedDiff; from watch mode's cache (incremental.ts) the VersionDiff of an earlier batch.
 */
export type ReadyDiff = { previousId: string } & ({ json: string } | { html: string } | { diff: VersionDiff });

/** The diff the pages show for `current` against `previous`, with the pages' caps. */
export function pageDiff(previous: ArtifactRecord, current: ArtifactRecord): VersionDiff {
  return diffVersions(previous, current, { lines: DIFF_LINES, table: DIFF_TABLE });
}

export interface RecordInfo {
  /** The description as one line of plain text (the rendered one); "" when none. */
  descriptionText: string;
  /** The record's content hash (its fragment key), for `keyed`. */
  hash?: string;
  /** Site path of a local image. */
  imagePath?: string;
  /**
   * Leave its diff to `lateDiff`, made only if a page asks for it: a rebuild, whose pages of unchanged records are
   * taken from the previous site, needs few of them (the diffs were ~0.4 s of CPU in a 10k rebuild after a touch).
   */
  lateDiff?: boolean;
  /** Its record file's length in characters: lets the key's compare data wait for its records (CompareBuilder.add). */
  size?: number;
}

/** What the templates use (`it.h.extras`). */
export interface ExtrasHelpers {
  /** `current` against `previous`, when the build saw both in a row; undefined otherwise. */
  diff(previous: ArtifactRecord, current: ArtifactRecord): VersionDiff | RenderedDiff | undefined;
  /** `diff`, with a rendered diff's HTML as bytes where the collector keeps it so (for pages that splice bytes). */
  splicedDiff?(previous: ArtifactRecord, current: ArtifactRecord): VersionDiff | RenderedDiff | SplicedDiff | undefined;
  /** Trend series of a lineage (given newest first, as the key page holds it). */
  trends(versionsNewestFirst: readonly ArtifactRecord[]): TrendSeries[];
  trendSvg(series: TrendSeries, root: string): string;
  compareScript(key: string): string;
  compareName(key: string): string;
  feed(key: string): string;
  recentDiffs: number;
}

interface FeedItem {
  record: ArtifactRecord;
  summary: string;
  number: number | undefined;
}

interface KeyState {
  key: string;
  count: number;
  previous: ArtifactRecord | undefined;
  previousInfo: RecordInfo | undefined;
  feed: FeedItem[];
  /** Builds the key's compare data; a file instead when the caller had it already (`compareFile`). */
  compare: CompareBuilder | SiteFile;
  /** Versions as trend input: numbers-carrying records, a stub for the rest (version numbers count them all). */
  trend: ArtifactRecord[];
  /** Content hashes of the versions so far (for `keyed`); undefined once one had none. */
  hashes: string[] | undefined;
}

/** A record without its data: what feeds keep of it. */
function slim(record: ArtifactRecord): ArtifactRecord {
  return { ...record, data: null } as unknown as ArtifactRecord;
}

/** What a trend needs of a version: its id, time and numbers; a stub for versions without numbers. */
function trendInput(record: ArtifactRecord): ArtifactRecord {
  const carries = record.type === "progress" || (record.type === "table" && record.data.rows.length === 1);
  return { id: record.id, key: record.key, created: record.created, ...(carries ? { type: record.type, data: record.data } : { type: "link", data: null }) } as ArtifactRecord;
}

export class ExtrasCollector {
  private readonly files: SiteFile[] = [];
  private readonly emit: (file: SiteFile) => void;
  private readonly diffs: DiffKeeper;
  private readonly trends = new Map<string, TrendSeries[]>();
  private readonly latest: string[] = [];
  private readonly search = new SearchIndexBuilder();
  private newest: FeedItem[] = [];
  private current: KeyState | undefined;
  private readonly done = new Set<string>();
  /** Versions whose diff is left to `lateDiff`, with the version it is against. */
  private readonly lateOk = new Map<string, string>();

  constructor(private readonly options: CollectorOptions) {
    this.emit = options.emit ?? ((file) => this.files.push(file));
    this.diffs = options.diffsOnDisk ? new DiffStore(options.diffsWriteThrough ? 0 : undefined) : new MemoryDiffs();
  }

  private get base(): { baseUrl?: string } {
    return this.options.baseUrl === undefined ? {} : { baseUrl: this.options.baseUrl };
  }

  /**
   * One record that goes into the site, in store order. Returns its diff against the key's previous version when
   * that diff was computed here or handed over as a VersionDiff (for a caller that keeps them).
   */
  add(record: ArtifactRecord, info: RecordInfo, ready?: ReadyDiff): VersionDiff | undefined {
    const summary = info.descriptionText || dataSummary(record);
    if (record.key === null) {
      this.endKey();
      this.search.add(record, info.descriptionText);
      this.pushNewest({ record: slim(record), summary, number: undefined });
      return undefined;
    }
    if (this.current?.key !== record.key) {
      this.endKey();
      // A key seen again after it ended (out-of-order input): its files are out; later versions get no extras.
      if (this.done.has(record.key)) return undefined;
      this.current = { key: record.key, count: 0, previous: undefined, previousInfo: undefined, feed: [], compare: this.options.compareFile?.(record.key) ?? new CompareBuilder(record.key), trend: [], hashes: [] };
    }
    const state = this.current!;
    state.count++;
    let diff: VersionDiff | undefined;
    if (state.previous) {
      const same = ready?.previousId === state.previous.id;
      if (!same && info.lateDiff && this.options.lateDiff) {
        // Made if a page asks for it (see helpers), against this previous version only.
        this.lateOk.set(record.id, state.previous.id);
      } else if (same && "json" in ready) this.diffs.putJson(record.id, ready.json);
      else if (same && "html" in ready) this.diffs.putRendered({ previousId: ready.previousId, currentId: record.id, html: ready.html });
      else {
        diff = same && "diff" in ready ? ready.diff : pageDiff(state.previous, record);
        const html = this.options.renderDiff?.(diff);
        if (html === undefined) this.diffs.put(diff);
        else this.diffs.putRendered({ previousId: diff.previousId, currentId: diff.currentId, html });
      }
    }
    state.previous = record;
    state.previousInfo = info;
    const item = { record: slim(record), summary, number: state.count };
    state.feed.push(item);
    if (state.feed.length > FEED_ENTRIES) state.feed.shift();
    this.pushNewest(item);
    if (state.compare instanceof CompareBuilder) state.compare.add(record, info.size);
    state.trend.push(trendInput(record));
    if (info.hash === undefined) state.hashes = undefined;
    else state.hashes?.push(info.hash);
    return diff;
  }

  private pushNewest(item: FeedItem): void {
    this.newest.push(item);
    if (this.newest.length > FEED_ENTRIES * 2) {
      this.newest.sort((a, b) => byCreated(b.record, a.record));
      this.newest.length = FEED_ENTRIES;
    }
  }

  private endKey(): void {
    const state = this.current;
    if (!state) return;
    this.current = undefined;
    this.done.add(state.key);
    const latest = state.previous!;
    const feed = () => {
      const summaries = new Map(state.feed.map((f) => [f.record.id, f.summary]));
      return keyFeed(state.key, state.feed.map((f) => f.record), {
        siteTitle: this.options.siteTitle, ...this.base, summaryOf: (r) => summaries.get(r.id) ?? "",
      }, state.count - state.feed.length);
    };
    const { hashes, compare } = state;
    const keyed = hashes && this.options.keyed;
    // The feed shows the newest FEED_ENTRIES versions and numbers them from the count; compare data shows them all.
    const keyOf = (kind: string, shown: string[]) => sha1(`${keyed!.prefix}\0${kind}\0${state.key}\0${state.count}\0${shown.join(",")}`);
    if (keyed) keyed.put(keyFeedPath(state.key), keyOf("feed", hashes!.slice(-FEED_ENTRIES)), () => feed().data);
    else this.emit(feed());
    if (state.count > 1) {
      if (!(compare instanceof CompareBuilder)) this.emit(compare);
      else if (keyed) keyed.put(compareScriptFile(state.key), keyOf("compare", hashes!), () => compare.file().data);
      else this.emit(compare.file());
    }
    const series = trendSeries(state.trend);
    if (series.length) this.trends.set(state.key, series);
    const imagePaths = state.previousInfo?.imagePath ? new Map([[latest.id, state.previousInfo.imagePath]]) : undefined;
    this.latest.push(latestEntry(latest, state.count, { ...this.base, ...(imagePaths ? { imagePaths } : {}) }));
    this.search.add(latest, state.previousInfo?.descriptionText);
  }

  /** Ends the stream: emits the site feed, `api/latest.json` and the search index; returns the kept files. */
  finish(): SiteFile[] {
    this.endKey();
    const summaries = new Map(this.newest.map((f) => [f.record.id, f.summary]));
    const numbers = new Map(this.newest.map((f) => [f.record.id, f.number]));
    this.emit(siteFeed(this.newest.map((f) => f.record), {
      siteTitle: this.options.siteTitle, ...this.base, maxEntries: FEED_ENTRIES, summaryOf: (r) => summaries.get(r.id) ?? "",
    }, (r) => numbers.get(r.id)));
    this.newest = [];
    this.emit(latestApiFile(this.latest));
    for (const file of this.search.files()) this.emit(file);
    return this.files;
  }

  /** Frees the kept diffs (and their temp file); call once the pages are written. */
  close(): void {
    this.diffs.close();
  }

  /** A diff left to `lateDiff` (RecordInfo.lateDiff), made now: only for two versions that followed each other here. */
  private late(previous: ArtifactRecord, current: ArtifactRecord): VersionDiff | RenderedDiff | undefined {
    return this.options.lateDiff && this.lateOk.get(current.id) === previous.id ? this.options.lateDiff(previous, current) : undefined;
  }

  helpers(): ExtrasHelpers {
    return {
      diff: (previous, current) => {
        const d = this.diffs.get(current.id);
        return d && d.previousId === previous.id ? d : this.late(previous, current);
      },
      splicedDiff: (previous, current) => {
        const d = this.diffs.getSpliced ? this.diffs.getSpliced(current.id) : this.diffs.get(current.id);
        return d && d.previousId === previous.id ? d : this.late(previous, current);
      },
      trends: (versions) => (versions[0]?.key ? this.trends.get(versions[0].key) ?? [] : []),
      trendSvg: (series, root) => renderTrendSvg(series, { root }),
      compareScript: compareScriptFile,
      compareName: compareDataName,
      feed: keyFeedPath,
      recentDiffs: RECENT_DIFFS,
    };
  }
}

/** Every extra file and the template helpers for records already in memory (tests, watch mode), in store order. */
export function collectExtras(
  records: readonly ArtifactRecord[], options: Omit<CollectorOptions, "emit">, infoOf: (r: ArtifactRecord) => RecordInfo = () => ({ descriptionText: "" }),
): { files: SiteFile[]; helpers: ExtrasHelpers } {
  const keyed = records.filter((r) => r.key !== null).sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : byCreated(a, b)));
  const unkeyed = records.filter((r) => r.key === null).sort(byCreated);
  const collector = new ExtrasCollector(options);
  for (const r of [...keyed, ...unkeyed]) collector.add(r, infoOf(r));
  return { files: collector.finish(), helpers: collector.helpers() };
}
