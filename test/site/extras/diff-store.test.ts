import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diffVersions } from "../../../src/site/extras/diff.js";
import { DiffStore, MemoryDiffs } from "../../../src/site/extras/diff-store.js";
import { record } from "./records.js";

describe("DiffStore", () => {
  it("gives back every diff it kept, across write chunks, and removes its file on close", () => {
    const store = new DiffStore();
    const memory = new MemoryDiffs();
    const big = "x".repeat(50_000);
    const diffs = Array.from({ length: 60 }, (_, i) => diffVersions(record("markdown", `${big}\n${i}`), record("markdown", `${big}\n${i + 1}\n</script>\u2028`)));
    for (const d of diffs) { store.put(d); memory.put(d); }
    for (const d of [...diffs].reverse()) {
      expect(store.get(d.currentId)).toEqual(d);
      expect(memory.get(d.currentId)).toEqual(d);
    }
    expect(store.get("no-such-id")).toBeUndefined();
    const dir = (store as unknown as { dir: string }).dir;
    expect(existsSync(dir)).toBe(true);
    store.close();
    expect(existsSync(dir)).toBe(false);
    expect(store.get(diffs[0]!.currentId)).toBeUndefined();
  });
  it("gives back rendered diffs and JSON ones, interleaved, held in memory or from its file", () => {
    for (const memory of [0, 1000, undefined]) {
      const store = new DiffStore(memory);
      const rendered = Array.from({ length: 20 }, (_, i) => ({
        previousId: i === 7 ? "odd\nid" : `p${i}`, currentId: `c${i}`, html: `<p>${"é".repeat(100 * i)}\n{"R":1}</p>\u2028`,
      }));
      const json = rendered.map((_, i) => diffVersions(record("markdown", `R\n${i}`), record("markdown", `{\n${i + 1}`)));
      rendered.forEach((d, i) => {
        store.putRendered(d);
        store.put(json[i]!);
      });
      for (const d of [...rendered].reverse()) expect(store.get(d.currentId)).toEqual(d);
      for (const d of json) expect(store.get(d.currentId)).toEqual(d);
      store.close();
      expect(store.get("c1")).toBeUndefined();
    }
  });
});
