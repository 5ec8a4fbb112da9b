/**
 * The reader thread (read-thread.ts, read-worker.ts) for real: from the sources the thread runs read-worker.ts
 * through tsx; the last test runs the built dist/ in a child process, where it runs read-worker.js.
 */
import { promises as fs, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../src/artifacts/client.js";
import { BuildError } from "../../src/errors.js";
import type { StoreProblem } from "../../src/store/backend.js";
import { buildSite } from "../../src/site/build.js";
import { packArtifact } from "../../src/site/fragments.js";
import { treeStamp } from "../../src/site/cache.js";
import { countRecordFiles, fragmentKey, isRecordPath, startReader, StoreSize, streamRendered, THREAD_AFTER, type ReadThread } from "../../src/site/read-thread.js";
import { streamStore } from "../../src/site/read.js";
import { SiteRenderer } from "../../src/site/render.js";
import { distEntry, ensureBuilt, runNode, writeScript } from "../helpers/processes.js";
import { tmpDir, treeBytes } from "../helpers/tmp-store.js";
import { FIXTURES } from "./site-helpers.js";

let base: string;
beforeEach(async () => {
  base = await tmpDir("ap-read-thread-");
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** `keys` × `versions` Markdown records. */
async function makeStore(dir: string, keys: number, versions: number): Promise<void> {
  const store = openStore(dir);
  for (let k = 0; k < keys; k++) {
    for (let v = 0; v < versions; v++) await store.createMarkdownArtifact({ key: `k-${k}`, markdown: `# Key ${k}\n\nversion **${v}**`, description: `v${v} of _${k}_` });
  }
}

type Seen = { kind: "record"; id: string; hash: string; key: string; source: string; imagePath?: string } | { kind: "problem"; p: StoreProblem };

async function stream(dir: string, thread: ReadThread, extra: { known?: string[]; maxAhead?: number; shareBelow?: number; onRecord?: (n: number) => void } = {}) {
  const seen: Seen[] = [];
  const renders: unknown[][] = [];
  let n = 0;
  const rest = await streamRendered(dir, {
    renderer: new SiteRenderer(), thread, report: (p) => seen.push({ kind: "problem", p }), maxFileSize: 16 * 1024,
    ...(extra.known ? { known: extra.known } : {}), ...(extra.maxAhead === undefined ? {} : { maxAhead: extra.maxAhead }),
    // The thread renders everything unless a test says otherwise (by default it shares the rendering by timing).
    shareBelow: extra.shareBelow ?? 0,
  }, (r) => {
    extra.onRecord?.(n++);
    seen.push({ kind: "record", id: r.record.id, hash: r.hash, key: r.key, source: r.source, ...(r.imagePath ? { imagePath: r.imagePath } : {}) });
    // [id, the fragment as the pack stores it (or the refusal), first and second render()]
    try {
      const a = r.render(), b = r.render();
      const packed = "bytes" in a ? a : packArtifact(a);
      renders.push([r.record.id, { json: Buffer.from(packed.bytes).toString("utf8"), text: packed.text, files: packed.files }, a, b]);
    } catch (err) {
      renders.push([r.record.id, (err as Error).message]);
    }
  });
  return { seen, renders, rest };
}

describe("streamRendered", () => {
  it.each(["broken", "demo"])("hands over the records, problems, runs and images of streamStore, in its order, rendered as in this thread (%s)", async (name) => {
    const dir = path.join(FIXTURES, name);
    const expected: Seen[] = [];
    const plain = await streamStore(dir, { report: (p) => expected.push({ kind: "problem", p }), maxFileSize: 16 * 1024 }, (r) => {
      expected.push({ kind: "record", id: r.record.id, hash: r.hash, key: fragmentKey(r.hash, r.imagePath), source: r.source, ...(r.imagePath ? { imagePath: r.imagePath } : {}) });
    });
    const threaded = await stream(dir, "always");
    const inThread = await stream(dir, "never");
    if (name === "broken") expect(expected.some((s) => s.kind === "problem")).toBe(true);
    expect(threaded.seen).toEqual(expected);
    expect(inThread.seen).toEqual(expected);
    expect(threaded.rest).toEqual(plain);
    if (name === "demo") expect(threaded.rest.images.length).toBeGreaterThan(0);
    for (const image of threaded.rest.images) expect(Buffer.isBuffer(image.bytes)).toBe(true);
    // Same fragments (or the same refusal) either way; the thread's are rendered once, over there.
    expect(threaded.renders.map(([id, a]) => [id, a])).toEqual(inThread.renders.map(([id, a]) => [id, a]));
    if (name === "broken") expect(threaded.renders.some((r) => typeof r[1] === "string")).toBe(true);
    for (const [, , a, b] of threaded.renders) if (a !== undefined) expect(a).toBe(b);
    for (const [, , a, b] of inThread.renders) if (a !== undefined) expect(a).not.toBe(b);
  });

  it("leaves records unrendered for the caller while the caller has too little waiting: same fragments", async () => {
    const dir = path.join(FIXTURES, "demo");
    const rendered = await stream(dir, "always");
    const shared = await stream(dir, "always", { shareBelow: Number.POSITIVE_INFINITY });
    expect(shared.seen).toEqual(rendered.seen);
    expect(shared.renders.map(([id, a]) => [id, a])).toEqual(rendered.renders.map(([id, a]) => [id, a]));
    // Rendered here, on each call: the thread rendered none of them.
    for (const [, , a, b] of shared.renders) if (a !== undefined) expect(a).not.toBe(b);
    for (const [, , a, b] of rendered.renders) if (a !== undefined) expect(a).toBe(b);
  });

  it("sees the caller take each batch while it reads without a pause, and shares the rendering again", async () => {
    const dir = path.join(base, "store");
    const store = openStore(dir);
    const body = Array.from({ length: 60 }, (_, i) => `- item **${i}** with [a link](https://example.com/${i}) and \`code\``).join("\n");
    for (let k = 0; k < 4; k++) {
      for (let v = 0; v < 100; v++) await store.createMarkdownArtifact({ key: `k-${k}`, markdown: `# ${k}.${v}\n\n${body}` });
    }
    // Shared only while the caller has taken everything handed over. The thread reads synchronously, so a count
    // of what the caller took that came by message alone would not reach it: after its first batch (64 records at
    // most) it would render everything itself.
    const got = await stream(dir, "always", { shareBelow: 1 });
    expect(got.renders).toHaveLength(400);
    const shared = got.renders.filter(([, , a, b]) => a !== b).length;
    expect(shared).toBeGreaterThan(80);
    expect(shared).toBeLessThan(400);
  });

  it("leaves known fragments to the caller, who renders them here if asked", async () => {
    const dir = path.join(FIXTURES, "demo");
    const first = await stream(dir, "always");
    const known = first.seen.flatMap((s) => (s.kind === "record" ? [s.key] : [])).filter((_, i) => i % 2 === 0);
    expect(known.length).toBeGreaterThan(1);
    const again = await stream(dir, "always", { known });
    expect(again.seen).toEqual(first.seen);
    expect(again.renders.map(([id, a]) => [id, a])).toEqual(first.renders.map(([id, a]) => [id, a]));
    again.seen.filter((s) => s.kind === "record").forEach((s, i) => {
      const [, , a, b] = again.renders[i]!;
      // Rendered here on each call when the thread skipped it; once, by the thread, otherwise.
      if (known.includes((s as { key: string }).key)) expect(a).not.toBe(b);
      else expect(a).toBe(b);
    });
  });

  it.each(["always", "never"] as const)("reads no further ahead of the caller than it may (%s)", async (thread) => {
    const dir = path.join(base, "store");
    await makeStore(dir, 3, 100);
    const last = path.join(dir, "k-2");
    // On the first record the caller stalls for a while, then the last key's files go: a reader that waits for the
    // caller never finds them; one that ran ahead meanwhile would have read them all.
    const got = await stream(dir, thread, {
      maxAhead: 0,
      onRecord: (n) => {
        if (n !== 0) return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
        for (const f of readdirSync(last)) rmSync(path.join(last, f));
      },
    });
    const records = got.seen.filter((s) => s.kind === "record");
    expect(records).toHaveLength(200);
    expect(records.every((s) => !s.source.includes("k-2"))).toBe(true);
  });

  it("started ahead, reads nothing until the stream takes it", async () => {
    const dir = path.join(base, "store");
    await makeStore(dir, 3, 100);
    const renderer = new SiteRenderer();
    const reader = startReader(dir, { renderer, maxFileSize: 16 * 1024 });
    // Time to load and, were it not gated, to read all 300 records (well under its read-ahead limit).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const last = path.join(dir, "k-2");
    for (const f of readdirSync(last)) rmSync(path.join(last, f));
    const ids: string[] = [];
    await streamRendered(dir, { renderer, report: () => {}, reader }, (r) => void ids.push(r.source));
    expect(ids).toHaveLength(200);
    expect(ids.every((s) => !s.includes("k-2"))).toBe(true);
  });

  it("started ahead and cancelled, ends its thread", async () => {
    const dir = path.join(base, "store");
    await makeStore(dir, 1, 3);
    const reader = startReader(dir, { renderer: new SiteRenderer() });
    const exited = new Promise((resolve) => reader.worker.once("exit", resolve));
    reader.cancel();
    await expect(exited).resolves.toBeDefined();
  });

  it("throws the in-thread error for a store folder that is not there", async () => {
    const missing = path.join(base, "nope");
    const inThread = await stream(missing, "never").catch((e: unknown) => e);
    const threaded = await stream(missing, "always").catch((e: unknown) => e);
    expect(inThread).toBeInstanceOf(BuildError);
    expect(threaded).toBeInstanceOf(BuildError);
    expect((threaded as Error).message).toBe((inThread as Error).message);
  });
});

describe("countRecordFiles", () => {
  it("counts record files of the key folders and of unkeyed artifacts, not runs, up to the limit", async () => {
    const dir = path.join(base, "store");
    await makeStore(dir, 3, 4);
    await fs.mkdir(path.join(dir, "_unkeyed"));
    await fs.writeFile(path.join(dir, "_unkeyed", "2026-01-01T00-00-00.000Z.json"), "{}");
    await fs.mkdir(path.join(dir, "_runs"));
    await fs.writeFile(path.join(dir, "_runs", "r.json"), "{}");
    await fs.writeFile(path.join(dir, "k-0", "photo.png"), "");
    expect(countRecordFiles(dir, 100)).toBe(13);
    expect(countRecordFiles(dir, 5)).toBe(5);
    expect(countRecordFiles(path.join(base, "nope"), 5)).toBe(0);
  });

  it("tells a store's size from its listings when first asked, or from a count of the whole store", async () => {
    const dir = path.join(base, "store");
    await makeStore(dir, 3, 4);
    const listed = new StoreSize(dir, 10);
    expect([listed.big, listed.large]).toEqual([false, true]);
    expect(new StoreSize(dir, 12).large).toBe(true);
    expect(new StoreSize(dir, 13).large).toBe(false);
    // Told by a walk, it lists nothing (the folder does not exist): the count stands.
    const told = new StoreSize(path.join(base, "nope"), 20_000);
    told.counted(THREAD_AFTER);
    expect([told.big, told.large]).toEqual([true, false]);
    told.counted(30_000);
    expect(told.large).toBe(false);
  });

  it("counts as the store's tree stamp sees files with isRecordPath (a build counts on the stamp's walk)", async () => {
    const dir = path.join(base, "store");
    await makeStore(dir, 3, 4);
    for (const [folder, name] of [["_unkeyed", "2026-01-01T00-00-00.000Z.json"], ["_runs", "r.json"], [".hidden", "x.json"], ["_attachments", "a.json"]]) {
      await fs.mkdir(path.join(dir, folder!), { recursive: true });
      await fs.writeFile(path.join(dir, folder!, name!), "{}");
    }
    await fs.writeFile(path.join(dir, "top.json"), "{}");
    await fs.writeFile(path.join(dir, "k-0", "photo.png"), "");
    await fs.mkdir(path.join(dir, "k-1", "deeper"));
    await fs.writeFile(path.join(dir, "k-1", "deeper", "x.json"), "{}");
    let seen = 0;
    expect(treeStamp(dir, "", (rel) => void (isRecordPath(rel) && seen++))).toBeDefined();
    expect(seen).toBe(13);
    expect(countRecordFiles(dir, 100)).toBe(seen);
  });
});

describe("buildSite with the reader thread", () => {
  it("gives the bytes of a build without it, cold and from the cache, as the store changes", async () => {
    const dir = path.join(base, "store");
    await fs.cp(path.join(FIXTURES, "demo"), dir, { recursive: true });
    const cacheDir = path.join(base, "cache");
    const check = async () => {
      await buildSite({ dir, out: path.join(base, "one"), cache: false, readThread: "never" });
      const threaded = await buildSite({ dir, out: path.join(base, "two"), cacheDir, readThread: "always" });
      expect(await treeBytes(path.join(base, "two"))).toEqual(await treeBytes(path.join(base, "one")));
      return threaded;
    };
    expect((await check()).reused).toBe(0);
    // Cached fragments come from the cache (the thread does not render them), the new record from the thread.
    await openStore(dir).createMarkdownArtifact({ key: "gtm-report", markdown: "# A new version\n\n| a | b |\n|---|---|\n| 1 | 2 |" });
    expect((await check()).reused).toBeGreaterThan(0);
  });

  it("runs from dist/ in a child process, where the thread is read-worker.js", async () => {
    await ensureBuilt();
    const dir = path.join(base, "store");
    await makeStore(dir, 4, 3);
    const script = await writeScript(base, "build.mjs", `
      import { buildSite } from ${JSON.stringify(distEntry.replace(/index\.js$/, "site/index.js"))};
      const r = await buildSite({ dir: process.argv[2], out: process.argv[3], cache: false, readThread: "always" });
      console.log(JSON.stringify(r.problems));
    `);
    const run = await runNode(script, [dir, path.join(base, "two")]);
    expect(run.stdout.trim()).toBe("[]");
    await buildSite({ dir, out: path.join(base, "one"), cache: false, readThread: "never" });
    expect(await treeBytes(path.join(base, "two"))).toEqual(await treeBytes(path.join(base, "one")));
  });
});
