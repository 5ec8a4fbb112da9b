/**
 * The extras in Chromium, from file:// (where fetch() of local files fails, so data comes as script files or
 * inline JSON data blocks): the table tools at 100,000 rows keep at most a page of rows in the DOM while sorting,
 * filtering, paging and downloading, from file:// and from http, reading the rows from the page's data block; a
 * page showing one table twice has one block for both; search loads its index shards on demand and links to
 * pages; compare diffs any two versions; trend points link to their versions. No console error (so no CSP
 * violation) and no uncaught exception.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/artifacts/client.js";
import { buildSite } from "../../src/site/build.js";
import { formatViolations, seriousViolations } from "./axe.js";
import { launchChromium } from "./chromium.js";
import { fenceContext, watchPage, type Watch } from "./page-watch.js";
import { startStaticServer, type StaticServer } from "./static-server.js";

const ROWS = 100_000;
/** The most rows the table tools may keep in the DOM (the largest page size). */
const MAX_DOM_ROWS = 250;

let browser: Browser;
let tmp: string;
let root: string;
let tableId: string;
let smallTableId: string;
let reportIds: string[];
let progressIds: string[];
/** A key whose latest version turned from Markdown into a table: its page shows the table twice (body and diff). */
let shapeTableId: string;
let server: StaticServer;
const HOSTILE = "</script><script>alert(1)</script>";
/** Sort and filter times at 100,000 rows, printed for the report. */
const timings: Record<string, number> = {};

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "ap-extras-browser-"));
  const dir = path.join(tmp, "store");
  const store = openStore(dir, { durable: false, warn: () => undefined });
  // Row i: id, a number that is not in row order, a label, and a cell that is empty for every 10th row.
  const rows = Array.from({ length: ROWS }, (_, i) => [`row-${i}`, (i * 7919) % ROWS, `label ${i % 97}`, i % 10 === 0 ? null : i % 13]);
  tableId = await store.createTableArtifact({ key: "big-table", table: rows, columns: ["id", "score", "label", "bucket"], description: "A big table" });
  reportIds = [];
  const texts = ["# Weekly report\nalpha\nbeta\ngamma\n", "# Weekly report\nalpha\nBETA changed\ngamma\n", "# Weekly report\nalpha\nBETA changed\ngamma\ndelta added\n"];
  for (const markdown of texts) reportIds.push(await store.createMarkdownArtifact({ key: "weekly-report", markdown, description: "Zanzibar quarterly figures" }));
  progressIds = [];
  for (const progress of [10, 35, 20, 80]) progressIds.push(await store.createProgressArtifact({ key: "etl-progress", progress }));
  await store.createLinkArtifact({ key: "dashboard", link: "https://example.com/dash", linkText: "Operations dashboard" });
  smallTableId = await store.createTableArtifact({ key: "small-table", table: [{ name: "b", n: 2 }, { name: "a", n: 10 }, { name: "c", n: 1 }] });
  await store.createMarkdownArtifact({ key: "shape-change", markdown: "Not a table yet" });
  const shapeRows = Array.from({ length: 300 }, (_, i) => [i % 50 === 7 ? `${HOSTILE} ${i}` : `cell ${i}`, 300 - i]);
  shapeTableId = await store.createTableArtifact({ key: "shape-change", table: shapeRows, columns: ["text", "n"] });
  root = pathToFileURL(path.join(tmp, "site")).href + "/";
  [browser] = await Promise.all([launchChromium(), buildSite({ dir, out: path.join(tmp, "site"), title: "Extras", cache: false })]);
  server = await startStaticServer(path.join(tmp, "site"));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fs.rm(tmp, { recursive: true, force: true });
  if (Object.keys(timings).length) console.log(`table tools at ${ROWS} rows (ms): ${JSON.stringify(timings)}`);
});

async function open(url: string, options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  await fenceContext(context);
  // Every CSP violation, as the page saw it (the data blocks are scripts, so the CSP must leave them alone).
  await context.addInitScript("window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
  const page = await context.newPage();
  const watch = watchPage(page);
  await page.goto(url);
  return { context, page, watch };
}

function clean(watch: Watch): void {
  expect(watch).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
}

async function noCspViolation(page: Page): Promise<void> {
  expect(await page.evaluate("window.cspViolations")).toEqual([]);
}

describe("table tools at 100,000 rows", () => {
  const bodyRows = (page: Page) => page.locator("table.data tbody tr");
  const firstCells = async (page: Page, column: number) =>
    page.locator(`table.data tbody tr td:nth-child(${column})`).allTextContents();

  it("keep one page of rows in the DOM, and page, sort and filter over every row", async () => {
    const { context, page, watch } = await open(`${root}artifacts/${tableId}.html`);
    const status = page.locator(".table-tools .count");
    await expect.poll(() => status.textContent()).toBe("Rows 1–100 of 100,000");
    expect(await bodyRows(page).count()).toBe(100);

    // Past the rows written into the page: the data file is loaded and the last page is reachable.
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => status.textContent()).toBe("Rows 101–200 of 100,000");
    expect((await firstCells(page, 1))[0]).toBe("row-100");
    await page.getByRole("combobox", { name: "Rows per page" }).selectOption("250");
    await expect.poll(() => bodyRows(page).count()).toBe(250);
    for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => status.textContent()).toBe("Rows 751–1,000 of 100,000");
    await page.evaluate(() => (document.querySelector("table.data") as unknown as { artifactPressTable: { page(n: number): void } }).artifactPressTable.page(399));
    await expect.poll(() => status.textContent()).toBe("Rows 99,751–100,000 of 100,000");
    expect((await firstCells(page, 1)).at(-1)).toBe("row-99999");
    await expect(page.getByRole("button", { name: "Next page" }).isDisabled()).resolves.toBe(true);

    // Sort by the numeric column, descending: the largest score first; empty cells always last.
    const score = page.getByRole("button", { name: "score", exact: true });
    await score.click();
    await expect.poll(() => page.getByRole("columnheader", { name: "score" }).getAttribute("aria-sort")).toBe("ascending");
    expect((await firstCells(page, 2)).slice(0, 3)).toEqual(["0", "1", "2"]);
    await score.click();
    await expect.poll(() => page.getByRole("columnheader", { name: "score" }).getAttribute("aria-sort")).toBe("descending");
    expect((await firstCells(page, 2)).slice(0, 3)).toEqual(["99999", "99998", "99997"]);
    await page.getByRole("button", { name: "bucket", exact: true }).click();
    await page.evaluate(() => (document.querySelector("table.data") as unknown as { artifactPressTable: { page(n: number): void } }).artifactPressTable.page(1e9));
    await expect.poll(async () => (await firstCells(page, 4)).at(-1)).toBe("");

    // Filter over every row, not only the ones on the page.
    await page.getByRole("searchbox", { name: "Filter rows" }).fill("row-9999");
    await expect.poll(() => status.textContent()).toBe("Rows 1–11 of 11 (filtered from 100,000)");
    expect((await firstCells(page, 1)).sort()).toEqual(["row-9999", ...Array.from({ length: 10 }, (_, i) => `row-9999${i}`)].sort());
    expect(await page.locator("tr").count()).toBeLessThanOrEqual(MAX_DOM_ROWS + 1);
    await noCspViolation(page);
    clean(watch);
    await context.close();
  });

  it("sort and filter times (figures for the bench), with the DOM at one page", async () => {
    const { context, page, watch } = await open(`${root}artifacts/${tableId}.html`);
    const t = await page.evaluate(() => new Promise<Record<string, number>>((resolve) => {
      const api = (document.querySelector("table.data") as unknown as {
        artifactPressTable: { load(then: () => void): void; sort(c: number, asc: boolean): void; filter(text: string): void };
      }).artifactPressTable;
      api.load(() => {
        const time = (f: () => void) => { const s = performance.now(); f(); return Math.round(performance.now() - s); };
        resolve({
          sortNumber: time(() => api.sort(1, true)),
          sortNumberDesc: time(() => api.sort(1, false)),
          sortText: time(() => api.sort(2, true)),
          filterFirst: time(() => api.filter("label 42")),
          filterAgain: time(() => api.filter("row-1")),
          filterClear: time(() => api.filter("")),
        });
      });
    }));
    Object.assign(timings, t);
    expect(await page.locator("table.data tbody tr").count()).toBe(100);
    expect(await page.locator("tr").count()).toBeLessThanOrEqual(MAX_DOM_ROWS + 1);
    await noCspViolation(page);
    clean(watch);
    await context.close();
  });

  it("download the filtered rows as CSV and JSON", async () => {
    const { context, page, watch } = await open(`${root}artifacts/${tableId}.html`);
    await page.getByRole("searchbox", { name: "Filter rows" }).fill("row-4242");
    await expect.poll(() => page.locator(".table-tools .count").textContent()).toContain("of 11 (filtered");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^big-table-.*\.csv$/);
    const text = await fs.readFile((await csv.path())!, "utf8");
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,score,label,bucket");
    expect(lines).toHaveLength(12);
    expect(lines).toContain(`row-4242,${(4242 * 7919) % ROWS},label ${4242 % 97},${4242 % 13}`);
    const [json] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download JSON" }).click()]);
    const data = JSON.parse(await fs.readFile((await json.path())!, "utf8"));
    expect(data.columns).toEqual(["id", "score", "label", "bucket"]);
    expect(data.rows).toHaveLength(11);
    expect(data.rows).toContainEqual(["row-42420", (42420 * 7919) % ROWS, `label ${42420 % 97}`, null]);
    await noCspViolation(page);
    clean(watch);
    await context.close();
  });

  it("a small table gets sorting and downloads, no filter or pages", async () => {
    const { context, page, watch } = await open(`${root}artifacts/${smallTableId}.html`);
    await expect.poll(() => page.getByRole("button", { name: "Download CSV" }).count()).toBe(1);
    expect(await page.getByRole("searchbox").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Next page" }).count()).toBe(0);
    await page.getByRole("button", { name: "n", exact: true }).click();
    await expect.poll(() => firstCells(page, 2)).toEqual(["1", "2", "10"]);
    await page.getByRole("button", { name: "name", exact: true }).click();
    await expect.poll(() => firstCells(page, 1)).toEqual(["a", "b", "c"]);
    await noCspViolation(page);
    clean(watch);
    await context.close();
  });

  it("without JavaScript the page shows the first 1,000 rows and links the full data", async () => {
    const { context, page, watch } = await open(`${root}artifacts/${tableId}.html`, { javaScriptEnabled: false });
    expect(await bodyRows(page).count()).toBe(1000);
    await expect(page.getByRole("link", { name: "CSV" }).count()).resolves.toBe(1);
    // The data block is there, and shows nothing.
    expect(await page.locator("script.table-data").count()).toBe(1);
    expect(await page.evaluate("document.body.innerText.includes('numeric')")).toBe(false);
    clean(watch);
    await context.close();
  });

  it("work the same from http://, reading the page's data block: no data file is asked for", async () => {
    const files = await fs.readdir(path.join(tmp, "site", "artifacts"));
    expect(files.filter((f) => f.endsWith(".js"))).toEqual([]);
    const from = server.requests.length;
    const { context, page, watch } = await open(`${server.url}artifacts/${tableId}.html`);
    const status = page.locator(".table-tools .count");
    await expect.poll(() => status.textContent()).toBe("Rows 1–100 of 100,000");
    await page.getByRole("button", { name: "Next page" }).click();
    await expect.poll(() => status.textContent()).toBe("Rows 101–200 of 100,000");
    expect((await firstCells(page, 1))[0]).toBe("row-100");
    await page.getByRole("button", { name: "score", exact: true }).click();
    await expect.poll(async () => (await firstCells(page, 2)).slice(0, 3)).toEqual(["0", "1", "2"]);
    await page.getByRole("searchbox", { name: "Filter rows" }).fill("row-4242");
    await expect.poll(() => status.textContent()).toBe("Rows 1–11 of 11 (filtered from 100,000)");
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    expect((await fs.readFile((await csv.path())!, "utf8")).trimEnd().split("\r\n")).toHaveLength(12);
    expect(await page.locator("tr").count()).toBeLessThanOrEqual(MAX_DOM_ROWS + 1);
    const asked = server.requests.slice(from);
    expect(asked.filter((r) => !/^\/(assets\/[a-z.-]+\.(js|css|svg)|artifacts\/[0-9a-f-]+\.html)$/.test(r))).toEqual([]);
    await noCspViolation(page);
    clean(watch);
    await context.close();
  });

  it("on the key page too: the latest version's table comes with its data", async () => {
    const { context, page, watch } = await open(`${root}keys/big-table/index.html`);
    const status = page.locator(".table-tools .count");
    await expect.poll(() => status.textContent()).toBe("Rows 1–100 of 100,000");
    await page.evaluate(() => (document.querySelector("table.data") as unknown as { artifactPressTable: { page(n: number): void } }).artifactPressTable.page(999));
    await expect.poll(() => status.textContent()).toBe("Rows 99,901–100,000 of 100,000");
    expect(await page.locator("script.table-data").count()).toBe(1);
    await noCspViolation(page);
    clean(watch);
    await context.close();
  });

  it("a page that shows one table twice carries one data block; both copies work and cells stay text", async () => {
    const { context, page, watch } = await open(`${root}artifacts/${shapeTableId}.html`);
    await expect.poll(() => page.locator(".table-tools").count()).toBe(2);
    expect(await page.locator("table[data-table-data]").count()).toBe(2);
    expect(await page.locator('script[type="application/json"]').count()).toBe(1);
    const ids = (await page.evaluate("Array.from(document.querySelectorAll('[id]'), (e) => e.id)")) as string[];
    expect(new Set(ids).size).toBe(ids.length);
    // The second copy (the diff's "after" side) sorts and filters over every row, from the same block.
    const second = page.locator("table.data").nth(1);
    await second.getByRole("button", { name: "n", exact: true }).click();
    await expect.poll(async () => (await second.locator("tbody tr td:nth-child(2)").allTextContents()).slice(0, 3)).toEqual(["1", "2", "3"]);
    await page.getByRole("searchbox", { name: "Filter rows" }).nth(1).fill("alert(1)");
    await expect.poll(() => second.locator("tbody tr td:first-child").allTextContents())
      .toEqual([257, 207, 157, 107, 57, 7].map((i) => `${HOSTILE} ${i}`));
    // The first copy keeps its own state.
    expect(await page.locator("table.data").first().locator("tbody tr").count()).toBe(100);
    await noCspViolation(page);
    clean(watch);
    await context.close();
  });
});

describe("search", () => {
  it("finds keys, descriptions, Markdown text and link text from file://, and results open their pages", async () => {
    const { context, page, watch } = await open(`${root}search.html`);
    const box = page.getByRole("searchbox", { name: "Search artifacts" });
    const results = page.locator(".search-results li a");
    await box.fill("zanzib");
    await expect.poll(() => results.allTextContents()).toEqual(["weekly-report"]);
    await box.fill("operations dash");
    await expect.poll(() => results.allTextContents()).toEqual(["dashboard"]);
    await box.fill("delta");
    await expect.poll(() => results.allTextContents()).toEqual(["weekly-report"]);
    await box.fill("bucket");
    await expect.poll(() => results.allTextContents()).toEqual(["big-table"]);
    await box.fill("nothing-like-this");
    await expect.poll(() => page.locator(".search-status").textContent()).toBe("No results.");
    await box.fill("etl");
    await expect.poll(() => results.allTextContents()).toEqual(["etl-progress"]);
    await results.first().click();
    await expect.poll(() => page.url()).toBe(`${root}keys/etl-progress/index.html`);
    clean(watch);
    await context.close();
  });

  it("takes the query from ?q=, and says what to do without JavaScript", async () => {
    const { context, page, watch } = await open(`${root}search.html?q=weekly`);
    await expect.poll(() => page.locator(".search-results li a").allTextContents()).toEqual(["weekly-report"]);
    clean(watch);
    await context.close();
    const noJs = await open(`${root}search.html`, { javaScriptEnabled: false });
    await expect(noJs.page.getByText("Search needs JavaScript").isVisible()).resolves.toBe(true);
    await expect(noJs.page.getByRole("link", { name: "every key on the index" }).getAttribute("href")).resolves.toBe("index.html");
    await noJs.context.close();
  });
});

describe("lineage extras", () => {
  it("compare any two versions of a key", async () => {
    const { context, page, watch } = await open(`${root}keys/weekly-report/index.html`);
    const from = page.getByRole("combobox", { name: "Compare from version" });
    const to = page.getByRole("combobox", { name: "Compare to version" });
    const result = page.locator(".compare-result");
    await expect.poll(() => result.locator(".compare-head").textContent()).toBe("v2 → v3");
    await from.selectOption("1");
    await expect.poll(() => result.locator(".compare-head").textContent()).toBe("v1 → v3");
    const lines = async (cls: string) => (await result.locator(`tr.${cls} td.diff-line`).allTextContents()).map((t) => t.replace(/^(added|removed): /, ""));
    await expect.poll(() => lines("diff-add")).toEqual(["BETA changed", "delta added"]);
    expect(await lines("diff-del")).toEqual(["beta"]);
    await to.selectOption("1");
    await expect.poll(() => result.textContent()).toContain("No difference.");
    clean(watch);
    await context.close();
  });

  it("shows the build-time diff of the latest version, and trend points link to their versions", async () => {
    const { context, page, watch } = await open(`${root}keys/etl-progress/index.html`);
    await expect(page.locator(".diff-progress").first().textContent()).resolves.toContain("20% → 80%");
    const points = page.locator("svg.trend-chart a");
    expect(await points.count()).toBe(4);
    expect(await page.locator("svg.trend-chart circle title").allTextContents()).toEqual([
      expect.stringMatching(/^Progress v1 .*: 10$/), expect.stringMatching(/: 35$/), expect.stringMatching(/: 20$/), expect.stringMatching(/^Progress v4 .*: 80$/),
    ]);
    await points.nth(1).click();
    await expect.poll(() => page.url()).toBe(`${root}artifacts/${progressIds[1]}.html`);
    await expect(page.getByRole("heading", { name: "Changes since v1" }).count()).resolves.toBe(1);
    await expect(page.locator(".diff-progress").textContent()).resolves.toContain("10% → 35%");
    clean(watch);
    await context.close();
  });
});

describe("accessibility of the extras", () => {
  it("axe finds nothing serious on the table tools, trends, diffs, compare and search, light and dark", async () => {
    // Each page with the element its script builds, awaited before axe runs.
    const pages: [string, string][] = [
      [`artifacts/${tableId}.html`, ".table-tools"], ["keys/etl-progress/index.html", ".compare-result .compare-head"],
      ["keys/weekly-report/index.html", ".compare-result .compare-head"], [`artifacts/${reportIds[2]}.html`, ".table-wrap"],
      ["search.html?q=report", ".search-results li"],
    ];
    const found: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      // axe is injected as a script, so this context bypasses the CSP (the other tests keep it).
      const context = await browser.newContext({ bypassCSP: true, colorScheme });
      for (const [rel, ready] of pages) {
        const page = await context.newPage();
        await page.goto(root + rel);
        await page.locator(ready).first().waitFor();
        const v = await seriousViolations(page);
        if (v.length) found.push(formatViolations(`${colorScheme} ${rel}`, v));
        await page.close();
      }
      await context.close();
    }
    expect(found.join("\n")).toBe("");
  });
});
