/** LiveOut: the live site folder's writer rewrites a file only when its bytes change, and never outside the folder. */
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UnsafePathError } from "../../src/errors.js";
import { LiveOut } from "../../src/watch/live-out.js";
import { tmpDir } from "../helpers/tmp-store.js";

let root: string;
beforeEach(async () => {
  root = await tmpDir("ap-live-out-");
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const stamp = async (rel: string) => {
  const s = await fs.stat(path.join(root, rel));
  return [s.ino, s.mtimeMs];
};

describe("LiveOut", () => {
  it("leaves a known file alone when the bytes are the same, and replaces it when they differ", async () => {
    await fs.mkdir(path.join(root, "keys/a"), { recursive: true });
    await fs.writeFile(path.join(root, "keys/a/index.html"), "<p>é</p>");
    const live = new LiveOut(root);
    live.know("keys/a/index.html");
    const before = await stamp("keys/a/index.html");

    expect(live.writeSync("keys/a/index.html", "<p>é</p>")).toBe(false);
    expect(live.writeSync("keys/a/index.html", Buffer.from("<p>é</p>"))).toBe(false);
    expect(await stamp("keys/a/index.html")).toEqual(before);

    expect(live.writeSync("keys/a/index.html", "<p>e</p>")).toBe(true);
    expect(await fs.readFile(path.join(root, "keys/a/index.html"), "utf8")).toBe("<p>e</p>");
    // Replaced by a rename: a reader never sees half a file, and no temp file is left behind.
    expect(await stamp("keys/a/index.html")).not.toEqual(before);
    expect(await fs.readdir(path.join(root, "keys/a"))).toEqual(["index.html"]);
  });

  it("writes a file that was edited or removed behind its back, and new files in new folders", async () => {
    const live = new LiveOut(root);
    expect(live.writeSync("artifacts/x.html", "one")).toBe(true);
    await fs.writeFile(path.join(root, "artifacts/x.html"), "edited");
    expect(live.writeSync("artifacts/x.html", "one")).toBe(true);
    expect(await fs.readFile(path.join(root, "artifacts/x.html"), "utf8")).toBe("one");
    await fs.rm(path.join(root, "artifacts/x.html"));
    expect(live.writeSync("artifacts/x.html", "one")).toBe(true);
    expect(await fs.readFile(path.join(root, "artifacts/x.html"), "utf8")).toBe("one");
    expect([...live.paths()]).toEqual(["artifacts/x.html"]);
  });

  it("removes a file and the folders it leaves empty, and refuses paths outside the folder", async () => {
    const live = new LiveOut(root);
    live.writeSync("keys/b/page-2.html", "x");
    live.removeSync("keys/b/page-2.html");
    expect(live.has("keys/b/page-2.html")).toBe(false);
    expect(await fs.readdir(root)).toEqual([]);
    for (const bad of ["../x.html", "/etc/passwd", "a/../../x", "a\\b", ""]) {
      expect(() => live.writeSync(bad, "x"), bad).toThrow(UnsafePathError);
    }
  });
});
