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

/**
 * Versions listed on each page of a key's lineage. The key page lists the newest ones; a key with more versions
 * gets further pages of older ones (keyVersionsPage), so no page grows with the lineage.
 */
export const KEY_PAGE_VERSIONS = 100;

/** The folder of a key's pages (and its feed and compare data); the key is a valid key (store/rules.ts). */
function keyFolder(key: string): string {
  return `keys/${key}/`;
}

export function keyPage(key: string): string {
  return `${keyFolder(key)}index.html`;
}

/**
 * Page `n` of a key's version list, counted from the newest: 1 is the key page itself, 2 lists the next
 * KEY_PAGE_VERSIONS older versions, and so on; the oldest versions are on the last page. Beside the key page, so
 * every link between them is the same depth.
 */
export function keyVersionsPage(key: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Not a page number: ${n}`);
  return n === 1 ? keyPage(key) : `${keyFolder(key)}page-${n}.html`;
}

/** How many pages a lineage of `total` versions takes (1 at least: a key page always exists). */
export function keyPageCount(total: number): number {
  return Math.max(1, Math.ceil(total / KEY_PAGE_VERSIONS));
}

/** The page that lists version `number` (1-based, oldest first) of a lineage of `total` versions. */
export function keyPageOf(number: number, total: number): number {
  return Math.floor((total - number) / KEY_PAGE_VERSIONS) + 1;
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
