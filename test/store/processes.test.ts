// Never lose or tear a version, proven with real processes that import the built package (dist/index.js).
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, runNode, startNode, writeScript } from "../helpers/processes.js";
import { checkStoreFiles } from "../helpers/schema.js";
import { listFiles, tmpDir } from "../helpers/tmp-store.js";

let base: string;
beforeAll(async () => {
  await ensureBuilt();
  base = await tmpDir();
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** A fresh store folder per test inside the shared temp folder. */
async function freshStore(name: string): Promise<string> {
  const dir = path.join(base, name);
  await fs.mkdir(dir);
  return dir;
}

// Children wait for a common start time so that their writes really overlap.
const waitForStart = `const startAt = Number(process.env.START_AT ?? 0);
while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 2));`;

describe("real processes", () => {
  it("8 processes × 250 versions of one key: 2,000 valid files, distinct ids, each process's order kept", async () => {
    const dir = await freshStore("race");
    const script = await writeScript(base, "race.mjs", `
      import { openStore } from "{{dist}}";
      const [dir, tag, count] = process.argv.slice(2);
      const store = openStore(dir);
      ${waitForStart}
      for (let i = 0; i < Number(count); i++) await store.createMarkdownArtifact({ markdown: tag + ":" + i, key: "race" });
    `);
    const START_AT = String(Date.now() + 400);
    await Promise.all(Array.from({ length: 8 }, (_, c) => runNode(script, [dir, `c${c}`, "250"], { START_AT })));

    const names = (await fs.readdir(path.join(dir, "race"))).sort();
    expect(names).toHaveLength(2000);
    expect(await fs.readdir(path.join(dir, "_tmp"))).toEqual([]);
    const ids = new Set<string>();
    const lastOf = new Map<string, number>();
    for (const name of names) {
      const record = JSON.parse(await fs.readFile(path.join(dir, "race", name), "utf8"));
      ids.add(record.id);
      expect(`${record.created.replace(/:/g, "-")}.json`).toBe(name);
      const [tag, i] = (record.data as string).split(":");
      // Version order restricted to one process is its write order.
      expect(Number(i)).toBe((lastOf.get(tag!) ?? -1) + 1);
      lastOf.set(tag!, Number(i));
    }
    expect(ids.size).toBe(2000);
    expect([...lastOf.values()]).toEqual(Array(8).fill(249));
    const { checked, problems } = await checkStoreFiles(dir);
    expect(problems).toEqual([]);
    expect(checked).toBe(2000);
  });

  it("a writer killed with SIGKILL mid-loop leaves no partial or invalid JSON outside _tmp/", async () => {
    const script = await writeScript(base, "killed.mjs", `
      import { openStore } from "{{dist}}";
      import { writeFileSync } from "node:fs";
      const [dir, image] = process.argv.slice(2);
      const store = openStore(dir, { durable: false });
      const progress = await store.createProgressArtifact({ progress: 0, key: "p" });
      for (let i = 0; ; i++) {
        await store.createMarkdownArtifact({ markdown: "x".repeat(20000) + i, key: "md" });
        await store.createTableArtifact({ table: Array.from({ length: 200 }, (_, r) => ({ r, i })), key: "tbl" });
        await store.createImageArtifact({ imagePath: image, key: "img" });
        await store.updateProgressArtifact({ artifactId: progress, progress: i % 101 });
        if (i === 20) process.stdout.write("ready\\n");
      }
    `);
    const image = path.join(base, "killed.png");
    const { PNG } = await import("../helpers/images.js");
    await fs.writeFile(image, Buffer.concat([PNG, Buffer.alloc(50_000)]));
    for (let round = 0; round < 3; round++) {
      const dir = await freshStore(`killed-${round}`);
      const { child, done } = startNode(script, [dir, image]);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (d: string) => d.includes("ready") && resolve());
        done.then((r) => reject(new Error(`writer exited early: ${r.stderr}`)), reject);
      });
      await new Promise((r) => setTimeout(r, 20 + round * 37)); // kill at a different point each round
      child.kill("SIGKILL");
      expect((await done).signal).toBe("SIGKILL");

      const { checked, problems } = await checkStoreFiles(dir);
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(60);
      // The store's own reader agrees: nothing to report.
      const { openStore } = await import("../../src/artifacts/client.js");
      const reported: unknown[] = [];
      await openStore(dir).all((p) => reported.push(p));
      expect(reported).toEqual([]);
      // Every attached image outside _tmp/ is whole or absent (it is published before its version).
      for (const f of (await listFiles(dir)).filter((f) => f.endsWith(".png"))) {
        expect((await fs.stat(path.join(dir, f))).size).toBe(PNG.length + 50_000);
      }
    }
  });

  it("a progress artifact updated in a tight loop is never torn for a reader in another process", async () => {
    const dir = await freshStore("progress");
    const setup = await writeScript(base, "progress-setup.mjs", `
      import { openStore } from "{{dist}}";
      const store = openStore(process.argv[2]);
      const id = await store.flow("load", () => store.task("step", () => store.createProgressArtifact({ progress: 0, key: "load" }))())();
      process.stdout.write(id);
    `);
    const id = (await runNode(setup, [dir])).stdout;
    const file = path.join(dir, "load", (await fs.readdir(path.join(dir, "load")))[0]!);
    const first = JSON.parse(await fs.readFile(file, "utf8"));
    expect(first.flowRunId).not.toBeNull();
    expect(first.taskRunId).not.toBeNull();

    const writer = await writeScript(base, "progress-writer.mjs", `
      import { openStore } from "{{dist}}";
      import { writeFileSync } from "node:fs";
      const [dir, id, stop] = process.argv.slice(2);
      const store = openStore(dir, { durable: false });
      ${waitForStart}
      for (let i = 1; i <= 1000; i++) await store.updateProgressArtifact({ artifactId: id, progress: i % 101, description: "step " + i });
      writeFileSync(stop, "");
    `);
    const reader = await writeScript(base, "progress-reader.mjs", `
      import { checkArtifactRecord } from "{{dist}}";
      import { existsSync, readFileSync } from "node:fs";
      const [file, stop] = process.argv.slice(2);
      const first = JSON.parse(readFileSync(file, "utf8"));
      const values = new Set();
      let reads = 0;
      ${waitForStart}
      while (!existsSync(stop)) {
        const text = readFileSync(file, "utf8");
        let record;
        try { record = JSON.parse(text); } catch (e) { console.error("torn read: " + JSON.stringify(text)); process.exit(1); }
        if (!checkArtifactRecord(record).ok) { console.error("invalid record: " + text); process.exit(1); }
        for (const f of ["id", "key", "created", "flowRunId", "taskRunId", "formatVersion", "type"]) {
          if (record[f] !== first[f]) { console.error(f + " changed: " + text); process.exit(1); }
        }
        values.add(record.updated + "/" + record.description);
        reads++;
      }
      process.stdout.write(JSON.stringify({ reads, distinct: values.size }));
    `);
    const stop = path.join(base, "progress.stop");
    const START_AT = String(Date.now() + 300);
    const [, read] = await Promise.all([runNode(writer, [dir, id, stop], { START_AT }), runNode(reader, [file, stop], { START_AT })]);
    const { reads, distinct } = JSON.parse(read.stdout);
    expect(reads).toBeGreaterThan(50);
    expect(distinct).toBeGreaterThan(5); // the reader really saw the file change under it
    const last = JSON.parse(await fs.readFile(file, "utf8"));
    expect(last).toMatchObject({ id, data: 1000 % 101, description: "step 1000", created: first.created });
    expect(await fs.readdir(path.join(dir, "load"))).toHaveLength(1);
    expect((await checkStoreFiles(dir)).problems).toEqual([]);
  });

  it("ARTIFACTS_RUN_ID in several processes at once: exactly one run record, all agree", async () => {
    const dir = await freshStore("env-run");
    const script = await writeScript(base, "env-run.mjs", `
      import { createMarkdownArtifact, createLinkArtifact } from "{{dist}}";
      ${waitForStart}
      await createMarkdownArtifact({ markdown: "from " + process.pid, key: "ci" });
      await createLinkArtifact({ link: "https://example.com/" + process.pid });
    `);
    const env = { ARTIFACTS_DIR: dir, ARTIFACTS_RUN_ID: "gh-run-99", ARTIFACTS_RUN_NAME: "CI 99", START_AT: String(Date.now() + 400) };
    await Promise.all(Array.from({ length: 6 }, () => runNode(script, [], env)));
    expect(await fs.readdir(path.join(dir, "_runs"))).toEqual(["gh-run-99.json"]);
    const run = JSON.parse(await fs.readFile(path.join(dir, "_runs", "gh-run-99.json"), "utf8"));
    expect(run).toEqual({
      formatVersion: 1, id: "gh-run-99", name: "CI 99", kind: "flow", parentRunId: null, state: "unknown",
      error: null, startTime: expect.any(String), endTime: null,
    });
    const { openStore } = await import("../../src/artifacts/client.js");
    const all = await openStore(dir).all();
    expect(all).toHaveLength(12);
    expect(new Set(all.map((r) => r.flowRunId))).toEqual(new Set(["gh-run-99"]));
    expect((await checkStoreFiles(dir)).problems).toEqual([]);
  });

  it("a writer racing another process that deletes the key's last version never loses its write", async () => {
    const dir = await freshStore("churn");
    const script = await writeScript(base, "churn.mjs", `
      import { openStore } from "{{dist}}";
      const [dir, count] = process.argv.slice(2);
      const store = openStore(dir, { durable: false });
      ${waitForStart}
      for (let i = 0; i < Number(count); i++) {
        const id = await store.createMarkdownArtifact({ markdown: String(i), key: "churn" });
        await store.deleteById(id);
      }
    `);
    const START_AT = String(Date.now() + 300);
    await Promise.all(Array.from({ length: 3 }, () => runNode(script, [dir, "150"], { START_AT })));
    expect((await listFiles(dir)).filter((f) => !f.startsWith("_tmp/"))).toEqual([]);
  });
});
