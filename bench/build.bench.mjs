/**
 * `npm run bench -- build [--repeat=3] [--seed=1] [--large] [--large-repeat=1]`: our cold build of the 10,000-artifact
 * synthetic store against Hugo and Eleventy 3 building the same content as 10,000 Markdown pages, in the same run;
 * then our no-change rebuild (and one after touching a store file: the content-keyed cache path), and with `--large` our build of the 100,000-artifact store. Every build is a child
 * process with a fresh output folder; the figure is the median wall time, with the peak RSS of the process tree.
 * Flags take `=` (the dispatcher passes on only the arguments that start with a dash).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cachedStore, DEFAULT_PARAMS, LARGE_PARAMS } from "./synth.mjs";
import { PEERS_VERSION, writePeerSites } from "./peers.mjs";
import { median, timeChild } from "./measure.mjs";
import { eleventyBuilder, hugoBuilder, ourBuilder, ourPages } from "./tools.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(here, ".work");
const log = (line) => console.log(`  · ${line}`);

function parseFlags(flags) {
  const opts = { repeat: 3, seed: DEFAULT_PARAMS.seed, large: false, largeRepeat: 1 };
  for (const flag of flags) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(flag);
    if (!m) throw new Error(`build bench: unexpected flag ${JSON.stringify(flag)}`);
    const [, name, value] = m;
    if (name === "large") opts.large = true;
    else if (name === "repeat" || name === "seed" || name === "large-repeat") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < (name === "seed" ? 0 : 1)) throw new Error(`build bench: --${name} needs an integer, got ${JSON.stringify(value)}`);
      opts[name === "large-repeat" ? "largeRepeat" : name] = n;
    } else throw new Error(`build bench: unknown flag ${JSON.stringify(flag)} (known: --repeat=N --seed=N --large --large-repeat=N)`);
  }
  return opts;
}

/** The peers' sites for a store, made once per store and peers version. */
function cachedPeers(storeDir) {
  const dir = path.join(work, "peers", `${path.basename(storeDir)}-p${PEERS_VERSION}`);
  const done = `${dir}.done.json`;
  if (fs.existsSync(done) && fs.existsSync(dir)) return JSON.parse(fs.readFileSync(done, "utf8"));
  log("writing the peers' Markdown pages …");
  const sites = writePeerSites(storeDir, dir);
  fs.writeFileSync(done, JSON.stringify(sites));
  return sites;
}

/** A fresh, empty folder (its previous content removed). */
function fresh(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Every cold build writes into a folder never used before, and removed only after all timing is done. The reason
 * is in the kernel, seen with `perf record -a`: on this disk (ext4 without a journal) creating a file skips every
 * free inode whose file was deleted less than 60 s ago (360 s while its inode table block is dirty, which new
 * files keep it), reading that block for each one (`ext4_create` → `find_inode_bit` → `recently_deleted`). A
 * build right after removing a site of 10,000+ files spent ~4 s of system time in that walk: ours 3.1 s → 6.1 s,
 * Hugo's rounds 3.2 → 11.4 s in one run as removals piled up. So leftovers are removed before the first round and
 * the bench then waits out that window (RECENTLY_DELETED_MS), and `sync` runs before each build so no tool pays
 * for another's writes either. Journaled ext4 (the usual kind) does not do this walk.
 */
let roundDirs = 0;
function unusedDir(name) {
  return path.join(work, "rounds", `${name}-${++roundDirs}`);
}
function settle() {
  execFileSync("sync");
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long ext4 without a journal keeps a deleted file's inode from reuse, at most (see above), and a margin. */
const RECENTLY_DELETED_MS = 370_000;

/** When the last run removed its outputs (ms since the epoch): a run started within the window waits out the rest. */
const REMOVED_AT = path.join(work, "rounds-removed-at");

/**
 * Removes the round folders of this or a crashed earlier run, then lets the disk finish with the removal. `wait`:
 * before the first round, wait out the window after this removal or after the last run's (a bench started right
 * after another ran ~2× slower for every tool).
 */
async function clearRounds(wait) {
  const dirs = [path.join(work, "rounds"), path.join(work, "out"), path.join(work, "cwd")].filter((d) => fs.existsSync(d));
  if (dirs.length > 0) {
    log("removing the outputs of the timed rounds …");
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    settle();
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(REMOVED_AT, `${Date.now()}\n`);
  }
  if (!wait) return;
  const removedAt = Number(fs.existsSync(REMOVED_AT) ? fs.readFileSync(REMOVED_AT, "utf8") : 0) || 0;
  const left = Math.min(wait, removedAt + wait - Date.now());
  if (left > 0) {
    log(`waiting ${Math.round(left / 1000)} s for the file system to let the removed inodes be reused (see unusedDir) …`);
    await sleep(left);
  }
}

/**
 * Our cold build: fresh output, and a fresh working folder and cache home, so no render cache of a previous run
 * helps (XDG_CACHE_HOME and ARTIFACTS_CACHE_DIR point into that folder). `rebuild` runs the same build again onto
 * the previous output with the same cache and nothing changed.
 */
function oursContender(ours, store, tag) {
  let out, cwd, env, cmd, args;
  return {
    get out() {
      return out;
    },
    async cold() {
      out = unusedDir(`ours-${tag}-out`);
      cwd = fresh(unusedDir(`ours-${tag}-cwd`));
      env = { ...process.env, XDG_CACHE_HOME: path.join(cwd, "xdg-cache"), ARTIFACTS_CACHE_DIR: path.join(cwd, "cache"), NO_COLOR: "1" };
      [cmd, args] = ours.command(store, out);
      settle();
      return timeChild(cmd, args, { cwd, env });
    },
    rebuild() {
      settle();
      return timeChild(cmd, args, { cwd, env });
    },
    /** The same, after setting one store file's mtime: the early stop is off, the content-keyed cache does the work. */
    touchedRebuild() {
      const key = fs.readdirSync(store).filter((n) => !n.startsWith("_")).sort()[0];
      const file = path.join(store, key, fs.readdirSync(path.join(store, key)).sort()[0]);
      const now = new Date();
      fs.utimesSync(file, now, now);
      settle();
      return timeChild(cmd, args, { cwd, env });
    },
  };
}

function peerContender(tool, input) {
  let out;
  return {
    get out() {
      return out;
    },
    async cold() {
      out = unusedDir(tool.name.split(" ")[0]);
      const [cmd, args] = tool.command(input, out);
      settle();
      return timeChild(cmd, args, { cwd: tool.cwd(input) });
    },
  };
}

/** Keeps one tool's figures; a failed run stops that tool (its later rounds are skipped). */
function tally(name) {
  return { name, times: [], cpu: [], rss: [], failure: null, summary: "" };
}

function record(t, r, label) {
  if (r.code !== 0) {
    t.failure = `${label} exit ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" / ")}`;
    return;
  }
  t.times.push(r.seconds);
  t.rss.push(r.peakRssMb);
  if (r.cpuSeconds !== null) t.cpu.push(r.cpuSeconds);
  t.summary = r.stdout.trim().split("\n").pop() ?? "";
  log(`${label}: ${r.seconds.toFixed(2)} s (CPU ${r.cpuSeconds?.toFixed(2) ?? "?"} s), ${r.peakRssMb.toFixed(0)} MB`);
}

function table(rows) {
  const header = ["tool", "median s", "best s", "CPU s", "peak RSS MB", "pages", "median vs ours", "best vs ours", "CPU vs ours"];
  const cells = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const left = (i) => i === 0 || i === 2;
  const line = (r) => `| ${r.map((c, i) => (left(i) ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(" | ")} |`;
  return [line(header), `|${widths.map((w, i) => (left(i) ? ` ${"-".repeat(w)} ` : ` ${"-".repeat(w - 1)}: `)).join("|")}|`, ...rows.map(line)].join("\n");
}

const mb = (list) => (list.length ? Math.max(...list).toFixed(0) : "–");

/** `inject.ours` stands in for our builder (the bench's own check uses it before the site builder exists). */
export default async function buildBench(flags = [], inject = {}) {
  const opts = parseFlags(flags);
  fs.mkdirSync(work, { recursive: true });
  const params = { ...DEFAULT_PARAMS, seed: opts.seed };
  const { dir: store, summary } = await cachedStore(params, log);
  log(`store: ${path.relative(process.cwd(), store)} (${summary.params.artifacts} artifacts, ${summary.keys} keys, ${summary.runs} runs, ${(summary.bytes / 1e6).toFixed(1)} MB)`);
  const peers = cachedPeers(store);
  const expected = summary.params.artifacts;
  const results = { date: new Date().toISOString().slice(0, 10), machine: machine(), params, repeat: opts.repeat, tools: {} };
  if (results.machine.loadavg[0] > 0.5) log(`load average ${results.machine.loadavg[0].toFixed(2)} before the bench: other work shares the cores, figures are noisy`);

  // Leftovers of a crashed run are removed first, and the disk given time to finish with them.
  await clearRounds(RECENTLY_DELETED_MS);
  // Everyone that can run, interleaved round by round, so a burst of outside load hits every tool alike.
  const ours = inject.ours ?? (await ourBuilder());
  const tools = [hugoBuilder(), eleventyBuilder()];
  const contenders = [];
  if (ours.available) contenders.push({ key: "ours", label: "ours cold", t: tally("ours (cold)"), c: oursContender(ours, store, "10k"), pages: ourPages });
  for (const tool of tools.filter((x) => x.available)) {
    const input = tool.name.startsWith("hugo") ? peers.hugo : peers.eleventy;
    contenders.push({ key: tool.name.split(" ")[0], label: tool.name, t: tally(tool.name), c: peerContender(tool, input), pages: tool.pages, html: tool.html });
  }
  for (let round = 1; round <= opts.repeat; round++) {
    for (const x of contenders) {
      if (!x.t.failure) record(x.t, await x.c.cold(), `${x.label} #${round}`);
    }
  }
  // Every artifact must have its page, or the comparison is not honest.
  for (const x of contenders) {
    if (x.t.failure) continue;
    x.t.pages = x.pages(x.c.out);
    x.t.html = x.html ? x.html(x.c.out) : x.t.pages;
    if (x.t.pages !== expected) x.t.failure = `rendered ${x.t.pages} artifact pages, expected ${expected}`;
  }
  const rebuild = tally("ours (no-change rebuild)");
  const touched = tally("ours (rebuild, 1 file touched)");
  const oursX = contenders.find((x) => x.key === "ours");
  if (oursX && !oursX.t.failure) {
    for (let round = 1; round <= opts.repeat; round++) {
      if (!rebuild.failure) record(rebuild, await oursX.c.rebuild(), `ours no-change rebuild #${round}`);
      if (!touched.failure) record(touched, await oursX.c.touchedRebuild(), `ours rebuild after a touch #${round}`);
    }
  }

  const rows = [];
  const ourMedian = oursX && !oursX.t.failure ? median(oursX.t.times) : null;
  const ourCpu = ourMedian && oursX.t.cpu.length ? median(oursX.t.cpu) : null;
  const ourBest = ourMedian ? Math.min(...oursX.t.times) : null;
  if (!ours.available) rows.push(["ours", "not available", ours.reason, "", "", "", "", "", ""]);
  for (const x of contenders) {
    results.tools[x.key] = { ...x.t, median: x.t.failure ? null : median(x.t.times), cpuMedian: x.t.cpu.length ? median(x.t.cpu) : null, peakRssMb: x.t.rss.length ? Math.max(...x.t.rss) : null };
    if (x.t.failure) {
      rows.push([x.t.name, "failed", x.t.failure, "", "", x.t.pages ?? "", "", "", ""]);
      continue;
    }
    const m = median(x.t.times);
    const cpu = x.t.cpu.length ? median(x.t.cpu) : null;
    const ratio = x.key === "ours" ? "1.00×" : ourMedian ? `${(m / ourMedian).toFixed(2)}×` : "ours pending";
    const cpuRatio = x.key === "ours" ? "1.00×" : ourCpu && cpu ? `${(cpu / ourCpu).toFixed(2)}×` : "";
    const b = Math.min(...x.t.times);
    const bestRatio = x.key === "ours" ? "1.00×" : ourBest ? `${(b / ourBest).toFixed(2)}×` : "";
    const pages = x.t.html > x.t.pages ? `${x.t.pages} (+${x.t.html - x.t.pages})` : x.t.pages;
    rows.push([x.t.name, m.toFixed(2), b.toFixed(2), cpu?.toFixed(2) ?? "?", mb(x.t.rss), pages, ratio, bestRatio, cpuRatio]);
    if (x.key === "ours") {
      results.tools.oursRebuild = { ...rebuild, median: rebuild.failure ? null : median(rebuild.times) };
      results.tools.oursTouchedRebuild = { ...touched, median: touched.failure ? null : median(touched.times) };
      for (const r of [rebuild, touched]) {
        if (r.failure) {
          rows.push([r.name, "failed", r.failure, "", "", "", "", "", ""]);
          continue;
        }
        const rm = median(r.times);
        const rc = r.cpu.length ? median(r.cpu) : null;
        const rb = Math.min(...r.times);
        rows.push([r.name, rm.toFixed(2), rb.toFixed(2), rc?.toFixed(2) ?? "?", mb(r.rss), "", `${((rm / m) * 100).toFixed(0)} % of cold`, `${((rb / b) * 100).toFixed(0)} % of cold`, rc && cpu ? `${((rc / cpu) * 100).toFixed(0)} % of cold` : ""]);
      }
    }
  }
  for (const tool of tools.filter((x) => !x.available)) rows.push([tool.reason.split(" ")[0], "not available", tool.reason, "", "", "", "", "", ""]);

  if (opts.large) {
    const { dir: big, summary: bigSummary } = await cachedStore({ ...LARGE_PARAMS, seed: opts.seed }, log);
    log(`large store: ${bigSummary.params.artifacts} artifacts, ${bigSummary.keys} keys, ${bigSummary.runs} runs, ${(bigSummary.bytes / 1e6).toFixed(0)} MB, generated in ${bigSummary.seconds} s`);
    if (ours.available) {
      const t = tally("ours, 100k store (cold)");
      const c = oursContender(ours, big, "100k");
      for (let round = 1; round <= opts.largeRepeat && !t.failure; round++) record(t, await c.cold(), `ours 100k cold #${round}`);
      if (!t.failure) {
        t.pages = ourPages(c.out);
        if (t.pages !== bigSummary.params.artifacts) t.failure = `wrote ${t.pages} artifact pages, expected ${bigSummary.params.artifacts}`;
      }
      results.tools.oursLarge = { ...t, median: t.failure ? null : median(t.times), cpuMedian: t.cpu.length ? median(t.cpu) : null, peakRssMb: t.rss.length ? Math.max(...t.rss) : null };
      if (t.failure) rows.push([t.name, "failed", t.failure, "", "", "", "", "", ""]);
      else {
        const m = median(t.times);
        const cpu = t.cpu.length ? median(t.cpu) : null;
        const b = Math.min(...t.times);
        rows.push([t.name, m.toFixed(2), b.toFixed(2), cpu?.toFixed(2) ?? "?", mb(t.rss), t.pages,
          ourMedian ? `${(m / ourMedian).toFixed(2)}× the 10k` : "", ourBest ? `${(b / ourBest).toFixed(2)}× the 10k` : "", ourCpu && cpu ? `${(cpu / ourCpu).toFixed(2)}× the 10k` : ""]);
      }
    } else rows.push(["ours, 100k store", "not available", ours.reason, "", "", "", "", "", ""]);
  }

  results.machine.loadavgAfter = os.loadavg();
  console.log(`\nBuild of the ${expected.toLocaleString("en-US")}-artifact synthetic store (seed ${opts.seed}), median of ${opts.repeat}, ${results.machine.cpus} cores, Node ${process.versions.node}`);
  console.log("(wall seconds: median and best of the rounds; vs ours = that tool's figure / our cold build's; CPU = median user +");
  console.log(" system seconds of the process tree; peak RSS = the largest of the rounds; pages = artifact pages in the output (+ other html))\n");
  console.log(table(rows));
  if (results.tools.ours?.summary) console.log(`\nour summary line: ${results.tools.ours.summary}`);
  const file = path.join(work, "build-results.json");
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nraw figures: ${path.relative(process.cwd(), file)}`);
  await clearRounds(0);
  return results;
}

function machine() {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpu: cpus[0]?.model ?? "?", memGb: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node, os: `${os.type()} ${os.release()}`, loadavg: os.loadavg() };
}
