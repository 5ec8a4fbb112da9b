/**
 * Accessibility of each kind of page of the demo site: axe-core finds no violation of impact serious or critical,
 * in the light and the dark colour scheme (contrast differs between them).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_TYPES } from "../../src/types.js";
import { axeReport } from "./axe.js";
import { buildInto, demoStore, type BuiltSite } from "./built-site.js";
import { launchChromium } from "./chromium.js";
import { startStaticServer, type StaticServer } from "./static-server.js";

let browser: Browser;
let site: BuiltSite;
let server: StaticServer;

beforeAll(async () => {
  [browser, site] = await Promise.all([launchChromium(), buildInto(demoStore, { title: "Artifact Press demo" })]);
  server = await startStaticServer(site.out);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await site?.cleanup();
});

/** One page of each kind, picked from the demo's records: every artifact type, a failed and a finished run. */
function pagesToCheck(): string[] {
  const pages = ["index.html", "runs/index.html", "404.html"];
  const keyed = site.records.find((r) => r.key !== null);
  expect(keyed, "the demo has a keyed artifact").toBeDefined();
  pages.push(`keys/${keyed!.key}/index.html`);
  for (const type of ARTIFACT_TYPES) {
    const record = site.records.find((r) => r.type === type);
    expect(record, `the demo has a ${type} artifact`).toBeDefined();
    pages.push(`artifacts/${record!.id}.html`);
  }
  for (const state of ["failed", "completed"] as const) {
    const run = site.runs.find((r) => r.state === state);
    expect(run, `the demo has a ${state} run`).toBeDefined();
    pages.push(`runs/${run!.id}.html`);
  }
  return pages;
}

describe("axe-core on every kind of page", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    it(`finds no serious or critical violation (${colorScheme} scheme)`, async () => {
      expect(await axeReport(browser, server.url, pagesToCheck(), colorScheme), "axe-core violations").toBe("");
    });
  }
});
