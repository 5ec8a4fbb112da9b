/**
 * The three builders the build bench runs, each as a child process with a fresh output folder: ours (the CLI, or
 * `buildSite` when only the library exists yet), Hugo and Eleventy 3. Each knows how to count the pages it made.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { countHtml } from "./measure.mjs";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The command as installed: package.json's bin (the bundle of scripts/bundle.mjs). */
const BIN = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).bin.artifacts;
const CLI = path.join(root, BIN);
const LIBRARY = path.join(root, "dist", "site", "build.js");
const HUGO = "/usr/bin/hugo";
const ELEVENTY = path.join(root, "node_modules", "@11ty", "eleventy", "cmd.cjs");

/**
 * Our builder, or why it cannot run: `{ available: true, via, command(store, out) → [cmd, args] }` or
 * `{ available: false, reason }`. The CLI is preferred; `buildSite({ dir, out })` in a child is the fallback.
 * Either fails when a file of the synthetic store is skipped (`--strict`): every artifact must be built.
 */
export async function ourBuilder() {
  if (fs.existsSync(CLI)) {
    return {
      available: true,
      via: `node ${BIN} build`,
      command: (store, out) => [process.execPath, [CLI, "build", "--strict", "--dir", store, "--out", out]],
    };
  }
  if (fs.existsSync(LIBRARY)) {
    const mod = await import(pathToFileURL(LIBRARY).href).catch((err) => ({ error: err }));
    if (typeof mod.buildSite !== "function") {
      return { available: false, reason: `dist/site/build.js does not export buildSite${mod.error ? ` (${mod.error.message})` : ""}` };
    }
    const script = `const { buildSite } = await import(${JSON.stringify(pathToFileURL(LIBRARY).href)});
const result = await buildSite({ dir: process.argv[1], out: process.argv[2] });
if (result?.problems?.length) { console.error(result.problems.length + " file(s) skipped"); process.exit(1); }`;
    return {
      available: true,
      via: "buildSite() from dist/site/build.js",
      command: (store, out) => [process.execPath, ["--input-type=module", "-e", script, store, out]],
    };
  }
  return { available: false, reason: `neither ${BIN} nor dist/site/build.js exists yet (run npm run build)` };
}

/** Our artifact pages (`artifacts/<id>.html`), the figure that must equal the store's artifact count. */
export function ourPages(out) {
  try {
    return fs.readdirSync(path.join(out, "artifacts")).filter((n) => n.endsWith(".html")).length;
  } catch {
    return 0;
  }
}

export function hugoBuilder() {
  if (!fs.existsSync(HUGO)) return { available: false, reason: `${HUGO} is not installed (apt-get install hugo)` };
  const version = execFileSync(HUGO, ["version"], { encoding: "utf8" }).match(/v(\d+\.\d+\.\d+)/)?.[1] ?? "?";
  return {
    available: true,
    name: `hugo ${version}`,
    command: (site, out) => [HUGO, ["--quiet", "-s", site, "-d", out]],
    cwd: (site) => site,
    // Every artifact page is <out>/a/<id>/index.html; the rest (home, the section list) is counted apart.
    pages: (out) => countHtml(path.join(out, "a")) - 1,
    html: countHtml,
  };
}

export function eleventyBuilder() {
  if (!fs.existsSync(ELEVENTY)) return { available: false, reason: "@11ty/eleventy is not installed (npm ci)" };
  const version = JSON.parse(fs.readFileSync(path.join(path.dirname(ELEVENTY), "package.json"), "utf8")).version;
  return {
    available: true,
    name: `eleventy ${version}`,
    command: (project, out) => [process.execPath, [ELEVENTY, "--config=eleventy.config.mjs", `--output=${out}`, "--quiet"]],
    cwd: (project) => project,
    pages: (out) => countHtml(path.join(out, "a")),
    html: countHtml,
  };
}
