/**
 * Paged key pages in Chromium: a key of 6N+1 versions (N = KEY_PAGE_VERSIONS, so seven pages) built with the real
 * builder. axe-core finds no serious or critical violation on the first, a middle and the last page, in both
 * colour schemes; a reader with JavaScript off, from file://, walks the pager and comes back from a version page.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/artifacts/client.js";
import { KEY_PAGE_VERSIONS as N } from "../../src/site/paths.js";
import { axeReport } from "./axe.js";
import { buildInto, type BuiltSite } from "./built-site.js";
import { launchChromium } from "./chromium.js";
import { watchPage } from "./page-watch.js";
import { startStaticServer, type StaticServer } from "./static-server.js";

const KEY = "long-run";
const TOTAL = 6 * N + 1;

let tmp: string;
let browser: Browser;
let site: BuiltSite;
let server: StaticServer;
/** Ids of the key's versions, oldest first. */
const ids: string[] = [];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "ap-browser-paged-"));
  const dir = path.join(tmp, "store");
  const store = openStore(dir, { durable: false, warn: () => {} });
  for (let i = 1; i <= TOTAL; i++) {
    const make = () => store.createProgressArtifact({ key: KEY, progress: i % 100, description: `Step **${i}** <of> ${TOTAL}` });
    ids.push(i === 1 ? await store.flow("first-flow", make)() : await make());
  }
  [browser, site] = await Promise.all([launchChromium(), buildInto(dir, { tmp })]);
  server = await startStaticServer(site.out);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

const pageFile = (n: number) => `keys/${KEY}/${n === 1 ? "index" : `page-${n}`}.html`;
const pager = (page: Page) => page.getByRole("navigation", { name: "Pages of versions" });

describe("axe-core on paged key pages", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    it(`finds no serious or critical violation (${colorScheme} scheme)`, async () => {
      expect(await axeReport(browser, server.url, [pageFile(1), pageFile(4), pageFile(7), `artifacts/${ids[0]}.html`], colorScheme), "axe-core violations").toBe("");
    });
  }
});

describe("the pager without JavaScript, from file://", () => {
  it("leads page by page to the oldest versions and back from a version to its page", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const watch = watchPage(page);
    const root = site.fileUrl;
    try {
      await page.goto(root + pageFile(1));
      expect(await pager(page).locator(".pager-status").textContent()).toBe("Page 1 of 7");
      expect(await pager(page).locator("[aria-current=page]").textContent()).toBe("1");
      expect(await pager(page).getByRole("link", { name: "← Newer" }).count()).toBe(0);

      await pager(page).getByRole("link", { name: "Older →" }).click();
      await expect.poll(() => page.url()).toBe(root + pageFile(2));
      expect(await pager(page).locator(".pager-status").textContent()).toBe("Page 2 of 7");
      expect(await pager(page).locator("[aria-current=page]").textContent()).toBe("2");

      await pager(page).getByRole("link", { name: "Page 7", exact: true }).click();
      await expect.poll(() => page.url()).toBe(root + pageFile(7));
      expect(await pager(page).locator(".pager-status").textContent()).toBe("Page 7 of 7");
      expect(await pager(page).getByRole("link", { name: "Older →" }).count()).toBe(0);
      // The last page lists the oldest version only (6N+1 versions: N on each of six pages, one left).
      const rows = page.getByRole("region", { name: `Versions of ${KEY}, page 7 of 7` }).getByRole("row");
      expect(await rows.count()).toBe(2);

      await page.getByRole("link", { name: "v1", exact: true }).click();
      await expect.poll(() => page.url()).toBe(`${root}artifacts/${ids[0]}.html`);
      await page.getByRole("link", { name: "All versions (page 7)" }).click();
      await expect.poll(() => page.url()).toBe(root + pageFile(7));

      await pager(page).getByRole("link", { name: "← Newer" }).click();
      await expect.poll(() => page.url()).toBe(root + pageFile(6));
      await pager(page).getByRole("link", { name: "Page 1", exact: true }).click();
      await expect.poll(() => page.url()).toBe(root + pageFile(1));
      expect(watch.pageErrors).toEqual([]);
      expect(watch.consoleErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
