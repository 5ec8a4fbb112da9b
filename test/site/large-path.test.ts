/**
 * The path a store of LARGE_STORE records or more takes (build.ts): fragments and diffs written through to their
 * files as they come instead of held in memory, the heap's growth bounded. Exercised here on the small fixtures by
 * lowering the threshold (`largeStore`): the site must be the very same, cold and from the cache.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BuildError } from "../../src/errors.js";
import { buildSite, type BuildOptions } from "../../src/site/build.js";
import { FragmentPack } from "../../src/site/fragments.js";
import { tmpDir, treeBytes } from "../helpers/tmp-store.js";
import { CASES, FIXTURES } from "./site-helpers.js";

let base: string;
beforeEach(async () => {
  base = await tmpDir("ap-large-path-");
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(base, { recursive: true, force: true });
});

describe.each(Object.keys(CASES))("the %s fixture", (name) => {
  it.each(["always", "never"] as const)("builds the same site on the large path, cold, unchanged and after a touch (reader thread: %s)", async (readThread) => {
    const dir = path.join(base, "store");
    await fs.cp(path.join(FIXTURES, name), dir, { recursive: true });
    const build = (tag: string, extra: Partial<BuildOptions>) => buildSite({
      ...CASES[name], dir, out: path.join(base, `site-${tag}`), cacheDir: path.join(base, `cache-${tag}`), readThread, ...extra,
    });
    // The large path is taken exactly when asked for: its pack writes every fragment through.
    const through = vi.spyOn(FragmentPack.prototype, "writeThrough");
    const plain = await build("plain", {});
    expect(through).not.toHaveBeenCalled();
    const large = await build("large", { largeStore: 1 });
    expect(through).toHaveBeenCalledTimes(1);
    const expected = await treeBytes(path.join(base, "site-plain"));
    expect(expected.size).toBeGreaterThan(10);
    expect(await treeBytes(path.join(base, "site-large"))).toEqual(expected);
    expect(large.problems).toEqual(plain.problems);
    // Without a cache (a scratch pack, written through the same way).
    await build("one-shot", { largeStore: 1, cache: false });
    expect(through).toHaveBeenCalledTimes(2);
    expect(await treeBytes(path.join(base, "site-one-shot"))).toEqual(expected);

    // From the cache the large build wrote (its pack written through): the early stop, then a rebuild that reads
    // its fragments back from that pack.
    const again = await build("large", { largeStore: 1 });
    expect(again.unchanged).toBe(true);
    const keyDir = (await fs.readdir(dir)).filter((n) => !n.startsWith("_")).sort()[0]!;
    const file = path.join(dir, keyDir, (await fs.readdir(path.join(dir, keyDir))).sort()[0]!);
    const later = new Date(Date.now() + 5000);
    await fs.utimes(file, later, later);
    const touched = await build("large", { largeStore: 1 });
    expect(through).toHaveBeenCalledTimes(3);
    expect(touched.unchanged).toBe(false);
    expect(touched.reused).toBeGreaterThan(touched.pages / 2);
    expect(await treeBytes(path.join(base, "site-large"))).toEqual(expected);
  });
});

it.each([0, -1, 1.5, Number.NaN])("refuses largeStore %s, naming it, before writing anything", async (largeStore) => {
  const out = path.join(base, "site");
  const err = await buildSite({ dir: path.join(FIXTURES, "demo"), out, cacheDir: path.join(base, "cache"), largeStore }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BuildError);
  expect((err as Error).message).toBe(`largeStore ${String(largeStore)} is not a positive whole number.`);
  await expect(fs.stat(out)).rejects.toThrow();
  await expect(fs.stat(path.join(base, "cache"))).rejects.toThrow();
});
