/** The build cache: a rebuild reuses what did not change, gives the bytes of a cache-less build, and stays out of the store and the site. */
import { promises as fs, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildSite, type BuildOptions } from "../../src/site/build.js";
import { siteSalt } from "../../src/site/cache.js";
import { TEMPLATES_DIR } from "../../src/site/render.js";
import { listFiles, tmpDir, treeBytes } from "../helpers/tmp-store.js";
import { FIXTURES } from "./site-helpers.js";

let base: string;
let store: string;
let cacheDir: string;

beforeEach(async () => {
  base = await tmpDir("artifact-press-cache-");
  store = path.join(base, "store");
  cacheDir = path.join(base, "cache");
  await fs.cp(path.join(FIXTURES, "demo"), store, { recursive: true });
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const build = (out: string, options: Partial<BuildOptions> = {}) =>
  buildSite({ dir: store, out: path.join(base, out), title: "Demo", cacheDir, ...options });

/** The first record file of `key` in the temp store (oldest version). */
async function firstVersion(key: string): Promise<string> {
  const names = (await fs.readdir(path.join(store, key))).filter((n) => n.endsWith(".json")).sort();
  return path.join(store, key, names[0]!);
}

/** Every file of a folder with its inode, mtime and ctime: what a build that touched nothing leaves alone. */
async function inodes(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const rel of await listFiles(dir)) {
    const s = await fs.lstat(path.join(dir, rel));
    files.set(rel, `${s.ino} ${s.mtimeMs} ${s.ctimeMs}`);
  }
  return files;
}

/** Sets every store file's mtime a minute ahead: the store's stamp changes, its content does not. */
async function touchStore(): Promise<void> {
  const later = new Date(Date.now() + 60_000);
  for (const rel of await listFiles(store)) await fs.utimes(path.join(store, rel), later, later);
}

describe("the build cache", () => {
  it("stops early when neither the store nor the site changed: the site is left as it is", async () => {
    const cold = await build("site");
    expect(cold.unchanged).toBe(false);
    const site = path.join(base, "site");
    const before = await inodes(site);
    const outIno = (await fs.lstat(site)).ino;
    const again = await build("site");
    expect(again.unchanged).toBe(true);
    expect([again.pages, again.files, again.reused]).toEqual([cold.pages, cold.files, cold.files]);
    expect(await inodes(site)).toEqual(before);
    expect((await fs.lstat(site)).ino).toBe(outIno);
    // No temp folder was made beside the site either.
    expect((await fs.readdir(base)).sort()).toEqual(["cache", "site", "store"]);
    const plain = await build("plain", { cache: false });
    expect(plain.unchanged).toBe(false);
    expect(await treeBytes(site)).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it("builds again when a store file is touched, reusing every page, with the bytes of a cache-less build", async () => {
    const cold = await build("site");
    await touchStore();
    const again = await build("site");
    expect(again.unchanged).toBe(false);
    expect(again.reused).toBeGreaterThanOrEqual(again.pages);
    expect(again.files).toBe(cold.files);
    expect((await build("site")).unchanged).toBe(true);
    const plain = await build("plain", { cache: false });
    expect(plain.reused).toBe(0);
    expect(await treeBytes(path.join(base, "site"))).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it("takes a key's feed and compare data from the previous site while what they show is the same", async () => {
    const ino = async (out: string, rel: string) => (await fs.lstat(path.join(base, out, rel))).ino;
    const keyed = ["keys/gtm-report/feed.xml", "keys/gtm-report/versions.js", "keys/gif/feed.xml", "keys/gif/versions.js"];
    await build("site");
    const cold = new Map(await Promise.all(keyed.map(async (rel) => [rel, await ino("site", rel)] as const)));
    await touchStore();
    await build("site");
    // Linked from the previous site: the same files.
    for (const rel of keyed) expect(await ino("site", rel), rel).toBe(cold.get(rel));
    // A changed version of one key: that key's feed and compare data are made again, the other key's are not.
    const file = await firstVersion("gtm-report");
    const record = JSON.parse(await fs.readFile(file, "utf8")) as { data: string };
    record.data = `${record.data}\n\nchanged for the compare data`;
    await fs.writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
    await build("site");
    expect(await ino("site", "keys/gtm-report/versions.js")).not.toBe(cold.get("keys/gtm-report/versions.js"));
    expect(await fs.readFile(path.join(base, "site", "keys/gtm-report/versions.js"), "utf8")).toContain("changed for the compare data");
    for (const rel of ["keys/gif/feed.xml", "keys/gif/versions.js"]) expect(await ino("site", rel), rel).toBe(cold.get(rel));
    // Another title or base URL: every feed is made again (they carry both), with the bytes of a cache-less build.
    await build("site", { title: "Other", baseUrl: "https://example.com/r/" });
    expect(await fs.readFile(path.join(base, "site", "keys/gif/feed.xml"), "utf8")).toContain("https://example.com/r/");
    await build("plain", { cache: false, title: "Other", baseUrl: "https://example.com/r/" });
    expect(await treeBytes(path.join(base, "site"))).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it("builds again when a setting changes: another title, base URL or size cap is another site", async () => {
    await build("site");
    const retitled = await build("site", { title: "Other" });
    expect(retitled.unchanged).toBe(false);
    expect(await fs.readFile(path.join(base, "site", "index.html"), "utf8")).toContain("Other");
    expect((await build("site", { title: "Other" })).unchanged).toBe(true);
    expect((await build("site", { title: "Other", baseUrl: "https://example.com/r/" })).unchanged).toBe(false);
    expect((await build("site", { title: "Other", baseUrl: "https://example.com/r/", maxFileSize: 4096 })).unchanged).toBe(false);
  });

  it("makes the 404 page again when the base URL changes, and reuses every other page", async () => {
    const ino = async (rel: string) => (await fs.stat(path.join(base, "site", rel))).ino;
    await build("site", { baseUrl: "https://example.com/a/" });
    const index = await ino("index.html");
    const notFound = await ino("404.html");
    const moved = await build("site", { baseUrl: "https://example.com/b/" });
    expect(moved.unchanged).toBe(false);
    expect(await ino("index.html")).toBe(index);
    expect(await ino("404.html")).not.toBe(notFound);
    const page = await fs.readFile(path.join(base, "site", "404.html"), "utf8");
    expect(page).toContain('href="/b/assets/style.css"');
    expect(page).not.toContain("/a/");
    await build("plain", { cache: false, baseUrl: "https://example.com/b/" });
    expect(await treeBytes(path.join(base, "site"))).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it("builds again when a store file is added, removed or renamed, or a folder appears", async () => {
    const cold = await build("site");
    const file = await firstVersion("gtm-report");
    const renamed = file.replace(/\.json$/, ".json.bak");
    await fs.rename(file, renamed);
    const moved = await build("site");
    expect(moved.unchanged).toBe(false);
    expect(moved.pages).toBe(cold.pages - 1);
    await fs.rename(renamed, file);
    expect((await build("site")).unchanged).toBe(false);
    expect((await build("site")).unchanged).toBe(true);
    await fs.mkdir(path.join(store, "new-key"));
    expect((await build("site")).unchanged).toBe(false);
  });

  it("reports the same problems when it stops early", async () => {
    await fs.writeFile(path.join(store, "gtm-report", "not-a-timestamp.json"), "{}");
    await fs.writeFile(path.join(store, "gtm-report", "2020-01-01T00-00-00.000Z.json"), "{ not json");
    const first = await build("site");
    expect(first.problems.length).toBe(2);
    const seen: unknown[] = [];
    const again = await build("site", { onProblem: (p) => seen.push(p) });
    expect(again.unchanged).toBe(true);
    expect(again.problems).toEqual(first.problems);
    expect(seen).toEqual(first.problems);
  });

  it("ignores a damaged snapshot in the manifest", async () => {
    await build("site");
    const [entry] = await fs.readdir(cacheDir);
    const file = path.join(cacheDir, entry!, "snapshot.json");
    const snap = JSON.parse(await fs.readFile(file, "utf8")) as { problems: unknown };
    snap.problems = [{ path: 1 }];
    await fs.writeFile(file, JSON.stringify(snap));
    const again = await build("site");
    expect(again.unchanged).toBe(false);
    expect(again.problems).toEqual([]);
  });

  it("re-renders what a changed record touches, and only that", async () => {
    await build("site");
    const file = await firstVersion("gtm-report");
    const record = JSON.parse(await fs.readFile(file, "utf8")) as { data: string; id: string };
    record.data = `${record.data}\n\nA line added after the first build.`;
    await fs.writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
    const again = await build("site");
    expect(again.reused).toBeGreaterThan(0);
    expect(again.reused).toBeLessThan(again.files - 3);
    const page = await fs.readFile(path.join(base, "site", "artifacts", `${record.id.toLowerCase()}.html`), "utf8");
    expect(page).toContain("A line added after the first build.");
    await build("plain", { cache: false });
    expect(await treeBytes(path.join(base, "site"))).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it.each(["never", "always"] as const)(
    "makes a rebuild's diffs of unchanged versions for the pages it renders again, as a cache-less build (reader thread: %s)",
    async (readThread) => {
      await build("site", { readThread });
      // Version 2 of 3 changes: version 3, unchanged, is shown against it, so its page (and its diff) is made again.
      const file = path.join(store, "irregular-data", (await fs.readdir(path.join(store, "irregular-data"))).sort()[1]!);
      const record = JSON.parse(await fs.readFile(file, "utf8")) as { description: string };
      record.description = "## Edited after the first build";
      await fs.writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
      const again = await build("site", { readThread });
      expect(again.reused).toBeGreaterThan(0);
      await build("plain", { cache: false });
      expect(await treeBytes(path.join(base, "site"))).toEqual(await treeBytes(path.join(base, "plain")));
    },
  );

  /** Edits version 2 of irregular-data, so that version 3 (unchanged) is diffed late; returns both files. */
  async function editSecond(): Promise<{ second: string; third: string }> {
    const names = (await fs.readdir(path.join(store, "irregular-data"))).sort();
    const second = path.join(store, "irregular-data", names[1]!), third = path.join(store, "irregular-data", names[2]!);
    const record = JSON.parse(await fs.readFile(second, "utf8")) as { description: string };
    record.description = "## Edited after the first build";
    await fs.writeFile(second, `${JSON.stringify(record, null, 2)}\n`);
    return { second, third };
  }

  it("takes a version rewritten during the build as it is now for its late diff, and the next build catches up", async () => {
    await build("site");
    const { third } = await editSecond();
    let changed = false;
    // Once the store is read (the first file written), version 3 is rewritten in place, as a running job would.
    const onProgress = () => {
      if (changed) return;
      changed = true;
      const record = JSON.parse(readFileSync(third, "utf8")) as { description: string };
      writeFileSync(third, `${JSON.stringify({ ...record, description: "rewritten while building" }, null, 2)}\n`);
    };
    await build("site", { onProgress });
    expect(changed).toBe(true);
    // The store's stamp was taken before the rewrite: the next build does not stop early, and gives the bytes of a
    // cache-less build of the store as it is now.
    const next = await build("site");
    expect(next.unchanged).toBe(false);
    await build("plain", { cache: false });
    expect(await treeBytes(path.join(base, "site"))).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it("fails, naming the file, when a version it reads again for a diff is gone; the site stays", async () => {
    await build("site");
    const { third } = await editSecond();
    const before = await treeBytes(path.join(base, "site"));
    let gone = false;
    const onProgress = () => {
      if (gone) return;
      gone = true;
      rmSync(third);
    };
    await expect(build("site", { onProgress })).rejects.toThrow(/irregular-data.* is gone: it changed while the site was being built; build again/);
    expect(await treeBytes(path.join(base, "site"))).toEqual(before);
  });

  it("sees a deleted version and a changed run: neighbours, lineage and run pages follow", async () => {
    await build("site");
    await fs.rm(await firstVersion("gtm-report"));
    const runs = path.join(store, "_runs");
    for (const name of await fs.readdir(runs)) {
      const run = JSON.parse(await fs.readFile(path.join(runs, name), "utf8")) as { name: string };
      run.name = `${run.name} renamed`;
      await fs.writeFile(path.join(runs, name), `${JSON.stringify(run, null, 2)}\n`);
    }
    await build("site");
    await build("plain", { cache: false });
    expect(await treeBytes(path.join(base, "site"))).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it("starts afresh when the templates or the package version change", () => {
    expect(siteSalt(TEMPLATES_DIR, "1.0.0")).toBe(siteSalt(TEMPLATES_DIR, "1.0.0"));
    expect(siteSalt(TEMPLATES_DIR, "1.0.1")).not.toBe(siteSalt(TEMPLATES_DIR, "1.0.0"));
  });

  it("changes the salt with any template byte", async () => {
    const templates = path.join(base, "templates");
    await fs.cp(TEMPLATES_DIR, templates, { recursive: true });
    const before = siteSalt(templates, "1");
    await fs.appendFile(path.join(templates, "partials", "time.eta"), " ");
    expect(siteSalt(templates, "1")).not.toBe(before);
  });

  it("ignores a manifest and a snapshot of another salt (another version or templates)", async () => {
    await build("site");
    const [entry] = await fs.readdir(cacheDir);
    const snapFile = path.join(cacheDir, entry!, "snapshot.json");
    const snap = JSON.parse(await fs.readFile(snapFile, "utf8")) as { salt: string };
    snap.salt = "0".repeat(40);
    await fs.writeFile(snapFile, JSON.stringify(snap));
    const file = path.join(cacheDir, entry!, "manifest.json");
    const manifest = JSON.parse(await fs.readFile(file, "utf8")) as { salt: string };
    manifest.salt = "0".repeat(40);
    await fs.writeFile(file, JSON.stringify(manifest));
    const again = await build("site");
    expect(again.reused).toBe(0);
  });

  it("does not reuse a published file that was edited after the build", async () => {
    await build("site");
    const index = path.join(base, "site", "index.html");
    const original = await fs.readFile(index, "utf8");
    await fs.rm(index);
    await fs.writeFile(index, original.replace("Demo", "Edited"));
    expect((await build("site")).unchanged).toBe(false);
    expect(await fs.readFile(index, "utf8")).toBe(original);
  });

  it("builds again when the site was edited in place, gained a file or lost one", async () => {
    await build("site");
    const site = path.join(base, "site");
    const index = path.join(site, "index.html");
    const original = await fs.readFile(index, "utf8");
    // Same size, written in place: only mtime/ctime tell.
    await fs.writeFile(index, original.replace("Demo", "Deom"), { flag: "r+" });
    expect((await build("site")).unchanged).toBe(false);
    expect(await fs.readFile(index, "utf8")).toBe(original);
    await fs.writeFile(path.join(site, "stray.html"), "x");
    expect((await build("site")).unchanged).toBe(false);
    await expect(fs.stat(path.join(site, "stray.html"))).rejects.toThrow();
    await fs.rm(path.join(site, "assets"), { recursive: true });
    expect((await build("site")).unchanged).toBe(false);
    expect((await fs.readdir(path.join(site, "assets"))).length).toBeGreaterThan(0);
    expect((await build("site")).unchanged).toBe(true);
  });

  it("survives a damaged fragment pack: the build gives the cache-less bytes", async () => {
    await build("site");
    const [entry] = await fs.readdir(cacheDir);
    const pack = path.join(cacheDir, entry!, "fragments.pack");
    const size = (await fs.stat(pack)).size;
    await fs.writeFile(pack, Buffer.alloc(size, 0x7b));
    // A changed record forces pages to read other fragments back from the damaged pack.
    const file = await firstVersion("gtm-report");
    const record = JSON.parse(await fs.readFile(file, "utf8")) as { data: string };
    record.data += "\n\nchanged";
    await fs.writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
    await build("site");
    await build("plain", { cache: false });
    expect(await treeBytes(path.join(base, "site"))).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it("writes nothing of the cache into the site or the store", async () => {
    const before = await listFiles(store);
    await build("site");
    await build("site");
    expect(await listFiles(store)).toEqual(before);
    const site = await listFiles(path.join(base, "site"));
    expect(site.filter((f) => /manifest|fragments|\.pack$|lock$/.test(f))).toEqual([]);
    const cached = await listFiles(cacheDir);
    expect(cached.some((f) => f.endsWith("fragments.pack"))).toBe(true);
    expect(cached.some((f) => f.endsWith("manifest.json"))).toBe(true);
  });

  it("builds without a cache (and writes none) when the cache folder would lie inside the store", async () => {
    const before = await listFiles(store);
    const result = await build("site", { cacheDir: path.join(store, "cache") });
    expect(result.reused).toBe(0);
    expect(await listFiles(store)).toEqual(before);
  });

  it("with cache: false reads and writes no cache", async () => {
    await build("site", { cache: false });
    await expect(fs.readdir(cacheDir)).rejects.toThrow();
  });
});
