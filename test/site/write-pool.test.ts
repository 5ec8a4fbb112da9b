import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SiteWriter } from "../../src/site/write.js";

let base: string;
beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), "ap-write-pool-"));
  await fs.mkdir(path.join(base, "store"));
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

// Enough files that the writer thread starts (it takes over after the first 256).
const MANY = 700;

describe("SiteWriter with a writer thread", () => {
  it("writes every file, in nested folders, before commit returns", async () => {
    const out = path.join(base, "site");
    const writer = await SiteWriter.open(out, path.join(base, "store"), { threads: 2 });
    for (let i = 0; i < MANY; i++) {
      const rel = `d${i % 7}/p${i}/index.html`;
      // Strings (one with characters of 2–4 UTF-8 bytes) and bytes, so the thread's buffer offsets are exercised.
      const data = i % 2 ? `page ${i} é€😀` : new TextEncoder().encode(`bytes ${i}`);
      writer.writeSync(rel, data);
      await writer.keepUp();
    }
    await writer.commit();
    expect(writer.count).toBe(MANY);
    for (let i = 0; i < MANY; i++) {
      const abs = path.join(out, `d${i % 7}/p${i}/index.html`);
      expect(await fs.readFile(abs, "utf8")).toBe(i % 2 ? `page ${i} é€😀` : `bytes ${i}`);
    }
  });

  it("writes files that outgrow a batch's buffer: long multi-byte text and big byte files, among small ones", async () => {
    const out = path.join(base, "site");
    const writer = await SiteWriter.open(out, path.join(base, "store"), { threads: 1, big: true });
    const content = (i: number): string | Uint8Array =>
      i % 5 === 0 ? `${i}:${"€😀".repeat(30_000 + i)}` // ~300 KB of 3- and 4-byte characters
        : i % 5 === 1 ? new Uint8Array(400_000 + i).fill(i % 251)
          : `small ${i} é`;
    for (let i = 0; i < 60; i++) {
      writer.writeSync(`f/${i}.bin`, content(i));
      await writer.keepUp();
    }
    await writer.commit();
    for (let i = 0; i < 60; i++) {
      const want = content(i);
      const got = await fs.readFile(path.join(out, `f/${i}.bin`));
      expect(got.equals(Buffer.from(typeof want === "string" ? Buffer.from(want, "utf8") : want)), `file ${i}`).toBe(true);
    }
  });

  it.each([[0, "on this thread"], [1, "on a writer thread"]])("writes a file given as pieces of text and bytes, in order (%i threads: %s)", async (threads) => {
    const out = path.join(base, "site");
    const writer = await SiteWriter.open(out, path.join(base, "store"), { threads, big: true });
    const pieces = (i: number) => [`<p>${i} é`, new TextEncoder().encode("€😀 bytes"), "", new Uint8Array(0), `${"x".repeat(i * 97)}</p>`];
    for (let i = 0; i < MANY; i++) writer.writeSync(`p${i}.html`, pieces(i));
    await writer.commit();
    for (let i = 0; i < MANY; i++) {
      expect(await fs.readFile(path.join(out, `p${i}.html`), "utf8")).toBe(`<p>${i} é€😀 bytes${"x".repeat(i * 97)}</p>`);
    }
  });

  it("a path claimed twice fails the commit (as without the thread), and abort leaves nothing behind", async () => {
    const out = path.join(base, "site");
    const writer = await SiteWriter.open(out, path.join(base, "store"), { threads: 2 });
    for (let i = 0; i < MANY; i++) writer.writeSync(`p${i}.html`, "x");
    writer.writeSync(`p${MANY - 1}.html`, "again");
    await expect(writer.commit()).rejects.toThrow(/EEXIST/);
    await writer.abort();
    expect(await fs.readdir(base)).toEqual(["store"]);
  });

  it("holds what it is given until released: nothing reaches the disk, then everything, in order", async () => {
    const out = path.join(base, "site");
    const writer = await SiteWriter.open(out, path.join(base, "store"), { threads: 1, big: true });
    writer.hold();
    // Past a batch's size several times over, so batches fill while held.
    const content = (i: number) => `${i} ${"é".repeat(40_000)}`;
    for (let i = 0; i < 40; i++) writer.writeSync(`held/${i}.html`, content(i));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await fs.readdir(writer.tmp)).toEqual([]);
    writer.release();
    await writer.commit();
    for (let i = 0; i < 40; i++) expect(await fs.readFile(path.join(out, `held/${i}.html`), "utf8")).toBe(content(i));
  });

  it("lets keepUp through while held: waiting for the thread releases what it holds", async () => {
    const out = path.join(base, "site");
    const writer = await SiteWriter.open(out, path.join(base, "store"), { threads: 1, big: true });
    writer.hold();
    // More than the backlog at which keepUp waits (16 MB).
    const big = new Uint8Array(1 << 20).fill(7);
    for (let i = 0; i < 20; i++) writer.writeSync(`big/${i}.bin`, big);
    await writer.keepUp();
    await writer.commit();
    expect((await fs.readdir(path.join(out, "big"))).length).toBe(20);
  });
});

describe("buildSite with writer threads", () => {
  it("gives the bytes of a single-threaded build, and a cached rebuild reuses every page it wrote", async () => {
    const { openStore } = await import("../../src/artifacts/client.js");
    const { buildSite } = await import("../../src/site/build.js");
    const dir = path.join(base, "store");
    const store = openStore(dir);
    // 30 keys × 10 versions: over 300 artifact pages, so the writer threads take over.
    for (let k = 0; k < 30; k++) {
      for (let v = 0; v < 10; v++) await store.createMarkdownArtifact({ key: `k-${k}`, markdown: `# Key ${k}\n\nversion **${v}**` });
    }
    const snapshot = async (root: string) => {
      const files = new Map<string, string>();
      const walk = async (rel: string): Promise<void> => {
        for (const e of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) await walk(r);
          else files.set(r, (await fs.readFile(path.join(root, r))).toString("base64"));
        }
      };
      await walk("");
      return files;
    };
    const cacheDir = path.join(base, "cache");
    await buildSite({ dir, out: path.join(base, "one"), cache: false, workers: 0 });
    const threaded = await buildSite({ dir, out: path.join(base, "two"), cacheDir, workers: 2 });
    expect(threaded.files).toBeGreaterThan(300);
    expect(await snapshot(path.join(base, "two"))).toEqual(await snapshot(path.join(base, "one")));
    // The site's stamp took the writer threads' numbers of the files they wrote instead of looking them up: it must be
    // what a walk of the site finds, or this rebuild would not stop early.
    const same = await buildSite({ dir, out: path.join(base, "two"), cacheDir, workers: 2 });
    expect(same.unchanged).toBe(true);
    // Every store file touched, none changed: the rebuild cannot stop early and links every page from the old site.
    const later = new Date(Date.now() + 60_000);
    for (const key of await fs.readdir(dir)) {
      for (const name of await fs.readdir(path.join(dir, key))) await fs.utimes(path.join(dir, key, name), later, later);
    }
    const again = await buildSite({ dir, out: path.join(base, "two"), cacheDir, workers: 2 });
    expect(again.unchanged).toBe(false);
    expect(again.reused).toBeGreaterThan(300);
    expect(await snapshot(path.join(base, "two"))).toEqual(await snapshot(path.join(base, "one")));
    // A rebuild that linked its pages from the old site (their ctime changed with the links) stamps them as they are.
    expect((await buildSite({ dir, out: path.join(base, "two"), cacheDir, workers: 2 })).unchanged).toBe(true);
  });
});
