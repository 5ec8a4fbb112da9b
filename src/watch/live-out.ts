/**
 * Writes into a live site folder (one the preview server is serving): each file replaced atomically (a temp file in
 * the same folder, then rename), so a page is never read half-written, and only when its bytes changed.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { inside, sitePath } from "../site/inside.js";

export class LiveOut {
  /** Every file the site holds, by site path. */
  private readonly files = new Set<string>();

  /** The folder, resolved once: paths are joined to it, and removals climb up to it and stop there. */
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /**
   * Records a file already in the folder (written by the first, full build). Nothing of its bytes is kept: a later
   * write compares with the file itself (a digest of every page was ~0.3 s of the 10k store's first build, for the
   * few dozen pages a batch renders).
   */
  know(rel: string): void {
    this.files.add(rel);
  }

  has(rel: string): boolean {
    return this.files.has(rel);
  }

  /** Every site path held, for finding files that are no longer part of the site. */
  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  /**
   * Writes `data` at `rel` unless the file already holds these bytes; returns whether it wrote. Synchronous: a
   * handful of small files, and sync calls cost a fraction of promise-based ones.
   */
  writeSync(rel: string, data: string | Uint8Array): boolean {
    const abs = this.target(rel);
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    if (this.files.has(rel) && sameBytes(abs, bytes)) return false;
    const dir = path.dirname(abs);
    const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      try {
        writeFileSync(tmp, bytes, { flag: "wx" });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        mkdirSync(dir, { recursive: true });
        writeFileSync(tmp, bytes, { flag: "wx" });
      }
      renameSync(tmp, abs);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    this.files.add(rel);
    return true;
  }

  /** Deletes a file that is no longer part of the site, and the folders it leaves empty. */
  removeSync(rel: string): void {
    const abs = this.target(rel);
    this.files.delete(rel);
    rmSync(abs, { force: true });
    let dir = path.dirname(abs);
    while (dir !== this.root && inside(dir, this.root)) {
      try {
        rmdirSync(dir);
      } catch {
        break; // not empty (or gone): stop climbing
      }
      dir = path.dirname(dir);
    }
  }

  /** The absolute path for a site path; refuses anything that is not a plain relative path inside the folder. */
  private target(rel: string): string {
    return sitePath(this.root, rel);
  }
}

/** Whether the file at `abs` holds exactly `bytes` (false when it cannot be read). */
function sameBytes(abs: string, bytes: Uint8Array): boolean {
  try {
    const stat = statSync(abs);
    return stat.isFile() && stat.size === bytes.length && readFileSync(abs).equals(bytes);
  } catch {
    return false;
  }
}
