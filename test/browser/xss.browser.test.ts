/**
 * The XSS fixture in a real browser: a store holding every payload of test/xss/payloads.ts in every string field,
 * built with the real builder, every page opened in Chromium with the CSP bypassed (so the escaping and the
 * sanitizer must hold alone). Nothing may run: no dialog (the payloads call alert), no uncaught error, no
 * navigation away, no request that script or injected markup made, and nothing executable in the live DOM after
 * the browser's own parsing (which is where mutation XSS shows). A second pass with the CSP in force checks that
 * no page causes a CSP violation.
 *
 * The request rule, kept simple: every request that is not file:// or http://127.0.0.1 is recorded and aborted.
 * Outside images are allowed (the site shows public images by design, and the sanitizer may keep a Markdown
 * `<img src="https://…">`); any other outside request — fetch, XHR, script, style, frame, font, navigation —
 * fails the test.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XSS_PAYLOADS } from "../xss/payloads.js";
import { buildInto, htmlPages, type BuiltSite } from "./built-site.js";
import { launchChromium } from "./chromium.js";
import { executableInDom } from "./dom-probe.js";
import { fenceContext, forbiddenRequests, isFailedLoadMessage, watchPage, type OutsideRequest } from "./page-watch.js";
import { startStaticServer, type StaticServer } from "./static-server.js";
import { writeXssStore, type RefusedFile } from "./xss-store.js";

/** Tabs open at once: the browser is the bottleneck, and two cores keep two tabs busy. */
const TABS = 2;

let tmp: string;
let browser: Browser;
let site: BuiltSite;
let server: StaticServer;
let refused: RefusedFile[];
let pages: string[];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "ap-browser-xss-"));
  const store = path.join(tmp, "store");
  const launching = launchChromium();
  refused = await writeXssStore(store, XSS_PAYLOADS);
  site = await buildInto(store, { tmp, title: `<script>alert(1)</script>` });
  pages = await htmlPages(site.out);
  server = await startStaticServer(site.out);
  browser = await launching;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

interface Visit {
  findings: string[];
  outside: OutsideRequest[];
  /** Pages whose visible text shows a payload's `alert(1)`: the payloads arrived, as inert text. */
  showing: string[];
}

/** Opens every page (a few tabs at a time) in `context` and lists what each did that it must not. */
async function visitAll(context: BrowserContext, list: readonly string[], probeDom: boolean): Promise<Visit> {
  const outside = await fenceContext(context);
  const findings: string[] = [];
  const showing: string[] = [];
  let next = 0;
  const tab = async () => {
    const page = await context.newPage();
    const watch = watchPage(page);
    while (next < list.length) {
      const rel = list[next++]!;
      const url = server.url + rel;
      await page.goto(url);
      // Handlers such as onerror or ontoggle fire after load; one frame more lets them run before we look.
      await page.evaluate("new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))");
      if (page.url() !== url) findings.push(`${rel}: navigated away to ${page.url()}`);
      if (probeDom) for (const f of await executableInDom(page)) findings.push(`${rel}: ${f}`);
      if (await page.evaluate("document.body.innerText.includes('alert(1)')")) showing.push(rel);
    }
    findings.push(...watch.dialogs.map((d) => `dialog: ${d}`), ...watch.pageErrors.map((e) => `page error: ${e}`));
    findings.push(...watch.consoleErrors.filter((m) => !isFailedLoadMessage(m)).map((m) => `console error: ${m}`));
    await page.close();
  };
  await Promise.all(Array.from({ length: TABS }, tab));
  return { findings, outside, showing: showing.sort() };
}

describe("the XSS fixture in Chromium", () => {
  it("was built: every payload is in the store, and every refused record was reported and skipped", () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(40);
    expect(site.records.filter((r) => r.key === "xss-markdown").length).toBe(XSS_PAYLOADS.length);
    expect(site.runs.length).toBeGreaterThanOrEqual(4);
    const reported = site.result.problems.map((p) => p.path.split(path.sep).join("/"));
    const missing = refused.filter((r) => !reported.some((p) => p.includes(r.file)));
    expect(missing, "hand-written bad records the builder did not report").toEqual([]);
    expect(pages.length).toBeGreaterThan(XSS_PAYLOADS.length);
  });

  it("runs nothing on any page even with the CSP bypassed: the escaping and the sanitizer hold on their own", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const { findings, outside, showing } = await visitAll(context, pages, true);
    await context.close();
    expect(findings).toEqual([]);
    expect(forbiddenRequests(outside)).toEqual([]);
    // Run names are payloads shown as text: proof that the pages opened really carried them.
    const runPages = pages.filter((p) => p.startsWith("runs/") && p !== "runs/index.html");
    expect(runPages.length).toBeGreaterThanOrEqual(4);
    expect(runPages.filter((p) => !showing.includes(p))).toEqual([]);
    expect(showing).toContain("runs/index.html");
  });

  it("violates no CSP directive with the policy in force, on every page", async () => {
    // Run pages show compact cards, so artifact bodies are only in full on artifact (and key) pages: visit all.
    expect(pages.filter((p) => p.startsWith("artifacts/")).length).toBeGreaterThan(XSS_PAYLOADS.length);
    const context = await browser.newContext();
    const { findings, outside } = await visitAll(context, pages, false);
    await context.close();
    expect(findings).toEqual([]);
    expect(forbiddenRequests(outside)).toEqual([]);
  });
});
