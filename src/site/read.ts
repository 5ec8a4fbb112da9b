/**
 * Reads a store for the site: every record that passes the trust boundary, every run, and the bytes of local
 * images. Anything unusable is reported (path + reason) and left out; nothing here throws for a bad file.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { sniffImage } from "../artifacts/image.js";
import { BuildError } from "../errors.js";
import type { ProblemSink, StoreProblem } from "../store/backend.js";
import { FsStore, UNKEYED_DIR } from "../store/fs-store.js";
import { versionFileName } from "../store/rules.js";
import type { ArtifactRecord, RunRecord } from "../types.js";
import { imageFile } from "./paths.js";

/** A published local image: its site path and bytes; one entry per distinct content. */
export interface SiteImage {
  path: string;
  bytes: Buffer;
}

export interface StoreSnapshot {
  /** Readable records: keyed ones by key then version order (oldest first), then unkeyed ones oldest first. */
  records: ArtifactRecord[];
  /** Run records sorted by id. */
  runs: RunRecord[];
  /** Site path of the image of each local-image artifact, by artifact id. */
  imagePaths: Map<string, string>;
  /** Distinct local images by site path, sorted by path. */
  images: SiteImage[];
  /** Where each record came from, for problem reports later in the pipeline. */
  sourceOf: Map<string, string>;
}

export interface ReadOptions {
  /** Skip record files larger than this many bytes; default 32 MiB. */
  maxFileSize?: number;
  report: ProblemSink;
}

/** The relative path of a record's file, as problems name it. */
export function recordPath(location: string, record: ArtifactRecord): string {
  return path.join(location, record.key ?? UNKEYED_DIR, versionFileName(Date.parse(record.created)));
}

export async function readStore(dir: string, options: ReadOptions): Promise<StoreSnapshot> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new BuildError(`Store folder ${JSON.stringify(dir)} does not exist or is not a folder.`);
  const store = new FsStore(dir, { limits: options.maxFileSize === undefined ? {} : { maxFileSize: options.maxFileSize } });
  const report = options.report;
  const snapshot: StoreSnapshot = { records: [], runs: [], imagePaths: new Map(), images: [], sourceOf: new Map() };
  const images = new Map<string, SiteImage>();
  const seen = new Map<string, string>();

  const keys: (string | null)[] = [...(await store.listKeys(report)), null];
  for (const key of keys) {
    for (const name of await store.listVersions(key, report)) {
      const record = await readOne(store, key, name, report);
      if (!record) continue;
      const source = recordPath(store.location, record);
      // Two files with one id would fight over one page: the first in version order wins.
      const id = record.id.toLowerCase();
      const first = seen.get(id);
      if (first !== undefined) {
        report({ path: source, reason: `duplicate artifact id ${JSON.stringify(record.id)} (also in ${first}); skipped` });
        continue;
      }
      if (record.type === "image" && "file" in record.data) {
        const image = await readImage(store, record, source, report);
        if (!image) continue;
        if (!images.has(image.path)) images.set(image.path, image);
        snapshot.imagePaths.set(record.id, image.path);
      }
      seen.set(id, source);
      snapshot.sourceOf.set(record.id, source);
      snapshot.records.push(record);
    }
  }
  snapshot.runs = await store.listRuns(report);
  snapshot.images = [...images.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return snapshot;
}

async function readOne(store: FsStore, key: string | null, name: string, report: ProblemSink): Promise<ArtifactRecord | undefined> {
  try {
    return await store.readVersion(key, name);
  } catch (err) {
    const problem = asProblem(err);
    if (problem?.reason.includes("ENOENT")) return undefined; // deleted between listing and reading
    if (problem) {
      report(problem);
      return undefined;
    }
    throw err;
  }
}

/** Reads a local image and checks its bytes really are the image type the record claims (SVG never is). */
async function readImage(store: FsStore, record: ArtifactRecord, source: string, report: ProblemSink): Promise<SiteImage | undefined> {
  const data = record.data as { file: string; mediaType: string };
  let bytes: Buffer;
  try {
    bytes = await store.readAttachment(record.key, data.file);
  } catch (err) {
    report(asProblem(err) ?? { path: source, reason: `image file ${JSON.stringify(data.file)}: ${(err as Error).message}` });
    return undefined;
  }
  const kind = sniffImage(bytes);
  if (!kind || kind.mediaType !== data.mediaType) {
    report({ path: source, reason: `image file ${JSON.stringify(data.file)} does not hold an image of type ${data.mediaType}; skipped` });
    return undefined;
  }
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  return { path: imageFile(hash, kind.extension), bytes };
}

function asProblem(err: unknown): StoreProblem | undefined {
  const e = err as { path?: unknown; reason?: unknown; message?: unknown };
  if (typeof e?.path === "string" && typeof e.reason === "string") return { path: e.path, reason: e.reason };
  if (typeof e?.path === "string" && typeof e.message === "string") return { path: e.path, reason: e.message };
  return undefined;
}
