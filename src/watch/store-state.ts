/**
 * The watched store held in memory: every record file by its store path, every run, and each local image's bytes.
 * A batch re-reads only the files it names; `snapshot()` then gives the records the full build would use, in its
 * order and with its rules (first file of an id wins, an image that cannot be read drops its record).
 */
import { lstatSync } from "node:fs";
import path from "node:path";
import type { ProblemSink, StoreProblem } from "../store/backend.js";
import { FsStore, RUNS_DIR, UNKEYED_DIR } from "../store/fs-store.js";
import { isValidKey, timestampOfFileName } from "../store/rules.js";
import type { ArtifactRecord, RunRecord } from "../types.js";
import { asProblem, readImage, readRecordSync, type SiteImage } from "../site/read.js";

/** One version file of the store and what was made of it. */
export interface RecordEntry {
  /** Store-relative path, `<key>/<name>` or `_unkeyed/<name>`. */
  file: string;
  key: string | null;
  name: string;
  /** The record, or undefined while the file is unreadable (reported). */
  record: ArtifactRecord | undefined;
  /** A local image's published form; null when it cannot be used (the record is then left out). */
  image?: SiteImage | null;
  /** Bumped on every re-read, so caches keyed on an entry know when it changed. */
  revision: number;
}

/** What one batch touched, for working out which pages it changes. */
export interface Touched {
  /** Lowercased artifact ids read before or after (their pages may change). */
  ids: Set<string>;
  /** Folders (keys; null for unkeyed) whose files changed. */
  folders: Set<string | null>;
  /** Run ids whose record file changed. */
  runs: Set<string>;
  /** Entries re-read in this batch. */
  entries: Set<RecordEntry>;
}

export interface StoreView {
  /** Records that the site shows, in the full build's order (keys sorted, versions in order, then unkeyed). */
  records: ArtifactRecord[];
  /** The entry each of those records comes from. */
  entries: RecordEntry[];
  runs: RunRecord[];
  /** Distinct local images by site path. */
  images: Map<string, SiteImage>;
  /** The entry whose record is shown, by lowercased id. */
  winners: Map<string, RecordEntry>;
}

const IMAGE_RE = /\.(png|jpe?g|gif|webp|avif)$/i;

export class StoreState {
  private readonly store: FsStore;
  private readonly folders = new Map<string | null, Map<string, RecordEntry>>();
  private readonly sorted = new Map<string | null, RecordEntry[]>();
  private sortedKeys: string[] | undefined;
  private readonly runs = new Map<string, RunRecord>();

  constructor(readonly dir: string, options: { maxFileSize?: number } = {}) {
    this.store = new FsStore(dir, { limits: options.maxFileSize === undefined ? {} : { maxFileSize: options.maxFileSize } });
  }

  /** Reads the whole store, as the full build does; problems go to `report`. */
  async load(report: ProblemSink): Promise<void> {
    const keys: (string | null)[] = [...(await this.store.listKeys(report)), null];
    for (const key of keys) {
      for (const name of await this.store.listVersions(key, report)) {
        await this.readEntry(key, name, report);
      }
    }
    for (const run of await this.store.listRuns(report)) this.runs.set(run.id, run);
  }

  /** Applies one batch of store-relative paths (added, changed or removed alike: each is looked at again). */
  async apply(paths: string[], report: ProblemSink): Promise<Touched> {
    const touched: Touched = { ids: new Set(), folders: new Set(), runs: new Set(), entries: new Set() };
    const images: { folder: string | null; file: string }[] = [];
    for (const rel of paths) {
      const parts = rel.split("/");
      if (parts.length !== 2) continue;
      const [top, name] = parts as [string, string];
      if (top === RUNS_DIR) {
        if (name.endsWith(".json")) await this.readRunFile(name.slice(0, -5), rel, touched, report);
        continue;
      }
      const folder = top === UNKEYED_DIR ? null : top;
      if (folder !== null && (top.startsWith("_") || !isValidKey(folder))) continue; // the full build reports the folder once
      if (IMAGE_RE.test(name)) {
        images.push({ folder, file: name });
        continue;
      }
      if (!name.endsWith(".json") || timestampOfFileName(name) === null) continue;
      const before = this.folders.get(folder)?.get(name);
      if (before?.record) touched.ids.add(before.record.id.toLowerCase());
      const entry = await this.readEntry(folder, name, report);
      if (entry?.record) touched.ids.add(entry.record.id.toLowerCase());
      if (entry) touched.entries.add(entry);
      touched.folders.add(folder);
    }
    // An attached image changed: the records that point at it are read with it again.
    for (const { folder, file } of images) {
      for (const entry of this.folders.get(folder)?.values() ?? []) {
        const data = entry.record?.data as { file?: unknown } | undefined;
        if (entry.record?.type !== "image" || data?.file !== file) continue;
        entry.image = await this.readImage(entry.record, entry.file, report);
        entry.revision++;
        touched.ids.add(entry.record.id.toLowerCase());
        touched.entries.add(entry);
        touched.folders.add(folder);
      }
    }
    return touched;
  }

  /** The records the site shows now, with the full build's order and its duplicate and image rules. */
  view(): StoreView {
    const records: ArtifactRecord[] = [];
    const entries: RecordEntry[] = [];
    const images = new Map<string, SiteImage>();
    const winners = new Map<string, RecordEntry>();
    for (const folder of [...this.keys(), null]) {
      for (const entry of this.entriesOf(folder)) {
        const record = entry.record;
        if (!record) continue;
        const id = record.id.toLowerCase();
        if (winners.has(id)) continue;
        if (entry.image === null) continue;
        if (entry.image && !images.has(entry.image.path)) images.set(entry.image.path, entry.image);
        winners.set(id, entry);
        records.push(record);
        entries.push(entry);
      }
    }
    return { records, entries, runs: [...this.runs.values()], images, winners };
  }

  /** The entries of a folder in version order. */
  entriesOf(folder: string | null): RecordEntry[] {
    let list = this.sorted.get(folder);
    if (!list) {
      const map = this.folders.get(folder);
      list = map ? [...map.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : [];
      this.sorted.set(folder, list);
    }
    return list;
  }

  /** Every entry, readable or not. */
  allEntries(): RecordEntry[] {
    return [...this.folders.values()].flatMap((map) => [...map.values()]);
  }

  /** Problems to report for duplicates among `entries` (the ones just read). */
  duplicates(entries: Iterable<RecordEntry>, view: StoreView): StoreProblem[] {
    const winners = view.winners;
    const problems: StoreProblem[] = [];
    for (const entry of entries) {
      const record = entry.record;
      if (!record) continue;
      const winner = winners.get(record.id.toLowerCase());
      if (winner && winner !== entry) {
        problems.push({
          path: path.join(this.store.location, entry.file),
          reason: `duplicate artifact id ${JSON.stringify(record.id)} (also in ${path.join(this.store.location, winner.file)}); skipped`,
        });
      }
    }
    return problems;
  }

  private keys(): string[] {
    this.sortedKeys ??= [...this.folders.keys()].filter((k): k is string => k !== null && this.folders.get(k)!.size > 0).sort();
    return this.sortedKeys;
  }

  private async readEntry(folder: string | null, name: string, report: ProblemSink): Promise<RecordEntry | undefined> {
    const file = `${folder ?? UNKEYED_DIR}/${name}`;
    let record: ArtifactRecord | undefined;
    let gone = false;
    // Read as the full build reads (read.ts: same checks, same reasons), synchronously: a promise per open, stat,
    // read and close made the first build of a 10,000-artifact store wait ~3 s on the thread pool.
    const dir = this.store.keyDir(folder);
    const read = readRecordSync(this.store, folder, dir, lstatSync(dir, { throwIfNoEntry: false }), name);
    // A file that is gone is simply removed; any other failure is reported and the file skipped until it changes.
    if (read === undefined || ("reason" in read && /ENOENT|ENOTDIR/.test(read.reason))) gone = true;
    else if ("reason" in read) report(read);
    else record = read.record;
    let map = this.folders.get(folder);
    const old = map?.get(name);
    if (gone) {
      if (old) {
        map!.delete(name);
        this.sorted.delete(folder);
        if (map!.size === 0) this.sortedKeys = undefined;
      }
      return undefined;
    }
    if (!map) this.folders.set(folder, (map = new Map()));
    const entry: RecordEntry = old ?? { file, key: folder, name, record: undefined, revision: 0 };
    entry.record = record;
    entry.revision++;
    entry.image = undefined;
    if (record?.type === "image" && "file" in record.data) entry.image = await this.readImage(record, file, report);
    if (!old) {
      map.set(name, entry);
      this.sorted.delete(folder);
      this.sortedKeys = undefined;
    }
    return entry;
  }

  private async readRunFile(id: string, rel: string, touched: Touched, report: ProblemSink): Promise<void> {
    let run: RunRecord | undefined;
    try {
      run = await this.store.readRun(id);
      if (run && run.id !== id) run = undefined;
    } catch (err) {
      const problem = asProblem(err) ?? { path: path.join(this.store.location, rel), reason: (err as Error).message };
      report(problem);
    }
    if (run) this.runs.set(id, run);
    else this.runs.delete(id);
    touched.runs.add(id);
  }

  /** A local image, checked exactly as the full build checks it (its bytes must really be the type claimed). */
  private async readImage(record: ArtifactRecord, file: string, report: ProblemSink): Promise<SiteImage | null> {
    return (await readImage(this.store, record, path.join(this.store.location, file), report)) ?? null;
  }
}
