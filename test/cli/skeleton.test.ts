// The CLI skeleton: --help of each command names its options and examples, --version, bad usage → exit 2 with
// help, library errors without a stack unless --debug.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, repoRoot } from "../helpers/processes.js";
import { cli } from "./run-cli.js";

beforeAll(ensureBuilt);

const OPTIONS: Record<string, string[]> = {
  build: ["--out", "--title", "--strict", "--max-file-size"],
  ls: ["--all", "--limit", "--type", "--json"],
  inspect: ["<key>", "--limit", "--json"],
  delete: ["[key]", "--id", "--yes"],
  "create markdown": ["[content]", "--file", "--key", "--description", "--json"],
  "create table": ["[content]", "--file", "--format", "--columns"],
  "create link": ["<url>", "--text"],
  "create image": ["--file", "--url"],
  "create progress": ["<progress>"],
  "update-progress": ["<id>", "<progress>", "--description"],
  prune: ["--keep", "--older-than", "--dry-run"],
};

describe("the artifacts command", () => {
  it("--help of each command names its options, the global ones and examples", async () => {
    const results = await Promise.all(Object.keys(OPTIONS).map((c) => cli([...c.split(" "), "--help"])));
    Object.keys(OPTIONS).forEach((command, i) => {
      const r = results[i]!;
      expect(r.code, command).toBe(0);
      expect(r.stdout).toContain(`artifacts ${command}`);
      for (const option of [...OPTIONS[command]!, "--dir", "--debug"]) expect(r.stdout, `${command} ${option}`).toContain(option);
      expect(r.stdout, command).toContain("Examples:");
    });
  });

  it("top-level --help lists every command and the environment; --version prints package.json's", async () => {
    const [help, version] = await Promise.all([cli(["--help"]), cli(["--version"])]);
    for (const c of ["build", "ls", "inspect", "delete", "create", "update-progress", "prune"]) {
      expect(help.stdout).toContain(`artifacts ${c}`);
    }
    expect(help.stdout).toContain("ARTIFACTS_NOW");
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("no command, an unknown command or an unknown option: exit 2, help and the error on stderr", async () => {
    const [none, unknown, option] = await Promise.all([cli([]), cli(["frobnicate"]), cli(["ls", "--colour"])]);
    for (const r of [none, unknown, option]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("Options:");
    }
    expect(none.stderr.trimEnd().split("\n").at(-1)).toBe("Give a command");
    expect(unknown.stderr).toContain("Unknown argument: frobnicate");
    expect(option.stderr).toContain("artifacts ls");
    expect(option.stderr.trimEnd().split("\n").at(-1)).toBe("Unknown argument: colour");
  });

  it("a library error has no stack trace unless --debug", async () => {
    const [quiet, debug] = await Promise.all([
      cli(["create", "link", "ftp://example.com"], { dir: "/nonexistent-never-written" }),
      cli(["create", "link", "ftp://example.com", "--debug"], { dir: "/nonexistent-never-written" }),
    ]);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toMatch(/^Invalid link "ftp:\/\/example.com": protocol "ftp:" is not allowed[^\n]*\n$/);
    expect(debug.code).toBe(1);
    // The bundled command's frames name the TypeScript sources (its source maps, turned on by --debug).
    expect(debug.stderr).toMatch(/\n\s+at assertUrl \(.*src\/store\/rules\.ts:\d+:\d+\)/);
  });

  it("ARTIFACTS_DIR is the default store; --dir overrides it; a bad ARTIFACTS_NOW is refused", async () => {
    const [fromEnv, badNow] = await Promise.all([
      cli(["ls"], { env: { ARTIFACTS_DIR: path.join(repoRoot, "fixtures", "demo") } }),
      cli(["ls"], { dir: "/nonexistent-never-written", env: { ARTIFACTS_NOW: "yesterday" } }),
    ]);
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout.split("\n").length).toBeGreaterThan(3);
    expect(badNow).toEqual({ code: 1, stdout: "", stderr: 'Invalid ARTIFACTS_NOW "yesterday": give an ISO time like 2026-11-26T04:26:39Z\n' });
  });
});
