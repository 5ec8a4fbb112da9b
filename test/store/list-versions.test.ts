// listVersionsSync (the site's reader) lists and refuses exactly what listVersions does.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoreProblem } from "../../src/store/backend.js";
import { FsStore } from "../../src/store/fs-store.js";
import { tmpDir } from "../helpers/tmp-store.js";

let base: string;
beforeEach(async () => {
  base = await tmpDir("ap-list-");
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const V1 = "2026-11-26T04-26-39.123Z.json";
const V2 = "2026-11-26T04-26-40.000Z.json";

describe("listVersionsSync", () => {
  it("gives the names, problems and folder listVersions gives, for good, odd, linked, missing and file folders", async () => {
    const store = path.join(base, "store");
    const outside = path.join(base, "outside");
    await fs.mkdir(path.join(store, "good"), { recursive: true });
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, V1), "{}");
    for (const name of [V2, V1, "notes.json", "image.png"]) await fs.writeFile(path.join(store, "good", name), "{}");
    await fs.mkdir(path.join(store, "good", "2026-11-26T04-26-41.000Z.json"));
    await fs.symlink(path.join(outside, V1), path.join(store, "good", "2026-11-26T04-26-42.000Z.json"));
    await fs.symlink(outside, path.join(store, "linked"));
    await fs.writeFile(path.join(store, "file"), "x");
    const fsStore = new FsStore(store);
    for (const key of ["good", "linked", "file", "missing", null]) {
      const async: StoreProblem[] = [];
      const sync: StoreProblem[] = [];
      const names = await fsStore.listVersions(key, (p) => async.push(p));
      const listed = fsStore.listVersionsSync(key, (p) => sync.push(p));
      expect(listed.names, String(key)).toEqual(names);
      expect(sync, String(key)).toEqual(async);
      expect(listed.folder?.isDirectory() ?? false, String(key)).toBe(key === "good");
    }
    expect(fsStore.listVersionsSync("good").names).toEqual([V1, V2]);
    const refused: StoreProblem[] = [];
    fsStore.listVersionsSync("linked", (p) => refused.push(p));
    expect(refused.map((p) => p.reason)).toEqual(["a folder inside the store is a symbolic link; refused"]);
  });
});
