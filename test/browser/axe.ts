/** axe-core, injected into a page (the context must bypass the CSP), reduced to the violations that block users. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/** Runs axe on the loaded page and returns its violations of impact serious or critical. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  // A string, since the test tsconfig has no DOM types; axe is a global once injected.
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** One readable block per violation: what, where (selector and HTML), and how to fix it. */
export function formatViolations(page: string, violations: AxeViolation[]): string {
  return violations.map((v) =>
    `${page}: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
    v.nodes.slice(0, 5).map((n) =>
      `    at ${JSON.stringify(n.target)}: ${n.html.slice(0, 200)}\n      ${(n.failureSummary ?? "").replace(/\n/g, "\n      ")}`,
    ).join("\n") +
    (v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : ""),
  ).join("\n");
}

/**
 * axe on each page `rels` of the site at `base`, in a fresh context of `colorScheme` (CSP bypassed so axe can be
 * injected): each page must load (200); returns the serious and critical violations, "" when there are none.
 */
export async function axeReport(browser: Browser, base: string, rels: readonly string[], colorScheme: "light" | "dark"): Promise<string> {
  const context = await browser.newContext({ bypassCSP: true, colorScheme });
  const page = await context.newPage();
  const report: string[] = [];
  try {
    for (const rel of rels) {
      const response = await page.goto(base + rel);
      expect(response?.status(), rel).toBe(200);
      const violations = await seriousViolations(page);
      if (violations.length > 0) report.push(formatViolations(rel, violations));
    }
  } finally {
    await context.close();
  }
  return report.join("\n");
}
