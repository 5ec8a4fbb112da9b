/**
 * `npm run bench -- watch [--writes=50] [--seed=1]`: watch mode on (a copy of) the 10,000-artifact synthetic store.
 * `artifacts watch --no-serve` runs as a child process; this process writes N new versions to random keys with the
 * library and times, from just before each write to the moment its key page (replaced by rename) holds the new
 * version, p50 and p95, as a reader in another process sees it; beside it the whole batch as the watcher reports
 * it, and in the same run a full `buildSite` of the same store and the raw latency from a file landing to
 * chokidar's event.
 */
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { watch as chokidarWatch } from "chokidar";
import { cachedStore, DEFAULT_PARAMS, makeRandom } from "./synth.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "..", "dist");
const work = path.join(here, ".work", "watch");
const log = (line) => console.log(`  · ${line}`);
const load = (rel) => import(pathToFileURL(path.join(dist, rel)).href);
const CLI = path.join(dist, "cli", "main.js");
/** The watch command's default quiet time. */
const DEBOUNCE_MS = 10;

function parseFlags(flags) {
  const opts = { writes: 50, seed: 1 };
  for (const flag of flags) {
    const m = /^--(writes|seed)=(\d+)$/.exec(flag);
    if (!m) throw new Error(`watch bench: unexpected flag ${JSON.stringify(flag)} (known: --writes=N --seed=N)`);
    opts[m[1]] = Number(m[2]);
  }
  return opts;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}
const stats = (list) => {
  const s = [...list].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1] };
};
const ms = (v) => `${v.toFixed(1)} ms`;
const pause = (t) => new Promise((resolve) => setTimeout(resolve, t));

/** The raw latency of chokidar: a file linked into a watched folder (as the store publishes) → its `add` event. */
async function chokidarLatency(dir, n) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "key"), { recursive: true });
  fs.mkdirSync(path.join(dir, "_tmp"));
  const watcher = chokidarWatch(dir, { ignoreInitial: true, depth: 1, ignored: (p) => p.includes(`${path.sep}_tmp`) });
  await new Promise((resolve) => watcher.on("ready", resolve));
  const waiting = new Map();
  watcher.on("add", (p) => waiting.get(path.basename(p))?.(performance.now()));
  const times = [];
  for (let i = 0; i < n; i++) {
    const name = `${String(i).padStart(4, "0")}.json`;
    const tmp = path.join(dir, "_tmp", name);
    fs.writeFileSync(tmp, "{}\n");
    const seen = new Promise((resolve) => waiting.set(name, resolve));
    const landed = performance.now();
    fs.linkSync(tmp, path.join(dir, "key", name));
    times.push((await seen) - landed);
    fs.unlinkSync(tmp);
    await pause(20);
  }
  await watcher.close();
  return stats(times);
}

/** Starts `artifacts watch --no-serve` as a child; resolves once it watches, with its output so far. */
async function startWatchChild(store, out, debounce) {
  const child = spawn(process.execPath, [CLI, "watch", "--dir", store, "--out", out, "--no-serve", "--debounce", String(debounce)], {
    env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  const lines = [];
  child.stdout.setEncoding("utf8").on("data", (d) => {
    output.stdout += d;
    for (const line of d.split("\n")) if (line) lines.push(line);
  });
  child.stderr.setEncoding("utf8").on("data", (d) => (output.stderr += d));
  const exited = new Promise((resolve) => child.on("close", resolve));
  await new Promise((resolve, reject) => {
    const check = () => (output.stdout.includes("Watching ") ? resolve() : undefined);
    child.stdout.on("data", check);
    child.on("close", (code) => reject(new Error(`watch exited ${code}: ${output.stderr}`)));
  });
  return { child, output, lines, exited };
}

/** Resolves with the time at which `file` (replaced by rename) first holds `marker`. */
function whenHolds(file, marker) {
  return new Promise((resolve) => {
    const look = () => {
      let text = "";
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {}
      if (text.includes(marker)) {
        const at = performance.now();
        watcher.close();
        resolve(at);
      }
    };
    const watcher = fs.watch(path.dirname(file), (_event, name) => {
      if (name === path.basename(file)) look();
    });
    look();
  });
}

export default async function watchBench(flags = []) {
  const opts = parseFlags(flags);
  const { dir: cached, summary } = await cachedStore(DEFAULT_PARAMS, log);
  fs.mkdirSync(work, { recursive: true });
  // Writes go into a copy, so the cached store stays as generated.
  const store = path.join(work, "store");
  const out = path.join(work, "site");
  const fresh = path.join(work, "fresh");
  fs.rmSync(store, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
  log(`copying the ${summary.artifacts ?? DEFAULT_PARAMS.artifacts}-artifact store …`);
  fs.cpSync(cached, store, { recursive: true });

  const [{ openStore }, { buildSite }, { keyPage }] = await Promise.all([
    load("artifacts/client.js"), load("site/build.js"), load("site/paths.js"),
  ]);

  fs.rmSync(fresh, { recursive: true, force: true });
  let t = performance.now();
  const built = await buildSite({ dir: store, out: fresh, cache: false });
  const buildSiteMs = performance.now() - t;
  log(`buildSite (no cache), in this process: ${built.pages} pages in ${ms(buildSiteMs)}`);
  fs.rmSync(fresh, { recursive: true, force: true });

  t = performance.now();
  const watch = await startWatchChild(store, out, DEBOUNCE_MS);
  const firstMs = performance.now() - t;
  log(`artifacts watch started (first full build included) in ${ms(firstMs)}: ${watch.lines[0] ?? ""}`);

  const writer = openStore(store, { durable: false });
  const keys = fs.readdirSync(store).filter((name) => !name.startsWith("_") && !name.startsWith("."));
  const rnd = makeRandom(opts.seed);
  const keyPageMs = [], batchMs = [], lineCount = [];
  try {
    for (let i = 0; i < opts.writes; i++) {
      const key = rnd.pick(keys);
      const marker = `watch-bench-${i}-${rnd.int(0, 1e9)}`;
      const seen = whenHolds(path.join(out, keyPage(key)), marker);
      const before = watch.lines.length;
      const landed = performance.now();
      await writer.createMarkdownArtifact({ key, markdown: `# ${marker}\n\nA new version written by the watch bench.` });
      keyPageMs.push((await seen) - landed);
      // The whole batch (index, runs, neighbours) as the child reports it.
      while (!watch.lines.slice(before).some((l) => l.startsWith("Updated "))) await pause(5);
      const line = watch.lines.slice(before).find((l) => l.startsWith("Updated "));
      const m = /in (\d+(?:\.\d+)?) (ms|s)$/.exec(line);
      if (m) batchMs.push(Number(m[1]) * (m[2] === "s" ? 1000 : 1));
      const pages = /\((\d+) pages? rendered\)/.exec(line);
      if (pages) lineCount.push(Number(pages[1]));
      await pause(60 + rnd.int(0, 40));
    }
  } finally {
    watch.child.kill("SIGTERM");
  }
  const code = await watch.exited;
  if (code !== 0) throw new Error(`watch bench: artifacts watch exited ${code} on SIGTERM: ${watch.output.stderr}`);
  const raw = await chokidarLatency(path.join(work, "chokidar"), opts.writes);

  const s = stats(keyPageMs), b = stats(batchMs), r = stats(lineCount);
  console.log(`
| measure (${opts.writes} writes to random keys, 10,000-artifact store, debounce ${DEBOUNCE_MS} ms) | p50 | p95 | max |
|---|---:|---:|---:|
| new version on disk → its key page rewritten (seen by another process) | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |
| whole incremental batch in the watcher (read, model, render, write) | ${ms(b.p50)} | ${ms(b.p95)} | ${ms(b.max)} |
| pages rendered per batch | ${r.p50} | ${r.p95} | ${r.max} |
| raw: file linked → chokidar \`add\` | ${ms(raw.p50)} | ${ms(raw.p95)} | ${ms(raw.max)} |

Full builds in the same run: buildSite ${ms(buildSiteMs)} (${built.pages} pages, no cache); \`artifacts watch\` up and watching (its full build included) ${ms(firstMs)}.
Goal p50 ≤ 50 ms (key page): ${s.p50 <= 50 ? "met" : "NOT met"}.`);
  fs.rmSync(work, { recursive: true, force: true });
}
