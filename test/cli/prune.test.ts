// `prune` as a real process on a hand-made store with the clock pinned: count and age rules, runs, temp files.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { versionFileName } from "../../src/store/rules.js";
import { ensureBuilt } from "../helpers/processes.js";
import { listFiles, tmpDir, writeRaw } from "../helpers/tmp-store.js";
import { cli, makeRecord, writeRecord, writeRun } from "./run-cli.js";

const NOW_MS = Date.parse("2026-11-26T12:00:00.000Z");
const NOW = { ARTIFACTS_NOW: new Date(NOW_MS).toISOString() };
const daysAgo = (d: number) => new Date(NOW_MS - d * 86_400_000).toISOString();
const file = (key: string, d: number) => `${key}/${versionFileName(NOW_MS - d * 86_400_000)}`;

let base: string;
let dir: string;

beforeAll(ensureBuilt);
beforeEach(async () => {
  base = await tmpDir("cli-prune-");
  dir = path.join(base, "store");
  const md = (n: number, key: string | null, d: number, flowRunId: string | null = null) =>
    writeRecord(dir, makeRecord({ n, key, type: "markdown", data: `v${n}`, created: daysAgo(d), flowRunId }));
  await md(1, "a", 40);
  await md(2, "a", 35);
  await md(3, "a", 20);
  await md(4, "a", 1, "run-keep");
  await md(5, "b", 100);
  await md(10, null, 40, "run-old");
  await md(11, null, 1);
  await writeRun(dir, { id: "run-old", startTime: daysAgo(40) });
  await writeRun(dir, { id: "run-keep", startTime: daysAgo(40) });
  await writeRun(dir, { id: "run-parent", startTime: daysAgo(40) });
  await writeRun(dir, { id: "run-child", kind: "task", parentRunId: "run-parent", startTime: daysAgo(1) });
  await writeRun(dir, { id: "run-new", startTime: daysAgo(1) });
  const old = await writeRaw(dir, "_tmp/123-old.tmp", "partial");
  const fresh = await writeRaw(dir, "_tmp/456-fresh.tmp", "partial");
  await fs.utimes(old, new Date(NOW_MS - 2 * 3_600_000), new Date(NOW_MS - 2 * 3_600_000));
  await fs.utimes(fresh, new Date(NOW_MS - 600_000), new Date(NOW_MS - 600_000));
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe("artifacts prune", () => {
  it("--keep N keeps the newest N versions of each key; unkeyed and runs untouched; --dry-run removes nothing", async () => {
    const before = await listFiles(dir);
    const r = await cli(["prune", "--keep", "2", "--dry-run"], { dir, env: NOW });
    expect(r).toEqual({
      code: 0, stderr: "",
      stdout: [
        `would remove ${file("a", 40)}`,
        `would remove ${file("a", 35)}`,
        "would remove _tmp/123-old.tmp",
        "Would remove 2 artifact versions, 0 run records, 1 temp file.",
        "",
      ].join("\n"),
    });
    expect(await listFiles(dir)).toEqual(before);
  });

  it("--older-than: old versions but never a key's latest, old unkeyed ones, runs nothing refers to", async () => {
    const before = await listFiles(dir);
    const r = await cli(["prune", "--older-than", "30d"], { dir, env: NOW });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const removed = [file("a", 40), file("a", 35), file("_unkeyed", 40), "_runs/run-old.json", "_tmp/123-old.tmp"];
    expect(r.stdout).toBe(`${removed.map((p) => `removed ${p}`).join("\n")}\nRemoved 3 artifact versions, 1 run record, 1 temp file.\n`);
    // b's only version is 100 days old but is the latest; run-keep is referred to; run-parent has a child that stays.
    expect(await listFiles(dir)).toEqual(before.filter((f) => !removed.includes(f)));
  });

  it("given both rules, a version goes only if both say so", async () => {
    const r = await cli(["prune", "--keep", "3", "--older-than", "30d"], { dir, env: NOW });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("removed "))).toEqual([
      `removed ${file("a", 40)}`, `removed ${file("_unkeyed", 40)}`, "removed _runs/run-old.json", "removed _tmp/123-old.tmp",
    ]);
    const left = await cli(["ls", "--all", "--json"], { dir });
    expect((JSON.parse(left.stdout) as { data: string }[]).map((x) => x.data)).toEqual(["v4", "v3", "v2", "v5", "v11"]);
  });

  it("needs --keep or --older-than, and valid values: exit 2 with help", async () => {
    const results = await Promise.all([
      cli(["prune"], { dir }), cli(["prune", "--keep", "0"], { dir }), cli(["prune", "--older-than", "30"], { dir }),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(results.map((r) => r.stderr.trimEnd().split("\n").at(-1))).toEqual([
      "Give --keep, --older-than, or both",
      'Invalid --keep "0": give a whole number of at least 1',
      'Invalid --older-than "30": give a duration like 45s, 90m, 12h, 30d or 2w',
    ]);
    expect(results[0]!.stderr).toContain("--dry-run");
  });
});
