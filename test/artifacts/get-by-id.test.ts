// getById reads only the files that may hold the id, yet finds what a read of every record finds: the same record,
// in the same order of precedence, whatever the files look like (hand edits, escapes, duplicates, broken files).
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FsStore } from "../../src/store/fs-store.js";
import { tmpStore, type TmpStore } from "../helpers/tmp-store.js";

let t: TmpStore;
beforeEach(async () => {
  t = await tmpStore();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await t.cleanup();
});

/** The path of the version file holding `id`. */
async function fileOf(id: string): Promise<string> {
  for (const rel of await t.files()) {
    if (!rel.endsWith(".json") || rel.startsWith("_runs/")) continue;
    const abs = path.join(t.dir, rel);
    if ((JSON.parse(await fs.readFile(abs, "utf8")) as { id: string }).id === id) return abs;
  }
  throw new Error(`no file holds ${id}`);
}

/** What getById must answer: the first record of `all()` with the id. */
async function byScan(id: string) {
  return (await t.store.all()).find((r) => r.id.toLowerCase() === id.toLowerCase());
}

describe("getById", () => {
  it("answers as a read of every record would, reading only the files that may hold the id", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await t.store.createMarkdownArtifact({ markdown: `m${i}`, key: `k${i % 3}` }));
    ids.push(await t.store.createProgressArtifact({ progress: 5 }));
    for (const id of ids) expect(await t.store.getById(id)).toEqual(await byScan(id));
    const reads = vi.spyOn(FsStore.prototype, "readVersion");
    const found = await t.store.getById(ids[4]!);
    expect(found?.id).toBe(ids[4]);
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockClear();
    expect(await t.store.getById("00000000-0000-4000-8000-000000000000")).toBeUndefined();
    expect(reads).not.toHaveBeenCalled();
  });

  it("finds an id written in upper case or with JSON escapes, as the parser reads it", async () => {
    const upper = await t.store.createMarkdownArtifact({ markdown: "upper", key: "a" });
    const escaped = await t.store.createMarkdownArtifact({ markdown: "escaped", key: "b" });
    const upperFile = await fileOf(upper);
    await fs.writeFile(upperFile, (await fs.readFile(upperFile, "utf8")).replace(upper, upper.toUpperCase()));
    const escapedFile = await fileOf(escaped);
    const spelled = escaped.replace(/[0-9a-f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    await fs.writeFile(escapedFile, (await fs.readFile(escapedFile, "utf8")).replace(`"${escaped}"`, `"${spelled}"`));
    expect(JSON.parse(await fs.readFile(escapedFile, "utf8")).id).toBe(escaped);
    for (const id of [upper, upper.toUpperCase(), escaped]) {
      const got = await t.store.getById(id);
      expect(got?.id.toLowerCase()).toBe(id.toLowerCase());
      expect(got).toEqual(await byScan(id));
    }
  });

  it("skips a broken file that spells the id and takes the next valid one, in the order of all()", async () => {
    const first = await t.store.createMarkdownArtifact({ markdown: "first", key: "a" });
    const second = await t.store.createMarkdownArtifact({ markdown: "second", key: "b" });
    // The same id in key b's file (a hand edit): all() lists a before b, so key a's record wins.
    const secondFile = await fileOf(second);
    await fs.writeFile(secondFile, (await fs.readFile(secondFile, "utf8")).replace(second, first));
    expect((await t.store.getById(first))?.data).toBe("first");
    expect(await t.store.getById(first)).toEqual(await byScan(first));
    // Key a's file broken (still spelling the id): the valid one in b is found.
    const firstFile = await fileOf(first);
    await fs.writeFile(firstFile, `{"id": "${first}", "broken": `);
    expect((await t.store.getById(first))?.data).toBe("second");
    expect(await t.store.getById(first)).toEqual(await byScan(first));
  });
});
