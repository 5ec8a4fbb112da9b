/**
 * Watch mode as one handle: the store watcher, the incremental site and the preview server, started in the order
 * that loses no change (watch, wait until watching, full build, then apply batches) and closed together.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { ArtifactPressError } from "../errors.js";
import type { StoreChanges } from "./batch.js";
import type { StoreProblem } from "../store/backend.js";
import { IncrementalSite, type UpdateResult } from "./incremental.js";
import { startPreviewServer, type PreviewServer } from "./server.js";
import { watchStore, type StoreWatch, type WatchFactory } from "./watcher.js";

export interface WatchSessionOptions {
  /** The store folder; it may not exist yet (the site is then empty until it appears). */ dir: string;
  /** The site folder. */ out: string;
  /** Site title; default "Artifacts". */ title?: string;
  /** Skip record files larger than this many bytes; default 32 MiB. */ maxFileSize?: number;
  /** Serve the site with live reload; default true. */ serve?: boolean;
  /** Interface to serve on; default "127.0.0.1". */ host?: string;
  /** Port to serve on; default 4321; 0 picks a free one. */ port?: number;
  /** Quiet time that ends a burst of store events, in ms; default 10. */ debounceMs?: number;
  /** Each bad file found, on the first build and later. */ onProblem?: (problem: StoreProblem) => void;
  /** After each batch is applied. */ onUpdate?: (result: UpdateResult) => void;
  /** Errors that do not stop watching (a batch that failed; the site is then rebuilt in full). */ onError?: (error: ArtifactPressError) => void;
  /** Makes the file watcher; default chokidar. For tests. */ watchFactory?: WatchFactory;
}

export interface WatchSession {
  /** The first, full build. */
  first: UpdateResult;
  /** The preview's address, when serving. */
  url: string | undefined;
  /** Rejects when watching cannot go on (no inotify watches left); never resolves otherwise. */
  failed: Promise<never>;
  /** Stops watching and serving; waits for a batch being applied. */
  close(): Promise<void>;
}

/** Default quiet time: small, so a single write shows within a few milliseconds. */
export const WATCH_DEBOUNCE_MS = 10;
/**
 * chokidar drops a file's `change` events for 50 ms after one it emitted (no trailing event), so a file rewritten
 * quickly (progress updates, a broken file fixed) could stay stale: changed files are looked at again this late.
 */
const RECHECK_MS = 75;

export async function startWatchSession(options: WatchSessionOptions): Promise<WatchSession> {
  let site: IncrementalSite | undefined;
  let server: PreviewServer | undefined;
  let fail!: (error: ArtifactPressError) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  let siteReady!: () => void;
  const built = new Promise<void>((resolve) => (siteReady = resolve));
  const buildOptions = { dir: options.dir, out: options.out, title: options.title, maxFileSize: options.maxFileSize, onProblem: options.onProblem };

  const watch: StoreWatch = watchStore(options.dir, {
    debounceMs: options.debounceMs ?? WATCH_DEBOUNCE_MS,
    watchFactory: options.watchFactory,
    onBatch: (changes) => serial(() => apply(changes, true)),
    onError: (error) => {
      const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
      if (code === "ENOSPC" || code === "EMFILE") fail(error);
      else options.onError?.(error);
    },
  });

  /** Batches and re-checks run one at a time, in order. */
  let queue: Promise<void> = Promise.resolve();
  const serial = (job: () => Promise<void>): Promise<void> => (queue = queue.then(job, job));
  /** What each recently changed file looked like when it was applied, to re-check it after chokidar's throttle. */
  const seen = new Map<string, string>();
  let recheckTimer: NodeJS.Timeout | undefined;
  let closed = false;

  async function look(rel: string): Promise<string> {
    const st = await fs.stat(path.join(options.dir, rel), { bigint: true }).catch(() => undefined);
    return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : "gone";
  }

  function scheduleRecheck(): void {
    if (recheckTimer || closed) return;
    recheckTimer = setTimeout(() => {
      recheckTimer = undefined;
      void serial(async () => {
        const changed: string[] = [];
        for (const [rel, before] of [...seen]) {
          seen.delete(rel);
          if ((await look(rel)) !== before) changed.push(rel);
        }
        if (changed.length > 0 && !closed) await apply({ added: [], changed, removed: [] }, false);
      });
    }, RECHECK_MS);
  }

  async function apply(changes: StoreChanges, fromWatcher: boolean): Promise<void> {
    await built;
    if (!site || closed) return;
    if (fromWatcher) {
      for (const rel of [...changes.added, ...changes.changed]) seen.set(rel, await look(rel));
    }
    let result: UpdateResult;
    try {
      result = await site.update(changes);
    } catch (err) {
      // The site may be half updated: report, then make it whole again with a full build.
      options.onError?.(asError(err, "Updating the site failed"));
      result = (await rebuild()) ?? { changed: [], rendered: [], problems: [], durationMs: 0 };
    }
    server?.notify(result.changed);
    options.onUpdate?.(result);
    if (seen.size > 0) scheduleRecheck();
  }

  async function rebuild(): Promise<UpdateResult | undefined> {
    try {
      const again = await IncrementalSite.build(buildOptions);
      site = again.site;
      return { ...again.result, changed: [...again.result.changed] };
    } catch (err) {
      options.onError?.(asError(err, "Rebuilding the site failed"));
      return undefined;
    }
  }

  try {
    await watch.ready;
    const first = await IncrementalSite.build(buildOptions);
    site = first.site;
    siteReady();
    if (options.serve ?? true) server = await startPreviewServer({ root: site.out, host: options.host, port: options.port });
    return {
      first: first.result,
      url: server?.url,
      failed,
      close: async () => {
        closed = true;
        if (recheckTimer) clearTimeout(recheckTimer);
        await watch.close();
        await queue;
        await server?.close();
      },
    };
  } catch (err) {
    siteReady();
    await watch.close();
    await server?.close();
    throw err;
  }
}

function asError(err: unknown, what: string): ArtifactPressError {
  if (err instanceof ArtifactPressError) return err;
  return new ArtifactPressError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
