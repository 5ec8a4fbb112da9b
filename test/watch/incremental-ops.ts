/**
 * A seeded random sequence of store operations for the watch oracle: creates of every type across keys and runs,
 * progress updates, deletes of versions and whole keys, broken files written then fixed, duplicate ids, run records
 * edited and removed. Also: whole-tree comparison and a store diff that turns two looks at a store into a batch.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { ArtifactStore } from "../../src/artifacts/client.js";
import { buildSite } from "../../src/site/build.js";
import { versionFileName } from "../../src/store/rules.js";
import type { StoreChanges } from "../../src/watch/batch.js";
import { GIF, PNG } from "../helpers/images.js";

/** mulberry32: a tiny deterministic PRNG. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    chance: (p: number) => next() < p,
  };
}

const KEYS = ["alpha", "beta", "gamma", "delta-2", "eps", "zeta-9"];
const FLOWS = ["nightly-etl", "train", "report"];

interface Live {
  id: string;
  key: string | null;
  type: string;
  /** Store-relative file of the version. */
  file: string;
  /** A copy with the same id under another name (a duplicate): never updated or deleted by id. */
  dup?: boolean;
}

/** Applies random operations to a store, keeping track of what is in it. */
export class StoreOps {
  private readonly rnd;
  private readonly live: Live[] = [];
  private readonly broken = new Map<string, Buffer>();
  private readonly images: string[] = [];
  private n = 0;
  /** Kinds of operation done, for the test to check the mix. */
  readonly done = new Map<string, number>();

  constructor(private readonly store: ArtifactStore, private readonly dir: string, private readonly scratch: string, seed: number) {
    this.rnd = random(seed);
  }

  private count(kind: string): void {
    this.done.set(kind, (this.done.get(kind) ?? 0) + 1);
  }

  /** One random operation. */
  async step(): Promise<string> {
    this.n++;
    const r = this.rnd;
    if (this.images.length === 0) {
      for (const [name, bytes] of [["a.png", PNG], ["b.gif", GIF]] as const) {
        const file = path.join(this.scratch, name);
        await fs.writeFile(file, bytes);
        this.images.push(file);
      }
    }
    // A broken file is fixed a few operations later.
    if (this.broken.size > 0 && r.chance(0.25)) return this.fix();
    const roll = r.next();
    const progress = this.live.filter((l) => l.type === "progress" && !l.dup && !this.broken.has(l.file));
    const plain = this.live.filter((l) => !l.dup && !this.broken.has(l.file));
    if (roll < 0.5 || plain.length < 3) return this.create();
    if (roll < 0.64 && progress.length > 0) {
      const p = r.pick(progress);
      await this.store.updateProgressArtifact({ artifactId: p.id, progress: r.int(0, 100), ...(r.chance(0.3) ? { description: `step ${this.n}` } : {}) });
      this.count("update-progress");
      return `update ${p.id}`;
    }
    if (roll < 0.74) {
      const victim = r.pick(plain);
      await this.store.deleteById(victim.id);
      this.forget((l) => l.file === victim.file);
      this.count("delete-version");
      return `delete ${victim.file}`;
    }
    if (roll < 0.78) {
      const key = r.pick(KEYS);
      await this.store.deleteKey(key);
      this.forget((l) => l.key === key);
      this.count("delete-key");
      return `delete key ${key}`;
    }
    if (roll < 0.84) {
      const victim = r.pick(plain);
      const file = path.join(this.dir, victim.file);
      this.broken.set(victim.file, await fs.readFile(file));
      await fs.writeFile(file, r.chance(0.5) ? `{"formatVersion": 1, "id": ` : JSON.stringify({ formatVersion: 1, type: "mystery" }));
      this.count("break");
      return `break ${victim.file}`;
    }
    if (roll < 0.88) return this.duplicate(r.pick(plain));
    const runs = await this.store.listRuns();
    if (runs.length > 0 && roll < 0.92) {
      const run = r.pick(runs);
      const file = path.join(this.dir, "_runs", `${run.id}.json`);
      if (r.chance(0.5)) {
        await fs.rm(file, { force: true });
        this.count("delete-run");
        return `delete run ${run.id}`;
      }
      await fs.writeFile(file, `${JSON.stringify({ ...run, state: "failed", error: `boom ${this.n}` }, null, 2)}\n`);
      this.count("edit-run");
      return `edit run ${run.id}`;
    }
    return this.create();
  }

  private forget(match: (l: Live) => boolean): void {
    for (let i = this.live.length - 1; i >= 0; i--) {
      if (match(this.live[i]!)) {
        this.broken.delete(this.live[i]!.file);
        this.live.splice(i, 1);
      }
    }
  }

  private async fix(): Promise<string> {
    const [file, bytes] = [...this.broken][0]!;
    this.broken.delete(file);
    await fs.writeFile(path.join(this.dir, file), bytes);
    this.count("fix");
    return `fix ${file}`;
  }

  /** The same record under a later file name: a second file with one id (the first in version order wins). */
  private async duplicate(of: Live): Promise<string> {
    const text = await fs.readFile(path.join(this.dir, of.file), "utf8");
    const record = JSON.parse(text) as { created: string; updated: string };
    const ms = Date.parse(record.created) + this.rnd.int(1, 5) * 3_600_000;
    const created = new Date(ms).toISOString();
    const file = `${of.file.split("/")[0]}/${versionFileName(ms)}`;
    await fs.writeFile(path.join(this.dir, file), `${JSON.stringify({ ...record, created, updated: created }, null, 2)}\n`, { flag: "wx" }).catch(() => {});
    this.live.push({ ...of, file, dup: true });
    this.count("duplicate");
    return `duplicate ${of.file} as ${file}`;
  }

  private async create(): Promise<string> {
    const r = this.rnd;
    const type = r.pick(["markdown", "link", "table", "image", "progress"] as const);
    const key = r.chance(0.15) ? undefined : r.pick(KEYS);
    const description = r.chance(0.4) ? `## Step ${this.n}\n\nSome *text* for ${type}` : undefined;
    const make = async (): Promise<string> => {
      switch (type) {
        case "markdown":
          return this.store.createMarkdownArtifact({ key, description, markdown: `# Report ${this.n}\n\n- item ${r.int(0, 9)}\n\n| a | b |\n|---|---|\n| 1 | 2 |` });
        case "link":
          return this.store.createLinkArtifact({ key, description, link: `https://example.com/${this.n}`, linkText: r.chance(0.5) ? `data ${this.n}` : undefined });
        case "table": {
          const rows = r.chance(0.08) ? 1001 : r.int(0, 4);
          return this.store.createTableArtifact({ key, description, table: Array.from({ length: rows }, (_, i) => ({ i, v: i * this.n, s: `r${i}` })) });
        }
        case "image":
          return r.chance(0.5)
            ? this.store.createImageArtifact({ key, description, imagePath: r.pick(this.images) })
            : this.store.createImageArtifact({ key, description, imageUrl: `https://img.example.com/${this.n}.png` });
        case "progress":
          return this.store.createProgressArtifact({ key, description, progress: r.int(0, 100) });
      }
    };
    let id: string;
    const where = r.next();
    if (where < 0.3) {
      id = await this.store.flow(r.pick(FLOWS), make)();
    } else if (where < 0.45) {
      id = await this.store.flow(r.pick(FLOWS), async () => this.store.task(`task-${r.int(1, 3)}`, make)())();
    } else {
      id = await make();
    }
    const record = (await this.store.getById(id))!;
    const file = `${record.key ?? "_unkeyed"}/${versionFileName(Date.parse(record.created))}`;
    this.live.push({ id, key: record.key, type, file });
    this.count(`create-${type}`);
    return `create ${type} ${file}`;
  }
}

/** Every file of a store that the site reads, with a digest of its bytes (store-relative paths, `_tmp/` left out). */
export async function lookAt(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const top = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const folder of top) {
    if (!folder.isDirectory() || folder.name === "_tmp") continue;
    for (const entry of await fs.readdir(path.join(dir, folder.name), { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const rel = `${folder.name}/${entry.name}`;
      out.set(rel, createHash("sha1").update(await fs.readFile(path.join(dir, rel))).digest("hex"));
    }
  }
  return out;
}

/** The batch that takes a store from one look to the next. */
export function diffLooks(before: Map<string, string>, after: Map<string, string>): StoreChanges {
  const changes: StoreChanges = { added: [], changed: [], removed: [] };
  for (const [rel, sum] of after) {
    if (!before.has(rel)) changes.added.push(rel);
    else if (before.get(rel) !== sum) changes.changed.push(rel);
  }
  for (const rel of before.keys()) if (!after.has(rel)) changes.removed.push(rel);
  return changes;
}

/** A fresh full build of the store at `dir` (into `scratch`/fresh-`tag`), compared with the watched folder `out`. */
export async function freshDiff(dir: string, out: string, scratch: string, tag: string): Promise<string[]> {
  const fresh = path.join(scratch, `fresh-${tag}`);
  await buildSite({ dir, out: fresh, cache: false });
  const diff = await treeDiff(out, fresh);
  await fs.rm(fresh, { recursive: true, force: true });
  return diff;
}

/**
 * Differences between two folders, as lines: files only in one, files whose bytes differ, and empty folders
 * (a fresh build has none). Empty when the trees are identical.
 */
export async function treeDiff(a: string, b: string): Promise<string[]> {
  const [fa, fb] = await Promise.all([walk(a), walk(b)]);
  const diff: string[] = [];
  for (const [rel, sum] of fa) {
    if (!fb.has(rel)) diff.push(`only in watched: ${rel}`);
    else if (fb.get(rel) !== sum) diff.push(`differs: ${rel}`);
  }
  for (const rel of fb.keys()) if (!fa.has(rel)) diff.push(`only in fresh build: ${rel}`);
  return diff.sort();
}

async function walk(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function go(dir: string, rel: string): Promise<void> {
    // A folder or file that vanishes while being walked (a live site being updated) shows as a difference.
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => undefined);
    if (!entries) return void out.set(`${rel}/`, "vanished");
    if (entries.length === 0 && rel !== "") out.set(`${rel}/`, "empty folder");
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await go(path.join(dir, e.name), r);
      else {
        const bytes = await fs.readFile(path.join(dir, e.name)).catch(() => undefined);
        out.set(r, bytes ? createHash("sha1").update(bytes).digest("hex") : "vanished");
      }
    }
  }
  await go(root, "");
  return out;
}
