/**
 * Writes into a live site folder (one the preview server is serving): each file replaced atomically (a temp file in
 * the same folder, then rename), so a page is never read half-written, and only when its bytes changed.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UnsafePathError } from "../errors.js";
import { inside } from "../site/inside.js";

/** A digest of a file's bytes: enough to tell whether a rewrite would change it, without keeping the bytes. */
export function digest(data: string | Uint8Array): string {
  return createHash("sha1").update(data).digest("base64");
}

export class LiveOut {
  /** Digest of every file the site holds, by site path. */
  private readonly digests = new Map<string, string>();

  constructor(readonly root: string) {}

  /** Records a file already in the folder (written by the first, full build). */
  know(rel: string, data: string | Uint8Array): void {
    this.digests.set(rel, digest(data));
  }

  has(rel: string): boolean {
    return this.digests.has(rel);
  }

  /** Every site path held, for finding files that are no longer part of the site. */
  paths(): IterableIterator<string> {
    return this.digests.keys();
  }

  /**
   * Writes `data` at `rel` unless the file already holds these bytes; returns whether it wrote. Synchronous: a
   * handful of small files, and sync calls cost a fraction of promise-based ones.
   */
  writeSync(rel: string, data: string | Uint8Array): boolean {
    const sum = digest(data);
    if (this.digests.get(rel) === sum) return false;
    const abs = this.target(rel);
    const dir = path.dirname(abs);
    const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      try {
        writeFileSync(tmp, data, { flag: "wx" });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        mkdirSync(dir, { recursive: true });
        writeFileSync(tmp, data, { flag: "wx" });
      }
      renameSync(tmp, abs);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    this.digests.set(rel, sum);
    return true;
  }

  /** Deletes a file that is no longer part of the site, and the folders it leaves empty. */
  removeSync(rel: string): void {
    const abs = this.target(rel);
    this.digests.delete(rel);
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
    if (rel === "" || path.isAbsolute(rel) || rel.includes("\\") || rel.includes("\0") || rel.split("/").some((s) => s === "" || s === "." || s === "..")) {
      throw new UnsafePathError(rel, "not a plain relative path inside the output folder");
    }
    const abs = path.resolve(this.root, rel);
    if (!inside(abs, this.root) || abs === this.root) throw new UnsafePathError(rel, "resolves outside the output folder");
    return abs;
  }
}
