/**
 * The demo site in Chromium, opened from disk (file://) and from a static server on 127.0.0.1: a reader walks
 * index → key → version → run → index by clicking links, with no console error (so no CSP violation by the real
 * assets) and no uncaught exception; the site works without JavaScript; the table script sorts and filters.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite } from "../../src/site/build.js";
import type { ArtifactRecord } from "../../src/types.js";
import { buildInto, demoStore, type BuiltSite } from "./built-site.js";
import { launchChromium } from "./chromium.js";
import { fenceContext, isBlockedLoadMessage, watchPage } from "./page-watch.js";
import { startStaticServer, type StaticServer } from "./static-server.js";

const TITLE = "Artifact Press demo";

let browser: Browser;
let site: BuiltSite;
let server: StaticServer;

beforeAll(async () => {
  [browser, site] = await Promise.all([launchChromium(), buildInto(demoStore, { title: TITLE })]);
  server = await startStaticServer(site.out);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await site?.cleanup();
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function h1(page: Page): Promise<string> {
  return ((await page.getByRole("heading", { level: 1 }).textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** A keyed version with more than one version in its key and a run on record: the walk's path. */
function walkTarget(): { record: ArtifactRecord; number: number; runName: string; runId: string } {
  const runs = new Map(site.runs.map((r) => [r.id, r]));
  const byKey = new Map<string, ArtifactRecord[]>();
  for (const r of site.records) if (r.key) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  for (const versions of byKey.values()) {
    // Newest first, as the store lists them; the key page numbers them v<N> … v1.
    for (const [i, record] of versions.entries()) {
      const run = record.flowRunId ? runs.get(record.flowRunId) : undefined;
      if (versions.length > 1 && run) return { record, number: versions.length - i, runName: run.name, runId: run.id };
    }
  }
  throw new Error("the demo store has no key with several versions made inside a recorded run");
}

describe("walking the demo site", () => {
  const origins = { "file://": () => site.fileUrl, "http://127.0.0.1": () => server.url };
  for (const [name, base] of Object.entries(origins)) {
    it(`index → key → version → run → index from ${name}, with no console error`, async () => {
      const context = await browser.newContext();
      const outside = await fenceContext(context);
      const page = await context.newPage();
      const watch = watchPage(page);
      const root = base();
      const { record, number, runName, runId } = walkTarget();
      const key = record.key!;

      await page.goto(root + "index.html");
      expect(await h1(page)).toBe(TITLE);

      await page.getByRole("link", { name: key, exact: true }).first().click();
      await expect.poll(() => page.url()).toBe(`${root}keys/${key}/index.html`);
      expect(await h1(page)).toBe(key);

      await page.getByRole("link", { name: `v${number}`, exact: true }).click();
      await expect.poll(() => page.url()).toBe(`${root}artifacts/${record.id}.html`);
      expect(await h1(page)).toBe(key);

      const runLink = page.getByRole("definition").filter({ has: page.getByRole("link") }).getByRole("link", { name: runName, exact: true });
      await runLink.first().click();
      await expect.poll(() => page.url()).toBe(`${root}runs/${runId}.html`);
      expect(await h1(page)).toMatch(new RegExp(`^${escapeRe(runName)}\\b`));

      await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Artifacts" }).click();
      await expect.poll(() => page.url()).toBe(`${root}index.html`);
      expect(await h1(page)).toBe(TITLE);

      // Public images are fenced off (aborted), which Chromium logs; every other console error counts.
      expect(watch.consoleErrors.filter((m) => !isBlockedLoadMessage(m))).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.dialogs).toEqual([]);
      expect(outside.filter((r) => r.resourceType !== "image"), "requests that left the machine").toEqual([]);
      await context.close();
    });
  }

  it("serves the 404 page for a missing file over http, without console errors beyond the 404 itself", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const watch = watchPage(page);
    const response = await page.goto(`${server.url}keys/no-such-key/index.html`);
    expect(response?.status()).toBe(404);
    expect(await h1(page)).toBe("Page not found");
    // The page sits at another depth than 404.html was built for, so its relative assets may miss; that is a
    // host-side limit, not checked here. Only the page's own script errors are.
    expect(watch.pageErrors).toEqual([]);
    await context.close();
  });
});

describe("the 404 page at depth", () => {
  /** The stylesheets the page applied: address and number of rules (0 when it did not load). */
  const sheets = (page: Page) => page.evaluate(() => [...document.styleSheets].map((s) => {
    let rules = 0;
    try {
      rules = s.cssRules.length;
    } catch {
      /* not loaded */
    }
    return { href: s.href, rules };
  }));

  it("is styled, and its links work, when the site was built with its base URL", async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "ap-browser-404-"));
    const out = path.join(tmp, "site");
    // The server first: the base URL is its address (nothing is served before the build).
    const hosted = await startStaticServer(out);
    const context = await browser.newContext();
    try {
      await buildSite({ dir: demoStore, out, title: TITLE, baseUrl: hosted.url });
      const outside = await fenceContext(context);
      const page = await context.newPage();
      const watch = watchPage(page);
      // Every response but the page's own 404 must be a success: its stylesheets, scripts and icon all load.
      const failed: string[] = [];
      page.on("response", (r) => {
        if (r.status() >= 400 && r.request().resourceType() !== "document") failed.push(`${r.status()} ${r.url()}`);
      });
      const missing = `${hosted.url}keys/no-such-key/deeper/missing.html`;
      const response = await page.goto(missing);
      expect(response?.status()).toBe(404);
      expect(await h1(page)).toBe("Page not found");
      const style = (await sheets(page)).find((s) => s.href === `${hosted.url}assets/style.css`);
      expect(style?.rules ?? 0).toBeGreaterThan(10);
      await page.waitForLoadState("load");
      expect(failed).toEqual([]);
      expect(hosted.requests).toEqual(expect.arrayContaining(["/assets/style.css", "/assets/extras.css", "/assets/app.js"]));
      expect(outside).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      await page.getByRole("link", { name: "Go to all artifacts" }).click();
      await page.waitForURL(`${hosted.url}index.html`);
      expect(await h1(page)).toBe(TITLE);
    } finally {
      await context.close();
      await hosted.close();
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });

  it("misses its stylesheet there without a base URL (relative links, as built for the top)", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}keys/no-such-key/deeper/missing.html`);
    expect(await h1(page)).toBe("Page not found");
    const style = (await sheets(page)).find((s) => s.href?.endsWith("assets/style.css"));
    expect(style?.rules ?? 0).toBe(0);
    await context.close();
  });
});

describe("without JavaScript", () => {
  it("the index lists every key, a table page shows its rows, and links work", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto(server.url + "index.html");
    const keys = [...new Set(site.records.map((r) => r.key).filter((k): k is string => k !== null))].sort();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) await expect(page.getByRole("link", { name: key, exact: true }).count()).resolves.toBeGreaterThan(0);

    const table = site.records.find((r) => r.type === "table" && r.data.rows.length > 1);
    expect(table, "the demo has a table with rows").toBeDefined();
    if (table?.type !== "table") return;
    await page.goto(`${server.url}artifacts/${table.id}.html`);
    const rows = page.locator("table.data tbody tr");
    expect(await rows.count()).toBe(Math.min(table.data.rows.length, 1000));
    const firstCell = table.data.rows[0]?.[0];
    if (typeof firstCell === "string" && firstCell !== "") {
      await expect(rows.first().locator("td").first().textContent()).resolves.toBe(firstCell);
    }

    await page.getByRole("navigation", { name: "Site" }).getByRole("link", { name: "Runs" }).click();
    await expect.poll(() => page.url()).toBe(`${server.url}runs/index.html`);
    expect(await h1(page)).toBe("Runs");
    expect(watch).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});

describe("the table script", () => {
  it("sorts the index by a column header and filters its rows as one types", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto(server.url + "index.html");
    const region = page.getByRole("region", { name: "Artifacts by key" });
    const keyCells = region.locator("tbody tr td:first-child");
    const keys = (await keyCells.allTextContents()).map((s) => s.trim());
    expect(keys.length).toBeGreaterThan(2);

    // The name may carry the CSS sort arrow ("Key ↕"), so match its start.
    const header = region.getByRole("button", { name: /^Key\b/ });
    await header.click();
    const ascending = [...keys].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" }));
    await expect.poll(async () => (await keyCells.allTextContents()).map((s) => s.trim())).toEqual(ascending);
    await header.click();
    await expect.poll(async () => (await keyCells.allTextContents()).map((s) => s.trim())).toEqual([...ascending].reverse());
    await expect(region.getByRole("columnheader", { name: "Key" }).getAttribute("aria-sort")).resolves.toBe("descending");

    // The filter matches a row's whole text; the expected rows are worked out from the rows as shown.
    const wanted = keys[0]!;
    const shownKeys = (await keyCells.allTextContents()).map((s) => s.trim());
    const rowTexts = await region.locator("tbody tr").allTextContents();
    const expected = shownKeys.filter((_, i) => rowTexts[i]!.toLowerCase().includes(wanted));
    await page.getByRole("searchbox", { name: "Filter rows" }).fill(wanted);
    const visible = region.locator("tbody tr:visible td:first-child");
    await expect.poll(async () => (await visible.allTextContents()).map((s) => s.trim())).toEqual(expected);
    expect(expected.length).toBeLessThan(keys.length);
    await page.getByRole("searchbox", { name: "Filter rows" }).fill("");
    await expect.poll(() => visible.count()).toBe(keys.length);
    expect(watch).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
    await context.close();
  });
});
