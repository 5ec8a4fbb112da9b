/**
 * XSS through the whole build: every payload of test/xss/payloads.ts in every string field of every record kind
 * (the store of test/browser/xss-store.ts, plus public image URLs and the site title); the built pages hold nothing
 * that can execute, and every record that breaks a rule is reported and skipped.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/artifacts/client.js";
import { buildSite, type BuildResult } from "../../src/site/build.js";
import { writeXssStore, type RefusedFile } from "../browser/xss-store.js";
import { listFiles, tmpDir } from "../helpers/tmp-store.js";
import { findExecutable } from "../xss/check.js";
import { XSS_PAYLOADS } from "../xss/payloads.js";

let base: string, dir: string, out: string;
let refused: RefusedFile[];
let result: BuildResult;

beforeAll(async () => {
  base = await tmpDir("artifact-press-xss-");
  dir = path.join(base, "store");
  out = path.join(base, "site");
  refused = await writeXssStore(dir, XSS_PAYLOADS);
  const store = openStore(dir, { durable: false, warn: () => undefined });
  for (const payload of XSS_PAYLOADS) {
    // Lone surrogates cannot be percent-encoded; the payload stays in the description either way.
    let url = "https://img.example/x.png";
    try {
      url = `https://img.example/x.png?q=${encodeURIComponent(payload)}`;
    } catch { /* keep the plain one */ }
    try {
      if (!/\s/.test(payload)) url = new URL(`https://img.example/${payload}`).href;
    } catch { /* keep the encoded one */ }
    await store.createImageArtifact({ key: "xss-public-image", imageUrl: url, description: payload });
  }
  result = await buildSite({ dir, out, title: XSS_PAYLOADS.slice(0, 8).join(" ") });
}, 120_000);
afterAll(() => fs.rm(base, { recursive: true, force: true }));

describe("a store full of XSS payloads", () => {
  it("has at least 40 payloads", () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(40);
  });

  it("builds pages in which nothing can execute", async () => {
    const pages = (await listFiles(out)).filter((f) => f.endsWith(".html"));
    expect(pages.length).toBeGreaterThan(XSS_PAYLOADS.length);
    const findings: string[] = [];
    for (const page of pages) {
      for (const f of findExecutable(await fs.readFile(path.join(out, page), "utf8"))) findings.push(`${page}: ${f}`);
    }
    expect(findings).toEqual([]);
  });

  it("reports and skips every record that breaks a rule", async () => {
    const reported = result.problems.map((p) => path.relative(dir, p.path).split(path.sep).join("/"));
    for (const r of refused) expect(reported.some((p) => p === r.file || p.startsWith(`${r.file}/`)), `${r.file}: ${r.why}`).toBe(true);
    const files = await listFiles(out);
    expect(files.some((f) => f.includes("bad-link-url") || f.includes("bad-image"))).toBe(false);
    expect(files.every((f) => /^[A-Za-z0-9._/-]+$/.test(f)), "every output path is plain").toBe(true);
  });
});
