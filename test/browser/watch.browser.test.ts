/**
 * Watch mode in Chromium: a key page opened from the preview server shows a new version written with the library
 * without anyone touching the page (live reload through the server's same-origin script, under the pages' CSP).
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/artifacts/client.js";
import { startWatchSession, type WatchSession } from "../../src/watch/session.js";
import { tmpDir } from "../helpers/tmp-store.js";
import { launchChromium } from "./chromium.js";
import { watchPage } from "./page-watch.js";

let browser: Browser;
let base: string;
let session: WatchSession | undefined;

beforeAll(async () => {
  [browser, base] = await Promise.all([launchChromium(), tmpDir("ap-watch-browser-")]);
});

afterAll(async () => {
  await session?.close();
  await browser?.close();
  await fs.rm(base, { recursive: true, force: true });
});

describe("artifacts watch in the browser", () => {
  it("an open key page shows a newly written version by itself", async () => {
    const dir = path.join(base, ".artifacts");
    const store = openStore(dir, { durable: false });
    await store.createMarkdownArtifact({ key: "daily", markdown: "# Monday figures" });
    session = await startWatchSession({ dir, out: path.join(base, "site"), port: 0 });

    const page = await browser.newPage();
    const watch = watchPage(page);
    // The live-reload stream is open (its headers are in) before the write, so the server can tell the page.
    const streamOpen = page.waitForResponse((r) => r.url().endsWith("/__artifacts/events"));
    await page.goto(`${session.url}keys/daily/index.html`);
    expect(await page.locator("main").textContent()).toContain("Monday figures");
    await streamOpen;
    const firstLoad = await page.evaluate(() => performance.timeOrigin);

    await store.createMarkdownArtifact({ key: "daily", markdown: "# Tuesday figures" });
    await page.waitForFunction(() => document.querySelector("main")?.textContent?.includes("Tuesday figures"), undefined, { timeout: 20_000 });
    expect(await page.evaluate(() => performance.timeOrigin)).not.toBe(firstLoad); // a reload, by the page itself
    expect(await page.locator("main").textContent()).toMatch(/2\s+versions/);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });
});
