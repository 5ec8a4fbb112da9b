/**
 * Reads a store for the site: every record that passes the trust boundary, every run, and the bytes of local
 * images. Anything unusable is reported (path + reason) and left out; nothing here throws for a bad file.
 *
 * Records are read one at a time with synchronous calls and handed to a callback, so the caller can render each
 * one and drop its body: a 100,000-artifact store never sits in memory whole, and the thread-pool round trips
 * of ~6 async calls per file (which cost more than the reading itself) are gone.
 */
import { hash } from "node:crypto";
import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, promises as fs, readSync, type Stats } from "node:fs";
import path from "node:path";
import { sniffImage } from "../artifacts/image.js";
import { BuildError } from "../errors.js";
import type { ProblemSink, StoreProblem } from "../store/backend.js";
import { FsStore, UNKEYED_DIR } from "../store/fs-store.js";
import { timestampOfFileName, versionFileName } from "../store/rules.js";
import { checkVersionFile, parseJson } from "../store/validate.js";
import type { ArtifactRecord, RunRecord } from "../types.js";
import { imageFile } from "./paths.js";

/** A published local image: its site path and bytes; one entry per distinct content. */
export interface SiteImage {
  path: string;
  bytes: Buffer;
}

/** One readable record as read: the parsed record, the hash of its file's bytes, where it came from. */
export interface ReadRecord {
  record: ArtifactRecord;
  /** sha1 of the record file's bytes (hex): same bytes, same record. */
  hash: string;
  source: string;
  /** Site path of its image, for a local-image artifact. */
  imagePath?: string;
  /** The record file as read (the text `record` was parsed from), for handing the record to another thread. */
  text: string;
}

export interface ReadOptions {
  /** Skip record files larger than this many bytes; default 32 MiB. */
  maxFileSize?: number;
  report: ProblemSink;
}

/** What a streamed read leaves behind once every record went through the callback. */
export interface StreamedStore {
  runs: RunRecord[];
  images: SiteImage[];
}

/**
 * Reads every record in store order (keys sorted, versions oldest first, then unkeyed), calling `onRecord` for
 * each readable one, then the runs. Problems are reported in that same order.
 */
export async function streamStore(dir: string, options: ReadOptions, onRecord: (r: ReadRecord) => void | Promise<void>): Promise<StreamedStore> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new BuildError(`Store folder ${JSON.stringify(dir)} does not exist or is not a folder.`);
  const store = new FsStore(dir, { limits: options.maxFileSize === undefined ? {} : { maxFileSize: options.maxFileSize } });
  const report = options.report;
  const images = new Map<string, SiteImage>();
  const seen = new Map<string, string>();

  const keys: (string | null)[] = [...(await store.listKeys(report)), null];
  for (const key of keys) {
    // The folder is checked once for its files (an lstat per file was ~0.1 s of the reader thread on the 10k bench).
    const { names, folder } = store.listVersionsSync(key, report);
    if (names.length === 0) continue;
    const dir = store.keyDir(key);
    for (const name of names) {
      const source = path.join(store.location, key ?? UNKEYED_DIR, name);
      const read = readRecordSync(store, key, dir, folder, name, source);
      if (read === undefined) continue; // deleted between listing and reading
      if ("reason" in read) {
        report(read);
        continue;
      }
      const { record, hash, text } = read;
      // Two files with one id would fight over one page: the first in version order wins.
      const id = record.id.toLowerCase();
      const first = seen.get(id);
      if (first !== undefined) {
        report({ path: source, reason: `duplicate artifact id ${JSON.stringify(record.id)} (also in ${first}); skipped` });
        continue;
      }
      let imagePath: string | undefined;
      if (record.type === "image" && "file" in record.data) {
        const image = await readImage(store, record, source, report);
        if (!image) continue;
        if (!images.has(image.path)) images.set(image.path, image);
        imagePath = image.path;
      }
      seen.set(id, source);
      await onRecord({ record, hash, source, imagePath, text });
    }
  }
  const runs = await store.listRuns(report);
  return { runs, images: [...images.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

/**
 * One record file, with the checks of `FsStore.readVersion` (same reasons): the folder (`folder`: its lstat, taken
 * once for all its files) is not a symlink, the file is a regular file opened without following links, under the
 * size cap, valid JSON, a valid record whose key and `created` match its folder and file name. Undefined when the
 * file vanished. `relPath`: the file's path as problems name it.
 */
export function readRecordSync(
  store: FsStore, key: string | null, dir: string, folder: Stats | undefined, name: string,
  relPath = path.join(store.location, key ?? UNKEYED_DIR, name),
): { record: ArtifactRecord; hash: string; text: string } | StoreProblem | undefined {
  if (timestampOfFileName(name) === null) return { path: relPath, reason: "file name is not a version timestamp" };
  if (folder?.isSymbolicLink()) return { path: relPath, reason: "a folder inside the store is a symbolic link; refused" };
  if (folder && !folder.isDirectory()) return { path: relPath, reason: "not a folder; refused" };
  let fd: number;
  try {
    // `name` is a version file name (checked just above): no separator, nothing to normalise.
    fd = openSync(`${dir}${path.sep}${name}`, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") return { path: relPath, reason: "symbolic link; refused" };
    return { path: relPath, reason: `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  let bytes: Buffer;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { path: relPath, reason: "not a regular file" };
    if (stat.size > store.limits.maxFileSize) {
      return { path: relPath, reason: `file of ${stat.size} bytes is over the ${store.limits.maxFileSize}-byte limit; skipped unread` };
    }
    bytes = readAll(fd, stat.size);
  } catch (err) {
    return { path: relPath, reason: `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  } finally {
    closeSync(fd);
  }
  const text = bytes.toString("utf8");
  const parsed = parseJson(text);
  const checked = parsed.ok ? checkVersionFile(parsed.value, key, name, store.limits) : parsed;
  if (!checked.ok) return { path: relPath, reason: checked.reason };
  return { record: checked.value, hash: hash("sha1", bytes, "hex"), text };
}

/**
 * Reads records of a store again (a rebuild's late diffs, see ExtrasCollector's `lateDiff`), from the file their
 * key and `created` name (a version's file name is its `created`, checked on read). A record file rewritten in
 * between (a progress artifact updated in place by a running job) gives its new content: the store's stamp was taken
 * before the first read, so the next build sees the change and makes the page again. A file gone or no longer a
 * valid record throws a BuildError naming it.
 */
export class Rereader {
  private readonly store: FsStore;

  constructor(dir: string, maxFileSize?: number) {
    this.store = new FsStore(dir, { limits: maxFileSize === undefined ? {} : { maxFileSize } });
  }

  /** The full record, read again. */
  again(record: ArtifactRecord): ArtifactRecord {
    const name = versionFileName(Date.parse(record.created));
    const source = path.join(this.store.location, record.key ?? UNKEYED_DIR, name);
    const dir = this.store.keyDir(record.key);
    const read = readRecordSync(this.store, record.key, dir, lstatSync(dir, { throwIfNoEntry: false }), name, source);
    if (read === undefined || "reason" in read || read.record.id !== record.id) {
      const why = read === undefined ? "is gone" : "reason" in read ? `cannot be read again (${read.reason})` : "holds another artifact";
      throw new BuildError(`${source} ${why}: it changed while the site was being built; build again.`);
    }
    return read.record;
  }
}

/** Reads a file to its end: `size` is a hint (the file may have grown or shrunk since fstat). */
function readAll(fd: number, size: number): Buffer {
  // One byte past the size, so the read that finds the end has room and a whole file costs no second buffer.
  let buf = Buffer.allocUnsafe(Math.max(size + 1, 1024));
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const n = readSync(fd, buf, len, buf.length - len, null);
    if (n === 0) break;
    len += n;
  }
  return buf.subarray(0, len);
}

/** Reads a local image and checks its bytes really are the image type the record claims (SVG never is). */
export async function readImage(store: FsStore, record: ArtifactRecord, source: string, report: ProblemSink): Promise<SiteImage | undefined> {
  const data = record.data as { file: string; mediaType: string };
  let bytes: Buffer;
  try {
    bytes = await store.readAttachment(record.key, data.file);
  } catch (err) {
    report(asProblem(err) ?? { path: source, reason: `image file ${JSON.stringify(data.file)}: ${(err as Error).message}` });
    return undefined;
  }
  const kind = sniffImage(bytes);
  if (!kind || kind.mediaType !== data.mediaType) {
    report({ path: source, reason: `image file ${JSON.stringify(data.file)} does not hold an image of type ${data.mediaType}; skipped` });
    return undefined;
  }
  return { path: imageFile(hash("sha256", bytes, "hex").slice(0, 16), kind.extension), bytes };
}

export function asProblem(err: unknown): StoreProblem | undefined {
  const e = err as { path?: unknown; reason?: unknown; message?: unknown };
  if (typeof e?.path === "string" && typeof e.reason === "string") return { path: e.path, reason: e.reason };
  if (typeof e?.path === "string" && typeof e.message === "string") return { path: e.path, reason: e.message };
  return undefined;
}
