/**
 * The installed command is the bundle scripts/bundle.mjs makes of dist/cli/bin.js (package.json's bin names it; the
 * other CLI tests run it too). These compare it with the unbundled command it is made from, on the paths the other
 * tests do not reach: the site's reader thread, which the bundle starts from a file of its own, and the help's layout,
 * which the bundle measures with scripts/string-width-lite.mjs.
 */
import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRecordFiles, THREAD_AFTER } from "../../src/site/read-thread.js";
import { BIN, ensureBuilt, repoRoot } from "../helpers/processes.js";
import { tmpDir, treeBytes } from "../helpers/tmp-store.js";
import { cli, cleanEnv, makeRecord, writeRecord } from "./run-cli.js";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";

const UNBUNDLED = path.join(repoRoot, "dist", "cli", "main.js");

let base: string;
beforeAll(async () => {
  await ensureBuilt();
  base = await tmpDir("ap-bundle-");
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe("the bundled command", () => {
  it("is package.json's bin, a file of its own beside its reader thread, and knows the package's version", async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string; bin: { artifacts: string } };
    expect(path.join(repoRoot, pkg.bin.artifacts)).toBe(BIN);
    expect(BIN).not.toBe(UNBUNDLED);
    await fs.access(path.join(path.dirname(BIN), "read-worker.js"));
    const run = await cli(["--version"]);
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("builds a store big enough for the reader thread to the unbundled command's bytes", async () => {
    // The thread starts for THREAD_AFTER record files or more, on two cores or more (read-thread.ts): both hold here,
    // so the bundled build can only succeed if the bundle's read-worker.js runs.
    expect(os.availableParallelism()).toBeGreaterThanOrEqual(2);
    const dir = path.join(base, "store");
    const start = Date.parse("2026-03-01T00:00:00.000Z");
    const keys = 60, versions = Math.ceil(THREAD_AFTER / keys) + 2;
    const writes: Promise<void>[] = [];
    for (let k = 0; k < keys; k++) {
      for (let v = 0; v < versions; v++) {
        const n = k * versions + v;
        const created = new Date(start + n * 60_000).toISOString();
        writes.push(writeRecord(dir, k % 5 === 0
          ? makeRecord({ n, key: `table-${k}`, type: "table", created, data: { columns: ["a", "b"], rows: [[v, `row <${k}>`], [null, 1.5]] } })
          : makeRecord({ n, key: `report-${k}`, type: "markdown", created, description: `v${v} of _${k}_`, data: `# Report ${k}\n\nversion **${v}**\n\n- a\n- ${v % 3}\n` })));
      }
    }
    await Promise.all(writes);
    expect(countRecordFiles(dir, THREAD_AFTER)).toBe(THREAD_AFTER);

    const build = (main: string, out: string) => spawnSync(process.execPath, [main, "build", "--dir", dir, "--out", out, "--no-cache", "--strict"], {
      env: cleanEnv(), cwd: base, encoding: "utf8",
    });
    const bundled = build(BIN, path.join(base, "bundled"));
    expect(bundled.stderr).toBe("");
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toMatch(/^Built \d+ pages into /);
    const plain = build(UNBUNDLED, path.join(base, "plain"));
    expect(plain.status).toBe(0);
    const a = await treeBytes(path.join(base, "bundled"));
    expect(a.size).toBeGreaterThan(keys * versions);
    expect(a).toEqual(await treeBytes(path.join(base, "plain")));
  });

  it("lays out every command's help as the unbundled command does (its string-width is string-width-lite.mjs)", () => {
    const commands = [[], ["build"], ["watch"], ["ls"], ["inspect"], ["delete"], ["create"], ["create", "table"], ["create", "markdown"], ["update-progress"], ["prune"]];
    for (const command of commands) {
      const help = (main: string) => spawnSync(process.execPath, [main, ...command, "--help"], { env: cleanEnv(), encoding: "utf8" });
      const bundled = help(BIN);
      expect(bundled.status, command.join(" ")).toBe(0);
      expect(bundled.stdout.length).toBeGreaterThan(200);
      expect(bundled.stdout, `${command.join(" ")} --help`).toBe(help(UNBUNDLED).stdout);
    }
  });
});

describe("string-width-lite", () => {
  it("measures text as the string-width package does: ASCII, ANSI colours, wide, combining and emoji characters", async () => {
    const litePath = pathToFileURL(path.join(repoRoot, "scripts", "string-width-lite.mjs")).href;
    const { default: lite } = await import(litePath) as { default: (text: unknown, options?: object) => number };
    const { default: real } = await import("string-width") as { default: (text: string, options?: object) => number };
    const samples = ["", "abc", "artifacts build --out <folder>", "\u001b[31mred\u001b[39m", "日本語のテキスト", "ｆｕｌｌ", "café", "e\u0301", "a\u200bb", "—em dash…", "tab\there", "😀 ok", "한국어"];
    for (const text of samples) expect(lite(text), JSON.stringify(text)).toBe(real(text));
    expect(lite(42)).toBe(0);
  });
});
