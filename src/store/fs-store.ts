/** The file-system backend: `.artifacts/<key>/<timestamp>.json`, atomic publishes, checked reads. */
import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, promises as fs, readFileSync, constants as fsc, type Dirent, type Stats } from "node:fs";
import path from "node:path";
import { InvalidRecordError, UnsafePathError } from "../errors.js";
import { DEFAULT_LIMITS, type ArtifactDraft, type ArtifactRecord, type Limits, type RunRecord } from "../types.js";
import type { Attachment, ProblemSink, StoreBackend } from "./backend.js";
import { assertKey, assertRunId, isValidFileName, isValidRunId, keyProblem, timestampOfFileName, versionFileName } from "./rules.js";
import {
  REMAKE_ATTEMPTS, assertRealDir, dirProblem, isErrno, lstatOrUndefined, makeRealDir, readDirOrEmpty, readDirOrEmptySync, statProblem,
} from "./folders.js";
import { checkRunRecord, checkVersionFile, parseJson } from "./validate.js";

export const UNKEYED_DIR = "_unkeyed";
export const RUNS_DIR = "_runs";
export const TMP_DIR = "_tmp";

export interface FsStoreOptions {
  /** fsync every file before it is published; default true. */
  durable?: boolean;
  /** Caps applied on read and write; default DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
}

// One clock for the whole process, so versions written by this process keep their order whatever the key.
let lastMs = 0;
function nextMs(after = 0): number {
  lastMs = Math.max(Date.now(), lastMs + 1, after + 1);
  return lastMs;
}


export class FsStore implements StoreBackend {
  readonly root: string;
  readonly location: string;
  readonly limits: Limits;
  private readonly durable: boolean;

  constructor(dir: string, options: FsStoreOptions = {}) {
    this.root = path.resolve(dir);
    this.location = dir;
    this.durable = options.durable ?? true;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** The folder of a key (validated before any path is built) or of unkeyed artifacts. */
  keyDir(key: string | null): string {
    if (key === null) return path.join(this.root, UNKEYED_DIR);
    assertKey(key);
    return path.join(this.root, key);
  }

  private rel(...parts: string[]): string {
    return path.join(this.location, ...parts);
  }

  async listKeys(report?: ProblemSink): Promise<string[]> {
    const entries = await readDirOrEmpty(this.root);
    const keys: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
      const problem = keyProblem(entry.name);
      if (problem) {
        report?.({ path: this.rel(entry.name), reason: `folder name breaks the key rule: ${problem}` });
      } else if (entry.isSymbolicLink()) {
        report?.({ path: this.rel(entry.name), reason: "key folder is a symbolic link; refused" });
      } else if (entry.isDirectory()) {
        keys.push(entry.name);
      } else {
        report?.({ path: this.rel(entry.name), reason: "not a folder" });
      }
    }
    return keys.sort();
  }

  async listVersions(key: string | null, report?: ProblemSink): Promise<string[]> {
    const dir = this.keyDir(key);
    // Reading through a symlinked key folder would read files from outside the store.
    const folderProblem = await dirProblem(dir);
    if (folderProblem) {
      report?.({ path: this.rel(key ?? UNKEYED_DIR), reason: `${folderProblem}; refused` });
      return [];
    }
    return this.versionNames(key, await readDirOrEmpty(dir), report);
  }

  /**
   * `listVersions` without the event loop, with the folder's lstat (the site's reader reads every file of a key
   * synchronously and checks the folder once for them all: two thread-pool round trips a key less).
   */
  listVersionsSync(key: string | null, report?: ProblemSink): { names: string[]; folder: Stats | undefined } {
    const dir = this.keyDir(key);
    const problem = statProblem(lstatOrUndefined(dir));
    if (problem) {
      report?.({ path: this.rel(key ?? UNKEYED_DIR), reason: `${problem}; refused` });
      return { names: [], folder: undefined };
    }
    const names = this.versionNames(key, readDirOrEmptySync(dir), report);
    // Taken again after the listing, as the last look before the files are read (see readRecordSync).
    return { names, folder: lstatOrUndefined(dir) };
  }

  /** The version files among a key folder's entries, sorted; the rest reported. */
  private versionNames(key: string | null, entries: Dirent[], report?: ProblemSink): string[] {
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.name.endsWith(".json")) continue; // attached images live beside the versions
      const relPath = this.rel(key ?? UNKEYED_DIR, entry.name);
      if (timestampOfFileName(entry.name) === null) {
        report?.({ path: relPath, reason: "file name is not a version timestamp (YYYY-MM-DDTHH-mm-ss.SSSZ.json)" });
      } else if (!entry.isFile()) {
        report?.({ path: relPath, reason: entry.isSymbolicLink() ? "symbolic link; refused" : "not a regular file" });
      } else {
        names.push(entry.name);
      }
    }
    return names.sort();
  }

  async readVersion(key: string | null, name: string): Promise<ArtifactRecord> {
    const relPath = this.rel(key ?? UNKEYED_DIR, name);
    if (timestampOfFileName(name) === null) throw new InvalidRecordError(relPath, "file name is not a version timestamp");
    const dir = this.keyDir(key);
    const folderProblem = await dirProblem(dir);
    if (folderProblem) throw new InvalidRecordError(relPath, `${folderProblem}; refused`);
    const value = this.readJson(path.join(dir, name), relPath);
    const checked = checkVersionFile(value, key, name, this.limits);
    if (!checked.ok) throw new InvalidRecordError(relPath, checked.reason);
    return checked.value;
  }

  /**
   * See StoreBackend.mayHoldId: the file's bytes, read without parsing (a lookup by id parsed and checked every
   * record of the store: 2.7 s for 10,000), may hold the id when they spell it in any case or hold a JSON escape
   * that could spell it. Anything that cannot be read this way may hold it (readVersion then decides).
   */
  mayHoldId(key: string | null, name: string, id: RegExp): boolean {
    let fd: number | undefined;
    try {
      fd = openSync(path.join(this.keyDir(key), name), fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
      const stat = fstatSync(fd);
      if (!stat.isFile() || stat.size > this.limits.maxFileSize) return true;
      const text = readFileSync(fd, "utf8");
      return id.test(text) || text.includes("\\u");
    } catch {
      return true;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /**
   * Reads and parses one JSON file: refuses symlinks, files over the size cap, and broken JSON. Synchronous: a
   * record or run file is small (and capped), and four thread-pool round trips per file left a build's threads idle
   * (~50 ms reading the 10k bench's 200 run files, both threads waiting).
   */
  private readJson(file: string, relPath: string): unknown {
    let fd: number;
    try {
      fd = openSync(file, fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    } catch (err) {
      if (isErrno(err, "ELOOP")) throw new InvalidRecordError(relPath, "symbolic link; refused");
      throw new InvalidRecordError(relPath, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new InvalidRecordError(relPath, "not a regular file");
      if (stat.size > this.limits.maxFileSize) {
        throw new InvalidRecordError(relPath, `file of ${stat.size} bytes is over the ${this.limits.maxFileSize}-byte limit; skipped unread`);
      }
      const parsed = parseJson(readFileSync(fd, "utf8"));
      if (!parsed.ok) throw new InvalidRecordError(relPath, parsed.reason);
      return parsed.value;
    } finally {
      closeSync(fd);
    }
  }

  async publish(draft: ArtifactDraft, attachment?: Attachment): Promise<ArtifactRecord> {
    const dir = await this.ensureDir(draft.key);
    let attachedFile: string | undefined;
    if (attachment) {
      attachedFile = `${draft.id}${attachment.extension}`;
      const target = path.join(dir, attachedFile);
      await this.publishBytes(attachment.bytes, target, "link", () => this.ensureDir(draft.key));
    }
    const base = attachedFile && draft.type === "image"
      ? { ...draft, data: { ...(draft.data as object), file: attachedFile } }
      : draft;
    let ms = nextMs();
    const tmp = this.tmpName();
    let remakes = 0;
    try {
      for (;;) {
        const iso = new Date(ms).toISOString();
        const record = { ...base, created: iso, updated: iso } as ArtifactRecord;
        await this.writeTemp(tmp, serialize(record));
        try {
          await fs.link(tmp, path.join(dir, versionFileName(ms)));
          return record;
        } catch (err) {
          if (isErrno(err, "ENOENT") && remakes < REMAKE_ATTEMPTS) {
            // Another process deleted the key's last version (and its folder) between ensureDir and link.
            remakes++;
            await this.ensureDir(draft.key);
            continue;
          }
          if (!isErrno(err, "EEXIST")) throw err;
          ms = nextMs(ms); // another writer took this millisecond: take the next one
        }
      }
    } catch (err) {
      if (attachedFile) await fs.rm(path.join(dir, attachedFile), { force: true });
      throw err;
    } finally {
      await removeTemp(tmp);
    }
  }

  async replace(record: ArtifactRecord): Promise<void> {
    const dir = this.keyDir(record.key);
    await assertRealDir(dir);
    const file = path.join(dir, versionFileName(Date.parse(record.created)));
    await this.publishBytes(Buffer.from(serialize(record)), file, "rename");
  }

  async remove(record: ArtifactRecord): Promise<void> {
    const dir = this.keyDir(record.key);
    await assertRealDir(dir);
    await fs.rm(path.join(dir, versionFileName(Date.parse(record.created))), { force: true });
    // Only the file this writer attached (named after the id): a hand-edited record may name another's image.
    if (record.type === "image" && "file" in record.data && isValidFileName(record.data.file)
      && record.data.file.toLowerCase().startsWith(`${record.id.toLowerCase()}.`)) {
      await fs.rm(path.join(dir, record.data.file), { force: true });
    }
    if (record.key !== null) {
      // The last version gone takes the key with it; a folder that still holds something stays.
      await fs.rmdir(dir).catch(() => undefined);
    }
  }

  async readAttachment(key: string | null, file: string): Promise<Buffer> {
    if (!isValidFileName(file)) throw new UnsafePathError(file, "not a bare file name");
    const relPath = this.rel(key ?? UNKEYED_DIR, file);
    const dir = this.keyDir(key);
    const folderProblem = await dirProblem(dir);
    if (folderProblem) throw new InvalidRecordError(relPath, `${folderProblem}; refused`);
    const handle = await fs.open(path.join(dir, file), fsc.O_RDONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK).catch((err) => {
      throw new InvalidRecordError(relPath, `cannot read attached file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    });
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > this.limits.maxFileSize) {
        throw new InvalidRecordError(relPath, "attached file is not a regular file under the size limit");
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async listRuns(report?: ProblemSink): Promise<RunRecord[]> {
    return this.listRunsSync(report);
  }

  /** `listRuns` without the event loop (see readJson). */
  listRunsSync(report?: ProblemSink): RunRecord[] {
    const dir = path.join(this.root, RUNS_DIR);
    const runs: RunRecord[] = [];
    const folderProblem = statProblem(lstatOrUndefined(dir));
    if (folderProblem) {
      report?.({ path: this.rel(RUNS_DIR), reason: `${folderProblem}; refused` });
      return runs;
    }
    for (const entry of readDirOrEmptySync(dir)) {
      if (!entry.name.endsWith(".json")) continue;
      const relPath = this.rel(RUNS_DIR, entry.name);
      if (!entry.isFile()) {
        report?.({ path: relPath, reason: entry.isSymbolicLink() ? "symbolic link; refused" : "not a regular file" });
        continue;
      }
      try {
        const run = this.readRunFile(entry.name.slice(0, -5), relPath);
        if (run) runs.push(run);
      } catch (err) {
        if (!(err instanceof InvalidRecordError)) throw err;
        report?.({ path: err.path, reason: err.reason });
      }
    }
    runs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Ids that differ only in case name the same file on case-insensitive disks: keep the first in id order.
    const folded = new Set<string>();
    return runs.filter((run) => {
      const lower = run.id.toLowerCase();
      if (!folded.has(lower)) return folded.add(lower);
      report?.({ path: this.rel(RUNS_DIR, `${run.id}.json`), reason: "run id differs only in case from another run's; skipped" });
      return false;
    });
  }

  async readRun(id: string): Promise<RunRecord | undefined> {
    assertRunId(id);
    try {
      return this.readRunFile(id, this.rel(RUNS_DIR, `${id}.json`));
    } catch (err) {
      if (err instanceof InvalidRecordError && isErrno(err.cause, "ENOENT")) return undefined;
      throw err;
    }
  }

  private readRunFile(id: string, relPath: string): RunRecord {
    if (!isValidRunId(id)) throw new InvalidRecordError(relPath, "file name is not a run id");
    const dir = path.join(this.root, RUNS_DIR);
    const folderProblem = statProblem(lstatOrUndefined(dir));
    if (folderProblem) throw new InvalidRecordError(relPath, `${folderProblem}; refused`);
    const value = this.readJson(path.join(dir, `${id}.json`), relPath);
    const checked = checkRunRecord(value);
    if (!checked.ok) throw new InvalidRecordError(relPath, checked.reason);
    if (checked.value.id !== id) throw new InvalidRecordError(relPath, `id ${JSON.stringify(checked.value.id)} does not match the file name`);
    return checked.value;
  }

  async writeRun(run: RunRecord): Promise<void> {
    assertRunId(run.id);
    const dir = await this.ensureReserved(RUNS_DIR);
    await this.publishBytes(Buffer.from(serialize(run)), path.join(dir, `${run.id}.json`), "rename");
  }

  async createRunIfAbsent(run: RunRecord): Promise<boolean> {
    assertRunId(run.id);
    const dir = await this.ensureReserved(RUNS_DIR);
    try {
      await this.publishBytes(Buffer.from(serialize(run)), path.join(dir, `${run.id}.json`), "link");
      return true;
    } catch (err) {
      if (isErrno(err, "EEXIST")) return false;
      throw err;
    }
  }

  async removeRun(id: string): Promise<void> {
    assertRunId(id);
    await fs.rm(path.join(this.root, RUNS_DIR, `${id}.json`), { force: true });
  }

  // ---- writing ----

  /** Writes bytes to a temp file, then publishes them: `link` fails on an existing file, `rename` replaces it. */
  private async publishBytes(
    bytes: Uint8Array, file: string, mode: "link" | "rename", remakeDir?: () => Promise<unknown>,
  ): Promise<void> {
    const tmp = this.tmpName();
    const put = () => (mode === "link" ? fs.link(tmp, file) : fs.rename(tmp, file));
    try {
      await this.writeTemp(tmp, bytes);
      for (let remakes = 0; ; remakes++) {
        try {
          await put();
          break;
        } catch (err) {
          // The target folder vanished under us (another process removed its last file): make it again.
          if (!remakeDir || !isErrno(err, "ENOENT") || remakes >= REMAKE_ATTEMPTS) throw err;
          await remakeDir();
        }
      }
    } finally {
      if (mode === "link") await removeTemp(tmp);
    }
  }

  private async writeTemp(tmp: string, data: Uint8Array | string): Promise<void> {
    await this.ensureReserved(TMP_DIR);
    const handle = await fs.open(tmp, "w", 0o644);
    try {
      await handle.writeFile(data);
      if (this.durable) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private tmpName(): string {
    return path.join(this.root, TMP_DIR, `${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
  }

  /**
   * Makes a key's folder (or `_unkeyed/`) and refuses one that is a symlink or not a plain folder. Not cached:
   * another process may delete the folder (its last version gone) at any time.
   */
  private async ensureDir(key: string | null): Promise<string> {
    const dir = this.keyDir(key);
    await makeRealDir(dir, this.root);
    return dir;
  }

  private async ensureReserved(name: string): Promise<string> {
    const dir = path.join(this.root, name);
    await makeRealDir(dir, this.root);
    return dir;
  }
}

/**
 * Removes a temp file of ours (gone already is fine). An `unlink`: `fs.rm` first looks at what it removes, a
 * second system call per artifact written.
 */
async function removeTemp(tmp: string): Promise<void> {
  try {
    await fs.unlink(tmp);
  } catch (err) {
    if (!isErrno(err, "ENOENT")) throw err;
  }
}

/** The bytes of a record file: two-space JSON with a final newline, so files diff well. */
export function serialize(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
