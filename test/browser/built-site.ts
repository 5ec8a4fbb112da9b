/** Builds a store into a temp folder with the real builder, and lists what a browser test needs from it. */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openStore } from "../../src/artifacts/client.js";
import { buildSite } from "../../src/site/build.js";
import type { ArtifactRecord, RunRecord } from "../../src/types.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The demo store of `npm run demo`. */
export const demoStore = path.join(repoRoot, "fixtures", "demo");

export interface BuiltSite {
  /** The built site's root folder. */
  out: string;
  /** `file://` URL of the root folder, ending in `/`. */
  fileUrl: string;
  /** What buildSite returned. */
  result: Awaited<ReturnType<typeof buildSite>>;
  /** The store's readable records and runs, read through the library (the same ones the site shows). */
  records: ArtifactRecord[];
  runs: RunRecord[];
  cleanup(): Promise<void>;
}

/** Builds `storeDir` into a fresh temp folder; `tmp` is made (and removed by cleanup) unless given. */
export async function buildInto(storeDir: string, options: { title?: string; tmp?: string } = {}): Promise<BuiltSite> {
  const tmp = options.tmp ?? (await fs.mkdtemp(path.join(os.tmpdir(), "ap-browser-site-")));
  const out = path.join(tmp, "site");
  const result = await buildSite({ dir: storeDir, out, ...(options.title ? { title: options.title } : {}) });
  const store = openStore(storeDir);
  const ignore = () => undefined;
  return {
    out,
    fileUrl: pathToFileURL(out).href + "/",
    result,
    records: await store.all(ignore),
    runs: await store.listRuns(ignore),
    cleanup: () => fs.rm(tmp, { recursive: true, force: true }),
  };
}

/** Every `.html` file of a built site, relative with `/`, sorted. */
export async function htmlPages(out: string): Promise<string[]> {
  const entries = (await fs.readdir(out, { recursive: true })) as string[];
  return entries.filter((e) => e.endsWith(".html")).map((e) => e.split(path.sep).join("/")).sort();
}
