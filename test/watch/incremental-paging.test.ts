/**
 * The watch oracle across the page boundary of a key's version list (KEY_PAGE_VERSIONS = N): a key going from N to
 * N+1 versions gains a second page, going back loses it, and changes to versions listed on the second page reach
 * it — each time the watched folder is byte for byte a fresh build, and unrelated batches leave the pages alone.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type ArtifactStore } from "../../src/artifacts/client.js";
import { KEY_PAGE_VERSIONS as N } from "../../src/site/paths.js";
import { IncrementalSite } from "../../src/watch/incremental.js";
import { tmpDir } from "../helpers/tmp-store.js";
import { diffLooks, freshDiff, lookAt } from "./incremental-ops.js";

let base: string;
let dir: string;
let store: ArtifactStore;

beforeEach(async () => {
  base = await tmpDir("ap-incr-paging-");
  dir = path.join(base, ".artifacts");
  store = openStore(dir, { durable: false, warn: () => {} });
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** A fresh full build of the store, compared with the watched folder. */
const oracle = (out: string, tag: string) => freshDiff(dir, out, base, tag);

describe("IncrementalSite and paged key pages", () => {
  it("adds and removes the second page as a key crosses N versions, matching a fresh build each time", async () => {
    const ids: string[] = [];
    // The oldest version in a flow run, so page 2 shows a run link.
    ids.push(await store.flow("nightly", () => store.createProgressArtifact({ key: "k", progress: 0, description: "oldest" }))());
    for (let i = 1; i < N; i++) ids.push(await store.createProgressArtifact({ key: "k", progress: i % 100 }));
    await store.createMarkdownArtifact({ key: "other", markdown: "# other" });
    const out = path.join(base, "site");
    const { site } = await IncrementalSite.build({ dir, out });
    const page2 = "keys/k/page-2.html";
    expect(await oracle(out, "start")).toEqual([]);
    await expect(fs.stat(path.join(out, page2))).rejects.toThrow();

    let look = await lookAt(dir);
    const apply = async () => {
      const next = await lookAt(dir);
      const result = await site.update(diffLooks(look, next));
      look = next;
      return result;
    };

    // N + 1 versions: the oldest moves to a new page 2.
    ids.push(await store.createProgressArtifact({ key: "k", progress: 42 }));
    const grown = await apply();
    expect(grown.changed).toContain(page2);
    expect(grown.changed).toContain("keys/k/index.html");
    expect(grown.rendered).toContain(page2);
    // The oldest version's page now links page 2.
    expect(grown.changed).toContain(`artifacts/${ids[0]}.html`);
    expect(await fs.readFile(path.join(out, page2), "utf8")).toContain("oldest");
    expect(await oracle(out, "grown")).toEqual([]);

    // A change elsewhere renders none of k's pages.
    await store.createMarkdownArtifact({ key: "other", markdown: "# other 2" });
    const elsewhere = await apply();
    expect(elsewhere.rendered.filter((p) => p.startsWith("keys/k/"))).toEqual([]);
    expect(await oracle(out, "elsewhere")).toEqual([]);

    // The version on page 2 updated in place: page 2 shows its new description; the key page draws its new value.
    await store.updateProgressArtifact({ artifactId: ids[0]!, progress: 99, description: "oldest, updated" });
    const updated = await apply();
    expect(updated.changed).toContain(page2);
    expect(updated.rendered).toContain("keys/k/index.html");
    expect(await fs.readFile(path.join(out, page2), "utf8")).toContain("oldest, updated");
    expect(await oracle(out, "updated")).toEqual([]);

    // Its run edited: page 2 shows the run's name; the key page does not list that version, so it is not rendered.
    const [run] = await store.listRuns();
    const runFile = path.join(dir, "_runs", `${run!.id}.json`);
    await fs.writeFile(runFile, `${JSON.stringify({ ...run, name: "renamed-run" }, null, 2)}\n`);
    const renamed = await apply();
    expect(renamed.changed).toContain(page2);
    expect(renamed.rendered).not.toContain("keys/k/index.html");
    expect(await fs.readFile(path.join(out, page2), "utf8")).toContain("renamed-run");
    expect(await oracle(out, "renamed")).toEqual([]);

    // Back to N versions: page 2 goes.
    await store.deleteById(ids[1]!);
    const shrunk = await apply();
    expect(shrunk.changed).toContain(page2);
    await expect(fs.stat(path.join(out, page2))).rejects.toThrow();
    expect(await oracle(out, "shrunk")).toEqual([]);

    // Over again, by several versions in one batch, then the whole key deleted.
    for (let i = 0; i < 3; i++) await store.createProgressArtifact({ key: "k", progress: i });
    await apply();
    expect(await oracle(out, "regrown")).toEqual([]);
    await store.deleteKey("k");
    await apply();
    expect(await oracle(out, "gone")).toEqual([]);
    await expect(fs.stat(path.join(out, "keys/k"))).rejects.toThrow();
  }, 60_000);
});
