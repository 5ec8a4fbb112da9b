// Writer throughput: 10,000 Markdown artifacts of ~2 KB through the real API (fsync on) against a raw baseline
// that writes the same bytes to a temp file, fsyncs and renames it. Goal: at least 0.5× the baseline.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const { openStore } = await import(pathToFileURL(path.join(here, "..", "dist", "index.js")).href);

const COUNT = Number(process.env.WRITER_BENCH_COUNT ?? 10_000);
const BLOCK = 250;
const markdown = (i) => `# Report ${i}\n\n${"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(35)}\n`;

async function timed(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The same bytes the store writes, the plain way: temp file, fsync, rename. */
async function rawWrite(dir, i, body) {
  const tmp = path.join(dir, `tmp-${i}`);
  const handle = await fs.open(tmp, "w", 0o644);
  await handle.writeFile(body);
  await handle.sync();
  await handle.close();
  await fs.rename(tmp, path.join(dir, "out", `${i}.json`));
}

export default async function run() {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "artifact-press-bench-"));
  try {
    // The baseline writes records of the same size as the store's files.
    const sample = JSON.stringify({
      formatVersion: 1, id: "5f0c4b0e-8e0a-4a6e-9d3c-2a1f5b7c9d10", key: "bench-report", type: "markdown",
      description: null, data: markdown(0), flowRunId: null, taskRunId: null,
      created: new Date().toISOString(), updated: new Date().toISOString(),
    }, null, 2);
    const bodies = Array.from({ length: COUNT }, (_, i) => sample.replace("Report 0", `Report ${i}`) + "\n");
    // The two sides take turns in blocks, so a disk that other work slows down for a while slows both alike.
    const rawDir = path.join(base, "raw");
    await fs.mkdir(path.join(rawDir, "out"), { recursive: true });
    const store = openStore(path.join(base, "api", ".artifacts"));
    let rawS = 0, apiS = 0;
    for (let from = 0; from < COUNT; from += BLOCK) {
      const to = Math.min(COUNT, from + BLOCK);
      const raw = () => timed(async () => { for (let i = from; i < to; i++) await rawWrite(rawDir, i, bodies[i]); });
      const api = () => timed(async () => {
        for (let i = from; i < to; i++) await store.createMarkdownArtifact({ markdown: markdown(i), key: "bench-report" });
      });
      if ((from / BLOCK) % 2 === 0) { rawS += await raw(); apiS += await api(); } else { apiS += await api(); rawS += await raw(); }
    }
    const files = (await fs.readdir(path.join(base, "api", ".artifacts", "bench-report"))).length;
    if (files !== COUNT) throw new Error(`expected ${COUNT} versions, found ${files}`);
    const rawRate = COUNT / rawS, apiRate = COUNT / apiS;
    console.log(`record size      ${Buffer.byteLength(bodies[0])} bytes, ${COUNT} artifacts, fsync on`);
    console.log(`raw baseline     ${rawRate.toFixed(0)} artifacts/s (${rawS.toFixed(2)} s)`);
    console.log(`writer (API)     ${apiRate.toFixed(0)} artifacts/s (${apiS.toFixed(2)} s)`);
    console.log(`ratio            ${(apiRate / rawRate).toFixed(2)}× baseline (goal ≥ 0.50×)`);
  } finally {
    await fs.rm(base, { recursive: true, force: true });
  }
}
