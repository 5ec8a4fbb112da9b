/** The built site as a whole: determinism, links, CSP, no inline code, long tables, bad files reported. */
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSP } from "../../src/site/render.js";
import { findExecutable } from "../xss/check.js";
import { buildFixture, linksOf, type Built } from "./site-helpers.js";

const CSP_META = `<meta http-equiv="Content-Security-Policy" content="${CSP.replace(/'/g, "&#39;")}">`;

describe.each(["demo", "edge", "broken"])("the %s fixture", (name) => {
  let built: Built;
  beforeAll(async () => {
    built = await buildFixture(name);
  });
  afterAll(() => built.cleanup());

  it("puts the CSP meta on every page and no inline script or style anywhere", async () => {
    const pages = (await built.files()).filter((f) => f.endsWith(".html"));
    expect(pages.length).toBeGreaterThan(3);
    for (const page of pages) {
      const html = await built.read(page);
      expect(html, page).toContain(CSP_META);
      // Only the site's own script files: app.js on every page, then the extras' (table tools, compare, search);
      // besides them only the tables' JSON data blocks, a script type no browser runs.
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts[0], page).toMatch(/^<script src="(\.\.\/)*assets\/app\.js" defer>$/);
      for (const s of scripts) {
        expect(s, page).toMatch(/^<script src="(\.\.\/)*assets\/(app|table|compare|search)\.js" defer>$|^<script type="application\/json" id="table-data-[0-9a-f-]+" class="table-data">$/);
      }
      expect(html, page).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|(?:href|src)="data:/i);
    }
  });

  it("links only to files that exist in the output, each named as a file", async () => {
    const files = new Set(await built.files());
    for (const page of [...files].filter((f) => f.endsWith(".html"))) {
      for (const link of linksOf(await built.read(page))) {
        if (/^(https?:|mailto:)/.test(link) || link.startsWith("#")) continue;
        expect(link, `${page} → ${link}`).not.toMatch(/^\/|\/$|^[a-z]+:/i);
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(page), link.split("#")[0]!));
        expect(files.has(target), `${page} → ${link}`).toBe(true);
      }
    }
  });

  it("builds the same bytes twice", async () => {
    const again = await buildFixture(name);
    try {
      const a = await built.files(), b = await again.files();
      expect(b).toEqual(a);
      for (const f of a) {
        expect((await fs.readFile(path.join(again.out, f))).equals(await fs.readFile(path.join(built.out, f))), f).toBe(true);
      }
    } finally {
      await again.cleanup();
    }
  });
});

describe("bad files", () => {
  it("are reported with path and reason while the rest is built", async () => {
    const reported: string[] = [];
    const built = await buildFixture("broken", { onProblem: (p) => reported.push(`${p.path}: ${p.reason}`) });
    try {
      const problems = built.result.problems.map((p) => `${p.path}: ${p.reason}`);
      expect(reported).toEqual(problems);
      const has = (file: string, reason: RegExp) => expect(problems.filter((p) => p.includes(file) && reason.test(p)), `${file} ${reason}`).toHaveLength(1);
      has("Bad_Key", /key rule/);
      has("good/2026-01-01T12-03-03.003Z.json", /broken JSON/);
      has("mixed/2026-01-01T12-04-04.004Z.json", /unknown type "video"/);
      has("mixed/2026-01-01T12-05-05.005Z.json", /key "Mixed"/);
      has("mixed/2026-01-01T12-06-06.006Z.json", /javascript:/);
      has("mixed/2026-01-01T12-07-07.007Z.json", /\.\.\/\.\.\/etc\/passwd/);
      has("mixed/2026-01-01T12-08-08.008Z.json", /nested/);
      has("mixed/2026-01-01T12-09-09.009Z.json", /over the 16384-byte limit/);
      has("mixed/2026-01-01T12-10-10.010Z.json", /image\/png/);
      has("mixed/not-a-timestamp.json", /not a version timestamp/);
      has("_runs/bad-run.json", /state "exploded"/);
      expect(problems).toHaveLength(11);
      const files = await built.files();
      expect(files).toContain("keys/good/index.html");
      expect(files).toContain("keys/mixed/index.html");
      expect(files).toContain("runs/good-run.html");
      const mixed = await built.read("keys/mixed/index.html");
      expect(mixed).toContain("a good version among bad ones");
      expect(mixed.match(/<tr>/g)).toHaveLength(2); // the header and the one good version
    } finally {
      await built.cleanup();
    }
  });
});

describe("a table over 1,000 rows", () => {
  it("shows the first 1,000 and writes the full data as CSV and JSON beside the page", async () => {
    const built = await buildFixture("edge");
    try {
      const id = "5f0c4b0e-ed9e-4a6e-9d3c-000000000008";
      const page = await built.read(`artifacts/${id}.html`);
      const body = page.slice(page.indexOf('<table class="data"'), page.indexOf("</table>", page.indexOf('<table class="data"')));
      expect(body.match(/<tr>/g)).toHaveLength(1001); // header + 1,000 rows
      expect(page).toContain("Showing the first 1,000 of 1,200 rows");
      expect(page).toContain(`href="../artifacts/${id}.csv"`);
      expect(page).toContain(`href="../artifacts/${id}.json"`);
      const csv = await built.read(`artifacts/${id}.csv`);
      expect(csv.split("\r\n")).toHaveLength(1202); // header + 1,200 rows + final newline
      expect(csv).toContain(`'=SUM(A1:A2)`);
      expect(csv).toContain(`"ok, ""quoted"""`);
      const json = JSON.parse(await built.read(`artifacts/${id}.json`)) as { columns: string[]; rows: unknown[][] };
      expect(json.columns).toEqual(["n", "label", "score", "note"]);
      expect(json.rows).toHaveLength(1200);
      // The key page (two folders deep) links the same files.
      expect(await built.read("keys/long-table/index.html")).toContain(`href="../../artifacts/${id}.csv"`);
    } finally {
      await built.cleanup();
    }
  });
});

describe("the 404 page", () => {
  it("links from the base URL's path when the build has one, so it works at any depth; relatively otherwise", async () => {
    const hosted = await buildFixture("demo", { baseUrl: "https://example.com/reports" });
    const local = await buildFixture("demo");
    try {
      const page = await hosted.read("404.html");
      // Every link but the skip link to the page's own main content.
      const links = linksOf(page).filter((l) => l !== "#main");
      expect(links.length).toBeGreaterThan(5);
      for (const link of links) expect(link, link).toMatch(/^\/reports\/\S/);
      for (const asset of ["assets/style.css", "assets/app.js", "index.html", "runs/index.html", "search.html"]) {
        expect(links).toContain(`/reports/${asset}`);
      }
      // Nothing that could execute or load from elsewhere: the site's own scripts, from that path.
      expect(findExecutable(page, { allowScriptSrc: /^\/reports\/assets\/[a-z0-9.-]+\.js$/ })).toEqual([]);
      // The other pages stay relative (they open from disk), byte for byte the pages of a build without a base URL.
      expect(await hosted.read("index.html")).toBe(await local.read("index.html"));
      expect(linksOf(await local.read("404.html"))).toContain("assets/style.css");
      // A path that starts with two slashes (or a backslash) would name another host: it starts with one.
      for (const odd of ["https://example.com//evil.com/", "https://example.com/\\evil.com/x"]) {
        const built = await buildFixture("demo", { baseUrl: odd });
        try {
          const page = await built.read("404.html");
          const own = linksOf(page).filter((l) => l !== "#main");
          for (const link of own) expect(link, `${odd}: ${link}`).toMatch(/^\/evil\.com\/\S/);
          expect(findExecutable(page, { allowScriptSrc: /^\/evil\.com\/(x\/)?assets\/[a-z0-9.-]+\.js$/ })).toEqual([]);
        } finally {
          await built.cleanup();
        }
      }
    } finally {
      await hosted.cleanup();
      await local.cleanup();
    }
  });
});

describe("the page loop", () => {
  it("lets the event loop breathe every thousand pages, with or without a progress listener", async () => {
    // Counted by the calls the build makes to setImmediate (with no reader or writer thread, only its breather's):
    // a count that skipped pages without a listener once made it yield after every page (~0.1 s of a 10k build).
    const real = globalThis.setImmediate;
    let calls = 0;
    globalThis.setImmediate = ((...args: Parameters<typeof setImmediate>) => {
      calls++;
      return real(...args);
    }) as typeof setImmediate;
    let built: Built | undefined;
    const progress: [number, number][] = [];
    try {
      built = await buildFixture("demo", { cache: false, workers: 0, readThread: "never" });
      expect(built.result.pages).toBeGreaterThan(30);
      expect(calls).toBe(0);
      await built.cleanup();
      built = await buildFixture("demo", { cache: false, workers: 0, readThread: "never", onProgress: (done, total) => progress.push([done, total]) });
      expect(calls).toBe(0);
      const total = progress[0]![1];
      expect(total).toBeGreaterThan(built.result.pages);
      expect(progress).toEqual(progress.map((_, i) => [i + 1, total]));
      expect(progress.length).toBe(total);
    } finally {
      globalThis.setImmediate = real;
      await built?.cleanup();
    }
  });
});
