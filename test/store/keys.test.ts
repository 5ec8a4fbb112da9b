// The key rule and the folders of the store: bad keys are refused before any path is built, and a symlinked key
// folder that points outside the store is refused on write and on read.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidKeyError, UnsafePathError } from "../../src/errors.js";
import { FsStore } from "../../src/store/fs-store.js";
import { isValidKey, isValidRunId, keyProblem } from "../../src/store/rules.js";
import { expectRefused } from "../helpers/refusal.js";
import { listFiles, tmpDir, tmpStore, type TmpStore } from "../helpers/tmp-store.js";

const BAD_KEYS = [
  "../x", "..", ".", "/etc", "a/b", "a\\b", "%2e%2e", "%2F", "a\u0000b", "a".repeat(65), "Upper", "KEY",
  "\u0430bc", /* Cyrillic а */ "ｃｏｎ", /* fullwidth */ "ke\u0443", "café", "a\u200bb", "con", "nul", "com1", "lpt9", "aux", "com0", "lpt0",
  "-rf", "a-", "-", "", " a", "a ", "a.b", "a_b", "_runs", "_tmp", "_unkeyed", ".hidden", "a\nb",
];

let t: TmpStore;
beforeEach(async () => {
  t = await tmpStore();
});
afterEach(async () => {
  await t.cleanup();
});

describe("the key rule", () => {
  it("accepts 1–64 of a-z 0-9 - with a letter or digit at both ends", () => {
    for (const key of ["a", "0", "irregular-data", "a--b", "x".repeat(64), "con1", "console", "com10", "2026-report"]) {
      expect(keyProblem(key), key).toBeNull();
    }
  });

  for (const key of BAD_KEYS) {
    it(`refuses ${JSON.stringify(key)} before any path is built`, async () => {
      expect(isValidKey(key)).toBe(false);
      expect(() => new FsStore(t.dir).keyDir(key)).toThrow(InvalidKeyError);
      await expectRefused(t.base, () => t.store.createMarkdownArtifact({ markdown: "x", key }), {
        type: InvalidKeyError, field: "key", value: key,
      });
      // Not even the store root was made.
      await expect(fs.stat(t.dir)).rejects.toThrow(/ENOENT/);
      await expect(t.store.get(key)).rejects.toThrow(InvalidKeyError);
      await expect(t.store.versions(key)).rejects.toThrow(InvalidKeyError);
      await expect(t.store.deleteKey(key)).rejects.toThrow(InvalidKeyError);
    });
  }

  it("never lowercases a key to accept it", async () => {
    await expectRefused(t.base, () => t.store.createLinkArtifact({ link: "https://e.com", key: "Report" }), {
      type: InvalidKeyError, field: "key", value: "Report",
    });
  });

  it("refuses non-string keys", async () => {
    for (const key of [1, true, {}, ["a"]]) {
      await expectRefused(t.base, () => t.store.createMarkdownArtifact({ markdown: "x", key: key as never }), {
        type: InvalidKeyError, field: "key", value: key,
      });
    }
  });

  it("run ids: 1–128 of A-Z a-z 0-9 . _ -, starting with a letter or digit", () => {
    for (const id of ["a", "CI-123.4_5", "0".repeat(128), "f47ac10b-58cc-4372-a567-0e02b2c3d479"]) expect(isValidRunId(id), id).toBe(true);
    for (const id of ["", ".", "..", "_a", "-a", "a/b", "a b", "0".repeat(129), "é", "a\u0000"]) expect(isValidRunId(id), id).toBe(false);
  });
});

describe("symlinked folders", () => {
  let outside: string;
  beforeEach(async () => {
    outside = await tmpDir("artifact-press-outside-");
  });
  afterEach(async () => {
    await fs.rm(outside, { recursive: true, force: true });
  });

  it("refuses to write through a key folder that is a symlink to outside the store", async () => {
    await fs.mkdir(t.dir, { recursive: true });
    await fs.symlink(outside, path.join(t.dir, "evil"));
    await expect(t.store.createMarkdownArtifact({ markdown: "x", key: "evil" })).rejects.toThrow(UnsafePathError);
    await expect(t.store.createProgressArtifact({ progress: 1, key: "evil" })).rejects.toThrow(UnsafePathError);
    expect(await listFiles(outside)).toEqual([]);
    expect((await t.files()).filter((f) => !f.startsWith("evil"))).toEqual([]);
  });

  it("refuses a dangling symlink as a key folder (no folder made at its target)", async () => {
    await fs.mkdir(t.dir, { recursive: true });
    const target = path.join(outside, "made-by-us");
    await fs.symlink(target, path.join(t.dir, "dangling"));
    await expect(t.store.createMarkdownArtifact({ markdown: "x", key: "dangling" })).rejects.toThrow(UnsafePathError);
    await expect(fs.stat(target)).rejects.toThrow(/ENOENT/);
  });

  it("refuses to read through a symlinked key folder, and reports it", async () => {
    // A real store elsewhere whose key folder is then linked into ours.
    const other = await tmpStore();
    try {
      await other.store.createMarkdownArtifact({ markdown: "secret", key: "evil" });
      await fs.mkdir(t.dir, { recursive: true });
      await fs.symlink(path.join(other.dir, "evil"), path.join(t.dir, "evil"));
      const problems: { path: string; reason: string }[] = [];
      expect(await t.store.versions("evil", (p) => problems.push(p))).toEqual([]);
      expect(problems).toEqual([{ path: path.join(t.dir, "evil"), reason: expect.stringContaining("symbolic link") }]);
      expect(await t.store.get("evil")).toBeUndefined();
      expect(await t.store.list()).toEqual([]);
      expect(await t.store.all()).toEqual([]);
      const name = (await fs.readdir(path.join(other.dir, "evil")))[0]!;
      await expect(t.store.backend.readVersion("evil", name)).rejects.toThrow(/symbolic link/);
      expect(await t.store.deleteKey("evil")).toBe(0);
      expect(await other.files()).toHaveLength(1);
    } finally {
      await other.cleanup();
    }
  });

  it("refuses a symlinked _tmp, _unkeyed or _runs folder", async () => {
    await fs.mkdir(t.dir, { recursive: true });
    await fs.symlink(outside, path.join(t.dir, "_tmp"));
    await expect(t.store.createMarkdownArtifact({ markdown: "x", key: "a" })).rejects.toThrow(UnsafePathError);
    await fs.unlink(path.join(t.dir, "_tmp"));
    await fs.symlink(outside, path.join(t.dir, "_unkeyed"));
    await expect(t.store.createMarkdownArtifact({ markdown: "x" })).rejects.toThrow(UnsafePathError);
    await fs.symlink(outside, path.join(t.dir, "_runs"));
    await expect(t.store.flow("f", () => 1)()).rejects.toThrow(UnsafePathError);
    expect(await listFiles(outside)).toEqual([]);
    const problems: string[] = [];
    expect(await t.store.unkeyed((p) => problems.push(p.reason))).toEqual([]);
    expect(await t.store.listRuns((p) => problems.push(p.reason))).toEqual([]);
    expect(problems).toHaveLength(2);
  });
});
