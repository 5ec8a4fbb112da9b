/** Coalescing of file events into one batch per burst: pure bookkeeping, no timers and no I/O. */

/** What happened to the store during one burst; store-relative paths with `/`, sorted, each path in one list only. */
export interface StoreChanges {
  /** Files that did not exist before the burst and exist after it. */
  added: string[];
  /** Files that existed before and after the burst, with new content (or removed and made again). */
  changed: string[];
  /** Files that existed before the burst and are gone after it. */
  removed: string[];
}

export type FileEvent = "add" | "change" | "unlink";
type Net = "added" | "changed" | "removed";

/**
 * Folds events into the net effect per path. A file added and then removed in the same burst never existed as far
 * as the consumer is concerned, so it is dropped; removed then added again is a change.
 */
export class ChangeSet {
  private readonly net = new Map<string, Net>();

  get size(): number {
    return this.net.size;
  }

  record(event: FileEvent, relPath: string): void {
    const prev = this.net.get(relPath);
    if (event === "unlink") {
      if (prev === "added") this.net.delete(relPath);
      else this.net.set(relPath, "removed");
    } else if (prev === "added") {
      // an add followed by changes is still an add
    } else if (prev === "removed") {
      this.net.set(relPath, "changed");
    } else if (prev === undefined) {
      this.net.set(relPath, event === "add" ? "added" : "changed");
    }
  }

  /** Returns the batch and starts a new, empty one. */
  take(): StoreChanges {
    const batch: StoreChanges = { added: [], changed: [], removed: [] };
    for (const [relPath, net] of this.net) batch[net].push(relPath);
    this.net.clear();
    batch.added.sort();
    batch.changed.sort();
    batch.removed.sort();
    return batch;
  }
}
