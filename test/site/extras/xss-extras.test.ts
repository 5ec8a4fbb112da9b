/**
 * The extras' own outputs under the XSS corpus (the store of test/browser/xss-store.ts, every payload in every
 * field): data scripts hold no markup that could end a script element and register exactly one value; the tables'
 * JSON data blocks in the pages stay one element each and give back every cell exactly; feeds are
 * well-formed XML whose only elements are Atom's; api/latest.json is JSON; trend charts and diffs on the pages are
 * covered by the page checker (test/site/xss.test.ts) and are checked here again for the extras' sections.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../../src/artifacts/client.js";
import { buildSite } from "../../../src/site/build.js";
import { DATA_GLOBAL } from "../../../src/site/extras/escape.js";
import { writeXssStore } from "../../browser/xss-store.js";
import { listFiles, tmpDir } from "../../helpers/tmp-store.js";
import { findExecutable } from "../../xss/check.js";
import { XSS_PAYLOADS } from "../../xss/payloads.js";

let base: string, out: string, files: string[];

beforeAll(async () => {
  base = await tmpDir("artifact-press-xss-extras-");
  const dir = path.join(base, "store");
  out = path.join(base, "site");
  await writeXssStore(dir, XSS_PAYLOADS);
  const store = openStore(dir, { durable: false, warn: () => undefined });
  // Payloads as column names of one-row tables (trend series names) and as table cells across versions (diffs).
  // Twice over, so each payload column has two points and becomes a trend series (the first 12 are drawn).
  for (let round = 0; round < 2; round++) {
    for (const [i, payload] of XSS_PAYLOADS.entries()) {
      await store.createTableArtifact({ key: "xss-metrics", table: [{ [payload]: i + round, text: payload }] });
    }
  }
  await buildSite({ dir, out, title: XSS_PAYLOADS.slice(0, 4).join(" "), baseUrl: "https://example.com/site/", cache: false });
  files = await listFiles(out);
}, 120_000);
afterAll(() => fs.rm(base, { recursive: true, force: true }));

describe("the extras of a store full of XSS payloads", () => {
  it("data scripts hold no markup, run without error and register exactly one value each", async () => {
    const scripts = files.filter((f) => f.endsWith(".js") && !f.startsWith("assets/"));
    expect(scripts.some((f) => f.startsWith("search/"))).toBe(true);
    expect(scripts.some((f) => f.endsWith("/versions.js"))).toBe(true);
    expect(scripts.some((f) => f.endsWith(".table.js"))).toBe(false);
    for (const f of scripts) {
      const text = await fs.readFile(path.join(out, f), "utf8");
      expect(text, f).not.toMatch(/<\/?script|<!--|-->|[\u2028\u2029]/i);
      const sandbox: Record<string, unknown> = {};
      sandbox.self = sandbox;
      vm.runInNewContext(text, sandbox);
      expect(Object.keys(sandbox[DATA_GLOBAL] as object), f).toHaveLength(1);
      expect(Object.keys(sandbox).sort(), f).toEqual([DATA_GLOBAL, "self"]);
    }
  });

  it("table data blocks stay data: one element each, every cell back exactly, ids unique and resolved", async () => {
    const cover = ["</script><script>alert(1)</script>", "<!--<script>alert(1)</script>-->", "\u2028\u2029</script\u2028><!--\u2029"];
    for (const c of cover) expect(XSS_PAYLOADS).toContain(c);
    const lists = JSON.parse(await fs.readFile(path.join(out, "api/latest.json"), "utf8")).keys.find((k: { key: string }) => k.key === "xss-lists");
    const expected = XSS_PAYLOADS.map((p, i) => [p, i, null]);
    let blocks = 0;
    for (const f of [lists.page, lists.artifactPage, ...files.filter((f) => f.endsWith(".html"))]) {
      const html = await fs.readFile(path.join(out, f), "utf8");
      const doc = new JSDOM(html).window.document;
      const ids = Array.from(doc.querySelectorAll("[id]"), (el) => el.id);
      expect(new Set(ids).size, f).toBe(ids.length);
      // Every data block is a table's, parses as JSON, and the only scripts with text are data blocks.
      const data = Array.from(doc.querySelectorAll("script:not([src])"));
      for (const el of data) {
        expect(el.getAttribute("type"), f).toBe("application/json");
        expect(doc.querySelector(`table[data-table-data="${el.id}"]`), `${f}: ${el.id}`).not.toBeNull();
        JSON.parse(el.textContent!);
        blocks++;
      }
      for (const table of doc.querySelectorAll("table[data-table-data]")) {
        expect(doc.getElementById(table.getAttribute("data-table-data")!)?.localName, f).toBe("script");
      }
      if (f === lists.page || f === lists.artifactPage) {
        expect(data, f).toHaveLength(1);
        expect(JSON.parse(data[0]!.textContent!).rows, f).toEqual(expected);
        expect(html.match(/<script/gi)?.length, f).toBe(html.match(/<\/script>/gi)?.length);
      }
    }
    expect(blocks).toBeGreaterThan(2);
  });

  it("feeds are well-formed Atom with no element from outside the Atom namespace", async () => {
    const feeds = files.filter((f) => f.endsWith(".xml"));
    expect(feeds.length).toBeGreaterThan(3);
    for (const f of feeds) {
      const doc = new JSDOM(await fs.readFile(path.join(out, f), "utf8"), { contentType: "application/xml" }).window.document;
      expect(doc.getElementsByTagName("parsererror").length, f).toBe(0);
      for (const el of doc.getElementsByTagName("*")) expect(el.namespaceURI, `${f}: ${el.localName}`).toBe("http://www.w3.org/2005/Atom");
      for (const link of doc.getElementsByTagName("link")) expect(link.getAttribute("href"), f).toMatch(/^https:\/\/example\.com\/site\/[a-z0-9/_.-]+$/);
    }
  });

  it("api/latest.json is JSON with every key", async () => {
    const api = JSON.parse(await fs.readFile(path.join(out, "api/latest.json"), "utf8"));
    const keys = files.filter((f) => /^keys\/[^/]+\/index\.html$/.test(f)).map((f) => f.split("/")[1]).sort();
    expect(api.keys.map((k: { key: string }) => k.key)).toEqual(keys);
  });

  it("trend charts and diffs on the pages hold nothing that can execute", async () => {
    const page = await fs.readFile(path.join(out, "keys/xss-metrics/index.html"), "utf8");
    expect(page.match(/class="trend-chart"/g)).toHaveLength(12);
    expect(page).toContain(`class="section changes"`);
    expect(findExecutable(page)).toEqual([]);
    for (const f of files.filter((f) => f.endsWith(".html"))) {
      // The 404 page loads the site's scripts from the base URL's path (see decisions.md), the others relatively.
      const scripts = f === "404.html" ? { allowScriptSrc: /^\/site\/assets\/[a-z0-9.-]+\.js$/ } : {};
      expect(findExecutable(await fs.readFile(path.join(out, f), "utf8"), scripts), f).toEqual([]);
    }
  });
});
