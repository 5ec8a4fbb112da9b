/**
 * Output tests: each fixture store is built and compared, file by file, with `test/site/expected/<case>/`.
 * Regenerate on purpose with `UPDATE_EXPECTED=1 npx vitest run test/site/output.test.ts` (never in CI); outside CI a
 * missing expectation is written once, in CI it fails.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listFiles } from "../helpers/tmp-store.js";
import { CASES, FIXTURES, buildFixture } from "./site-helpers.js";

const EXPECTED = path.join(path.dirname(fileURLToPath(import.meta.url)), "expected");
const inCi = Boolean(process.env.CI);
const update = process.env.UPDATE_EXPECTED === "1" && !inCi;

describe.each(Object.keys(CASES))("the %s fixture", (name) => {
  // `always`: read and rendered on a reader thread (read-thread.ts), which must not change a byte or the problems' order.
  it.each(["never", "always"] as const)("builds the expected files, byte for byte, and reports the expected problems (reader thread: %s)", async (readThread) => {
    const built = await buildFixture(name, { readThread });
    try {
      const dir = path.join(EXPECTED, name);
      // Paths relative to the fixture, so the expectation does not depend on where the repository is checked out.
      const relative = built.result.problems.map((p) => ({ path: path.relative(path.join(FIXTURES, name), p.path).split(path.sep).join("/"), reason: p.reason }));
      const problems = `${JSON.stringify(relative, null, 2)}\n`;
      const missing = !(await fs.stat(dir).catch(() => undefined));
      if (update || missing) {
        if (inCi) throw new Error(`No expected output for ${JSON.stringify(name)}: run UPDATE_EXPECTED=1 outside CI and commit it.`);
        await fs.rm(dir, { recursive: true, force: true });
        await fs.cp(built.out, path.join(dir, "site"), { recursive: true });
        await fs.writeFile(path.join(dir, "problems.json"), problems);
      }
      expect(await fs.readFile(path.join(dir, "problems.json"), "utf8")).toBe(problems);
      const files = await built.files();
      expect(files).toEqual(await listFiles(path.join(dir, "site")));
      for (const file of files) {
        const actual = await fs.readFile(path.join(built.out, file));
        const expected = await fs.readFile(path.join(dir, "site", file));
        if (!actual.equals(expected)) expect(actual.toString("utf8"), file).toBe(expected.toString("utf8"));
      }
    } finally {
      await built.cleanup();
    }
  });
});
