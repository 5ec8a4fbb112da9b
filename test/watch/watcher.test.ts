import { EventEmitter } from "node:events";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArtifactPressError } from "../../src/errors.js";
import { ChangeSet } from "../../src/watch/batch.js";
import { isWatchedPath, watchStore, type StoreChanges, type StoreWatch } from "../../src/watch/watcher.js";

let parent: string;
let store: string;
let handle: StoreWatch | undefined;

beforeEach(async () => {
  parent = await fs.mkdtemp(path.join(os.tmpdir(), "ap-watch-"));
  store = path.join(parent, ".artifacts");
  await fs.mkdir(store);
});

afterEach(async () => {
  await handle?.close();
  handle = undefined;
  await fs.rm(parent, { recursive: true, force: true });
});

/** Starts a watcher that collects batches, and a way to wait until the collected paths satisfy a condition. */
async function collect(dir = store, debounceMs = 20) {
  const batches: StoreChanges[] = [];
  const errors: Error[] = [];
  let wake: (() => void) | undefined;
  handle = watchStore(dir, {
    debounceMs,
    onBatch: (batch) => {
      batches.push(batch);
      wake?.();
    },
    onError: (err) => errors.push(err),
  });
  await handle.ready;
  const seen = (list: keyof StoreChanges) => new Set(batches.flatMap((b) => b[list]));
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve));
  };
  return { batches, errors, seen, until };
}

const version = (i: number) => `2026-01-01T00-00-00.${String(i).padStart(3, "0")}Z.json`;

/** Writes like the store does: a temp file in `_tmp/`, then link() to the final name. */
async function publish(dir: string, rel: string, text = "{}") {
  const tmp = path.join(dir, "_tmp", `${Math.random().toString(36).slice(2)}.tmp`);
  await fs.mkdir(path.dirname(tmp), { recursive: true });
  await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await fs.writeFile(tmp, text);
  await fs.link(tmp, path.join(dir, rel));
  await fs.unlink(tmp);
}

describe("ChangeSet", () => {
  it("keeps the net effect of each path over a burst", () => {
    const set = new ChangeSet();
    set.record("add", "a/1.json");
    set.record("change", "a/1.json");
    set.record("add", "b/2.json");
    set.record("unlink", "b/2.json");
    set.record("unlink", "c/3.json");
    set.record("add", "c/3.json");
    set.record("change", "d/4.json");
    set.record("unlink", "e/5.json");
    expect(set.take()).toEqual({ added: ["a/1.json"], changed: ["c/3.json", "d/4.json"], removed: ["e/5.json"] });
    expect(set.take()).toEqual({ added: [], changed: [], removed: [] });
  });
});

describe("isWatchedPath", () => {
  it("keeps records and attached images, not temp files or other files", () => {
    expect(isWatchedPath("alpha/2026-01-01T00-00-00.000Z.json")).toBe(true);
    expect(isWatchedPath("_runs/run-1.json")).toBe(true);
    expect(isWatchedPath("alpha/5f0c4b0e-8e0a-4a6e-9d3c-2a1f5b7c9d10.png")).toBe(true);
    expect(isWatchedPath("_tmp/x.json")).toBe(false);
    expect(isWatchedPath("alpha/notes.txt")).toBe(false);
    expect(isWatchedPath("alpha/.x.json.swp")).toBe(false);
    expect(isWatchedPath(".git/config.json")).toBe(false);
  });
});

describe("watchStore", () => {
  it("does not report files already there, and reports a burst of 50 writes in few batches with every path", async () => {
    await publish(store, "old/" + version(0));
    const { batches, seen, until } = await collect(store, 100);
    const expected = Array.from({ length: 50 }, (_, i) => `key-${i % 5}/${version(i + 1)}`);
    await Promise.all(expected.map((rel) => publish(store, rel)));
    await until(() => seen("added").size === 50);
    expect([...seen("added")].sort()).toEqual([...expected].sort());
    expect(batches.length).toBeLessThanOrEqual(10);
    for (const batch of batches) expect(new Set(batch.added).size).toBe(batch.added.length);
    expect(seen("added").has("old/" + version(0))).toBe(false);
    expect([...seen("added")].some((p) => p.startsWith("_tmp"))).toBe(false);
  });

  it("ignores _tmp/ and files that are neither records nor images", async () => {
    const { batches, seen, until } = await collect();
    await fs.mkdir(path.join(store, "_tmp"), { recursive: true });
    await fs.writeFile(path.join(store, "_tmp", "half.json"), "{");
    await fs.mkdir(path.join(store, "alpha"));
    await fs.writeFile(path.join(store, "alpha", "notes.txt"), "hi");
    await fs.writeFile(path.join(store, "alpha", "pic.png"), "png");
    // The last write is a marker: once it arrives, the ignored ones would have arrived before it.
    await publish(store, "alpha/" + version(1));
    await until(() => seen("added").has("alpha/" + version(1)));
    const all = batches.flatMap((b) => [...b.added, ...b.changed, ...b.removed]);
    expect(all.sort()).toEqual(["alpha/" + version(1), "alpha/pic.png"]);
  });

  it("reports replaced files as changed and deleted files as removed", async () => {
    await publish(store, "alpha/" + version(1));
    await publish(store, "alpha/" + version(2));
    const { seen, until } = await collect();
    // A progress update: the same name, rewritten atomically with rename.
    await fs.mkdir(path.join(store, "_tmp"), { recursive: true });
    await fs.writeFile(path.join(store, "_tmp", "p"), '{"progress":50}');
    await fs.rename(path.join(store, "_tmp", "p"), path.join(store, "alpha", version(1)));
    await until(() => seen("changed").has("alpha/" + version(1)));
    await fs.unlink(path.join(store, "alpha", version(2)));
    await until(() => seen("removed").has("alpha/" + version(2)));
    expect(seen("added").size).toBe(0);
  });

  it("follows a store folder deleted and made again", async () => {
    await publish(store, "alpha/" + version(1));
    const { seen, until } = await collect();
    await fs.rm(store, { recursive: true });
    await until(() => seen("removed").has("alpha/" + version(1)));
    await publish(store, "beta/" + version(2));
    await until(() => seen("added").has("beta/" + version(2)));
    // Still watching the new folder, not only its first files.
    await publish(store, "beta/" + version(3));
    await until(() => seen("added").has("beta/" + version(3)));
  });

  it("follows a store remade at once, when the new folder gets the old inode and birth time", async () => {
    const { seen, until } = await collect();
    // ext4 reuses the inode and its clock ticks in milliseconds: only the parent's rename events tell the two apart.
    for (let round = 1; round <= 5; round++) {
      await fs.rm(store, { recursive: true, force: true });
      await publish(store, `k${round}/` + version(round));
      await until(() => seen("added").has(`k${round}/` + version(round)) || seen("changed").has(`k${round}/` + version(round)));
    }
    await publish(store, "k5/" + version(9));
    await until(() => seen("added").has("k5/" + version(9)));
  });

  it("starts before the store exists and picks it up when it is made", async () => {
    await fs.rm(store, { recursive: true });
    const { seen, until } = await collect();
    await publish(store, "alpha/" + version(1));
    await until(() => seen("added").has("alpha/" + version(1)));
  });

  it("does not start a batch while the previous one is being handled", async () => {
    let busy = false;
    let overlapped = false;
    const got = new Set<string>();
    let wake: (() => void) | undefined;
    handle = watchStore(store, {
      debounceMs: 5,
      onBatch: async (batch) => {
        if (busy) overlapped = true;
        busy = true;
        await new Promise((resolve) => setTimeout(resolve, 30));
        for (const p of batch.added) got.add(p);
        busy = false;
        wake?.();
      },
    });
    await handle.ready;
    for (let i = 1; i <= 20; i++) {
      await publish(store, "alpha/" + version(i));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    while (got.size < 20) await new Promise<void>((resolve) => (wake = resolve));
    expect(overlapped).toBe(false);
  });

  it("turns ENOSPC from the file watcher into a message naming fs.inotify.max_user_watches", async () => {
    const fake = new EventEmitter() as EventEmitter & { close(): Promise<void> };
    fake.close = async () => {};
    const errors: ArtifactPressError[] = [];
    handle = watchStore(store, {
      onBatch: () => {},
      onError: (err) => errors.push(err),
      watchFactory: () => {
        setImmediate(() => {
          fake.emit("ready");
          fake.emit("error", Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), { code: "ENOSPC" }));
        });
        return fake;
      },
    });
    await handle.ready;
    while (errors.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(errors[0]).toBeInstanceOf(ArtifactPressError);
    expect(errors[0]!.message).toContain("fs.inotify.max_user_watches");
    expect(errors[0]!.message).toContain("sysctl");
    expect(errors[0]!.message).toContain(JSON.stringify(store));
    expect((errors[0]!.cause as NodeJS.ErrnoException).code).toBe("ENOSPC");
  });

  it("close() stops reporting", async () => {
    const { batches } = await collect();
    await handle!.close();
    await publish(store, "alpha/" + version(1));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(batches).toEqual([]);
  });
});
