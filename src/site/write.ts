/**
 * The one place that writes the site. Files go into a fresh folder beside `--out`, which is swapped in at the
 * end: a failed build leaves the previous site intact and no stale file survives (DESIGN §4).
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, promises as fs, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BuildError } from "../errors.js";
import { MARKER_FILE } from "./paths.js";
import { inside, sitePath } from "./inside.js";
import { WritePool, type FileData } from "./write-pool.js";
import type { FileStat } from "./cache.js";

export type { FileData };

/** `data` as one value `writeFileSync` takes. */
function whole(data: FileData): string | Uint8Array {
  return typeof data === "string" || data instanceof Uint8Array ? data : Buffer.concat(data.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
}

/** Files written on the main thread before a writer thread starts: a small site is done before it would pay. */
const POOL_AFTER = 256;
/** Bytes handed to the writer thread and not yet written at which rendering waits, so memory stays flat. */
const MAX_BACKLOG = 16 * 1024 * 1024;

const MARKER_TEXT = "This folder was made by `artifacts build` and is replaced as a whole by the next build.\n";

/** Resolves symlinks in the longest existing prefix of `p`, so a path that does not exist yet compares correctly. */
async function realish(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(await fs.realpath(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}


/** Refuses an `--out` the build must not replace; resolves to its absolute path. */
export async function checkOut(out: string, storeDir: string): Promise<string> {
  if (typeof out !== "string" || out.trim() === "") throw new BuildError(`Output folder ${JSON.stringify(out)} must be a path.`);
  const outReal = await realish(out);
  const storeReal = await realish(storeDir);
  if (inside(outReal, storeReal) || inside(storeReal, outReal)) {
    throw new BuildError(`Output folder ${JSON.stringify(out)} is, contains or lies inside the store ${JSON.stringify(storeDir)}; refusing to replace it.`);
  }
  // Swapping out a folder the shell stands in would leave the user in a deleted directory.
  if (inside(await realish(process.cwd()), outReal)) {
    throw new BuildError(`Output folder ${JSON.stringify(out)} is or contains the working directory; refusing to replace it.`);
  }
  await checkReplaceable(out);
  return path.resolve(out);
}

/** Refuses an existing `out` that is not a folder, or is a non-empty folder without the marker of a previous build. */
async function checkReplaceable(out: string): Promise<void> {
  const stat = await fs.lstat(out).catch(() => undefined);
  if (!stat) return;
  if (stat.isSymbolicLink()) throw new BuildError(`Output folder ${JSON.stringify(out)} is a symbolic link; refusing to replace it.`);
  if (!stat.isDirectory()) throw new BuildError(`Output ${JSON.stringify(out)} exists and is not a folder; refusing to replace it.`);
  const entries = await fs.readdir(out);
  if (entries.length > 0 && !entries.includes(MARKER_FILE)) {
    throw new BuildError(
      `Output folder ${JSON.stringify(out)} is not empty and was not made by a previous build (no ${MARKER_FILE}); refusing to replace it.`,
    );
  }
}

/** The start of the names of the temp folders (`.<out>.building-<pid>-<random>`) beside `out`. */
function buildingPrefix(out: string): string {
  return `.${path.basename(out)}.building-`;
}

/** Whether process `pid` is running (a process of another user counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temp folders of builds into `out` that were killed (their process is gone): a build stopped by a
 * signal or a crash cannot clean up after itself. Folders of running builds, and names this code did not make,
 * are left alone.
 */
async function sweepStale(out: string): Promise<void> {
  const prefix = buildingPrefix(out);
  const parent = path.dirname(out);
  let names: string[];
  try {
    names = await fs.readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]{12}(\.old)?$/.exec(name.slice(prefix.length)) : null;
    if (!m || processAlive(Number(m[1]))) continue;
    const stat = await fs.lstat(path.join(parent, name)).catch(() => undefined);
    if (stat?.isDirectory()) await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }
}

/** Writer threads a build uses unless told otherwise: one on a machine of 2 or more cores, else none. */
export function defaultWriterThreads(): number {
  return os.availableParallelism() >= 2 ? 1 : 0;
}

/** Writes one site: `write` files, then `commit` swaps it in, or `abort` throws it away. */
export class SiteWriter {
  readonly out: string;
  readonly tmp: string;
  private readonly dirs = new Set<string>();
  private written = 0;
  private readonly threads: number;
  private readonly poolAfter: number;
  private pools: WritePool[] = [];
  /** See `hold`. */
  private holding = false;
  /**
   * The numbers of each file a writer thread wrote, as it took them right after writing (see statOf): the index of
   * its 5 numbers in `stats`, by site path.
   */
  private readonly statAt = new Map<string, number>();
  private stats = new Float64Array(5 * 1024);
  private statCount = 0;

  private constructor(out: string, tmp: string, threads: number, poolAfter: number) {
    this.out = out;
    this.tmp = tmp;
    this.threads = threads;
    this.poolAfter = poolAfter;
  }

  /**
   * Checks `out` (see checkOut) and makes the temp folder beside it. With `threads` > 0, files past the first few
   * hundred are written by that many writer threads, in turn (write-pool.ts); default 0. `big`: the site is known
   * to be big, so the threads take over from the first file (the first few hundred, written here, cost the main
   * thread ~0.3–0.6 s of file creation on the 10k bench while it also had the store to collect).
   */
  static async open(out: string, storeDir: string, options: { threads?: number; big?: boolean } = {}): Promise<SiteWriter> {
    const abs = await checkOut(out, storeDir);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    await sweepStale(abs);
    const tmp = path.join(path.dirname(abs), `${buildingPrefix(abs)}${process.pid}-${randomBytes(6).toString("hex")}`);
    await fs.mkdir(tmp);
    const writer = new SiteWriter(abs, tmp, options.threads ?? 0, options.big ? 0 : POOL_AFTER);
    writer.dirs.add(tmp);
    return writer;
  }

  get count(): number {
    return this.written;
  }

  /** The absolute path for a site-relative one; refuses anything that would land outside the site. */
  target(rel: string): string {
    return sitePath(this.tmp, rel);
  }

  /**
   * Writes one file now. Synchronous on purpose: a page is a few kilobytes, and one thread-pool round trip per
   * open, write and close cost far more than the write itself (10× on the 10k bench).
   */
  writeSync(rel: string, data: FileData): void {
    const abs = this.target(rel);
    if (this.threads > 0 && this.pools.length === 0 && this.written >= this.poolAfter) {
      this.pools = Array.from({ length: this.threads }, () => new WritePool((rels, stats) => this.keepStats(rels, stats)));
      if (this.holding) for (const p of this.pools) p.hold();
    }
    const n = this.written++;
    if (this.pools.length > 0) {
      this.pools[n % this.pools.length]!.write(abs, rel, data);
      return;
    }
    this.ensureDir(abs);
    // "wx": the temp folder is ours and new, so an existing file means two pages claimed one path.
    writeFileSync(abs, whole(data), { flag: "wx" });
  }

  /**
   * The mode, size, mtime, ctime and inode of `rel` as a writer thread left it, or undefined for a file written
   * otherwise (on this thread, linked from the previous site, the marker). Files are never written twice, so these
   * stay true through the swap: the site's tree stamp takes them instead of an `lstat` per file.
   */
  statOf(rel: string): FileStat | undefined {
    const at = this.statAt.get(rel);
    if (at === undefined) return undefined;
    const s = this.stats;
    return { mode: s[at]!, size: s[at + 1]!, mtimeMs: s[at + 2]!, ctimeMs: s[at + 3]!, ino: s[at + 4]! };
  }

  private keepStats(rels: readonly string[], stats: Float64Array): void {
    if ((this.statCount + rels.length) * 5 > this.stats.length) {
      const bigger = new Float64Array(Math.max(this.stats.length * 2, (this.statCount + rels.length) * 5));
      bigger.set(this.stats.subarray(0, this.statCount * 5));
      this.stats = bigger;
    }
    this.stats.set(stats, this.statCount * 5);
    for (const rel of rels) this.statAt.set(rel, 5 * this.statCount++);
  }

  /**
   * Files handed to the writer threads from now on wait, encoded, until `release` (a file written on this thread is
   * written as ever). A build holds them while the store is read, when both cores are busy reading, rendering and
   * collecting: the threads' file creation then runs beside the pages, where a core is free.
   */
  hold(): void {
    this.holding = true;
    for (const p of this.pools) p.hold();
  }

  /** Hands the held files to the writer threads, in order (a `keepUp` that has to wait does it for its pool). */
  release(): void {
    this.holding = false;
    for (const p of this.pools) p.release();
  }

  /** Waits while the writer thread is far behind, so rendered pages do not pile up in memory. */
  async keepUp(): Promise<void> {
    if (this.backlog > MAX_BACKLOG) await Promise.all(this.pools.map((p) => p.drain(MAX_BACKLOG / 2 / this.pools.length)));
  }

  /** Bytes handed to the writer thread and not written yet (0 without one). */
  get backlog(): number {
    let sum = 0;
    for (const p of this.pools) sum += p.backlog;
    return sum;
  }

  /** Waits until every file handed over is written; throws the writer thread's failure. */
  async settle(): Promise<void> {
    await Promise.all(this.pools.map((p) => p.drain()));
  }

  /**
   * Puts the file `from` (a file of the previous site, unchanged) at `rel` by a hard link, or a copy where links
   * are refused; false when neither works, and the caller writes the file instead. The old site is removed after
   * the swap, so the link leaves no second name behind.
   */
  reuse(rel: string, from: string): boolean {
    const abs = this.target(rel);
    this.ensureDir(abs);
    try {
      linkSync(from, abs);
    } catch {
      return false;
    }
    this.written++;
    return true;
  }

  private ensureDir(abs: string): void {
    const dir = path.dirname(abs);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
  }

  /** Writes the marker and swaps the new site in place of the old one. */
  async commit(): Promise<void> {
    await this.settle();
    await this.closePool();
    await fs.writeFile(path.join(this.tmp, MARKER_FILE), MARKER_TEXT, { flag: "wx" });
    // Checked again: another process may have put something in `out` while we built.
    await checkReplaceable(this.out);
    const old = `${this.tmp}.old`;
    let moved = false;
    try {
      await fs.rename(this.out, old);
      moved = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    try {
      await fs.rename(this.tmp, this.out);
    } catch (err) {
      if (moved) await fs.rename(old, this.out).catch(() => undefined);
      throw err;
    }
    // Synchronously: `fs.rm` starts a promise per entry of a folder at once, and on a 100k site (103,000 files in
    // artifacts/) that was the peak of a rebuild's memory (a 100k rebuild after a touch: 551 MB, 458 MB without it).
    if (moved) rmSync(old, { recursive: true, force: true });
  }

  private async closePool(): Promise<void> {
    const pools = this.pools;
    this.pools = [];
    await Promise.all(pools.map((p) => p.close()));
  }

  async abort(): Promise<void> {
    await this.closePool();
    await fs.rm(this.tmp, { recursive: true, force: true });
  }
}
