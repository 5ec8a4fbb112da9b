/**
 * A built site with a key of 2N+5 versions (N = KEY_PAGE_VERSIONS): three pages of its versions, each listing the
 * right ones, a pager whose links resolve, valid and escaped HTML; a key of N versions keeps one page; a cached
 * rebuild after a version is added or deleted gives the bytes of a cold build.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { JSDOM } from "jsdom";
import { parse } from "parse5";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite } from "../../src/site/build.js";
import { KEY_PAGE_VERSIONS as N } from "../../src/site/paths.js";
import { listFiles, tmpStore, type TmpStore } from "../helpers/tmp-store.js";
import { findExecutable } from "../xss/check.js";
import { linksOf } from "./site-helpers.js";

const TOTAL = 2 * N + 5;
/** Stored text that must come out escaped. */
const DESCRIPTION = `Tom & Jerry <3 "quoted" 'single'`;

let t: TmpStore;
let out: string;
/** Ids of `big`, oldest first. */
let ids: string[];
let runName: string;

const read = (rel: string) => fs.readFile(path.join(out, rel), "utf8");
/** The versions a page's table lists: [number, artifact id] in page order. */
function rowsOf(html: string): [number, string][] {
  return [...html.matchAll(/<td class="num"><a href="\.\.\/\.\.\/artifacts\/([0-9a-f-]+)\.html">v(\d+)<\/a><\/td>/g)].map((m) => [Number(m[2]), m[1]!]);
}
function pagerOf(html: string): Document {
  const doc = new JSDOM(html).window.document;
  return doc;
}

beforeAll(async () => {
  t = await tmpStore({ durable: false });
  ids = [];
  // Every tenth version (and v4) in a flow run, so rows on every page link runs; every seventh (and v3) has the text to escape.
  for (let i = 1; i <= TOTAL; i++) {
    const make = () => t.store.createProgressArtifact({ key: "big", progress: i % 100, description: i % 7 === 0 || i === 3 ? DESCRIPTION : `step ${i}` });
    ids.push(i % 10 === 0 || i === 4 ? await t.store.flow("nightly <etl>", make)() : await make());
  }
  runName = "nightly <etl>";
  for (let i = 1; i <= N; i++) await t.store.createMarkdownArtifact({ key: "exact", markdown: `# ${i}` });
  out = path.join(t.base, "site");
  await buildSite({ dir: t.dir, out, cache: false });
}, 60_000);
afterAll(() => t.cleanup());

describe("a key of 2N+5 versions", () => {
  const pages = ["keys/big/index.html", "keys/big/page-2.html", "keys/big/page-3.html"];

  it("gets three pages of versions, the newest N first and the oldest last", async () => {
    const files = await listFiles(out);
    expect(files.filter((f) => f.startsWith("keys/big/") && f.endsWith(".html"))).toEqual([...pages].sort());
    const spans: [number, number][] = [[TOTAL, N + 6], [N + 5, 6], [5, 1]];
    for (const [i, page] of pages.entries()) {
      const [newest, oldest] = spans[i]!;
      const rows = rowsOf(await read(page));
      const numbers = Array.from({ length: newest - oldest + 1 }, (_, k) => newest - k);
      expect(rows.map(([v]) => v), page).toEqual(numbers);
      // Each number links its own version.
      expect(rows.map(([, id]) => id), page).toEqual(numbers.map((v) => ids[v - 1]!.toLowerCase()));
    }
  });

  it("keeps the key page's latest version, trends, changes, compare tool and feed", async () => {
    const html = await read(pages[0]!);
    expect(html).toContain(`${TOTAL} versions · latest`);
    expect(html).toContain(`<h2 id="latest-h">Latest version</h2>`);
    expect(html).toContain(`<h2 id="trends-h">Trends</h2>`);
    // The trend is drawn over every version, not only the listed ones.
    expect(html).toContain(`aria-label="Progress: ${1 % 100} at v1 to ${TOTAL % 100} at v${TOTAL}"`);
    expect(html).toContain(`<h2 id="changes-h">Changes</h2>`);
    expect(html).toContain(`class="compare-tool"`);
    expect(html).toContain(`href="feed.xml">Atom feed</a>`);
    // The later pages list versions only.
    for (const page of pages.slice(1)) {
      const later = await read(page);
      expect(later, page).not.toMatch(/trends-h|changes-h|compare-tool|latest-h/);
      expect(later.length, page).toBeLessThan(html.length);
    }
  });

  it("has a pager on every page: labelled, page X of Y, the current page marked, rel prev and next", async () => {
    for (const [i, page] of pages.entries()) {
      const doc = pagerOf(await read(page));
      const navs = [...doc.querySelectorAll("nav.pager")];
      expect(navs, page).toHaveLength(1);
      const nav = navs[0]!;
      expect(nav.getAttribute("aria-label")).toBe("Pages of versions");
      expect(nav.querySelector(".pager-status")!.textContent).toBe(`Page ${i + 1} of 3`);
      const current = [...nav.querySelectorAll("[aria-current]")];
      expect(current.map((a) => [a.getAttribute("aria-current"), a.getAttribute("href"), a.textContent])).toEqual([
        ["page", `../../${pages[i]}`, String(i + 1)],
      ]);
      const prev = nav.querySelector('a[rel="prev"]'), next = nav.querySelector('a[rel="next"]');
      expect(prev?.getAttribute("href") ?? null, page).toBe(i === 0 ? null : `../../${pages[i - 1]}`);
      expect(next?.getAttribute("href") ?? null, page).toBe(i === 2 ? null : `../../${pages[i + 1]}`);
      expect([...nav.querySelectorAll("a[aria-label]")].map((a) => a.getAttribute("href"))).toEqual(pages.map((p) => `../../${p}`));
    }
  });

  it("links only to files that exist, from every page of the site", async () => {
    const files = new Set(await listFiles(out));
    for (const page of [...files].filter((f) => f.endsWith(".html"))) {
      for (const link of linksOf(await read(page))) {
        if (/^(https?:|mailto:)/.test(link) || link.startsWith("#")) continue;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(page), link.split("#")[0]!));
        expect(files.has(target), `${page} → ${link}`).toBe(true);
      }
    }
  });

  it("writes valid HTML with unique ids, stored text escaped and nothing executable", async () => {
    for (const page of pages) {
      const html = await read(page);
      const errors: string[] = [];
      parse(html, { onParseError: (e) => errors.push(`${e.code} at ${e.startLine}:${e.startCol}`) });
      expect(errors, page).toEqual([]);
      const doc = new JSDOM(html).window.document;
      const idList = [...doc.querySelectorAll("[id]")].map((e) => e.id);
      expect(new Set(idList).size, page).toBe(idList.length);
      expect(doc.querySelectorAll("h1")).toHaveLength(1);
      expect(findExecutable(html), page).toEqual([]);
      expect(html, page).not.toContain(DESCRIPTION);
      expect(html, page).not.toContain(runName);
      expect(html, page).toContain("Tom &amp; Jerry &lt;3 &quot;quoted&quot; &#39;single&#39;");
      expect(html, page).toContain("nightly &lt;etl&gt;");
      expect([...doc.querySelectorAll("td.desc")].some((td) => td.textContent === DESCRIPTION), page).toBe(true);
    }
  });

  it("links each version's page to the page that lists it", async () => {
    for (const [v, page, label] of [[TOTAL, "index.html", 1], [N + 6, "index.html", 1], [N + 5, "page-2.html", 2], [1, "page-3.html", 3]] as const) {
      const html = await read(`artifacts/${ids[v - 1]!.toLowerCase()}.html`);
      expect(html, `v${v}`).toContain(`<a href="../keys/big/${page}">All versions (page ${label})</a>`);
      // The breadcrumb and the key field still lead to the key page.
      expect(html, `v${v}`).toContain(`<li><a href="../keys/big/index.html">big</a></li>`);
    }
  });
});

describe("a key of exactly N versions", () => {
  it("keeps one page with every version and no pager", async () => {
    const files = await listFiles(out);
    expect(files.filter((f) => f.startsWith("keys/exact/") && f.endsWith(".html"))).toEqual(["keys/exact/index.html"]);
    const html = await read("keys/exact/index.html");
    expect(rowsOf(html).map(([v]) => v)).toEqual(Array.from({ length: N }, (_, k) => N - k));
    expect(html).toContain(`<h2 id="versions-h">All versions</h2>`);
    expect(html).not.toContain("pager");
    const versions = await t.store.versions("exact");
    const first = await read(`artifacts/${versions[0]!.id.toLowerCase()}.html`);
    expect(first).toContain(`<a href="../keys/exact/index.html">All versions</a>`);
  });
});

describe("a cached rebuild across the page boundary", () => {
  it("gives the bytes of a cold build after a listed version changes, a version is added, then versions are deleted", async () => {
    const cacheDir = path.join(t.base, "cache");
    const site = path.join(t.base, "cached");
    const cold = path.join(t.base, "cold");
    const same = async (step: string) => {
      await buildSite({ dir: t.dir, out: site, cacheDir });
      await buildSite({ dir: t.dir, out: cold, cache: false });
      const files = await listFiles(cold);
      expect(await listFiles(site), step).toEqual(files);
      for (const f of files) {
        const [a, b] = await Promise.all([fs.readFile(path.join(site, f)), fs.readFile(path.join(cold, f))]);
        expect(a.equals(b), `${step}: ${f}`).toBe(true);
      }
      return files;
    };
    await same("first");
    // A version listed on page 2 only gets a new description: page 2 shows it, in place.
    await t.store.updateProgressArtifact({ artifactId: ids[N]!, progress: 50, description: "new words" });
    await same("updated");
    expect(await fs.readFile(path.join(site, "keys/big/page-2.html"), "utf8")).toContain("new words");
    // exact: N → N+1 versions, a second page appears; big: every page shifts by one.
    await t.store.createMarkdownArtifact({ key: "exact", markdown: "# one more" });
    await t.store.createProgressArtifact({ key: "big", progress: 1 });
    const grown = await same("added");
    expect(grown).toContain("keys/exact/page-2.html");
    expect(grown).toContain("keys/big/page-3.html");
    // exact: back to N, its second page goes; big: six versions fewer, its third page goes.
    await t.store.deleteById((await t.store.versions("exact"))[0]!.id);
    for (const r of (await t.store.versions("big")).slice(0, 6)) await t.store.deleteById(r.id);
    const shrunk = await same("deleted");
    expect(shrunk).not.toContain("keys/exact/page-2.html");
    expect(shrunk).toContain("keys/big/page-2.html");
    expect(shrunk).not.toContain("keys/big/page-3.html");
  }, 60_000);
});
