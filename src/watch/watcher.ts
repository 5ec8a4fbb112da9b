/** The store watcher: chokidar on the store folder, bursts coalesced into batches, the folder followed if remade. */
import { watch as fsWatch, promises as fs, type FSWatcher as NodeFsWatcher, type Stats } from "node:fs";
import path from "node:path";
import { watch as chokidarWatch, type ChokidarOptions } from "chokidar";
import { ArtifactPressError } from "../errors.js";
import { ChangeSet, type FileEvent, type StoreChanges } from "./batch.js";

export type { StoreChanges } from "./batch.js";

/** The part of chokidar's FSWatcher that the store watcher uses; a test can hand in any EventEmitter-like fake. */
export interface WatcherLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
  close(): Promise<void>;
}

/** Makes the file watcher for one store folder; the default is chokidar's `watch(root, options)`. */
export type WatchFactory = (root: string, options: ChokidarOptions) => WatcherLike;

export interface WatchStoreOptions {
  /**
   * Receives each batch; batches never overlap: while a returned promise is pending, new events wait for the next
   * batch. A throw or rejection goes to `onError`.
   */
  onBatch(changes: StoreChanges): void | Promise<void>;
  /** Receives watch failures (always an ArtifactPressError, the original as `cause`); default: ignored. */
  onError?(error: ArtifactPressError): void;
  /** Quiet time that ends a burst, in ms; default 50. */
  debounceMs?: number;
  /** Longest a busy stream of events can hold a batch back, in ms; default 1000. */
  maxWaitMs?: number;
  /** Makes the file watcher; default chokidar's `watch`. For tests. */
  watchFactory?: WatchFactory;
}

export interface StoreWatch {
  /** Resolves once the store (or, while it does not exist, its parent folder) is being watched. */
  ready: Promise<void>;
  /** Stops watching; waits for a batch being delivered; events not yet delivered are dropped. */
  close(): Promise<void>;
}

/** How long a newly seen folder is listed again on each delivery, and how often while nothing else happens. */
const FRESH_DIR_MS = 2000;
const FRESH_RESCAN_MS = 250;

/** Images that the writer attaches beside versions (`<id>.<ext>`, see src/artifacts/image.ts). */
const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"]);

/** Whether a store-relative path is one the site reads: a `.json` record or an attached image, outside `_tmp/`. */
export function isWatchedPath(relPath: string): boolean {
  const parts = relPath.split("/");
  if (parts[0] === "_tmp" || parts.some((part) => part.startsWith("."))) return false;
  const ext = path.extname(relPath).toLowerCase();
  return ext === ".json" || IMAGE_EXTENSIONS.has(ext);
}

/**
 * Watches a store folder and reports what changed in it, one coalesced batch per burst of events.
 *
 * Files present when watching starts are not reported (build first, after `ready`, and apply batches on top).
 * Only `.json` files and attached images count; `_tmp/` and dot-named entries are ignored. A batch lists each path
 * once, by its net effect over the burst (a file added then removed within one burst is not reported at all). When
 * the store folder is deleted, every file in it is reported removed; when it is made again, every file in the new
 * folder is reported added. Running out of inotify watches gives an error naming `fs.inotify.max_user_watches`.
 */
export function watchStore(dir: string, options: WatchStoreOptions): StoreWatch {
  return new StoreWatcher(dir, options).start();
}

class StoreWatcher {
  private readonly root: string;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly factory: WatchFactory;
  private readonly pending = new ChangeSet();
  /** Files the current watcher knows exist, so a vanished store folder can report each of them removed. */
  private readonly known = new Set<string>();
  /** Folders that appeared lately, with when; see rescanFreshDirs. */
  private readonly freshDirs = new Map<string, number>();
  /** Until when the store's own listing is re-read on each delivery (after a remake, see arm()). */
  private freshRootUntil = 0;
  private watcher: WatcherLike | undefined;
  private parentWatcher: NodeFsWatcher | undefined;
  /** Identity of the folder being watched, to notice a store folder deleted and made again between two looks. */
  private armedIdentity: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private burstStart = 0;
  private delivering: Promise<void> | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  private armedOnce = false;
  private closed = false;

  constructor(dir: string, private readonly options: WatchStoreOptions) {
    this.root = path.resolve(dir);
    this.debounceMs = options.debounceMs ?? 50;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
    this.factory = options.watchFactory ?? ((root, opts) => chokidarWatch(root, opts));
  }

  start(): StoreWatch {
    let ready: Promise<void>;
    try {
      this.watchParent();
      ready = this.reconcile().catch((err) => {
        throw this.wrapError(err, this.root);
      });
    } catch (err) {
      ready = Promise.reject(this.wrapError(err, this.root));
    }
    // A failed first look is reported through `ready`; later ones through onError.
    this.reconciling = ready.catch(() => {});
    return { ready, close: () => this.close() };
  }

  /** One inotify watch on the parent folder tells us when the store folder itself is deleted or made. */
  private watchParent(): void {
    const base = path.basename(this.root);
    try {
      this.parentWatcher = fsWatch(path.dirname(this.root), (event, name) => {
        // A rename event is the store folder deleted, made or moved: re-arm even if its identity looks the same,
        // since a folder remade within one clock tick can get the old inode and the same birth time.
        if (name === null || name === base) this.scheduleReconcile(event === "rename");
      });
    } catch (err) {
      throw this.wrapError(err, path.dirname(this.root));
    }
    this.parentWatcher.on("error", (err) => this.reportError(err, path.dirname(this.root)));
  }

  private scheduleReconcile(force = false): void {
    this.reconciling = this.reconciling.then(() => this.reconcile(force)).catch((err) => this.reportError(err, this.root));
  }

  /** Arms chokidar on the store folder as it is now, or disarms it (reporting removals) when the folder is gone. */
  private async reconcile(force = false): Promise<void> {
    if (this.closed) return;
    const identity = await folderIdentity(this.root);
    // A store that is not there yet was empty for the first build: whatever appears in it later is news.
    if (identity === undefined) this.armedOnce = true;
    if (identity === this.armedIdentity && !(force && identity !== undefined)) return;
    if (this.armedIdentity !== undefined) await this.disarm();
    if (identity !== undefined && !this.closed) await this.arm(identity);
  }

  private async disarm(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    this.armedIdentity = undefined;
    for (const relPath of this.known) this.pending.record("unlink", relPath);
    this.known.clear();
    this.freshDirs.clear();
    this.freshRootUntil = 0;
    this.schedule();
    await watcher?.close();
  }

  private async arm(identity: string): Promise<void> {
    // After a remake, files already in the new folder are news; on the first arm they are the full build's job.
    const reportInitial = this.armedOnce;
    this.armedOnce = true;
    this.armedIdentity = identity;
    const watcher = this.factory(this.root, {
      ignoreInitial: false,
      depth: 1,
      ignored: (p: string, stats?: Stats) => {
        const rel = this.relative(p);
        if (rel === "") return false;
        if (rel === "_tmp" || rel.startsWith("_tmp/") || path.basename(rel).startsWith(".")) return true;
        return stats?.isFile() === true && !isWatchedPath(rel);
      },
    });
    this.watcher = watcher;
    let isReady = false;
    const onFile = (event: FileEvent) => (p: string) => {
      if (this.watcher !== watcher || this.closed) return;
      const rel = this.relative(p);
      if (!isWatchedPath(rel)) return;
      // Already reported by a rescan of a fresh folder.
      if (event === "add" ? this.known.has(rel) : event === "unlink" && !this.known.has(rel)) return;
      if (event === "unlink") this.known.delete(rel);
      else this.known.add(rel);
      if (isReady || reportInitial) {
        this.pending.record(event, rel);
        this.schedule();
      }
    };
    watcher.on("addDir", (p: string) => {
      const rel = this.relative(p);
      if (this.watcher !== watcher || this.closed || rel === "" || rel.includes("/")) return;
      if (isReady || reportInitial) {
        this.freshDirs.set(rel, Date.now());
        this.schedule();
      }
    });
    watcher.on("add", onFile("add"));
    watcher.on("change", onFile("change"));
    watcher.on("unlink", onFile("unlink"));
    watcher.on("unlinkDir", (p: string) => {
      if (this.watcher === watcher && this.relative(p) === "") this.scheduleReconcile();
    });
    watcher.on("error", (err: unknown) => {
      if (this.watcher === watcher) this.reportError(err, this.root);
    });
    await new Promise<void>((resolve) => watcher.on("ready", () => resolve()));
    isReady = true;
    if (reportInitial) {
      // A folder made while chokidar was reading the new store can slip between its listing and its watch: list
      // the store again on each delivery for a while, like a fresh key folder.
      this.freshRootUntil = Date.now() + FRESH_DIR_MS;
      this.schedule();
    }
  }

  private hasFresh(): boolean {
    return this.freshDirs.size > 0 || Date.now() < this.freshRootUntil;
  }

  private relative(p: string): string {
    const rel = path.relative(this.root, path.resolve(this.root, p));
    return path.sep === "/" ? rel : rel.split(path.sep).join("/");
  }

  /** Trailing debounce, capped by maxWaitMs so a steady stream of writes still shows up. */
  private schedule(): void {
    if (this.closed || (this.pending.size === 0 && !this.hasFresh())) return;
    const now = Date.now();
    if (this.timer === undefined) this.burstStart = now;
    else clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.burstStart + this.maxWaitMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.deliver();
    }, wait);
  }

  private async deliver(): Promise<void> {
    if (this.delivering || this.closed) return;
    this.delivering = (async () => {
      try {
        await this.rescanFreshDirs();
        const batch = this.pending.take();
        if (batch.added.length + batch.changed.length + batch.removed.length > 0) await this.options.onBatch(batch);
      } catch (err) {
        this.reportError(err, this.root);
      }
    })();
    await this.delivering;
    this.delivering = undefined;
    if (this.closed || this.timer !== undefined) return;
    if (this.pending.size > 0) {
      // Events that came in while the consumer was busy form the next batch.
      this.schedule();
    } else if (this.hasFresh()) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.deliver();
      }, FRESH_RESCAN_MS);
    }
  }

  /**
   * chokidar can miss files written into a folder in the moment after the folder appears (its re-read of a folder
   * is throttled to once a second), so folders seen recently are listed again on each delivery for a while.
   */
  private async rescanFreshDirs(): Promise<void> {
    const now = Date.now();
    if (now < this.freshRootUntil) {
      const entries = await fs.readdir(this.root, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const name = entry.name;
        if (entry.isDirectory() && name !== "_tmp" && !name.startsWith(".") && !this.freshDirs.has(name)) {
          this.freshDirs.set(name, now);
        }
      }
    }
    for (const [rel, since] of [...this.freshDirs]) {
      if (now - since > FRESH_DIR_MS) this.freshDirs.delete(rel);
      let names: string[];
      try {
        const entries = await fs.readdir(path.join(this.root, rel), { withFileTypes: true });
        names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
      } catch {
        this.freshDirs.delete(rel);
        continue;
      }
      if (this.closed || this.watcher === undefined) return;
      for (const name of names) {
        const relPath = `${rel}/${name}`;
        if (isWatchedPath(relPath) && !this.known.has(relPath)) {
          this.known.add(relPath);
          this.pending.record("add", relPath);
        }
      }
      const present = new Set(names);
      for (const relPath of this.known) {
        if (relPath.startsWith(`${rel}/`) && !present.has(relPath.slice(rel.length + 1))) {
          this.known.delete(relPath);
          this.pending.record("unlink", relPath);
        }
      }
    }
  }

  private reportError(err: unknown, where: string): void {
    if (this.closed) return;
    this.options.onError?.(this.wrapError(err, where));
  }

  private wrapError(err: unknown, where: string): ArtifactPressError {
    if (err instanceof ArtifactPressError) return err;
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    const folder = JSON.stringify(where);
    if (code === "ENOSPC") {
      return new ArtifactPressError(
        `Cannot watch ${folder}: the system limit on inotify watches is reached (ENOSPC). ` +
          "Raise fs.inotify.max_user_watches, e.g. `sudo sysctl fs.inotify.max_user_watches=524288` " +
          "(add `fs.inotify.max_user_watches=524288` to /etc/sysctl.conf to keep it after a reboot).",
        { cause: err },
      );
    }
    if (code === "EMFILE") {
      return new ArtifactPressError(
        `Cannot watch ${folder}: too many open files or inotify instances (EMFILE). ` +
          "Raise fs.inotify.max_user_watches and fs.inotify.max_user_instances, e.g. " +
          "`sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512`, or the open-file limit (`ulimit -n`).",
        { cause: err },
      );
    }
    const message = err instanceof Error ? err.message : String(err);
    return new ArtifactPressError(`Watching ${folder} failed: ${message}`, { cause: err });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.parentWatcher?.close();
    await this.reconciling.catch(() => {});
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.close();
    await this.delivering;
  }
}

/** Inode and birth time of a folder, or undefined when there is none (a file there counts as none). */
async function folderIdentity(dir: string): Promise<string | undefined> {
  try {
    const stats = await fs.stat(dir, { bigint: true });
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}:${stats.birthtimeNs}` : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw err;
  }
}
