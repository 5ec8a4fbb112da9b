/**
 * The store streamed with each record's artifact HTML: on a big store a reader thread (read-worker.ts) reads,
 * checks and renders the records while this thread collects them, so the two overlap on two cores. The thread
 * reads exactly as `streamStore` does (it runs it), and everything it finds comes back in one stream in store
 * order: records and problems reach the caller in the order, and with the bytes, of an in-thread read.
 *
 * Records come over as the text of their file (parsed again here: cheaper than a structured clone of the record),
 * fragments packed as the fragment pack stores them (moved, not copied). The thread stays at most MAX_AHEAD characters ahead of the caller, so memory stays flat.
 */
import { hash as digest } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { BuildError } from "../errors.js";
import { UNKEYED_DIR } from "../store/fs-store.js";
import type { StoreProblem } from "../store/backend.js";
import { streamStore, type ReadOptions, type ReadRecord, type StreamedStore } from "./read.js";
import type { PackedArtifact } from "./fragments.js";
import type { RenderedArtifact, SiteRenderer } from "./render.js";
import type { ReadyDiff } from "./extras/collect.js";

/**
 * Record files a store needs before a reader thread starts: the thread takes ~0.2 s to start and load the renderer,
 * and on a store of ~1,100 records a build was no faster with it (~2,500: 0.3–0.6 s less main-thread CPU).
 */
export const THREAD_AFTER = 2000;
/** Characters handed over by the reader thread and not yet taken by the caller at which the thread waits. */
export const MAX_AHEAD = 4 * 1024 * 1024;
/**
 * Characters handed over and not yet taken below which the reader thread leaves records unrendered for the caller
 * to render: the caller would otherwise wait for the thread (on the 10k bench the main thread waited ~60% of the
 * read phase; sharing the rendering this way made cold builds 3.4–3.7 → 3.0–3.1 s).
 */
export const SHARE_BELOW = 512 * 1024;

/** Whether to read on a thread: `auto` (default) for a store of THREAD_AFTER record files or more on 2+ cores. */
export type ReadThread = "auto" | "always" | "never";

/** The fragment cache key of a record: the hash of its file, with its image's path for a local image. */
export function fragmentKey(hash: string, imagePath: string | undefined): string {
  return imagePath === undefined ? hash : digest("sha1", `${hash}\0${imagePath}`, "hex");
}

export interface RenderedRecord extends ReadRecord {
  /** See fragmentKey. */
  key: string;
  /**
   * The artifact rendered (by the reader thread, which hands it over packed, else now); throws what
   * `renderArtifact` throws.
   */
  render(): RenderedArtifact | PackedArtifact;
  /** Its diff against the key's previous record, when the reader thread computed it (see ReadyDiff). */
  diff?: ReadyDiff;
}

export interface RenderedReadOptions extends ReadOptions {
  renderer: SiteRenderer;
  /** Fragment keys the caller already holds: the reader thread does not render them. */
  known?: Iterable<string>;
  thread?: ReadThread;
  /** Whether the store has THREAD_AFTER record files or more, when the caller counted already (countRecordFiles). */
  big?: boolean;
  /** How far (characters) the reader thread may run ahead of `onRecord`; default MAX_AHEAD. */
  maxAhead?: number;
  /** See SHARE_BELOW (its default): 0 has the thread render everything, Infinity nothing. */
  shareBelow?: number;
  /** A reader thread started ahead with `startReader` (for this store and these options): the stream uses it. */
  reader?: EarlyReader;
}

/** Message items from the reader thread (read-worker.ts). */
export type ThreadItem =
  | { problem: StoreProblem }
  | { text: string; hash: string; source: string; imagePath?: string; key: string; packed?: PackedArtifact; error?: string; diff?: ReadyDiff };

export type ThreadMessage =
  | { items: ThreadItem[]; size: number }
  | { done: StreamedStore }
  | { failed: { name: string; message: string; code?: string } };

/** What the reader thread is started with. */
export interface ThreadData {
  dir: string;
  maxFileSize?: number;
  templatesDir: string;
  known: string[];
  maxAhead: number;
  shareBelow: number;
  /** Started ahead (`startReader`): waits for `{ go: true }` before it reads anything. */
  gated?: boolean;
  /**
   * Characters the caller has taken so far (a BigInt64Array's one element, added to with Atomics): the thread reads
   * it synchronously. An answer by message alone reached the thread only when its loop yielded, which a synchronous
   * read seldom does, so it saw the caller as far behind and left it nothing to render (the caller then sat idle).
   */
  taken: SharedArrayBuffer;
}

/**
 * A reader thread started before its stream, so that it loads (~0.15 s: the renderer, marked, the templates)
 * while the caller gets ready; it reads nothing until `streamRendered` takes it. `cancel` ends it when the
 * stream is not wanted after all.
 */
export class EarlyReader {
  readonly worker: Worker;
  readonly data: ThreadData;
  private failure: unknown;
  private taken = false;
  private readonly onFailure = (err: unknown) => (this.failure ??= err);
  private readonly onExit = () => (this.failure ??= new Error("The site's reader thread stopped."));

  constructor(data: ThreadData) {
    this.data = data;
    this.worker = startWorker(data);
    // Until taken it must not keep the process alive (a build that fails before its stream never takes it).
    this.worker.unref();
    this.worker.on("error", this.onFailure);
    this.worker.on("exit", this.onExit);
  }

  /** The worker, for the stream to listen to; throws what it failed with while loading. */
  take(): Worker {
    this.taken = true;
    this.worker.ref();
    this.worker.off("error", this.onFailure);
    this.worker.off("exit", this.onExit);
    if (this.failure !== undefined) {
      void this.worker.terminate();
      throw this.failure;
    }
    return this.worker;
  }

  cancel(): void {
    if (!this.taken) void this.worker.terminate();
    this.taken = true;
  }
}

/** Whether `streamRendered` reads on a thread (see ReadThread). */
export function useThread(dir: string, options: Pick<RenderedReadOptions, "thread" | "big">): boolean {
  const thread = options.thread ?? "auto";
  return thread === "always"
    || (thread === "auto" && os.availableParallelism() >= 2 && (options.big ?? countRecordFiles(dir, THREAD_AFTER) >= THREAD_AFTER));
}

/** Starts the reader thread of `streamRendered(dir, options, …)` ahead, gated (see EarlyReader). */
export function startReader(dir: string, options: Omit<RenderedReadOptions, "report">): EarlyReader {
  return new EarlyReader({ ...threadData(dir, options), gated: true });
}

function threadData(dir: string, options: Omit<RenderedReadOptions, "report">): ThreadData {
  return {
    dir, templatesDir: options.renderer.templatesDir, known: [...(options.known ?? [])], maxAhead: options.maxAhead ?? MAX_AHEAD,
    shareBelow: options.shareBelow ?? SHARE_BELOW, taken: new SharedArrayBuffer(8),
    ...(options.maxFileSize === undefined ? {} : { maxFileSize: options.maxFileSize }),
  };
}

/**
 * `streamStore` with each record's fragment: reads every record in store order, calling `onRecord` for each
 * readable one, and reports problems in that same order.
 */
export async function streamRendered(dir: string, options: RenderedReadOptions, onRecord: (r: RenderedRecord) => void): Promise<StreamedStore> {
  const { renderer } = options;
  if (!options.reader && !useThread(dir, options)) {
    return streamStore(dir, options, (r) => onRecord({ ...r, key: fragmentKey(r.hash, r.imagePath), render: () => renderer.renderArtifact(r.record, r.imagePath) }));
  }
  const data = options.reader?.data ?? threadData(dir, options);
  const worker = options.reader ? options.reader.take() : startWorker(data);
  if (options.reader) worker.postMessage({ go: true });
  const taken = new BigInt64Array(data.taken);
  return new Promise<StreamedStore>((resolve, reject) => {
    let settled = false;
    const finish = (err: unknown, result?: StreamedStore) => {
      if (settled) return;
      settled = true;
      worker.removeAllListeners("exit");
      if (err === undefined) {
        // It exits by itself once done; it must not keep the process alive meanwhile.
        worker.unref();
        resolve(result!);
      } else {
        void worker.terminate();
        reject(err);
      }
    };
    worker.on("message", (msg: ThreadMessage) => {
      if (settled) return;
      try {
        if ("items" in msg) {
          for (const item of msg.items) {
            if ("problem" in item) {
              options.report(item.problem);
              continue;
            }
            const { text, hash, source, imagePath, key, packed, error, diff } = item;
            const record = JSON.parse(text) as ReadRecord["record"];
            const render = packed !== undefined ? () => packed
              : error !== undefined ? () => { throw new Error(error); }
              : () => renderer.renderArtifact(record, imagePath);
            onRecord({ record, hash, source, text, key, render, ...(imagePath === undefined ? {} : { imagePath }), ...(diff === undefined ? {} : { diff }) });
          }
          Atomics.add(taken, 0, BigInt(msg.size));
          // Also by message, to wake the thread when it waits for the caller (see MAX_AHEAD).
          worker.postMessage(msg.size);
        } else if ("done" in msg) {
          const images = msg.done.images.map((i) => ({ path: i.path, bytes: Buffer.from(i.bytes.buffer, i.bytes.byteOffset, i.bytes.byteLength) }));
          finish(undefined, { runs: msg.done.runs, images });
        } else {
          // The thread's error as this thread would have thrown it: BuildError keeps its class, others name and code.
          const { name, message, code } = msg.failed;
          finish(name === "BuildError" ? new BuildError(message) : Object.assign(new Error(message), { name }, code === undefined ? {} : { code }));
        }
      } catch (err) {
        finish(err);
      }
    });
    worker.on("error", (err) => finish(err));
    worker.on("exit", () => finish(new Error("The site's reader thread stopped.")));
  });
}

/**
 * The thread runs dist/site/read-worker.js. From the TypeScript sources (the tests) it runs read-worker.ts through
 * tsx's loader, registered inside the thread by a small bootstrap module: Node 20 does not apply `--import`
 * hooks to a worker.
 */
function startWorker(workerData: ThreadData): Worker {
  const js = new URL("./read-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData });
  const require = createRequire(import.meta.url);
  const tsxDir = path.dirname(require.resolve("tsx/package.json"));
  const api = pathToFileURL(path.join(tsxDir, "dist/esm/api/index.mjs")).href;
  const ts = new URL("./read-worker.ts", import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(ts)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
}

/**
 * Record files in the store, counted up to `limit` from folder listings only (no reads, nothing reported): enough
 * to tell whether a reader thread pays. Anything unreadable counts as empty; the read proper reports it.
 */
export function countRecordFiles(dir: string, limit: number): number {
  let n = 0;
  const names = (d: string) => {
    try {
      return readdirSync(d, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  for (const entry of names(dir)) {
    if (!entry.isDirectory() || !isRecordFolder(entry.name)) continue;
    for (const file of names(path.join(dir, entry.name))) {
      if (file.name.endsWith(".json") && ++n >= limit) return n;
    }
  }
  return n;
}

/**
 * Whether a store has THREAD_AFTER record files or more (`big`), and `largeAt` or more (`large`): counted from folder
 * listings when first asked (once for both when neither is known yet), or told by a walk that saw every file.
 */
export class StoreSize {
  private isBig: boolean | undefined;
  private isLarge: boolean | undefined;

  constructor(private readonly dir: string, private readonly largeAt: number) {}

  get big(): boolean {
    return (this.isBig ??= countRecordFiles(this.dir, THREAD_AFTER) >= THREAD_AFTER);
  }

  get large(): boolean {
    if (this.isLarge === undefined) {
      if (this.isBig === false && this.largeAt > THREAD_AFTER) return (this.isLarge = false);
      this.counted(countRecordFiles(this.dir, Math.max(this.largeAt, THREAD_AFTER)));
    }
    return this.isLarge!;
  }

  /** The store's record files, all of them (see isRecordPath), as a walk of the whole store counted them. */
  counted(files: number): void {
    this.isBig ??= files >= THREAD_AFTER;
    this.isLarge ??= files >= this.largeAt;
  }
}

/** A store folder whose `.json` files countRecordFiles counts: a key's, or the unkeyed artifacts'. */
function isRecordFolder(name: string): boolean {
  return !((name.startsWith("_") && name !== UNKEYED_DIR) || name.startsWith("."));
}

/**
 * Whether a file the store's tree stamp sees (its path relative to the store, with `/`) is one countRecordFiles
 * counts: a build that stamps the store counts its record files on the way instead of listing every folder again.
 */
export function isRecordPath(rel: string): boolean {
  const slash = rel.indexOf("/");
  return slash > 0 && rel.indexOf("/", slash + 1) === -1 && rel.endsWith(".json") && isRecordFolder(rel.slice(0, slash));
}
