/**
 * The build cache: what the previous build of the same store into the same `--out` rendered, so a rebuild renders
 * only what changed. It lives outside the published site and outside the store (which may be shared or
 * read-only): `$ARTIFACTS_CACHE_DIR`, else `$XDG_CACHE_HOME/artifact-press`, else `~/.cache/artifact-press`, in a
 * folder named by a hash of the store and output paths. It holds `fragments.pack` (each artifact's rendered HTML,
 * keyed by a hash of its record file) and `manifest.json` (the fragment index, and the key, size, inode and mtime
 * of every file of the published site). Everything in it is keyed by a salt of the package version, the
 * templates and the site code, so any change of those starts afresh.
 *
 * It also keeps `snapshot.json`, a snapshot of the last build: a stamp of the store's tree (every entry's name, size, mtime, ctime
 * and inode, plus the build settings) and one of the published site's tree. When both stamps are unchanged, the
 * site on disk is exactly what a build would make again, and the build stops there (see `unchanged`).
 */
import { createHash } from "node:crypto";
import { type Stats, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { StoreProblem } from "../store/backend.js";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FragmentPack, type FragmentEntry } from "./fragments.js";
import { inside } from "./inside.js";
import { processAlive } from "./write.js";

const FORMAT = 1;
const MANIFEST = "manifest.json";
const SNAPSHOT = "snapshot.json";
const PACK = "fragments.pack";
const LOCK = "lock";
/** Cache folders of store/output pairs not built for this long are removed by the next build. */
const STALE_MS = 30 * 24 * 3600 * 1000;

/** What a tree stamp reads of a file (a Stats has it; so does a writer thread's `fstat`, see SiteWriter.statOf). */
export type FileStat = Pick<Stats, "mode" | "size" | "mtimeMs" | "ctimeMs" | "ino">;

/** One published file as the previous build left it: the key it was made from, and how to know it is untouched. */
export type FileEntry = [key: string, size: number, mtimeMs: number, ino: number];

/** What the last build saw and made, to know when a rebuild would make the same site (see `treeStamp`). */
export interface BuildSnapshot {
  /** treeStamp of the store, with the build settings. */
  store: string;
  /** treeStamp of the published site, taken after the swap. */
  site: string;
  pages: number;
  files: number;
  /** The problems the build reported, reported again by a build that stops early. */
  problems: StoreProblem[];
}

interface Manifest {
  format: number;
  salt: string;
  packSize: number;
  fragments: Record<string, FragmentEntry>;
  files: Record<string, FileEntry>;
}

type Previous = { fragments: Map<string, FragmentEntry>; files: Map<string, FileEntry> };

const here = path.dirname(fileURLToPath(import.meta.url));

/** The base folder of all caches (see the file comment); `dir` overrides. */
export function cacheBase(dir?: string): string {
  if (dir) return path.resolve(dir);
  if (process.env.ARTIFACTS_CACHE_DIR) return path.resolve(process.env.ARTIFACTS_CACHE_DIR);
  if (process.env.XDG_CACHE_HOME) return path.resolve(process.env.XDG_CACHE_HOME, "artifact-press");
  return path.join(os.homedir(), ".cache", "artifact-press");
}

/** The version in this package's package.json ("?" when it cannot be read). */
export function packageVersion(): string {
  try {
    return String((JSON.parse(readFileSync(path.resolve(here, "../../package.json"), "utf8")) as { version?: string }).version);
  } catch {
    return "?";
  }
}

/** A hash of everything besides the store that decides the output: package version, templates, site code. */
export function siteSalt(templatesDir: string, version = packageVersion()): string {
  const h = createHash("sha1").update(`format ${FORMAT}\0version ${version}\0`);
  hashTree(h, templatesDir, "templates");
  // The site code itself (dist/site/*.js, or src/site/*.ts under a test runner): a code change is a new output.
  hashTree(h, here, "code", /(?<!\.d)\.(js|ts)$/);
  return h.digest("hex");
}

/**
 * A digest of a folder tree as the file system describes it: every entry's path and type, and for all but folders
 * its size, mtime, ctime and inode (symbolic links are not followed). Any write, rename, hand edit or `touch`
 * changes it (ctime cannot be set back from user space). Undefined when the tree cannot be walked. `extra` is
 * hashed first (the build settings); `onFile` sees every file that is not a folder, by its relative path. `known`
 * gives the numbers of files whose numbers the caller has, taken since their last change: they are not looked up.
 */
export function treeStamp(
  root: string, extra = "", onFile?: (rel: string, stat: FileStat) => void, known?: (rel: string) => FileStat | undefined,
): string | undefined {
  const h = createHash("sha1").update(`${extra}\0`);
  // A folder's names go to the hash as one string and its files' numbers as one run of float64s: a hash update
  // and five number-to-text conversions per file were most of a walk that 100,000 files make ~0.5 s long.
  let nums = new Float64Array(5 * 256);
  const walk = (dir: string, rel: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let names = "";
    let n = 0;
    const flush = () => {
      h.update(names);
      names = "";
      if (n > 0) h.update(new Uint8Array(nums.buffer, 0, n * 8));
      n = 0;
    };
    for (const entry of entries) {
      const abs = `${dir}/${entry.name}`;
      const name = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        names += `${name}\0d\n`;
        flush();
        walk(abs, name);
        continue;
      }
      // A file whose numbers the writer took with `fstat` right after writing it (see `known`) is not looked up again.
      const s = known?.(name) ?? lstatSync(abs);
      onFile?.(name, s);
      names += `${name}\0f\n`;
      if (n + 5 > nums.length) {
        const more = new Float64Array(nums.length * 2);
        more.set(nums);
        nums = more;
      }
      nums[n++] = s.mode;
      nums[n++] = s.size;
      nums[n++] = s.mtimeMs;
      nums[n++] = s.ctimeMs;
      nums[n++] = s.ino;
    }
    flush();
  };
  try {
    if (!lstatSync(root).isDirectory()) return undefined;
    walk(root, "");
  } catch {
    return undefined;
  }
  return h.digest("hex");
}

function hashTree(h: ReturnType<typeof createHash>, dir: string, label: string, only?: RegExp): void {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
  } catch {
    h.update(`${label} missing\0`);
    return;
  }
  for (const rel of entries) {
    const abs = path.join(dir, rel);
    if ((only && !only.test(rel)) || !statSync(abs).isFile()) continue;
    h.update(`${label}/${rel}\0`).update(readFileSync(abs)).update("\0");
  }
}


export class BuildCache {
  private loaded: { previous: Previous | undefined; pack: FragmentPack } | undefined;
  private readonly snapshot: BuildSnapshot | undefined;

  private constructor(readonly dir: string, private readonly salt: string) {
    this.snapshot = readSnapshot(path.join(dir, SNAPSHOT), salt);
  }

  /** Whether the last build left a snapshot: only then can `unchanged` find nothing to do. */
  get hasSnapshot(): boolean {
    return this.snapshot !== undefined;
  }

  /** Whether a previous build left a manifest (made with any salt): without one, `previous` is undefined. */
  get hasManifest(): boolean {
    return this.loaded ? this.loaded.previous !== undefined : existsSync(path.join(this.dir, MANIFEST));
  }

  /** The previous build's fragment index and published files, when they were made with the same salt. */
  get previous(): Previous | undefined {
    return this.load().previous;
  }

  get pack(): FragmentPack {
    return this.load().pack;
  }

  /** Reads the manifest on first use: a build that stops early (see `unchanged`) never parses it. */
  private load(): { previous: Previous | undefined; pack: FragmentPack } {
    if (!this.loaded) {
      const manifest = readManifest(path.join(this.dir, MANIFEST), this.salt);
      this.loaded = {
        pack: new FragmentPack(path.join(this.dir, PACK), manifest?.packSize ?? 0),
        previous: manifest && { fragments: mapOf(manifest.fragments), files: mapOf(manifest.files) },
      };
    }
    return this.loaded;
  }

  /**
   * The last build's snapshot when a build now would make the very same site: the store stamps `storeStamp` as it
   * did then, and the site at `out` is untouched since (same stamp). Undefined otherwise.
   */
  unchanged(storeStamp: string | undefined, out: string): BuildSnapshot | undefined {
    const snap = this.snapshot;
    if (!snap || storeStamp === undefined || snap.store !== storeStamp) return undefined;
    return treeStamp(out) === snap.site ? snap : undefined;
  }

  /**
   * The cache of `store` built into `out`, locked for this build; undefined (build without a cache) when another
   * build holds it, or it cannot be made, or it would lie inside the store or the site.
   */
  static open(options: { base: string; store: string; out: string; salt: string }): BuildCache | undefined {
    const store = path.resolve(options.store), out = path.resolve(options.out);
    const id = createHash("sha1").update(`${store}\0${out}`).digest("hex").slice(0, 16);
    const dir = path.join(options.base, id);
    if (inside(dir, store) || inside(dir, out) || inside(store, dir) || inside(out, dir)) return undefined;
    try {
      mkdirSync(dir, { recursive: true });
      if (!takeLock(path.join(dir, LOCK))) return undefined;
    } catch {
      return undefined;
    }
    try {
      pruneStale(options.base, id);
      return new BuildCache(dir, options.salt);
    } catch {
      rmSync(path.join(dir, LOCK), { force: true });
      return undefined;
    }
  }

  /** Forgets the published files: called before the swap, so a crash after it cannot leave a manifest that lies. */
  forgetFiles(): void {
    rmSync(path.join(this.dir, SNAPSHOT), { force: true });
    rmSync(path.join(this.dir, MANIFEST), { force: true });
  }

  /** Records the new build (after the swap); rewrites the pack when most of it is no longer used. */
  save(fragments: Map<string, FragmentEntry>, files: Map<string, FileEntry>, snapshot?: BuildSnapshot): void {
    let pack = this.pack;
    let live = 0;
    for (const e of fragments.values()) live += e.length;
    if (pack.size > 1 << 20 && live < pack.size / 2) {
      const tmp = path.join(this.dir, `${PACK}.tmp`);
      const compact = pack.compactInto(tmp, fragments);
      compact.pack.close();
      renameSync(tmp, path.join(this.dir, PACK));
      fragments = compact.entries;
      pack = compact.pack;
    }
    // Written entry by entry: at 100,000 artifacts the manifest as one object and one string was the build's
    // peak of memory. The text is the JSON of a Manifest, read back whole by readManifest.
    const tmp = path.join(this.dir, `${MANIFEST}.tmp`);
    const fd = openSync(tmp, "w");
    try {
      const out = new ChunkedWriter(fd);
      out.write(`{"format":${FORMAT},"salt":${JSON.stringify(this.salt)},"packSize":${pack.size},`);
      out.entries("fragments", fragments);
      out.write(",");
      out.entries("files", files);
      out.write("}");
      out.flush();
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path.join(this.dir, MANIFEST));
    if (snapshot) {
      writeFileSync(`${tmp}`, JSON.stringify({ format: FORMAT, salt: this.salt, ...snapshot }));
      renameSync(tmp, path.join(this.dir, SNAPSHOT));
    }
  }

  /** Closes the pack and lets the next build in. */
  release(): void {
    try {
      this.loaded?.pack.close();
    } catch {
      /* already closed */
    }
    rmSync(path.join(this.dir, LOCK), { force: true });
  }

  /** Throws the cache away (a damaged pack). */
  wipe(): void {
    this.release();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** An object's own entries as a Map, without the array of pairs `Object.entries` makes (100,000 of them at 100k). */
function mapOf<T>(object: Record<string, T>): Map<string, T> {
  const map = new Map<string, T>();
  for (const key of Object.keys(object)) map.set(key, object[key]!);
  return map;
}

/** Writes text to a file in chunks of about a megabyte. */
class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }

  /** `"name":{…}` with one member per map entry, in the map's order. */
  entries(name: string, map: Map<string, unknown>): void {
    this.write(`${JSON.stringify(name)}:{`);
    let first = true;
    for (const [k, v] of map) {
      this.write(`${first ? "" : ","}${JSON.stringify(k)}:${JSON.stringify(v)}`);
      first = false;
    }
    this.write("}");
  }

  flush(): void {
    if (this.parts.length === 0) return;
    writeFileSync(this.fd, this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

/** Takes the lock file, or takes over one whose process is gone; false when a live build holds it. */
function takeLock(file: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) return false;
      if (pid === process.pid) return false; // another build in this process
      rmSync(file, { force: true });
    }
  }
  return false;
}


/** The snapshot of the last build, when it is whole and of this salt. */
function readSnapshot(file: string, salt: string): BuildSnapshot | undefined {
  let v: BuildSnapshot & { format?: unknown; salt?: unknown };
  try {
    v = JSON.parse(readFileSync(file, "utf8")) as typeof v;
  } catch {
    return undefined;
  }
  const ok = typeof v === "object" && v !== null && v.format === FORMAT && v.salt === salt
    && typeof v.store === "string" && typeof v.site === "string" && Number.isInteger(v.pages) && Number.isInteger(v.files)
    && Array.isArray(v.problems) && v.problems.every((p) => typeof p?.path === "string" && typeof p.reason === "string");
  return ok ? { store: v.store, site: v.site, pages: v.pages, files: v.files, problems: v.problems.map((p) => ({ path: p.path, reason: p.reason })) } : undefined;
}

function readManifest(file: string, salt: string): Manifest | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as Manifest;
    if (m.format !== FORMAT || m.salt !== salt || typeof m.packSize !== "number") return undefined;
    return m;
  } catch {
    return undefined;
  }
}

/** Removes cache folders of other store/output pairs untouched for a month (temp stores of tests, old sites). */
function pruneStale(base: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(base)) {
    if (name === keep || !/^[0-9a-f]{16}$/.test(name)) continue;
    const stat = lstatSync(path.join(base, name), { throwIfNoEntry: false });
    if (stat?.isDirectory() && now - stat.mtimeMs > STALE_MS) rmSync(path.join(base, name), { recursive: true, force: true });
  }
}
