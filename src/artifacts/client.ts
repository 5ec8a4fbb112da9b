/** The writer API and the read side, bound to one store. `openStore(dir)` makes one; the package's functions use the default. */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { ArtifactNotFoundError, ArtifactTooLargeError, InvalidArtifactError } from "../errors.js";
import type { ProblemSink, StoreBackend } from "../store/backend.js";
import { FsStore, serialize, type FsStoreOptions } from "../store/fs-store.js";
import { IMAGE_PROTOCOLS, LINK_PROTOCOLS, assertKey, assertUrl, isUuid, versionFileName } from "../store/rules.js";
import { DEFAULT_LIMITS, FORMAT_VERSION, type Limits } from "../types.js";
import type {
  ArtifactDraft, ArtifactRecord, ArtifactType, ImageOptions, LinkOptions, MarkdownOptions, ProgressOptions,
  RunRecord, TableOptions, UpdateProgressOptions,
} from "../types.js";
import { sniffImage } from "./image.js";
import { checkDescription, checkText, normalizeProgress, normalizeTable } from "./normalize.js";
import { currentRun, ensureEnvRun, wrapRun } from "./runs.js";

export interface OpenStoreOptions extends FsStoreOptions {
  /** Where warnings go (progress clamped); default `process.emitWarning`. */
  warn?: (message: string) => void;
}

/** A key with its latest version and how many versions it has. */
export interface KeySummary {
  key: string;
  latest: ArtifactRecord;
  versions: number;
}

function requireOptions(options: unknown, fn: string): Record<string, unknown> {
  if (typeof options !== "object" || options === null) {
    throw new InvalidArtifactError("options", options, `${fn} takes one options object`);
  }
  return options as Record<string, unknown>;
}

export class ArtifactStore {
  readonly backend: StoreBackend;
  readonly limits: Limits;
  private readonly warn: (message: string) => void;

  constructor(backend: StoreBackend, options: { limits?: Partial<Limits>; warn?: (message: string) => void } = {}) {
    this.backend = backend;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.warn = options.warn ?? ((message) => process.emitWarning(message, "ArtifactPressWarning"));
  }

  // ---- writing ----

  async createLinkArtifact(options: LinkOptions): Promise<string> {
    const o = requireOptions(options, "createLinkArtifact");
    assertUrl("link", o.link, LINK_PROTOCOLS);
    const text = o.linkText === undefined || o.linkText === null ? null : checkText("linkText", o.linkText, 64 * 1024);
    return this.create(o, "link", { url: o.link, text });
  }

  async createMarkdownArtifact(options: MarkdownOptions): Promise<string> {
    const o = requireOptions(options, "createMarkdownArtifact");
    const markdown = checkText("markdown", o.markdown, this.limits.maxMarkdownBytes);
    return this.create(o, "markdown", markdown);
  }

  async createTableArtifact(options: TableOptions): Promise<string> {
    const o = requireOptions(options, "createTableArtifact");
    return this.create(o, "table", normalizeTable(o.table, o.columns, this.limits));
  }

  async createImageArtifact(options: ImageOptions): Promise<string> {
    const o = requireOptions(options, "createImageArtifact");
    const hasUrl = o.imageUrl !== undefined, hasPath = o.imagePath !== undefined;
    if (hasUrl === hasPath) {
      throw new InvalidArtifactError("imageUrl", o.imageUrl ?? null, "give exactly one of imageUrl and imagePath");
    }
    if (hasUrl) {
      assertUrl("imageUrl", o.imageUrl, IMAGE_PROTOCOLS);
      return this.create(o, "image", { url: o.imageUrl });
    }
    const file = o.imagePath;
    if (typeof file !== "string" || file.length === 0) throw new InvalidArtifactError("imagePath", file, "must be a file path");
    let bytes: Buffer;
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) throw new InvalidArtifactError("imagePath", file, "is not a file");
      if (stat.size > this.limits.maxFileSize) {
        throw new ArtifactTooLargeError("imagePath", file, `${stat.size} bytes is over the ${this.limits.maxFileSize}-byte limit`);
      }
      bytes = await fs.readFile(file);
    } catch (err) {
      if (err instanceof InvalidArtifactError) throw err;
      throw new InvalidArtifactError("imagePath", file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
    }
    const kind = sniffImage(bytes);
    if (!kind) throw new InvalidArtifactError("imagePath", file, "is not a PNG, JPEG, GIF, WebP or AVIF image (SVG is refused)");
    // The store names the attached file after the artifact id; the placeholder is replaced on publish.
    return this.create(o, "image", { file: "pending", mediaType: kind.mediaType }, { bytes, extension: kind.extension });
  }

  async createProgressArtifact(options: ProgressOptions): Promise<string> {
    const o = requireOptions(options, "createProgressArtifact");
    return this.create(o, "progress", normalizeProgress(o.progress, this.warn));
  }

  async updateProgressArtifact(options: UpdateProgressOptions): Promise<string> {
    const o = requireOptions(options, "updateProgressArtifact");
    if (!isUuid(o.artifactId)) throw new InvalidArtifactError("artifactId", o.artifactId, "must be an artifact id (a UUID)");
    const progress = normalizeProgress(o.progress, this.warn);
    const description = o.description === undefined ? undefined : checkDescription(o.description, this.limits);
    const record = (await this.readCreated(o.artifactId)) ?? (await this.getById(o.artifactId));
    if (!record) throw new ArtifactNotFoundError(`Artifact ${JSON.stringify(o.artifactId)} not found.`);
    if (record.type !== "progress") {
      throw new InvalidArtifactError("artifactId", o.artifactId, `is a ${record.type} artifact, not a progress artifact`);
    }
    const updated = new Date(Math.max(Date.now(), Date.parse(record.updated))).toISOString();
    await this.backend.replace({
      ...record, data: progress, updated, ...(description === undefined ? {} : { description }),
    });
    return record.id;
  }

  private async create(
    o: Record<string, unknown>, type: ArtifactType, data: unknown,
    attachment?: { bytes: Uint8Array; extension: string },
  ): Promise<string> {
    const key = o.key === undefined || o.key === null ? null : o.key;
    if (key !== null) assertKey(key);
    const description = checkDescription(o.description, this.limits);
    const run = currentRun();
    const draft = {
      formatVersion: FORMAT_VERSION, id: randomUUID(), key, type, description, data,
      flowRunId: run.flowRunId, taskRunId: run.taskRunId,
    } as ArtifactDraft;
    const size = Buffer.byteLength(serialize(draft));
    if (size > this.limits.maxFileSize) {
      throw new ArtifactTooLargeError(type, `${size} bytes`, `the record would be over the ${this.limits.maxFileSize}-byte file limit`);
    }
    if (run.fromEnv && run.flowRunId) await ensureEnvRun(this.backend, run.flowRunId);
    const record = await this.backend.publish(draft, attachment);
    // Remember where progress artifacts live, so updating one does not scan the whole store.
    if (record.type === "progress") this.created.set(record.id, { key: record.key, created: record.created });
    return record.id;
  }

  private readonly created = new Map<string, { key: string | null; created: string }>();

  /** A progress artifact this store created, read afresh from its file (another process may have changed it). */
  private async readCreated(id: string): Promise<ArtifactRecord | undefined> {
    const where = this.created.get(id);
    if (!where) return undefined;
    try {
      const record = await this.backend.readVersion(where.key, versionFileName(Date.parse(where.created)));
      if (record.id === id) return record;
    } catch {
      // deleted or edited by hand: fall back to a full lookup
    }
    this.created.delete(id);
    return undefined;
  }

  // ---- runs ----

  /** Wraps `fn`: each call is a flow run. */
  flow<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>) {
    return wrapRun(() => this.backend, "flow", name, fn);
  }

  /** Wraps `fn`: each call is a task run inside the enclosing flow. */
  task<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>) {
    return wrapRun(() => this.backend, "task", name, fn);
  }

  listRuns(report?: ProblemSink): Promise<RunRecord[]> {
    return this.backend.listRuns(report);
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.backend.readRun(id);
  }

  // ---- reading ----

  /** The newest version of `key` (the last in version order), or undefined. */
  async get(key: string): Promise<ArtifactRecord | undefined> {
    assertKey(key);
    const names = await this.backend.listVersions(key);
    for (let i = names.length - 1; i >= 0; i--) {
      const record = await this.tryRead(key, names[i]!);
      if (record) return record;
    }
    return undefined;
  }

  /** Every version of `key`, newest first (unreadable files are reported and skipped). */
  async versions(key: string, report?: ProblemSink): Promise<ArtifactRecord[]> {
    assertKey(key);
    return this.readAll(key, report);
  }

  /** Unkeyed artifacts, newest first. */
  unkeyed(report?: ProblemSink): Promise<ArtifactRecord[]> {
    return this.readAll(null, report);
  }

  /** Every key with its latest version, sorted by key. */
  async list(report?: ProblemSink): Promise<KeySummary[]> {
    const out: KeySummary[] = [];
    for (const key of await this.backend.listKeys(report)) {
      const versions = await this.readAll(key, report);
      if (versions[0]) out.push({ key, latest: versions[0], versions: versions.length });
    }
    return out;
  }

  /** Every record of the store, keyed (by key, newest first) then unkeyed. */
  async all(report?: ProblemSink): Promise<ArtifactRecord[]> {
    const out: ArtifactRecord[] = [];
    for (const key of await this.backend.listKeys(report)) out.push(...(await this.readAll(key, report)));
    out.push(...(await this.readAll(null, report)));
    return out;
  }

  /** One artifact by id, keyed or not. */
  async getById(id: string): Promise<ArtifactRecord | undefined> {
    if (!isUuid(id)) throw new InvalidArtifactError("id", id, "must be an artifact id (a UUID)");
    const wanted = id.toLowerCase();
    const may = this.backend.mayHoldId?.bind(this.backend);
    if (!may) return (await this.all()).find((r) => r.id.toLowerCase() === wanted);
    // The first valid record with that id in the order of `all()`, reading (and checking) only the files that may
    // hold it. A UUID is hex digits and dashes: nothing in it means anything to a regular expression but `-`,
    // which means nothing outside a character class.
    const pattern = new RegExp(wanted, "i");
    for (const key of [...(await this.backend.listKeys()), null]) {
      const names = await this.backend.listVersions(key);
      for (let i = names.length - 1; i >= 0; i--) {
        if (!may(key, names[i]!, pattern)) continue;
        const record = await this.tryRead(key, names[i]!);
        if (record && record.id.toLowerCase() === wanted) return record;
      }
    }
    return undefined;
  }

  /** Deletes versions already read (with their attached files); the previous version of a key becomes the latest. */
  async delete(records: readonly ArtifactRecord[]): Promise<void> {
    for (const record of records) await this.backend.remove(record);
  }

  /** Deletes every version of `key` and their attached files; resolves to how many went. */
  async deleteKey(key: string): Promise<number> {
    const versions = await this.versions(key);
    await this.delete(versions);
    return versions.length;
  }

  /** Deletes one artifact; the previous version of its key becomes the latest. */
  async deleteById(id: string): Promise<ArtifactRecord> {
    const record = await this.getById(id);
    if (!record) throw new ArtifactNotFoundError(`Artifact ${JSON.stringify(id)} not found.`);
    await this.delete([record]);
    return record;
  }

  private async readAll(key: string | null, report?: ProblemSink): Promise<ArtifactRecord[]> {
    const names = await this.backend.listVersions(key, report);
    const out: ArtifactRecord[] = [];
    for (let i = names.length - 1; i >= 0; i--) {
      const record = await this.tryRead(key, names[i]!, report);
      if (record) out.push(record);
    }
    return out;
  }

  private async tryRead(key: string | null, name: string, report?: ProblemSink): Promise<ArtifactRecord | undefined> {
    try {
      return await this.backend.readVersion(key, name);
    } catch (err) {
      const e = err as { path?: string; reason?: string; cause?: NodeJS.ErrnoException };
      if (e.cause?.code === "ENOENT") return undefined; // deleted between listing and reading
      if (e.path && e.reason) {
        report?.({ path: e.path, reason: e.reason });
        return undefined;
      }
      throw err;
    }
  }
}

/** A store bound to `dir` (default: ARTIFACTS_DIR or `.artifacts`, resolved now). */
export function openStore(dir?: string, options: OpenStoreOptions = {}): ArtifactStore {
  const root = dir ?? defaultDir();
  return new ArtifactStore(new FsStore(root, options), options);
}

export function defaultDir(): string {
  const env = process.env.ARTIFACTS_DIR;
  return env !== undefined && env !== "" ? env : ".artifacts";
}
