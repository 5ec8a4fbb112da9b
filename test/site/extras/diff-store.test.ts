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
  it("keeps rendered diffs as they are up to its memory budget, and the rest in its file, each given back", () => {
    for (const memory of [0, 1000, undefined]) {
      const store = new DiffStore(memory);
      const rendered = Array.from({ length: 20 }, (_, i) => ({ previousId: `p${i}`, currentId: `c${i}`, html: `<p>${"é".repeat(100 * i)}</p>\u2028` }));
      for (const d of rendered) store.putRendered(d);
      const held = (store as unknown as { rendered: Map<string, unknown> }).rendered.size;
      // 1000 bytes hold the first three (10 + 210 + 410 bytes of UTF-8: "é" is two, U+2028 three).
      expect(held).toBe(memory === 0 ? 0 : memory === 1000 ? 3 : 20);
      for (const d of [...rendered].reverse()) expect(store.get(d.currentId)).toEqual(d);
      store.close();
      expect(store.get("c1")).toBeUndefined();
    }
  });
});
