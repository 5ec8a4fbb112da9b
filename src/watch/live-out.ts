/**
 * Writes into a live site folder (one the preview server is serving): each file replaced atomically (a temp file in
 * the same folder, then rename), so a page is never read half-written, and only when its bytes changed.
 */
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { UnsafePathError } from "../errors.js";

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

  /** Writes `data` at `rel` unless the file already holds these bytes; resolves to whether it wrote. */
  async write(rel: string, data: string | Uint8Array): Promise<boolean> {
    const sum = digest(data);
    if (this.digests.get(rel) === sum) return false;
    const abs = this.target(rel);
    const dir = path.dirname(abs);
    await fs.mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await fs.writeFile(tmp, data, { flag: "wx" });
      await fs.rename(tmp, abs);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    this.digests.set(rel, sum);
    return true;
  }

  /** Deletes a file that is no longer part of the site, and the folders it leaves empty. */
  async remove(rel: string): Promise<void> {
    const abs = this.target(rel);
    this.digests.delete(rel);
    await fs.rm(abs, { force: true });
    let dir = path.dirname(abs);
    while (dir !== this.root && dir.startsWith(this.root + path.sep)) {
      try {
        await fs.rmdir(dir);
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
    if (!abs.startsWith(this.root + path.sep)) throw new UnsafePathError(rel, "resolves outside the output folder");
    return abs;
  }
}
