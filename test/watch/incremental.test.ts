/**
 * The watch oracle: after any sequence of store changes, the incrementally updated site is byte for byte what a
 * fresh build of the same store writes, and a batch renders only the pages its changes touch.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type ArtifactStore } from "../../src/artifacts/client.js";
import { IncrementalSite } from "../../src/watch/incremental.js";
import { tmpDir } from "../helpers/tmp-store.js";
import { StoreOps, diffLooks, freshDiff, lookAt, random } from "./incremental-ops.js";

let base: string;
let dir: string;
let store: ArtifactStore;

beforeEach(async () => {
  base = await tmpDir("ap-incr-");
  dir = path.join(base, ".artifacts");
  store = openStore(dir, { durable: false, warn: () => {} });
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** A fresh full build of the store, compared with the watched folder. */
const oracle = (out: string, tag: string) => freshDiff(dir, out, base, tag);

describe("IncrementalSite", () => {
  it("makes a key's compare data again when a batch swaps one of its versions for another", async () => {
    await store.createMarkdownArtifact({ key: "k", markdown: "one" });
    const two = await store.createMarkdownArtifact({ key: "k", markdown: "two" });
    const out = path.join(base, "site");
    const { site } = await IncrementalSite.build({ dir, out });
    const before = await fs.readFile(path.join(out, "keys/k/versions.js"), "utf8");
    const look = await lookAt(dir);
    // Still two versions, each file read once: only which entry stands second tells the batches apart.
    await store.deleteById(two);
    await store.createMarkdownArtifact({ key: "k", markdown: "three" });
    await site.update(diffLooks(look, await lookAt(dir)));
    expect(await fs.readFile(path.join(out, "keys/k/versions.js"), "utf8")).not.toBe(before);
    expect(await oracle(out, "swap")).toEqual([]);
  });

  it("matches a fresh build after each stretch of a seeded 240-operation sequence", async () => {
    const out = path.join(base, "site");
    const ops = new StoreOps(store, dir, base, 6);
    for (let i = 0; i < 5; i++) await ops.step(); // something to build first
    const { site } = await IncrementalSite.build({ dir, out });
    expect(await oracle(out, "start")).toEqual([]);

    const r = random(60);
    let look = await lookAt(dir);
    let checks = 0;
    for (let i = 1; i <= 240; ) {
      // One to three operations per batch, so batches also carry several changes at once.
      const log: string[] = [];
      for (let n = r.int(1, 3); n > 0 && i <= 240; n--, i++) {
        log.push(await ops.step());
        if (i % 40 === 0) log.push("check");
      }
      const next = await lookAt(dir);
      await site.update(diffLooks(look, next));
      look = next;
      if (log.includes("check")) {
        expect(await oracle(out, String(i)), `after operation ${i - 1}: ${log.join("; ")}`).toEqual([]);
        checks++;
      }
    }
    expect(checks).toBeGreaterThanOrEqual(5);
    expect(await oracle(out, "end")).toEqual([]);
    // The mix really held every kind of change.
    for (const kind of ["create-markdown", "create-link", "create-table", "create-image", "create-progress", "update-progress",
      "delete-version", "delete-key", "break", "fix", "duplicate", "edit-run", "delete-run"]) {
      expect(ops.done.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
  });

  it("re-renders only the pages a change touches, and rewrites only files whose bytes changed", async () => {
    const ids: Record<string, string[]> = { alpha: [], beta: [] };
    for (let i = 0; i < 3; i++) {
      for (const key of ["alpha", "beta"]) ids[key]!.push(await store.createMarkdownArtifact({ key, markdown: `# ${key} ${i}` }));
    }
    const inRun = await store.flow("nightly", () => store.createProgressArtifact({ key: "gamma", progress: 10 }))();
    const out = path.join(base, "site");
    const { site } = await IncrementalSite.build({ dir, out });
    const betaPage = path.join(out, "keys/beta/index.html");
    const betaStat = await fs.stat(betaPage);

    let look = await lookAt(dir);
    const apply = async () => {
      const next = await lookAt(dir);
      const result = await site.update(diffLooks(look, next));
      look = next;
      return result;
    };

    // A new version of alpha: alpha's pages and the index, nothing of beta or of the runs.
    const fresh = await store.createMarkdownArtifact({ key: "alpha", markdown: "# alpha 3" });
    const created = await apply();
    expect(created.rendered).toContain("keys/alpha/index.html");
    expect(created.rendered).toContain(`artifacts/${fresh}.html`);
    expect(created.rendered).toContain("index.html");
    expect(created.rendered).toContain(`artifacts/${ids.alpha![2]}.html`); // its neighbour
    expect(created.rendered.filter((p) => p.includes("beta") || ids.beta!.some((id) => p.includes(id)))).toEqual([]);
    expect(created.rendered.filter((p) => p.startsWith("runs/"))).toEqual([]);
    expect(created.changed).toContain(`artifacts/${fresh}.html`);
    const after = await fs.stat(betaPage);
    expect([after.ino, after.mtimeMs]).toEqual([betaStat.ino, betaStat.mtimeMs]);

    // A progress update: the pages that show it (its version, its key, the index as it is gamma's latest, its run).
    await store.updateProgressArtifact({ artifactId: inRun, progress: 70 });
    const updated = await apply();
    const [run] = await store.listRuns();
    expect(updated.rendered.sort()).toEqual(["index.html", "keys/gamma/index.html", `artifacts/${inRun}.html`, `runs/${run!.id}.html`].sort());
    expect(updated.rendered.filter((p) => p.includes("alpha") || p.includes("beta"))).toEqual([]);

    // A deleted version: its page goes, its neighbours and key page change.
    await store.deleteById(ids.beta![1]!);
    const deleted = await apply();
    expect(deleted.changed).toContain(`artifacts/${ids.beta![1]}.html`);
    await expect(fs.stat(path.join(out, `artifacts/${ids.beta![1]}.html`))).rejects.toThrow();
    expect(deleted.rendered).toContain(`artifacts/${ids.beta![0]}.html`);
    expect(deleted.rendered).toContain(`artifacts/${ids.beta![2]}.html`);
    expect(deleted.rendered.filter((p) => p.includes("alpha"))).toEqual([]);
    expect(await oracle(out, "selective")).toEqual([]);
  });

  it("reports a broken file and skips it, then picks it up once fixed", async () => {
    const id = await store.createLinkArtifact({ key: "links", link: "https://example.com/a" });
    const out = path.join(base, "site");
    const { site } = await IncrementalSite.build({ dir, out });
    const file = (await fs.readdir(path.join(dir, "links")))[0]!;
    const rel = `links/${file}`;
    const good = await fs.readFile(path.join(dir, rel));
    await fs.writeFile(path.join(dir, rel), "{ not json");
    const broken = await site.update({ added: [], changed: [rel], removed: [] });
    expect(broken.problems.map((p) => p.path)).toEqual([path.join(dir, rel)]);
    expect(broken.changed).toContain(`artifacts/${id}.html`);
    expect(await oracle(out, "broken")).toEqual([]);
    await fs.writeFile(path.join(dir, rel), good);
    const fixed = await site.update({ added: [], changed: [rel], removed: [] });
    expect(fixed.problems).toEqual([]);
    expect(fixed.changed).toContain(`artifacts/${id}.html`);
    expect(await oracle(out, "fixed")).toEqual([]);
  });

  it("refuses an output folder the build would refuse", async () => {
    const out = path.join(base, "mine");
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, "notes.txt"), "keep me");
    await expect(IncrementalSite.build({ dir, out })).rejects.toThrow(/not empty/);
    await expect(IncrementalSite.build({ dir, out: path.join(dir, "site") })).rejects.toThrow(/store/);
  });
});
