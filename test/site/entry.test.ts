/** The package's two entries resolve as a user would import them (Node's self-reference by package name). */
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, repoRoot } from "../helpers/processes.js";

beforeAll(ensureBuilt);

describe("package entries", () => {
  it("artifact-press has the writer and not the site; artifact-press/site has buildSite and watch", () => {
    const script = `
      const main = await import("artifact-press");
      const site = await import("artifact-press/site");
      console.log(JSON.stringify({
        writer: typeof main.createMarkdownArtifact, buildInMain: typeof main.buildSite,
        buildSite: typeof site.buildSite, watch: typeof site.startWatchSession,
      }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ writer: "function", buildInMain: "undefined", buildSite: "function", watch: "function" });
  });
});
