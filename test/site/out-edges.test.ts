/** `--out` edge cases found in review: a `..x` folder inside the store, and the working directory itself. */
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BuildError, UnsafePathError } from "../../src/errors.js";
import { buildSite } from "../../src/site/build.js";
import { inside, sitePath } from "../../src/site/inside.js";
import { listFiles, tmpDir } from "../helpers/tmp-store.js";
import { FIXTURES } from "./site-helpers.js";

let base: string;
let store: string;
const cwd = process.cwd();
beforeEach(async () => {
  base = await tmpDir("artifact-press-out-edges-");
  store = path.join(base, "store");
  await fs.cp(path.join(FIXTURES, "demo"), store, { recursive: true });
});
afterEach(async () => {
  process.chdir(cwd);
  await fs.rm(base, { recursive: true, force: true });
});

describe("inside", () => {
  it("treats a first segment that only starts with .. as inside", () => {
    expect(inside("/s/..x", "/s")).toBe(true);
    expect(inside("/s/..", "/s")).toBe(false);
    expect(inside("/s/../t", "/s")).toBe(false);
    expect(inside("/s", "/s")).toBe(true);
    expect(inside("/st", "/s")).toBe(false);
  });
});

describe("sitePath", () => {
  it("joins a plain relative path to the root, and the result is inside it", () => {
    for (const rel of ["index.html", "keys/a/index.html", "..x/y", "a/...", ".hidden/x", "a b/ü.html"]) {
      const abs = sitePath("/out/site", rel);
      expect(abs).toBe(path.resolve("/out/site", rel));
      expect(inside(abs, "/out/site") && abs !== "/out/site", rel).toBe(true);
    }
    expect(sitePath("/", "a.html")).toBe("/a.html");
  });

  it("refuses every path that is not plain: empty, absolute, dotted or empty segments, backslashes, NULs", () => {
    const bad = [
      "", "/", "/etc/passwd", "..", "../x", "a/..", "a/../b", "a/../../x", ".", "./a", "a/.", "a/./b", "a//b", "a/", "//a",
      "a\\b", "..\\x", "a\0b", "a/\0",
    ];
    for (const rel of bad) expect(() => sitePath("/out/site", rel), JSON.stringify(rel)).toThrow(UnsafePathError);
  });
});

describe("--out", () => {
  it("refuses a folder named ..x inside the store, and writes nothing there", async () => {
    const before = await listFiles(store);
    await expect(buildSite({ dir: store, out: path.join(store, "..x"), cache: false })).rejects.toThrow(/lies inside the store/);
    expect(await listFiles(store)).toEqual(before);
  });

  it("refuses the working directory or a folder holding it", async () => {
    const site = path.join(base, "site");
    await fs.mkdir(path.join(site, "sub"), { recursive: true });
    process.chdir(path.join(site, "sub"));
    await expect(buildSite({ dir: store, out: site, cache: false })).rejects.toThrow(BuildError);
    process.chdir(site);
    await expect(buildSite({ dir: store, out: ".", cache: false })).rejects.toThrow(/working directory/);
    await expect(fs.stat(path.join(site, "sub"))).resolves.toBeTruthy();
  });
});
