/** Helpers for the site tests: build a fixture into a temp folder, walk the output, find the links of a page. */
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSite, type BuildOptions, type BuildResult } from "../../src/site/build.js";
import { listFiles, tmpDir } from "../helpers/tmp-store.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = path.join(ROOT, "fixtures");

/** The fixture stores and how each one is built. */
export const CASES: Record<string, Partial<BuildOptions>> = {
  demo: { title: "Artifact Press demo" },
  edge: {},
  broken: { maxFileSize: 16 * 1024 },
};

export interface Built {
  base: string;
  out: string;
  result: BuildResult;
  files(): Promise<string[]>;
  read(rel: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** Builds `dir` into `<fresh temp>/site`. */
export async function buildInto(dir: string, options: Partial<BuildOptions> = {}): Promise<Built> {
  const base = await tmpDir("artifact-press-site-");
  const out = path.join(base, "site");
  const result = await buildSite({ dir, out, ...options });
  return {
    base, out, result,
    files: () => listFiles(out),
    read: (rel) => fs.readFile(path.join(out, rel), "utf8"),
    cleanup: () => fs.rm(base, { recursive: true, force: true }),
  };
}

export function buildFixture(name: string, options: Partial<BuildOptions> = {}): Promise<Built> {
  return buildInto(path.join(FIXTURES, name), { ...CASES[name], ...options });
}

/** Every href and src of a page, entities decoded. */
export function linksOf(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    out.push(m[1]!.replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
  }
  return out;
}
