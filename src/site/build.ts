/**
 * `buildSite`: read the store → model → render → write, with bad files reported and skipped.
 *
 * Records stream through: each is read, parsed once, its artifact HTML rendered (or found in the cache) into the
 * fragment pack, and only its metadata kept for the model. Pages are then rendered one at a time from the model
 * and the pack, and written as they come, so memory stays flat however large the store. A page whose key (see
 * page-keys.ts) is the one the previous build wrote is hard-linked from the previous site instead of rendered.
 */
import { lstatSync, mkdtempSync, promises as fs, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import { BuildError } from "../errors.js";
import type { StoreProblem } from "../store/backend.js";
import type { ArtifactRecord } from "../types.js";
import { BuildCache, cacheBase, siteSalt, treeStamp, type FileEntry } from "./cache.js";
import { CorruptCacheError, FragmentPack, type FragmentEntry, type SplicedArtifact } from "./fragments.js";
import { buildModel, Interner, slimRecord } from "./model.js";
import { PageKeys } from "./page-keys.js";
import { DEFAULT_TITLE, SITE_ASSETS } from "./paths.js";
import { isRecordPath, startReader, StoreSize, streamRendered, useThread, type EarlyReader, type ReadThread } from "./read-thread.js";
import { SiteRenderer, type RenderedArtifact } from "./render.js";
import { SiteWriter, checkOut, defaultWriterThreads, type FileData } from "./write.js";
import { normalizeBaseUrl } from "./extras/base-url.js";
import { ExtrasCollector, pageDiff } from "./extras/collect.js";
import type { RenderedDiff, VersionDiff } from "./extras/diff.js";
import { Rereader } from "./read.js";
import { SEARCH_PAGE, renderSearchPage } from "./extras/search-page.js";

export interface BuildOptions {
  /** The store folder. */ dir: string;
  /** The output folder; replaced as a whole (DESIGN §4). */ out: string;
  /** Site title; default "Artifacts". */ title?: string;
  /** Skip record files larger than this many bytes; default 32 MiB. */ maxFileSize?: number;
  /** Called for every bad file found (path + reason); the build goes on. */ onProblem?: (p: StoreProblem) => void;
  /** Called as pages are written, for a progress bar. */ onProgress?: (done: number, total: number) => void;
  /**
   * Reuse what the previous build of this store into this `out` rendered; default true. The cache is never in
   * the store or the site: see cache.ts for where it lives. False renders everything and reads no cache.
   */
  cache?: boolean;
  /**
   * Where the site will be hosted (absolute http: or https: URL), for absolute links in the Atom feeds and
   * `api/latest.json`, and for the 404 page's links (from its path, as a host serves the page at any depth); default
   * none: feed links are relative to the feed, and the 404 page is styled only at the top. Other pages never depend
   * on it.
   */
  baseUrl?: string;
  /** Base folder of the cache; default `$ARTIFACTS_CACHE_DIR`, else `$XDG_CACHE_HOME/artifact-press`, else `~/.cache/artifact-press`. */
  cacheDir?: string;
  /**
   * Writer threads: that many threads write the site's files (from the few-hundredth file on, so a small site
   * never starts one) while this one renders; 0 writes everything here. Default 1 when the machine has 2 or more
   * cores, else 0.
   */
  workers?: number;
  /**
   * A reader thread reads, checks and renders the store's records while this one collects them (read-thread.ts):
   * `auto` (default) for a store of 2,000 record files or more on 2 or more cores, `always`, or `never`.
   */
  readThread?: ReadThread;
  /**
   * Record files from which the build holds no fragment or diff in memory (both go to their files as they come) and
   * bounds the heap's growth (see LARGE_STORE, the default). Lower only to exercise that path on a small store.
   */
  largeStore?: number;
}

export interface BuildResult {
  /** HTML pages written. */
  pages: number;
  /** Every file written: pages, assets, images, table downloads. */
  files: number;
  problems: StoreProblem[];
  durationMs: number;
  /** Files taken unchanged from the previous site through the cache (0 on a cold build). */
  reused: number;
  /**
   * True when neither the store nor the site changed since the last cached build into this `out` (same
   * settings, same package): the site already was the result, and nothing was read or written.
   */
  unchanged: boolean;
}


/**
 * Records past which the build asks V8 to grow the heap by at most 20 % a collection (the default lets it grow
 * ~4× the live set before collecting: 750–830 MB peak on the 100,000-artifact store whose live set is ~150–200 MB;
 * bounded, 410–490 MB, for ~1 s more of collection). Below it the default is faster. The setting is put back when the
 * build ends.
 */
const LARGE_STORE = 20_000;
const BOUNDED_HEAP_GROWTH = "--heap-growing-percent=20";
/** V8's own heap growing (0 = not fixed by a flag). */
const DEFAULT_HEAP_GROWTH = "--heap-growing-percent=0";

/** Builds in this process that bounded the heap's growth: the last one to end puts V8's own rule back. */
let boundedBuilds = 0;

/** Bounds the heap's growth unless the user chose a growth of their own (node option); true when it did. */
function boundHeapGrowth(): boolean {
  const chosen = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((a) => /heap[-_]growing[-_]percent/.test(a));
  if (chosen) return false;
  if (boundedBuilds++ === 0) v8.setFlagsFromString(BOUNDED_HEAP_GROWTH);
  return true;
}

function unboundHeapGrowth(): void {
  if (--boundedBuilds === 0) v8.setFlagsFromString(DEFAULT_HEAP_GROWTH);
}

export async function buildSite(options: BuildOptions): Promise<BuildResult> {
  try {
    return await buildOnce(options, options.cache ?? true);
  } catch (err) {
    // A damaged cache must never break (or taint) a build: throw it away and build without it.
    if (!(err instanceof CorruptCacheError)) throw err;
    return buildOnce(options, false);
  }
}

async function buildOnce(options: BuildOptions, useCache: boolean): Promise<BuildResult> {
  const started = performance.now();
  const problems: StoreProblem[] = [];
  const report = (p: StoreProblem) => {
    problems.push(p);
    options.onProblem?.(p);
  };
  const title = options.title ?? DEFAULT_TITLE;
  const baseUrl = options.baseUrl === undefined ? undefined : normalizeBaseUrl(options.baseUrl);
  if (options.largeStore !== undefined && (!Number.isSafeInteger(options.largeStore) || options.largeStore < 1)) {
    throw new BuildError(`largeStore ${String(options.largeStore)} is not a positive whole number.`);
  }
  const workers = options.workers ?? defaultWriterThreads();
  const renderer = new SiteRenderer(baseUrl === undefined ? {} : { baseUrl });
  const salt = siteSalt(renderer.templatesDir);
  const out = await checkOut(options.out, options.dir);
  const cache = useCache ? BuildCache.open({ base: cacheBase(options.cacheDir), store: options.dir, out, salt }) : undefined;
  // A store of a few thousand records (`big`): a reader thread, and writer threads from the first file (as many
  // files). One of LARGE_STORE or more (`large`): no fragment or diff held in memory: they would not fit the budget
  // anyway. Known from the store's stamp where there is one, else counted when first asked.
  const largeAt = options.largeStore ?? LARGE_STORE;
  const size = new StoreSize(options.dir, largeAt);
  const streamOptions = () => ({ maxFileSize: options.maxFileSize, renderer, thread: options.readThread, big: size.big });
  // A large build bounds the heap's growth before it loads the previous build's manifest: loaded under V8's own rule,
  // its garbage grew the heap early, and a 100k rebuild after a touch peaked at ~550 MB.
  let bounded = false;
  const previousBuild = () => {
    if (size.large && !bounded) bounded = boundHeapGrowth();
    return cache?.previous;
  };
  // The store as this build sees it, before reading it: a file changed while the build reads makes the next build
  // miss the snapshot and build again, never the other way round.
  let storeStamp: string | undefined;
  let writer: SiteWriter;
  let largeStore = false;
  let early: EarlyReader | undefined;
  try {
    // With no snapshot to stop early for, the reader thread loads (~0.15 s) while the store is stamped and the
    // writer made ready; it reads nothing before the stream takes it, after the stamp.
    if (cache?.hasSnapshot !== true && useThread(options.dir, streamOptions())) {
      early = startReader(options.dir, { ...streamOptions(), known: cache?.hasManifest ? previousBuild()?.fragments.keys() : undefined });
    }
    // The stamp sees every file: it counts the record files on the way (listing a 10k store's folders again was ~15 ms
    // between the stamp and the first records).
    let recordFiles = 0;
    storeStamp = cache && treeStamp(options.dir, JSON.stringify([title, baseUrl ?? null, options.maxFileSize ?? null]), (rel) => {
      if (isRecordPath(rel)) recordFiles++;
    });
    if (storeStamp !== undefined) size.counted(recordFiles);
    const same = cache?.unchanged(storeStamp, out);
    if (same) {
      // Nothing the site is made of changed, and the site is as the last build left it: it is already the result.
      early?.cancel();
      cache!.release();
      if (bounded) unboundHeapGrowth();
      for (const p of same.problems) report(p);
      options.onProgress?.(same.files, same.files);
      return { pages: same.pages, files: same.files, problems, durationMs: performance.now() - started, reused: same.files, unchanged: true };
    }
    largeStore = size.large;
    writer = await SiteWriter.open(out, options.dir, { threads: workers, big: size.big });
    // The extras written during the read wait for the pages (SiteWriter.hold), but in a large build: they would not fit.
    if (!largeStore) writer.hold();
  } catch (err) {
    early?.cancel();
    cache?.release();
    if (bounded) unboundHeapGrowth();
    throw err;
  }
  let previous: ReturnType<typeof previousBuild>;
  const files = new Map<string, FileEntry>();
  let reused = 0;
  /**
   * Takes `rel` from the previous site when it was made from `key()` and is untouched since, else writes `make()`.
   * `key` is only called by a cached build.
   */
  const put = (rel: string, key: () => string, make: () => FileData) => {
    if (!cache) {
      writer.writeSync(rel, make());
      return;
    }
    const before = previous?.files.get(rel);
    const k = key();
    if (before && before[0] === k) {
      const from = path.join(writer.out, rel);
      const stat = lstatSync(from, { throwIfNoEntry: false });
      if (stat?.isFile() && stat.size === before[1] && stat.mtimeMs === before[2] && stat.ino === before[3] && writer.reuse(rel, from)) {
        files.set(rel, before);
        reused++;
        return;
      }
    }
    // Size, mtime and inode are filled in by the walk of the published site after the swap (from the writer
    // thread's `fstat` of each file it wrote, an `lstat` for the rest); set now so the order stays the build's.
    files.set(rel, [k, 0, 0, 0]);
    writer.writeSync(rel, make());
  };

  let scratch: string | undefined;
  let pack!: FragmentPack;
  /** A rebuild's records, to read again for a late diff. */
  const reread = new Rereader(options.dir, options.maxFileSize);
  const lateDiff = (before: ArtifactRecord, after: ArtifactRecord): VersionDiff | RenderedDiff => {
    const d = pageDiff(reread.again(before), reread.again(after));
    const html = renderer.renderDiff(d);
    return html === undefined ? d : { previousId: d.previousId, currentId: d.currentId, html };
  };
  let collector!: ExtrasCollector;
  try {
    // The previous build (its manifest, its pack) is loaded here, once the heap's growth is bounded.
    previous = previousBuild();
    scratch = cache ? undefined : mkdtempSync(path.join(os.tmpdir(), "artifact-press-"));
    pack = cache?.pack ?? new FragmentPack(path.join(scratch!, "fragments.pack"), 0);
    if (largeStore) pack.writeThrough();
    // Feeds, compare data, the API and the search index are written as they complete (see extras/collect.ts).
    collector = new ExtrasCollector({
      siteTitle: title, ...(baseUrl === undefined ? {} : { baseUrl }),
      emit: (file) => writer.writeSync(file.path, file.data), diffsOnDisk: true, diffsWriteThrough: largeStore,
      renderDiff: (d) => renderer.renderDiff(d),
      // A cached build takes a key's feed and compare data from the previous site when their content key is the same.
      ...(cache ? { keyed: { prefix: `${salt}\0${title}\0${baseUrl ?? ""}`, put: (rel, key, make) => put(rel, () => key, make) } } : {}),
      // A rebuild leaves the diffs of records it had to the pages that ask for them (few: see RecordInfo.lateDiff).
      ...(previous ? { lateDiff: (before: ArtifactRecord, after: ArtifactRecord) => lateDiff(before, after) } : {}),
    });
  } catch (err) {
    await writer.abort();
    cache?.release();
    if (bounded) unboundHeapGrowth();
    if (scratch) {
      (pack as FragmentPack | undefined)?.discard();
      rmSync(scratch, { recursive: true, force: true });
    }
    throw err;
  }
  try {
    const fragments = new Map<string, FragmentEntry>();
    const entryOf = new Map<string, FragmentEntry>();
    const hashOf = new Map<ArtifactRecord, string>();
    const records: ArtifactRecord[] = [];
    const shared = new Interner();
    const renderProblems: StoreProblem[] = [];
    const rest = await streamRendered(options.dir, { ...streamOptions(), report, known: previous?.fragments.keys(), ...(early ? { reader: early } : {}) }, ({ record, key, source, imagePath, render, diff, text }) => {
      const had = previous?.fragments.get(key);
      let entry = fragments.get(key) ?? had;
      if (!entry) {
        let rendered: ReturnType<typeof render>;
        try {
          rendered = render();
        } catch (err) {
          // Reported after the read problems, in the order the whole-store build always used.
          renderProblems.push({ path: source, reason: `${(err as Error).message}; skipped` });
          return;
        }
        entry = pack.append(rendered);
      }
      fragments.set(key, entry);
      entryOf.set(record.id, entry);
      const meta = slimRecord(record, shared);
      // Only a cached build needs page keys; a one-shot build keeps no hash per record.
      if (cache) hashOf.set(meta, key);
      records.push(meta);
      if (records.length === largeAt && !bounded) bounded = boundHeapGrowth();
      collector.add(record, {
        // The key's compare data waits for its records only when the previous site may have the same file (`size`).
        descriptionText: entry.text, hash: key, ...(previous ? { size: text.length } : {}), ...(imagePath === undefined ? {} : { imagePath }), ...(had ? { lateDiff: true } : {}),
      }, diff);
    });
    collector.finish();
    writer.release();
    // The pack is the next build's cache, and complete once the store is read: its held fragments go to disk on
    // libuv's pool during the pages (which still read them from memory), while a core is free, not at the end.
    if (cache) pack.writeBehind();
    renderer.extras = collector.helpers();
    for (const p of renderProblems) report(p);

    const model = buildModel({ title, records, runs: rest.runs, inputs: false });
    // Page keys (a digest per record and run, a hash per page) are only worth their memory and time when cached.
    const keys = cache ? new PageKeys(model, salt, (r) => hashOf.get(r)!, renderer.notFoundRoot) : undefined;
    const runArtifactCounts = new Map<string, number>();
    for (const page of model.pages) if (page.kind === "run") runArtifactCounts.set(page.summary.run.id, page.summary.artifacts.length);
    const lookup = (id: string): RenderedArtifact | undefined => {
      const entry = entryOf.get(id);
      return entry && pack.read(entry);
    };

    // Pages take each artifact's HTML as the bytes the pack holds (see SiteRenderer.renderPageParts).
    const spliced = (id: string): SplicedArtifact | undefined => {
      const entry = entryOf.get(id);
      return entry && pack.readSpliced(entry);
    };
    const textOf = (id: string): string | undefined => entryOf.get(id)?.text;
    const extras = model.records.flatMap((r) => entryOf.get(r.id)!.files.map((file) => ({ file, record: r })));
    const total = model.pages.length + SITE_ASSETS.length + rest.images.length + extras.length;
    let done = 0;
    // Counted whether or not anyone listens: the breather below goes by the count (an `onProgress?.(++done, …)`
    // skipped the count without a listener, and the build yielded to the event loop after every page: ~0.1 s).
    const step = () => {
      done++;
      options.onProgress?.(done, total);
    };
    for (const asset of SITE_ASSETS) {
      writer.writeSync(asset, await fs.readFile(path.join(renderer.templatesDir, asset)));
      step();
    }
    // An image's path is a hash of its bytes.
    for (const image of rest.images) {
      put(image.path, () => image.path, () => image.bytes);
      step();
      await writer.keepUp();
    }
    for (const { file, record } of extras) {
      put(file, () => `${salt}:${hashOf.get(record)}`, () => lookup(record.id)!.files.find((f) => f.path === file)!.data);
      step();
      await writer.keepUp();
    }
    for (const page of model.pages) {
      put(page.path, () => keys!.key(page, runArtifactCounts), () => renderer.renderPageParts(page, model, spliced, runArtifactCounts, textOf));
      step();
      // Let a progress bar (and a watcher's server) breathe now and then.
      if (done % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
      await writer.keepUp();
    }
    writer.writeSync(SEARCH_PAGE, renderSearchPage(model.title, renderer.templatesDir));
    cache?.forgetFiles();
    await writer.commit();
    if (cache) {
      const site = treeStamp(writer.out, "", (rel, s) => {
        const entry = files.get(rel);
        if (entry) {
          entry[1] = s.size;
          entry[2] = s.mtimeMs;
          entry[3] = s.ino;
        }
      }, (rel) => writer.statOf(rel));
      const snapshot = storeStamp === undefined || site === undefined ? undefined
        : { store: storeStamp, site, pages: model.pages.length, files: writer.count, problems };
      await pack.settle();
      cache.save(fragments, files, snapshot);
    }
    return { pages: model.pages.length, files: writer.count, problems, durationMs: performance.now() - started, reused, unchanged: false };
  } catch (err) {
    await writer.abort();
    if (err instanceof CorruptCacheError) cache?.wipe();
    throw err;
  } finally {
    if (bounded) unboundHeapGrowth();
    early?.cancel();
    collector.close();
    cache?.release();
    if (scratch) {
      pack.discard();
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
