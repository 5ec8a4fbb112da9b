/**
 * Where each page of the site lives. Every link is relative and names a file (DESIGN §4), so pages work from any
 * sub-path of any host and from `file://`.
 */

export const INDEX_PAGE = "index.html";
export const RUNS_PAGE = "runs/index.html";
export const NOT_FOUND_PAGE = "404.html";
export const STYLE_FILE = "assets/style.css";
export const SCRIPT_FILE = "assets/app.js";
export const ICON_FILE = "assets/icon.svg";
/** Files copied from `templates/assets/` into every site, by the full build and by watch mode alike. */
export const SITE_ASSETS: readonly string[] = [
  STYLE_FILE, SCRIPT_FILE, ICON_FILE, "assets/extras.css", "assets/table.js", "assets/compare.js", "assets/search.js",
];
/** The site's title when none is given. */
export const DEFAULT_TITLE = "Artifacts";
/** Written at the root of every built site, so a later build knows the folder is its own to replace. */
export const MARKER_FILE = ".artifact-press-site";

export function keyPage(key: string): string {
  return `keys/${key}/index.html`;
}

/** Artifact ids are UUIDs, which may come in either case; the page name is always lowercase. */
export function artifactPage(id: string): string {
  return `artifacts/${id.toLowerCase()}.html`;
}

/** Full data of a long table, written beside its artifact page. */
export function tableDataFile(id: string, ext: "csv" | "json"): string {
  return `artifacts/${id.toLowerCase()}.${ext}`;
}

/** A run named `index` would collide with the runs index; `_` can never start a run id, so `_index` is free. */
export function runPage(id: string): string {
  return id.toLowerCase() === "index" ? "runs/_index.html" : `runs/${id}.html`;
}

/** A local image published under its content hash: same bytes, same name, across builds and keys. */
export function imageFile(hash16: string, extension: string): string {
  return `assets/img/${hash16}${extension}`;
}

/** The prefix that leads from a page back to the site root: "" for `index.html`, "../../" for `keys/k/index.html`. */
export function rootOf(pagePath: string): string {
  let depth = 0;
  for (const ch of pagePath) if (ch === "/") depth++;
  return "../".repeat(depth);
}
