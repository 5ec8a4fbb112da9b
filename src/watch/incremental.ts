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
import { ICON_FILE, SCRIPT_FILE, STYLE_FILE } from "../site/paths.js";
import { SiteRenderer, type RenderedArtifact } from "../site/render.js";
import { SiteWriter } from "../site/write.js";
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
  /** Pages rendered (whether or not their bytes changed), in render order. */
  rendered: string[];
  problems: StoreProblem[];
  durationMs: number;
}

/** Files copied from the templates into every site, as the full build copies them. */
const ASSETS: readonly string[] = [STYLE_FILE, SCRIPT_FILE, ICON_FILE];

/** One render of an artifact, tied to the revision of the file it came from; null when its Markdown was refused. */
interface CachedArtifact {
  revision: number;
  rendered: RenderedArtifact | null;
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
  private readonly assets = new Map<string, Buffer>();
  private readonly title: string;
  private current!: SiteState;
  private live!: LiveOut;
  /** Problems of the batch being applied. */
  private problems: StoreProblem[] = [];

  private constructor(private readonly options: IncrementalOptions, private readonly state: StoreState) {
    this.title = options.title ?? "Artifacts";
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
    for (const asset of ASSETS) this.assets.set(asset, await fs.readFile(path.join(this.renderer.templatesDir, asset)));
    const view = this.state.view();
    for (const p of this.state.duplicates(this.state.allEntries(), view)) this.report(p);
    const next = this.derive(view);
    const writer = await SiteWriter.open(this.options.out, this.options.dir);
    const live = new LiveOut(writer.out);
    const rendered: string[] = [];
    try {
      const counts = runArtifactCounts(next.model);
      for (const [rel, data] of next.files) {
        await writer.write(rel, data);
        live.know(rel, data);
      }
      for (const page of next.model.pages) {
        const html = this.renderer.renderPage(page, next.model, next.rendered, counts);
        rendered.push(page.path);
        await writer.write(page.path, html);
        live.know(page.path, html);
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

  /** Applies one batch of store changes to the live site; resolves to what changed in it. */
  async update(changes: StoreChanges): Promise<UpdateResult> {
    const started = performance.now();
    this.problems = [];
    const paths = [...changes.added, ...changes.changed, ...changes.removed];
    const touched = await this.state.apply(paths, this.report);
    const view = this.state.view();
    for (const p of this.state.duplicates(touched.entries, view)) this.report(p);
    const before = this.current;
    const next = this.derive(view);
    const dirty = dirtyPages(before, next, touched);
    const changed: string[] = [];
    const rendered: string[] = [];
    const counts = runArtifactCounts(next.model);
    for (const page of dirty) {
      const html = this.renderer.renderPage(page, next.model, next.rendered, counts);
      rendered.push(page.path);
      if (await this.live.write(page.path, html)) changed.push(page.path);
    }
    for (const [rel, data] of next.files) {
      if (before.files.get(rel) === data && this.live.has(rel)) continue;
      if (await this.live.write(rel, data)) changed.push(rel);
    }
    for (const rel of [...before.pages.keys(), ...before.files.keys()]) {
      if (next.pages.has(rel) || next.files.has(rel) || !this.live.has(rel)) continue;
      await this.live.remove(rel);
      changed.push(rel);
    }
    this.current = next;
    return { changed: changed.sort(), rendered, problems: this.takeProblems(), durationMs: performance.now() - started };
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

  /** The model and every non-page file for a view of the store; artifacts are rendered only when their file changed. */
  private derive(view: StoreView): SiteState {
    const records: ArtifactRecord[] = [];
    const rendered = new Map<string, RenderedArtifact>();
    view.entries.forEach((entry, i) => {
      const record = view.records[i]!;
      const html = this.renderOnce(entry, record);
      if (html === null) return;
      rendered.set(record.id, html);
      records.push(record);
    });
    const model = buildModel({ title: this.title, records, runs: view.runs });
    const files = new Map<string, string | Uint8Array>(this.assets);
    for (const image of view.images.values()) files.set(image.path, image.bytes);
    for (const record of model.records) for (const file of rendered.get(record.id)!.files) files.set(file.path, file.data);
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
