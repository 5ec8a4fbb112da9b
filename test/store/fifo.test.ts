/**
 * A FIFO where the store expects a file must be refused, not read: opening one for reading blocks until a writer
 * comes, which would hang a build or stall watch mode forever.
 */
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildSite } from "../../src/site/build.js";
import type { StoreProblem } from "../../src/store/backend.js";
import { tmpStore, type TmpStore } from "../helpers/tmp-store.js";

let t: TmpStore;
beforeEach(async () => {
  t = await tmpStore();
});
afterEach(async () => {
  await t.cleanup();
});

function mkfifo(file: string): void {
  execFileSync("mkfifo", [file]);
}

describe("FIFOs in the store", () => {
  it("are reported by every reader, which carries on", async () => {
    await t.store.createMarkdownArtifact({ key: "ok", markdown: "# fine" });
    const id = await t.store.createProgressArtifact({ key: "bar", progress: 5 });
    mkfifo(path.join(t.dir, "ok", "2026-01-01T00-00-00.000Z.json"));
    await fs.mkdir(path.join(t.dir, "_runs"), { recursive: true });
    mkfifo(path.join(t.dir, "_runs", "r1.json"));
    // An image record whose attached file is a FIFO, written by hand as another language's writer might.
    const record = {
      formatVersion: 1, id: "5f0c4b0e-8e0a-4a6e-9d3c-2a1f5b7c9d10", key: "pic", type: "image", description: null,
      data: { file: "pic.png", mediaType: "image/png" }, flowRunId: null, taskRunId: null,
      created: "2026-01-01T00:00:00.000Z", updated: "2026-01-01T00:00:00.000Z",
    };
    await fs.mkdir(path.join(t.dir, "pic"));
    await fs.writeFile(path.join(t.dir, "pic", "2026-01-01T00-00-00.000Z.json"), JSON.stringify(record));
    mkfifo(path.join(t.dir, "pic", "pic.png"));

    const problems: StoreProblem[] = [];
    const versions = await t.store.versions("ok", (p) => problems.push(p));
    expect(versions).toHaveLength(1);
    expect(await t.store.listRuns((p) => problems.push(p))).toEqual([]);
    await expect(t.store.backend.readRun("r1")).rejects.toThrow(/not a regular file/);
    await expect(t.store.backend.readAttachment("pic", "pic.png")).rejects.toThrow(/not a regular file/);
    expect(problems.map((p) => p.path).sort()).toEqual([
      path.join(t.dir, "_runs", "r1.json"), path.join(t.dir, "ok", "2026-01-01T00-00-00.000Z.json"),
    ]);

    const built = await buildSite({ dir: t.dir, out: path.join(t.base, "site"), cache: false });
    const reported = built.problems.map((p) => p.path);
    expect(reported).toContain(path.join(t.dir, "_runs", "r1.json"));
    expect(reported.some((p) => p.startsWith(path.join(t.dir, "pic")))).toBe(true);
    await expect(fs.access(path.join(t.base, "site", "keys", "bar", "index.html"))).resolves.toBeUndefined();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
