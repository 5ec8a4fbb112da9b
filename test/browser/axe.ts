/** axe-core, injected into a page (the context must bypass the CSP), reduced to the violations that block users. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

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
