// The read side of openStore: keys with their latest, versions newest first, by id, deleting keys and ids.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArtifactNotFoundError, InvalidArtifactError } from "../../src/errors.js";
import { PNG } from "../helpers/images.js";
import { checkStoreFiles } from "../helpers/schema.js";
import { tmpStore, type TmpStore } from "../helpers/tmp-store.js";

let t: TmpStore;
beforeEach(async () => {
  t = await tmpStore();
});
afterEach(async () => {
  expect((await checkStoreFiles(t.dir)).problems).toEqual([]);
  await t.cleanup();
});

describe("reading", () => {
  it("list: every key sorted with its latest version and count; unkeyed ones apart", async () => {
    const b1 = await t.store.createMarkdownArtifact({ markdown: "b1", key: "beta" });
    const a1 = await t.store.createMarkdownArtifact({ markdown: "a1", key: "alpha" });
    const b2 = await t.store.createLinkArtifact({ link: "https://e.com", key: "beta" });
    const u = await t.store.createProgressArtifact({ progress: 3 });
    const list = await t.store.list();
    expect(list.map((s) => [s.key, s.latest.id, s.versions])).toEqual([["alpha", a1, 1], ["beta", b2, 2]]);
    expect((await t.store.versions("beta")).map((r) => r.id)).toEqual([b2, b1]);
    expect((await t.store.unkeyed()).map((r) => r.id)).toEqual([u]);
    expect((await t.store.all()).map((r) => r.id)).toEqual([a1, b2, b1, u]);
    expect(await t.store.get("missing")).toBeUndefined();
    expect(await t.store.versions("missing")).toEqual([]);
  });

  it("getById finds keyed and unkeyed artifacts, in any letter case", async () => {
    const k = await t.store.createMarkdownArtifact({ markdown: "k", key: "k" });
    const u = await t.store.createMarkdownArtifact({ markdown: "u" });
    expect((await t.store.getById(k))?.data).toBe("k");
    expect((await t.store.getById(u.toUpperCase()))?.data).toBe("u");
    expect(await t.store.getById("00000000-0000-4000-8000-000000000000")).toBeUndefined();
    await expect(t.store.getById("../../etc/passwd")).rejects.toThrow(InvalidArtifactError);
  });

  it("latest is the last in version order, not the most recently updated", async () => {
    const first = await t.store.createProgressArtifact({ progress: 1, key: "p" });
    const second = await t.store.createProgressArtifact({ progress: 2, key: "p" });
    await new Promise((r) => setTimeout(r, 3));
    await t.store.updateProgressArtifact({ artifactId: first, progress: 50 });
    expect((await t.store.get("p"))?.id).toBe(second);
  });
});

describe("deleting", () => {
  it("deleteById: the previous version becomes the latest; the folder goes with the last version", async () => {
    const v1 = await t.store.createMarkdownArtifact({ markdown: "1", key: "k" });
    const v2 = await t.store.createMarkdownArtifact({ markdown: "2", key: "k" });
    expect((await t.store.deleteById(v2)).id).toBe(v2);
    expect((await t.store.get("k"))?.id).toBe(v1);
    expect(await t.store.versions("k")).toHaveLength(1);
    await t.store.deleteById(v1);
    expect(await t.store.get("k")).toBeUndefined();
    await expect(fs.stat(path.join(t.dir, "k"))).rejects.toThrow(/ENOENT/);
    expect(await t.store.list()).toEqual([]);
    await expect(t.store.deleteById(v1)).rejects.toThrow(ArtifactNotFoundError);
  });

  it("deleteKey removes every version and attached file; other keys stay", async () => {
    const src = path.join(t.base, "x.png");
    await fs.writeFile(src, PNG);
    await t.store.createImageArtifact({ imagePath: src, key: "pics" });
    await t.store.createImageArtifact({ imagePath: src, key: "pics" });
    await t.store.createMarkdownArtifact({ markdown: "m", key: "pics" });
    const other = await t.store.createMarkdownArtifact({ markdown: "o", key: "other" });
    expect((await t.files()).filter((f) => f.startsWith("pics/"))).toHaveLength(5);
    expect(await t.store.deleteKey("pics")).toBe(3);
    expect((await t.files()).filter((f) => !f.startsWith("_tmp"))).toEqual([expect.stringMatching(/^other\//)]);
    expect((await t.store.get("other"))?.id).toBe(other);
    expect(await t.store.deleteKey("pics")).toBe(0);
  });

  it("deleteById removes an attached image (unkeyed too)", async () => {
    const src = path.join(t.base, "x.png");
    await fs.writeFile(src, PNG);
    const id = await t.store.createImageArtifact({ imagePath: src });
    const keep = await t.store.createImageArtifact({ imagePath: src });
    await t.store.deleteById(id);
    // Sorted by name, and a UUID may sort before or after a timestamp: compare without order.
    expect(await t.files()).toEqual(expect.arrayContaining([expect.stringMatching(/^_unkeyed\/\d{4}-.*\.json$/), `_unkeyed/${keep}.png`]));
    expect(await t.files()).toHaveLength(2);
  });

  it("a folder that holds something else stays when its last version goes", async () => {
    const id = await t.store.createMarkdownArtifact({ markdown: "1", key: "k" });
    await fs.writeFile(path.join(t.dir, "k", "notes.txt"), "mine");
    await t.store.deleteById(id);
    expect(await t.files()).toEqual(["k/notes.txt"]);
  });

  it("a version written after its key folder vanished still lands (publish re-makes the folder)", async () => {
    const id = await t.store.createMarkdownArtifact({ markdown: "1", key: "k" });
    await t.store.deleteById(id);
    const again = await t.store.createMarkdownArtifact({ markdown: "2", key: "k" });
    expect((await t.store.get("k"))?.id).toBe(again);
  });
});
