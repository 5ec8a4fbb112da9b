/**
 * The incremental site: a full build first, then each batch of store changes re-reads only the files it names,
 * rebuilds the model (pure and cheap), re-renders only the pages whose inputs the batch touched, and writes only
 * the files whose bytes changed, into the live output folder. After any sequence of batches the folder holds
 * byte for byte what a fresh `buildSite` of the same store writes.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { ProblemSink, StoreProblem } from "../store/backend.js";
import type { ArtifactRecord } from "../types.js";
import { buildModel, type Page, type SiteModel } from "../site/model.js";
import { ExtrasCollector } from "../site/extras/collect.js";
import { compareScriptFile } from "../site/extras/compare-data.js";
import type { VersionDiff } from "../site/extras/diff.js";
import type { SiteFile } from "../site/extras/files.js";
import { SEARCH_PAGE, renderSearchPage } from "../site/extras/search-page.js";
import { DEFAULT_TITLE, SITE_ASSETS } from "../site/paths.js";
import { SiteRenderer, type RenderedArtifact } from "../site/render.js";
import { SiteWriter, defaultWriterThreads } from "../site/write.js";
import type { StoreChanges } from "./batch.js";
import { dirtyPages, storeSignature, type StoreSignature } from "./dirty.js";
import { LiveOut } from "./live-out.js";
import { StoreState, type RecordEntry, type StoreView } from "./store-state.js";

export interface IncrementalOptions {
  /** The store folder. */ dir: string;
  /** The output folder; the first build replaces it as a whole, later batches update it in place. */ out: string;
  /** Site title; default "Artifacts". */ title?: string;
  /** Skip record files larger than this many bytes; default 32 MiB. */ maxFileSize?: number;
  /** Called for every bad file found (path + reason); the site goes on without it. */ onProblem?: ProblemSink;
}

export interface UpdateResult {
  /** Site paths written or deleted, sorted: what the preview server should tell open pages. */
  changed: string[];
  /** Pages rendered (whether or not their bytes changed), each once, in the order first rendered. */
  rendered: string[];
  problems: StoreProblem[];
  durationMs: number;
  /** Where the time went, in ms: reading the changed files, the model, rendering pages, writing files. */
  phases?: { read: number; model: number; render: number; write: number };
}

/** A batch touching at most this many keys writes their pages before rebuilding the whole model. */
const EARLY_KEYS = 4;


/** One render of an artifact, tied to the revision of the file it came from; null when its Markdown was refused. */
interface CachedArtifact {
  revision: number;
  rendered: RenderedArtifact | null;
}

/** A version's diff against the version before it, tied to the revisions of both files. */
interface CachedDiff {
  previous: RecordEntry;
  previousRevision: number;
  revision: number;
  diff: VersionDiff;
}

/** Everything derived from the store at one moment. */
interface SiteState {
  view: StoreView;
  model: SiteModel;
  rendered: Map<string, RenderedArtifact>;
  pages: Map<string, Page>;
  /** Every file that is not a page, by site path: its bytes, by reference (unchanged content keeps its object). */
  files: Map<string, string | Uint8Array>;
  signature: StoreSignature;
}

export class IncrementalSite {
  private readonly renderer = new SiteRenderer();
  private readonly cache = new WeakMap<RecordEntry, CachedArtifact>();
  /**
   * Every batch collects the extras over the whole store again; a version's diff is computed only when it or the
   * version before it changed (the diffs were ~40 % of a batch on the 10k store).
   */
  private readonly diffs = new WeakMap<RecordEntry, CachedDiff>();
  /** Each key's compare data file, with the versions (entry and revision) it was made from. */
  private readonly compares = new Map<string, { signature: string; file: SiteFile }>();
  /** A number per entry for the compare signatures: an entry made again for a file's name starts a new one. */
  private readonly entryIds = new WeakMap<RecordEntry, number>();
  private nextEntryId = 0;
  private readonly assets = new Map<string, Buffer>();
  private readonly title: string;
  private searchPage: string | undefined;
  private current!: SiteState;
  private live!: LiveOut;
  /** Problems of the batch being applied. */
  private problems: StoreProblem[] = [];

  private constructor(private readonly options: IncrementalOptions, private readonly state: StoreState) {
    this.title = options.title ?? DEFAULT_TITLE;
  }

  /**
   * The first, full build: reads the whole store and writes the whole site through the build's writer (which
   * refuses an `out` it must not replace and swaps the new folder in at the end).
   */
  static async build(options: IncrementalOptions): Promise<{ site: IncrementalSite; result: UpdateResult }> {
    const site = new IncrementalSite(options, new StoreState(options.dir, { maxFileSize: options.maxFileSize }));
    const result = await site.fullBuild();
    return { site, result };
  }

  /** The output folder in use (absolute). */
  get out(): string {
    return this.live.root;
  }

  /** The model as it stands (for tests and tools). */
  get model(): SiteModel {
    return this.current.model;
  }

  private async fullBuild(): Promise<UpdateResult> {
    const started = performance.now();
    this.problems = [];
    const stat = await fs.stat(this.options.dir).catch(() => undefined);
    // A missing store is an empty one: watch mode waits for it to appear.
    if (stat?.isDirectory()) await this.state.load(this.report);
    else if (stat) this.report({ path: this.options.dir, reason: "not a folder" });
    for (const asset of SITE_ASSETS) this.assets.set(asset, await fs.readFile(path.join(this.renderer.templatesDir, asset)));
    const view = this.state.view();
    for (const p of this.state.duplicates(this.state.allEntries(), view)) this.report(p);
    const next = this.derive(view);
    // A writer thread creates the files while this thread renders, as in `buildSite` (on 2+ cores).
    const writer = await SiteWriter.open(this.options.out, this.options.dir, { threads: defaultWriterThreads() });
    const live = new LiveOut(writer.out);
    const rendered: string[] = [];
    try {
      const counts = runArtifactCounts(next.model);
      for (const [rel, data] of next.files) {
        writer.writeSync(rel, data);
        live.know(rel);
      }
      for (const page of next.model.pages) {
        const html = this.renderer.renderPage(page, next.model, next.rendered, counts);
        rendered.push(page.path);
        writer.writeSync(page.path, html);
        live.know(page.path);
        await writer.keepUp();
      }
      await writer.commit();
    } catch (err) {
      await writer.abort();
      throw err;
    }
    this.live = live;
    this.current = next;
    const changed = [...live.paths()].sort();
    return { changed, rendered, problems: this.takeProblems(), durationMs: performance.now() - started };
  }

  /**
   * Applies one batch of store changes to the live site; resolves to what changed in it.
   *
   * The pages of the keys the batch touched are written first, from a model of those keys alone (their pages read
   * nothing else but the runs), so the page a user is looking at is fresh before the whole model is rebuilt. Then
   * the whole model decides every page: each dirty page is rendered from it, and written when its bytes differ.
   */
  async update(changes: StoreChanges): Promise<UpdateResult> {
    const started = performance.now();
    this.problems = [];
    const paths = [...changes.added, ...changes.changed, ...changes.removed];
    const touched = await this.state.apply(paths, this.report);
    const t1 = performance.now();
    const view = this.state.view();
    for (const p of this.state.duplicates(touched.entries, view)) this.report(p);
    const changed = new Set<string>();
    const rendered: string[] = [];
    let renderMs = 0;
    const render = (page: Page, model: SiteModel, artifacts: Map<string, RenderedArtifact>, counts: Map<string, number>) => {
      const t = performance.now();
      const html = this.renderer.renderPage(page, model, artifacts, counts);
      renderMs += performance.now() - t;
      rendered.push(page.path);
      if (this.live.writeSync(page.path, html)) changed.add(page.path);
    };

    const keys = [...touched.folders].filter((k): k is string => k !== null);
    if (keys.length > 0 && keys.length <= EARLY_KEYS) {
      const early = this.keyModel(keys, view);
      const counts = runArtifactCounts(this.current.model);
      const first = early.model.pages.filter((p) => p.kind === "key");
      const then = early.model.pages.filter((p) => p.kind === "artifact" && touched.ids.has(p.record.id.toLowerCase()));
      for (const page of [...first, ...then]) render(page, early.model, early.rendered, counts);
    }

    const t2 = performance.now();
    const before = this.current;
    const next = this.derive(view);
    const dirty = dirtyPages(before, next, touched);
    const t3 = performance.now();
    const counts = runArtifactCounts(next.model);
    for (const page of dirty) render(page, next.model, next.rendered, counts);
    for (const [rel, data] of next.files) {
      if (before.files.get(rel) === data && this.live.has(rel)) continue;
      if (this.live.writeSync(rel, data)) changed.add(rel);
    }
    for (const rel of [...before.pages.keys(), ...before.files.keys()]) {
      if (next.pages.has(rel) || next.files.has(rel) || !this.live.has(rel)) continue;
      this.live.removeSync(rel);
      changed.add(rel);
    }
    this.current = next;
    const end = performance.now();
    const phases = { read: t1 - started, model: t3 - t2, render: renderMs, write: end - t1 - (t3 - t2) - renderMs };
    return { changed: [...changed].sort(), rendered: [...new Set(rendered)], problems: this.takeProblems(), durationMs: end - started, phases };
  }

  /**
   * A model of a few keys alone: their lineage and version pages are the whole model's (they read only runs
   * besides). Sets the renderer's extras helpers to these keys' until `derive` sets the whole store's.
   */
  private keyModel(keys: string[], view: StoreView): { model: SiteModel; rendered: Map<string, RenderedArtifact> } {
    const pairs: [RecordEntry, ArtifactRecord][] = [];
    for (const key of keys) {
      for (const entry of this.state.entriesOf(key)) {
        const record = entry.record;
        if (record && view.winners.get(record.id.toLowerCase()) === entry) pairs.push([entry, record]);
      }
    }
    // Diffs and trends of a key read only that key's versions, so a collector over these keys gives the same ones.
    const { records, rendered } = this.renderAndCollect(pairs, () => {});
    return { model: buildModel({ title: this.title, records, runs: view.runs }), rendered };
  }

  /**
   * Renders each record once (reusing unchanged HTML) and feeds it to an extras collector, in the given order, as
   * the full build does; the renderer's extras helpers are set from the collector for the pages.
   */
  private renderAndCollect(
    pairs: Iterable<[RecordEntry, ArtifactRecord]>, emit: (file: { path: string; data: string }) => void,
  ): { records: ArtifactRecord[]; rendered: Map<string, RenderedArtifact> } {
    const records: ArtifactRecord[] = [];
    const rendered = new Map<string, RenderedArtifact>();
    // The records that go in first, so each key's compare data is known to be the last batch's (the same entries,
    // unchanged) before the collector starts the key: it was ~40 % of a batch on the 10k store, built again.
    const taken: [RecordEntry, ArtifactRecord, RenderedArtifact][] = [];
    const versions = new Map<string, string[]>();
    for (const [entry, record] of pairs) {
      const html = this.renderOnce(entry, record);
      if (html === null) continue;
      taken.push([entry, record, html]);
      if (record.key === null) continue;
      let list = versions.get(record.key);
      if (!list) versions.set(record.key, (list = []));
      list.push(`${this.entryId(entry)}:${entry.revision}`);
    }
    const signature = (key: string) => versions.get(key)!.join(",");
    const compareKey = new Map([...versions.keys()].map((key) => [compareScriptFile(key), key]));
    const collector = new ExtrasCollector({
      siteTitle: this.title,
      emit: (file) => {
        const key = compareKey.get(file.path);
        if (key !== undefined) this.compares.set(key, { signature: signature(key), file });
        emit(file);
      },
      compareFile: (key) => {
        const kept = this.compares.get(key);
        return kept?.signature === signature(key) ? kept.file : undefined;
      },
    });
    // The entry the collector took last: its previous version, when it is of the same key.
    let last: { entry: RecordEntry; record: ArtifactRecord } | undefined;
    for (const [entry, record, html] of taken) {
      rendered.set(record.id, html);
      records.push(record);
      const imagePath = entry.image?.path;
      const previous = last && record.key !== null && last.record.key === record.key ? last.entry : undefined;
      const cached = previous && this.diffs.get(entry);
      const ready = cached && cached.previous === previous && cached.previousRevision === previous.revision && cached.revision === entry.revision
        ? { previousId: last!.record.id, diff: cached.diff } : undefined;
      const diff = collector.add(record, { descriptionText: html.descriptionText, ...(imagePath === undefined ? {} : { imagePath }) }, ready);
      if (diff && previous) this.diffs.set(entry, { previous, previousRevision: previous.revision, revision: entry.revision, diff });
      last = { entry, record };
    }
    collector.finish();
    this.renderer.extras = collector.helpers();
    return { records, rendered };
  }

  private entryId(entry: RecordEntry): number {
    let id = this.entryIds.get(entry);
    if (id === undefined) this.entryIds.set(entry, (id = this.nextEntryId++));
    return id;
  }

  private readonly report = (p: StoreProblem): void => {
    this.problems.push(p);
    this.options.onProblem?.(p);
  };

  private takeProblems(): StoreProblem[] {
    const out = this.problems;
    this.problems = [];
    return out;
  }

  /**
   * The model and every non-page file for a view of the store, the way the full build makes them: artifacts are
   * rendered only when their file changed; the extras (diffs, trends, feeds, API, search index) are collected over
   * every record in store order, and the renderer's extras helpers are set from them for the pages.
   */
  private derive(view: StoreView): SiteState {
    const extras: { path: string; data: string }[] = [];
    const pairs = view.entries.map((entry, i): [RecordEntry, ArtifactRecord] => [entry, view.records[i]!]);
    const { records, rendered } = this.renderAndCollect(pairs, (file) => extras.push(file));
    const model = buildModel({ title: this.title, records, runs: view.runs });
    const keys = new Set(records.map((r) => r.key));
    for (const key of [...this.compares.keys()]) if (!keys.has(key)) this.compares.delete(key);
    const files = new Map<string, string | Uint8Array>(this.assets);
    for (const image of view.images.values()) files.set(image.path, image.bytes);
    for (const record of model.records) for (const file of rendered.get(record.id)!.files) files.set(file.path, file.data);
    for (const file of extras) files.set(file.path, file.data);
    files.set(SEARCH_PAGE, (this.searchPage ??= renderSearchPage(this.title, this.renderer.templatesDir)));
    const pages = new Map<string, Page>();
    for (const page of model.pages) pages.set(page.path, page);
    return { view, model, rendered, pages, files, signature: storeSignature(model.records, model.runs) };
  }

  private renderOnce(entry: RecordEntry, record: ArtifactRecord): RenderedArtifact | null {
    const cached = this.cache.get(entry);
    if (cached && cached.revision === entry.revision) return cached.rendered;
    let rendered: RenderedArtifact | null;
    try {
      rendered = this.renderer.renderArtifact(record, entry.image?.path);
    } catch (err) {
      this.report({ path: path.join(this.options.dir, entry.file), reason: `${(err as Error).message}; skipped` });
      rendered = null;
    }
    this.cache.set(entry, { revision: entry.revision, rendered });
    return rendered;
  }
}

/** Artifacts per run, as the build counts them for the index and the runs page. */
function runArtifactCounts(model: SiteModel): Map<string, number> {
  const counts = new Map<string, number>();
  for (const page of model.pages) if (page.kind === "run") counts.set(page.summary.run.id, page.summary.artifacts.length);
  return counts;
}
