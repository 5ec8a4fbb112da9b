// `ls` and `inspect` as real processes on one shared hand-made store, with the clock pinned by ARTIFACTS_NOW.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../helpers/processes.js";
import { listFiles, tmpDir, writeRaw } from "../helpers/tmp-store.js";
import { cli, cliTty, makeRecord, uuid, writeRecord } from "./run-cli.js";

const NOW = { ARTIFACTS_NOW: "2026-11-26T12:00:00.000Z" };
let base: string;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  base = await tmpDir("cli-read-");
  dir = path.join(base, "store");
  const records = [
    makeRecord({ n: 1, key: "alpha", type: "markdown", data: "# First", created: "2026-11-26T10:00:00.000Z" }),
    makeRecord({
      n: 2, key: "alpha", type: "markdown", data: "# Second\n\n- one\n- two", description: "The **second** one",
      flowRunId: "run-1", created: "2026-11-26T11:00:00.000Z",
    }),
    makeRecord({ n: 3, key: "beta", type: "link", data: { url: "https://example.com/data.csv", text: "Data" }, created: "2026-11-26T11:30:00.000Z" }),
    makeRecord({
      n: 4, key: "gamma", type: "table", created: "2026-11-26T11:50:00.000Z",
      data: { columns: ["name", "score"], rows: [["Ann", 9.5], ["Bo\u001b[2J", null]] },
    }),
    makeRecord({ n: 6, key: "delta", type: "progress", data: 42, created: "2026-11-26T09:00:00.000Z", updated: "2026-11-26T11:57:00.000Z" }),
    makeRecord({ n: 5, type: "image", data: { url: "https://example.com/x.gif" }, flowRunId: "run-1", created: "2026-11-26T11:59:00.000Z" }),
  ];
  for (const r of records) await writeRecord(dir, r);
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe("artifacts ls", () => {
  it("lists the latest version of each key, sorted by key, with relative times", async () => {
    const r = await cli(["ls"], { dir, env: NOW });
    expect(r).toEqual({
      code: 0, stderr: "",
      stdout: [
        "ID                                    Key    Type      Updated",
        "00000000-0000-4000-8000-000000000002  alpha  markdown  1 hour ago",
        "00000000-0000-4000-8000-000000000003  beta   link      30 minutes ago",
        "00000000-0000-4000-8000-000000000006  delta  progress  3 minutes ago",
        "00000000-0000-4000-8000-000000000004  gamma  table     10 minutes ago",
        "",
      ].join("\n"),
    });
  });

  it("--all lists every version (unkeyed last); --type filters; --limit cuts", async () => {
    const [all, tables, limited] = await Promise.all([
      cli(["ls", "--all"], { dir, env: NOW }),
      cli(["ls", "--all", "--type", "markdown"], { dir, env: NOW }),
      cli(["ls", "--limit", "1"], { dir, env: NOW }),
    ]);
    expect(all.code).toBe(0);
    expect(all.stdout.trimEnd().split("\n").map((l) => l.split(/\s{2,}/).slice(0, 2).join(" "))).toEqual([
      "ID Key", `${uuid(2)} alpha`, `${uuid(1)} alpha`, `${uuid(3)} beta`, `${uuid(6)} delta`, `${uuid(4)} gamma`, `${uuid(5)} -`,
    ]);
    expect(tables.stdout.trimEnd().split("\n").slice(1).map((l) => l.slice(0, 36))).toEqual([uuid(2), uuid(1)]);
    expect(limited.stdout.trimEnd().split("\n")).toHaveLength(2);
  });

  it("--json prints the records as a JSON array", async () => {
    const r = await cli(["ls", "--json"], { dir, env: NOW });
    expect(r.code).toBe(0);
    const records = JSON.parse(r.stdout) as { id: string; key: string }[];
    expect(records.map((x) => x.key)).toEqual(["alpha", "beta", "delta", "gamma"]);
    expect(records[0]).toMatchObject({ id: uuid(2), type: "markdown", data: "# Second\n\n- one\n- two", flowRunId: "run-1" });
  });

  it("an empty or missing store prints the header only, exits 0 and creates nothing", async () => {
    const empty = await tmpDir("cli-empty-");
    try {
      const missing = path.join(empty, "nothing-here");
      const [a, b] = await Promise.all([cli(["ls"], { dir: missing }), cli(["ls", "--json"], { dir: missing })]);
      expect(a).toEqual({ code: 0, stdout: "ID  Key  Type  Updated\n", stderr: "" });
      expect(b).toEqual({ code: 0, stdout: "[]\n", stderr: "" });
      expect(await fs.readdir(empty)).toEqual([]);
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });

  it("reports bad files on stderr as <path>: <reason> and lists the rest", async () => {
    const bad = await tmpDir("cli-bad-");
    try {
      await writeRecord(bad, makeRecord({ n: 9, key: "ok", type: "progress", data: 1, created: "2026-11-26T11:00:00.000Z" }));
      await writeRaw(bad, "ok/2026-11-26T11-30-00.000Z.json", "{ broken");
      await writeRaw(bad, "Bad_Key/2026-11-26T11-30-00.000Z.json", "{}");
      const r = await cli(["ls"], { dir: bad, env: NOW });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${uuid(9)}  ok   progress  1 hour ago`);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^.*Bad_Key: folder name breaks the key rule/);
      expect(lines[1]).toMatch(/^.*ok\/2026-11-26T11-30-00\.000Z\.json: broken JSON/);
    } finally {
      await fs.rm(bad, { recursive: true, force: true });
    }
  });

  it("bad values are bad usage: exit 2 with the command's help", async () => {
    const [limit, type] = await Promise.all([cli(["ls", "--limit", "zero"], { dir }), cli(["ls", "--type", "video"], { dir })]);
    expect(limit.code).toBe(2);
    expect(limit.stdout).toBe("");
    expect(limit.stderr).toContain("artifacts ls");
    expect(limit.stderr).toContain("--limit");
    expect(limit.stderr.trimEnd().split("\n").at(-1)).toBe('Invalid --limit "zero": give a whole number of at least 1');
    expect(type.code).toBe(2);
    expect(type.stderr).toMatch(/Invalid values:\s+Argument: type, Given: "video"/);
  });

  it("colours the header only on a terminal, and never with NO_COLOR", async () => {
    const [tty, noColor] = await Promise.all([
      cliTty(["ls"], { dir, env: NOW }),
      cliTty(["ls"], { dir, env: { ...NOW, NO_COLOR: "1" } }),
    ]);
    expect(tty.output).toContain("\u001b[1mID");
    expect(noColor.output).not.toContain("\u001b[");
    expect(noColor.output).toContain("ID                                    Key    Type      Updated");
  });
});

describe("artifacts inspect", () => {
  it("shows the versions newest first with their data", async () => {
    const r = await cli(["inspect", "alpha"], { dir, env: NOW });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      "Key alpha: 2 versions, newest first",
      "",
      "Version 2 of 2 (latest)",
      `  ID           ${uuid(2)}`,
      "  Type         markdown",
      "  Created      2026-11-26T11:00:00.000Z (1 hour ago)",
      "  Flow run     run-1",
      "  Task run     -",
      "  Description  The **second** one",
      "  Data         # Second",
      "",
      "               - one",
      "               - two",
      "",
      "Version 1 of 2",
      `  ID           ${uuid(1)}`,
      "  Type         markdown",
      "  Created      2026-11-26T10:00:00.000Z (2 hours ago)",
      "  Flow run     -",
      "  Task run     -",
      "  Description  -",
      "  Data         # First",
      "",
    ].join("\n"));
  });

  it("shows tables as columns (control characters made visible), links, progress with its update time", async () => {
    const [table, link, progress] = await Promise.all([
      cli(["inspect", "gamma"], { dir, env: NOW }),
      cli(["inspect", "beta"], { dir, env: NOW }),
      cli(["inspect", "delta"], { dir, env: NOW }),
    ]);
    expect(table.stdout).toContain([
      "  Data         2 rows × 2 columns",
      // "Bo\\u001b[2J" is 11 characters wide, and sets the column width.
      `               ${"name".padEnd(11)}  score`,
      `               ${"Ann".padEnd(11)}  9.5`,
      "               Bo\\u001b[2J",
    ].join("\n"));
    expect(table.stdout).not.toContain("\u001b");
    expect(link.stdout).toContain("  Data         Data <https://example.com/data.csv>\n");
    expect(progress.stdout).toContain("  Updated      2026-11-26T11:57:00.000Z (3 minutes ago)\n");
    expect(progress.stdout).toContain("  Data         42%\n");
  });

  it("--limit shows the newest N; --json prints them as an array", async () => {
    const [limited, json] = await Promise.all([
      cli(["inspect", "alpha", "--limit", "1"], { dir, env: NOW }),
      cli(["inspect", "alpha", "--json"], { dir }),
    ]);
    expect(limited.stdout.split("\n")[0]).toBe("Key alpha: 2 versions, newest first (showing the newest 1)");
    expect(limited.stdout).not.toContain("Version 1 of 2");
    expect((JSON.parse(json.stdout) as { id: string }[]).map((r) => r.id)).toEqual([uuid(2), uuid(1)]);
  });

  it("an unknown key: `Artifact 'KEY' not found.` on stderr, exit 1; a missing key argument: exit 2", async () => {
    const [unknown, missing, badKey] = await Promise.all([
      cli(["inspect", "nope"], { dir }),
      cli(["inspect"], { dir }),
      cli(["inspect", "Bad Key"], { dir }),
    ]);
    expect(unknown).toEqual({ code: 1, stdout: "", stderr: "Artifact 'nope' not found.\n" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("artifacts inspect <key>");
    expect(missing.stderr).toContain("Not enough non-option arguments");
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^Invalid key "Bad Key": /);
    expect(badKey.stderr).not.toMatch(/\n\s+at /);
    expect(await listFiles(dir)).toHaveLength(6);
  });
});
