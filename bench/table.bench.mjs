// Table tools at 100,000 rows in Chromium (Debian's /usr/bin/chromium through playwright-core), from file://:
// the first read of the page's data block (JSON.parse), sort by a number and a text column, and filter over every
// row, each timed inside the page around the same call the controls make. Rounds are fresh page loads; the median
// and best are printed.
import { promises as fs, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { median } from "./measure.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = (p) => import(pathToFileURL(path.join(here, "..", "dist", p)).href);
const ROWS = Number(process.env.TABLE_BENCH_ROWS ?? 100_000);
const CHROMIUM = "/usr/bin/chromium";

export default async function run(flags = []) {
  const rounds = Number((flags.find((f) => f.startsWith("--repeat=")) ?? "--repeat=5").slice(9));
  if (!existsSync(CHROMIUM)) {
    console.log(`Chromium not found at ${CHROMIUM}: table bench not available`);
    return;
  }
  const { openStore } = await dist("index.js");
  const { buildSite } = await dist("site/build.js");
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "artifact-press-table-bench-"));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless", "--disable-gpu"] });
  try {
    const store = openStore(path.join(base, "store"), { durable: false, warn: () => undefined });
    // Seeded rows: an id, a number out of row order, a text column with repeats, a sparse small number.
    const rows = Array.from({ length: ROWS }, (_, i) => [`row-${i}`, (i * 7919) % ROWS, `label ${(i * 31) % 997}`, i % 10 === 0 ? null : i % 13]);
    const id = await store.createTableArtifact({ key: "bench-table", table: rows, columns: ["id", "score", "label", "bucket"] });
    const started = performance.now();
    await buildSite({ dir: path.join(base, "store"), out: path.join(base, "site"), cache: false });
    const buildMs = performance.now() - started;
    const pageFile = path.join(base, "site", "artifacts", `${id}.html`);
    const pageMb = (await fs.stat(pageFile)).size / 1e6;
    const url = pathToFileURL(pageFile).href;

    const results = [];
    for (let r = 0; r < rounds; r++) {
      const page = await browser.newPage();
      await page.goto(url);
      results.push(await page.evaluate(() => new Promise((resolve) => {
        const table = document.querySelector("table.data");
        const api = table.artifactPressTable;
        const s = performance.now();
        api.load(() => {
          const time = (f) => { const t = performance.now(); f(); return performance.now() - t; };
          const load = performance.now() - s;
          const out = {
            load,
            sortNumber: time(() => api.sort(1, true)),
            sortNumberDesc: time(() => api.sort(1, false)),
            sortText: time(() => api.sort(2, true)),
            filterFirst: time(() => api.filter("label 42")),
            filterNext: time(() => api.filter("row-77")),
            filterClear: time(() => api.filter("")),
          };
          out.domRows = table.tBodies[0].rows.length;
          resolve(out);
        });
      })));
      await page.close();
    }
    const names = Object.keys(results[0]).filter((k) => k !== "domRows");
    console.log(`table tools, ${ROWS.toLocaleString("en")} rows × 4 columns, ${rounds} page loads (build of the store: ${(buildMs / 1000).toFixed(1)} s; the page with its data block: ${pageMb.toFixed(1)} MB)`);
    console.log("| step | median ms | best ms |\n|---|---:|---:|");
    for (const n of names) {
      const values = results.map((x) => x[n]);
      console.log(`| ${n} | ${median(values).toFixed(0)} | ${Math.min(...values).toFixed(0)} |`);
    }
    console.log(`rows in the DOM after each step: ${[...new Set(results.map((x) => x.domRows))].join(", ")}`);
    console.log("(sorts and filters include re-rendering the visible page; filterFirst also builds the row text index)");
  } finally {
    await browser.close();
    await fs.rm(base, { recursive: true, force: true });
  }
}
