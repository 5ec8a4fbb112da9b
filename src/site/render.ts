/**
 * The render stage (pure: data in, strings out). Each artifact's HTML is rendered once, by `renderArtifact`, and
 * reused on every page that shows it; pages are eta templates with escaping on.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Eta } from "eta";
import { IMAGE_PROTOCOLS, LINK_PROTOCOLS, urlProblem } from "../store/rules.js";
import type { ArtifactRecord, JsonValue, RunRecord, TableData } from "../types.js";
import { cellText, formatCount, formatDuration, formatTime, htmlToText, toCsv } from "./format.js";
import { renderMarkdown } from "./markdown.js";
import { siteEta } from "./site-eta.js";
import type { Page, SiteModel } from "./model.js";
import type { ExtrasHelpers } from "./extras/collect.js";
import type { VersionDiff } from "./extras/diff.js";
import type { SplicedArtifact } from "./fragments.js";
import { tableDataBlock, tableDataId } from "./extras/table-data.js";
import { normalizeBaseUrl } from "./extras/base-url.js";
import {
  KEY_PAGE_VERSIONS, artifactPage, keyPage, keyPageOf, keyVersionsPage, rootOf, runPage, tableDataFile as tableDownloadFile,
} from "./paths.js";

/** The Content-Security-Policy of every page (DESIGN §4). */
export const CSP =
  "default-src 'none'; img-src 'self' https: http:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** Rows of a table shown on a page; longer tables link their full data as CSV and JSON. */
export const MAX_TABLE_ROWS = 1000;

/** The folder of the eta templates, CSS and client script: `templates/` at the package root (from src/ or dist/). */
export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../templates");

/** A file that goes with an artifact (a long table's full data). */
export interface ExtraFile {
  path: string;
  data: string;
}

/** An artifact rendered once: its body split where the page's root prefix goes, and its description. */
export interface RenderedArtifact {
  bodyParts: string[];
  /** Sanitized description HTML, or "" when it has none. */
  description: string;
  /** The description as one line of plain text (lists, alt text). */
  descriptionText: string;
  files: ExtraFile[];
  /**
   * A table's data block for the table tools (`<script type="application/json" id="table-data-…">`), or "": kept
   * apart from the body so a page that shows the table twice (a side-by-side diff) carries its data once.
   */
  data: string;
}

export interface RendererOptions {
  /** Where the templates are; default TEMPLATES_DIR. */
  templatesDir?: string;
  /**
   * Where the site is hosted (normalizeBaseUrl), when the build knows: the 404 page's links then start from its path
   * (`/reports/` for `https://example.com/reports/`), so the page is styled and its links work wherever the host
   * serves it, for a missing file at any depth. A path, not the whole URL: the page still loads nothing from another
   * origin. Other pages never depend on it: they link relatively, and open from disk.
   */
  baseUrl?: string;
}

export class SiteRenderer {
  readonly templatesDir: string;
  /** Where the 404 page's links start, from RendererOptions.baseUrl; undefined: relative, as every page's. */
  readonly notFoundRoot: string | undefined;
  private readonly eta: Eta;
  /** Diffs, trends and the other extras of the build under way, for the templates (`it.h.extras`); none: left out. */
  extras: ExtrasHelpers | undefined;
  /** Stands where a link to the site root goes inside an artifact's HTML; random, so no stored text can forge it. */
  private readonly rootToken = `\u0000root-${randomBytes(12).toString("hex")}\u0000`;
  /** Starts the mark where a page that splices bytes puts them (see renderPageParts); random for the same reason. */
  private readonly spliceToken = `\u0000splice-${randomBytes(12).toString("hex")}-`;

  constructor(options: RendererOptions = {}) {
    this.templatesDir = options.templatesDir ?? TEMPLATES_DIR;
    // One leading slash: a path that starts with two (`https://example.com//evil.com/`, or a backslash the URL parser
    // turned into one) would be read by the browser as another host.
    this.notFoundRoot = options.baseUrl === undefined ? undefined
      : new URL(normalizeBaseUrl(options.baseUrl)).pathname.replace(/^\/+/, "/");
    this.eta = siteEta(this.templatesDir);
  }

  /**
   * The "changes" section of a version (partials/extras/diff) as HTML, for a diff that does not show the two
   * versions side by side: that one holds their bodies, which only the page can place. Undefined then.
   */
  renderDiff(d: VersionDiff): string | undefined {
    const kind = d.body?.kind;
    if (kind !== undefined && kind !== "markdown" && kind !== "table" && kind !== "link" && kind !== "progress") return undefined;
    return this.eta.render("/partials/extras/diff", { d, prev: null, cur: null, h: null });
  }

  /**
   * Renders one artifact's body and description. Throws MarkdownError for Markdown it refuses; the caller reports
   * the record and leaves it out. `imagePath` is the site path of a local image.
   */
  renderArtifact(record: ArtifactRecord, imagePath?: string): RenderedArtifact {
    const description = record.description === null ? "" : renderMarkdown(record.description);
    const descriptionText = description === "" ? "" : htmlToText(description);
    const files: ExtraFile[] = [];
    const root = this.rootToken;
    let html: string;
    let data = "";
    switch (record.type) {
      case "markdown":
        html = this.eta.render("/partials/artifact/markdown", { html: renderMarkdown(record.data) });
        break;
      case "link": {
        // The store checked the URL on read; checked again here because a page must never hold a bad one.
        const ok = urlProblem(record.data.url, LINK_PROTOCOLS) === null;
        html = ok
          ? this.eta.render("/partials/artifact/link", { url: record.data.url, text: record.data.text })
          : `<p class="muted">This link's address was refused.</p>`;
        break;
      }
      case "image": {
        const data = record.data;
        const local = "file" in data;
        const src = local ? (imagePath === undefined ? null : root + imagePath)
          : urlProblem(data.url, IMAGE_PROTOCOLS) === null ? data.url : null;
        const alt = descriptionText || (record.key ? `Image ${record.key}` : "Image");
        html = this.eta.render("/partials/artifact/image", { src, alt, local });
        break;
      }
      case "table":
        html = this.renderTable(record, files);
        // Every row, for the table tools (assets/table.js): sort, filter and pages over all of them.
        if (record.data.rows.length > 0) data = tableDataBlock(record);
        break;
      case "progress": {
        const value = Math.round(record.data * 100) / 100;
        html = this.eta.render("/partials/artifact/progress", { value, text: `${value}%`, label: `Progress ${value}%` });
        break;
      }
      default:
        // A shape this version does not know: shown as text rather than crashing the build.
        html = `<pre>${escapeText(JSON.stringify((record as { data: unknown }).data, null, 2) ?? "")}</pre>`;
    }
    return { bodyParts: html.split(root), description, descriptionText, files, data };
  }

  private renderTable(record: ArtifactRecord & { data: TableData }, files: ExtraFile[]): string {
    const { columns, rows } = record.data;
    const shown = rows.length > MAX_TABLE_ROWS ? rows.slice(0, MAX_TABLE_ROWS) : rows;
    let width = columns?.length ?? 0;
    for (const row of shown) if (row.length > width) width = row.length;
    // A column is numeric when every non-empty cell of the shown rows is a number.
    const numeric: boolean[] = [];
    for (let c = 0; c < width; c++) {
      let any = false, all = true;
      for (const row of shown) {
        const v = row[c];
        if (v === null || v === undefined) continue;
        any = true;
        if (typeof v !== "number") { all = false; break; }
      }
      numeric.push(any && all);
    }
    const cells = shown.map((row) => {
      const out: { text: string; num: boolean }[] = [];
      for (let c = 0; c < width; c++) {
        const v = row[c] as JsonValue | undefined;
        out.push({ text: cellText(v), num: typeof v === "number" });
      }
      return out;
    });
    const header = columns === null ? null : Array.from({ length: width }, (_, c) => ({ text: columns[c] ?? "", num: numeric[c] ?? false }));
    let csv: string | null = null, json: string | null = null;
    if (rows.length > MAX_TABLE_ROWS) {
      csv = tableDownloadFile(record.id, "csv");
      json = tableDownloadFile(record.id, "json");
      files.push({ path: csv, data: toCsv(columns, rows) }, { path: json, data: `${JSON.stringify({ columns, rows })}\n` });
    }
    const n = rows.length;
    const summary = n > MAX_TABLE_ROWS
      ? `Showing the first ${formatCount(MAX_TABLE_ROWS)} of ${formatCount(n)} rows`
      : `${formatCount(n)} ${n === 1 ? "row" : "rows"}, ${width} ${width === 1 ? "column" : "columns"}`;
    const label = record.key ? `Table ${record.key}` : "Table";
    return this.eta.render("/partials/artifact/table", {
      header, rows: cells, summary, csv, json, root: this.rootToken, label,
      tools: rows.length > 0 ? { data: tableDataId(record.id), total: rows.length } : null,
    });
  }

  /**
   * One page as HTML. `artifacts` gives the rendered HTML of every record the page shows (a map, or a lookup that
   * reads it back from the fragment pack). `texts` (optional) gives a record's description as text without
   * fetching its HTML: lists and compact cards then never read the fragment pack.
   */
  renderPage(
    page: Page, model: SiteModel, artifacts: Map<string, RenderedArtifact> | ((id: string) => RenderedArtifact | undefined),
    runArtifactCounts: Map<string, number>, texts?: (id: string) => string | undefined,
  ): string {
    return this.render(page, model, typeof artifacts === "function" ? artifacts : (id) => artifacts.get(id), runArtifactCounts, texts, undefined) as string;
  }

  /**
   * `renderPage` for a lookup that may give artifacts as bytes (FragmentPack.readSpliced): their body and table
   * data, and the diffs the collector keeps as bytes, go into the page as those bytes — the page comes back as pieces
   * of text and bytes, in order, for the writer. Their HTML is then never decoded from the pack's UTF-8 and encoded
   * back (~0.2 s of the 10k build's page phase, with the garbage of the strings).
   */
  renderPageParts(
    page: Page, model: SiteModel, artifacts: (id: string) => RenderedArtifact | SplicedArtifact | undefined,
    runArtifactCounts: Map<string, number>, texts?: (id: string) => string | undefined,
  ): string | (string | Uint8Array)[] {
    return this.render(page, model, artifacts, runArtifactCounts, texts, []);
  }

  /** `spliced`: where a page that splices keeps each spliced run of bytes (see `splice`); undefined: none spliced. */
  private render(
    page: Page, model: SiteModel, lookup: (id: string) => RenderedArtifact | SplicedArtifact | undefined,
    runArtifactCounts: Map<string, number>, texts: ((id: string) => string | undefined) | undefined, spliced: (string | Uint8Array)[][] | undefined,
  ): string | (string | Uint8Array)[] {
    const root = page.kind === "404" && this.notFoundRoot !== undefined ? this.notFoundRoot : rootOf(page.path);
    const splice = this.spliceToken;
    /** A mark in the page's text where `pieces` go: `splice`, its number, a NUL. */
    const mark = (pieces: (string | Uint8Array)[]) => `${splice}${spliced!.push(pieces) - 1}\u0000`;
    const rendered = (r: ArtifactRecord): RenderedArtifact | SplicedArtifact => {
      const a = lookup(r.id);
      if (!a) throw new Error(`No rendered HTML for artifact ${JSON.stringify(r.id)}`);
      return a;
    };
    const text = (r: ArtifactRecord): string => texts?.(r.id) ?? rendered(r).descriptionText;
    // A table's data block goes after the first copy of its body on the page only: ids stay unique, and a second
    // copy (the "after" side of a diff) reads the same block.
    const dataShown = new Set<string>();
    const body = (r: ArtifactRecord): string => {
      const a = rendered(r);
      if ("bodyBytes" in a) {
        const pieces: (string | Uint8Array)[] = [];
        a.bodyBytes.forEach((b, i) => (i === 0 ? pieces.push(b) : pieces.push(root, b)));
        if (a.dataBytes.length > 0 && !dataShown.has(r.id)) {
          dataShown.add(r.id);
          pieces.push(a.dataBytes);
        }
        return mark(pieces);
      }
      const html = a.bodyParts.join(root);
      if (a.data === "" || dataShown.has(r.id)) return html;
      dataShown.add(r.id);
      return html + a.data;
    };
    const extras = this.extras;
    const h = {
      href: (target: string) => root + target,
      keyPage, artifactPage, runPage, keyVersionsPage, keyPageOf, pagerNumbers, keyPageVersions: KEY_PAGE_VERSIONS,
      time: formatTime,
      count: formatCount,
      duration: (run: RunRecord) => formatDuration(run.startTime, run.endTime),
      run: (id: string | null) => (id === null ? undefined : model.runs.get(id)),
      artifactCount: (id: string) => runArtifactCounts.get(id) ?? 0,
      body,
      description: (r: ArtifactRecord) => rendered(r).description,
      descriptionText: (r: ArtifactRecord) => text(r),
      excerpt: (r: ArtifactRecord) => excerpt(text(r)),
      extras: spliced === undefined || extras?.splicedDiff === undefined ? extras : {
        ...extras,
        diff: (previous: ArtifactRecord, current: ArtifactRecord) => {
          const d = extras.splicedDiff!(previous, current);
          return d && "bytes" in d ? { previousId: d.previousId, currentId: d.currentId, html: mark([d.bytes]) } : d;
        },
      },
    };
    const { template, pageTitle, crumbs, section } = pageFrame(page, model);
    const html = this.eta.render(template, {
      // What only the layout reads goes in one field: an include copies its caller's fields (~0.9 µs for nine of
      // them, over ~110,000 includes in the 10k build).
      page, h, root, frame: { csp: CSP, siteTitle: model.title, pageTitle, crumbs, section, pageKind: page.kind },
    });
    if (spliced === undefined || spliced.length === 0) return html;
    // The text between marks, and each mark's pieces in its place.
    const out: (string | Uint8Array)[] = [];
    let at = 0;
    for (;;) {
      const start = html.indexOf(splice, at);
      if (start === -1) break;
      const end = html.indexOf("\u0000", start + splice.length);
      out.push(html.slice(at, start), ...spliced[Number(html.slice(start + splice.length, end))]!);
      at = end + 1;
    }
    out.push(html.slice(at));
    return out;
  }
}

interface Crumb {
  label: string;
  href: string;
}

function pageFrame(page: Page, model: SiteModel): { template: string; pageTitle: string; crumbs: Crumb[]; section: string } {
  const home: Crumb = { label: model.title, href: "index.html" };
  const runsCrumb: Crumb = { label: "Runs", href: "runs/index.html" };
  switch (page.kind) {
    case "index":
      return { template: "/pages/index", pageTitle: "Artifacts", crumbs: [home], section: "artifacts" };
    case "key":
      return { template: "/pages/key", pageTitle: page.key, crumbs: [home, { label: page.key, href: page.path }], section: "artifacts" };
    case "key-versions": {
      const { page: n, pages } = page.paging;
      return {
        template: "/pages/key-versions", pageTitle: `${page.key}, versions page ${n} of ${pages}`,
        crumbs: [home, { label: page.key, href: keyPage(page.key) }, { label: `Page ${n}`, href: page.path }], section: "artifacts",
      };
    }
    case "artifact": {
      const r = page.record;
      const label = page.version ? `v${page.version.number}` : `Artifact ${r.id.slice(0, 8)}`;
      const crumbs = [home];
      if (r.key) crumbs.push({ label: r.key, href: keyPage(r.key) });
      else if (r.flowRunId && model.runs.has(r.flowRunId)) crumbs.push(runsCrumb, { label: model.runs.get(r.flowRunId)!.name, href: runPage(r.flowRunId) });
      crumbs.push({ label, href: page.path });
      return { template: "/pages/artifact", pageTitle: r.key ? `${r.key} ${label}` : label, crumbs, section: "artifacts" };
    }
    case "runs":
      return { template: "/pages/runs", pageTitle: "Runs", crumbs: [home, runsCrumb], section: "runs" };
    case "run": {
      const { run, parent } = page.summary;
      const crumbs = [home, runsCrumb];
      if (parent) crumbs.push({ label: parent.name, href: runPage(parent.id) });
      crumbs.push({ label: run.name, href: page.path });
      return { template: "/pages/run", pageTitle: `${run.name} (${run.kind} run)`, crumbs, section: "runs" };
    }
    case "404":
      return { template: "/pages/404", pageTitle: "Page not found", crumbs: [home, { label: "Not found", href: page.path }], section: "" };
  }
}

/** Pages a pager links by number around the current one (the first and the last are always linked). */
export const PAGER_SPAN = 2;

/**
 * The page numbers a pager shows for page `page` of `pages`: the first, the last, and PAGER_SPAN either side of
 * the current one, with `null` where numbers are left out — so a pager stays small however many pages there are.
 */
export function pagerNumbers(page: number, pages: number): (number | null)[] {
  const wanted = new Set([1, pages]);
  for (let n = Math.max(1, page - PAGER_SPAN); n <= Math.min(pages, page + PAGER_SPAN); n++) wanted.add(n);
  const out: (number | null)[] = [];
  let previous = 0;
  for (const n of [...wanted].sort((x, y) => x - y)) {
    // A gap of one number shows that number: a mark would take the same room.
    if (n - previous === 2) out.push(n - 1);
    else if (n - previous > 2) out.push(null);
    out.push(n);
    previous = n;
  }
  return out;
}

/** Characters of a description shown on a compact card (run pages). */
export const EXCERPT_CHARS = 240;

/** `text` cut to EXCERPT_CHARS with an ellipsis, never inside a surrogate pair. */
export function excerpt(text: string): string {
  if (text.length <= EXCERPT_CHARS) return text;
  let end = EXCERPT_CHARS - 1;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end).trimEnd()}…`;
}

function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
