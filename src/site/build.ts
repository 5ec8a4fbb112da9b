/** `buildSite`: read the store → model → render → write, with bad files reported and skipped. */
import { promises as fs } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { StoreProblem } from "../store/backend.js";
import type { ArtifactRecord } from "../types.js";
import { buildModel, type SiteModel } from "./model.js";
import { ICON_FILE, SCRIPT_FILE, STYLE_FILE } from "./paths.js";
import { readStore, type StoreSnapshot } from "./read.js";
import { SiteRenderer, type RenderedArtifact } from "./render.js";
import { SiteWriter } from "./write.js";

export interface BuildOptions {
  /** The store folder. */ dir: string;
  /** The output folder; replaced as a whole (DESIGN §4). */ out: string;
  /** Site title; default "Artifacts". */ title?: string;
  /** Skip record files larger than this many bytes; default 32 MiB. */ maxFileSize?: number;
  /** Called for every bad file found (path + reason); the build goes on. */ onProblem?: (p: StoreProblem) => void;
  /** Called as pages are written, for a progress bar. */ onProgress?: (done: number, total: number) => void;
}

export interface BuildResult {
  /** HTML pages written. */
  pages: number;
  /** Every file written: pages, assets, images, table downloads. */
  files: number;
  problems: StoreProblem[];
  durationMs: number;
}

/** Files copied from `templates/assets/` into every site. */
const ASSETS: readonly string[] = [STYLE_FILE, SCRIPT_FILE, ICON_FILE];
/** Writes in flight at once: enough to keep the disk busy without a file-descriptor storm. */
const WRITE_CONCURRENCY = 16;

export async function buildSite(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const problems: StoreProblem[] = [];
  const report = (p: StoreProblem) => {
    problems.push(p);
    options.onProblem?.(p);
  };
  const writer = await SiteWriter.open(options.out, options.dir);
  try {
    const snapshot = await readStore(options.dir, { maxFileSize: options.maxFileSize, report });
    const renderer = new SiteRenderer();
    const { records, rendered } = renderArtifacts(renderer, snapshot, report);
    const model = buildModel({ title: options.title ?? "Artifacts", records, runs: snapshot.runs });
    const pages = await writeSite(writer, renderer, model, rendered, snapshot, options.onProgress);
    await writer.commit();
    return { pages, files: writer.count, problems, durationMs: performance.now() - started };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/** Renders every artifact once; one whose Markdown is refused is reported and left out of the site. */
export function renderArtifacts(
  renderer: SiteRenderer, snapshot: StoreSnapshot, report: (p: StoreProblem) => void,
): { records: ArtifactRecord[]; rendered: Map<string, RenderedArtifact> } {
  const records: ArtifactRecord[] = [];
  const rendered = new Map<string, RenderedArtifact>();
  for (const record of snapshot.records) {
    try {
      rendered.set(record.id, renderer.renderArtifact(record, snapshot.imagePaths.get(record.id)));
      records.push(record);
    } catch (err) {
      report({ path: snapshot.sourceOf.get(record.id) ?? record.id, reason: `${(err as Error).message}; skipped` });
    }
  }
  return { records, rendered };
}

async function writeSite(
  writer: SiteWriter, renderer: SiteRenderer, model: SiteModel, rendered: Map<string, RenderedArtifact>,
  snapshot: StoreSnapshot, onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const runArtifactCounts = new Map<string, number>();
  for (const page of model.pages) if (page.kind === "run") runArtifactCounts.set(page.summary.run.id, page.summary.artifacts.length);
  const extras = model.records.flatMap((r) => rendered.get(r.id)!.files);
  const total = model.pages.length + ASSETS.length + snapshot.images.length + extras.length;
  let done = 0;
  const jobs: (() => Promise<void>)[] = [
    ...ASSETS.map((asset) => async () => writer.write(asset, await fs.readFile(path.join(renderer.templatesDir, asset)))),
    ...snapshot.images.map((image) => () => writer.write(image.path, image.bytes)),
    ...extras.map((file) => () => writer.write(file.path, file.data)),
    ...model.pages.map((page) => () => writer.write(page.path, renderer.renderPage(page, model, rendered, runArtifactCounts))),
  ];
  await runPool(jobs, WRITE_CONCURRENCY, () => onProgress?.(++done, total));
  return model.pages.length;
}

/** Runs jobs with at most `limit` in flight; the first failure stops new jobs and is thrown. */
async function runPool(jobs: (() => Promise<void>)[], limit: number, after: () => void): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < jobs.length && failed === undefined) {
      const job = jobs[next++]!;
      try {
        await job();
        after();
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (failed !== undefined) throw failed;
}
