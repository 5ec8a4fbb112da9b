// `create` and `update-progress` as real processes: inline, --file and stdin content, CSV, images, runs, errors.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/artifacts/client.js";
import type { ArtifactRecord } from "../../src/types.js";
import { PNG } from "../helpers/images.js";
import { ensureBuilt } from "../helpers/processes.js";
import { listFiles, tmpDir } from "../helpers/tmp-store.js";
import { cli } from "./run-cli.js";

const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n$/;
let base: string;
// Each test uses its own store under `base`, named after the test.
const storeOf = (name: string) => path.join(base, name);
const read = (name: string, id: string) => openStore(storeOf(name)).getById(id) as Promise<ArtifactRecord>;

beforeAll(async () => {
  await ensureBuilt();
  base = await tmpDir("cli-create-");
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe("artifacts create", () => {
  it("markdown inline, from --file and from stdin (-); prints the new id", async () => {
    const dir = storeOf("md");
    const file = path.join(base, "report.md");
    await fs.writeFile(file, "# From a file\n");
    const inline = await cli(["create", "markdown", "# Inline", "--key", "rep", "--description", "*d*"], { dir });
    const fromFile = await cli(["create", "markdown", "--file", file, "--key", "rep"], { dir });
    const fromStdin = await cli(["create", "markdown", "-", "--key", "rep"], { dir, input: "# From stdin\n" });
    for (const r of [inline, fromFile, fromStdin]) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(UUID_LINE);
    }
    expect(await read("md", inline.stdout.trim())).toMatchObject({ key: "rep", type: "markdown", data: "# Inline", description: "*d*" });
    expect((await read("md", fromFile.stdout.trim())).data).toBe("# From a file\n");
    expect((await read("md", fromStdin.stdout.trim())).data).toBe("# From stdin\n");
  });

  it("--json prints the one record", async () => {
    const r = await cli(["create", "link", "https://example.com/a", "--text", "A", "--key", "l", "--json"], { dir: storeOf("json") });
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout) as ArtifactRecord;
    expect(record).toMatchObject({ formatVersion: 1, key: "l", type: "link", data: { url: "https://example.com/a", text: "A" } });
    expect(await read("json", record.id)).toEqual(record);
  });

  it("tables from JSON (with --columns), a .csv file, and CSV on stdin", async () => {
    const dir = storeOf("table");
    const csv = path.join(base, "sales.csv");
    await fs.writeFile(csv, 'region,note,sales\r\nEU,"a, b",12\r\n"US","say ""hi""\nthere",7.5\r\n');
    const [json, file, stdin] = [
      await cli(["create", "table", "[[1,2],[3,null]]", "--columns", "a,b"], { dir }),
      await cli(["create", "table", "--file", csv], { dir }),
      await cli(["create", "table", "-", "--format", "csv"], { dir, input: "x,y\n1,\n" }),
    ];
    expect((await read("table", json.stdout.trim())).data).toEqual({ columns: ["a", "b"], rows: [[1, 2], [3, null]] });
    expect((await read("table", file.stdout.trim())).data).toEqual({
      columns: ["region", "note", "sales"], rows: [["EU", "a, b", 12], ["US", 'say "hi"\nthere', 7.5]],
    });
    expect((await read("table", stdin.stdout.trim())).data).toEqual({ columns: ["x", "y"], rows: [[1, null]] });
  });

  it("table errors: broken JSON and broken CSV exit 1; --columns with CSV exits 2", async () => {
    const dir = storeOf("table-bad");
    const [json, csv, usage] = await Promise.all([
      cli(["create", "table", "{nope"], { dir }),
      cli(["create", "table", "-", "--format", "csv"], { dir, input: 'a\n"open' }),
      cli(["create", "table", "-", "--format", "csv", "--columns", "a"], { dir, input: "a\n1\n" }),
    ]);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/^The table is not valid JSON \(.*\); give --format csv for CSV\n$/);
    expect(csv).toEqual({ code: 1, stdout: "", stderr: 'Invalid csv "line 2": a quoted field is never closed\n' });
    expect(usage.code).toBe(2);
    expect(await listFiles(dir)).toEqual([]);
  });

  it("image --file copies a local image into the store; --url records a public one", async () => {
    const dir = storeOf("image");
    const png = path.join(base, "chart.png");
    await fs.writeFile(png, PNG);
    const local = await cli(["create", "image", "--file", png, "--key", "chart"], { dir });
    const remote = await cli(["create", "image", "--url", "https://example.com/c.gif"], { dir });
    const record = await read("image", local.stdout.trim());
    expect(record.data).toEqual({ file: `${record.id}.png`, mediaType: "image/png" });
    expect(await fs.readFile(path.join(dir, "chart", `${record.id}.png`))).toEqual(PNG);
    expect((await read("image", remote.stdout.trim())).data).toEqual({ url: "https://example.com/c.gif" });
  });

  it("progress, then update-progress in place (clamped with a warning)", async () => {
    const dir = storeOf("progress");
    const created = await cli(["create", "progress", "10", "--key", "backfill"], { dir });
    const id = created.stdout.trim();
    const updated = await cli(["update-progress", id, "150", "--description", "done"], { dir });
    expect(updated.code).toBe(0);
    expect(updated.stdout).toBe(`${id}\n`);
    expect(updated.stderr).toBe("Warning: progress 150 is outside 0–100; clamped to 100\n");
    expect(await read("progress", id)).toMatchObject({ data: 100, description: "done" });
    expect(await listFiles(dir)).toHaveLength(1);
  });

  it("honours ARTIFACTS_RUN_ID and ARTIFACTS_RUN_NAME", async () => {
    const dir = storeOf("run");
    const r = await cli(["create", "markdown", "hi"], { dir, env: { ARTIFACTS_RUN_ID: "ci-42", ARTIFACTS_RUN_NAME: "CI job" } });
    expect(await read("run", r.stdout.trim())).toMatchObject({ flowRunId: "ci-42", taskRunId: null });
    expect(await openStore(dir).getRun("ci-42")).toMatchObject({ name: "CI job", state: "unknown" });
  });

  it("library refusals exit 1 with the message and write nothing", async () => {
    const dir = storeOf("refused");
    const results = await Promise.all([
      cli(["create", "link", "javascript:alert(1)"], { dir }),
      cli(["create", "markdown", "x", "--key", "Bad"], { dir }),
      cli(["create", "image", "--file", path.join(base, "missing.png")], { dir }),
      cli(["update-progress", "00000000-0000-4000-8000-000000000001", "5"], { dir }),
    ]);
    expect(results.map((r) => r.code)).toEqual([1, 1, 1, 1]);
    expect(results[0]!.stderr).toMatch(/^Invalid link "javascript:alert\(1\)": protocol "javascript:" is not allowed/);
    expect(results[1]!.stderr).toMatch(/^Invalid key "Bad": /);
    expect(results[2]!.stderr).toMatch(/^Invalid imagePath ".*missing\.png": cannot be read \(ENOENT\)/);
    expect(results[3]!.stderr).toBe('Artifact "00000000-0000-4000-8000-000000000001" not found.\n');
    for (const r of results) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await listFiles(dir)).toEqual([]);
  });

  it("bad usage exits 2 with the subcommand's help", async () => {
    const dir = storeOf("usage");
    const results = await Promise.all([
      cli(["create", "markdown"], { dir }),
      cli(["create", "markdown", "x", "--file", "y.md"], { dir }),
      cli(["create", "image", "--url", "https://e.com/a.gif", "--file", "a.png"], { dir }),
      cli(["create", "progress", "lots"], { dir }),
      cli(["create", "video"], { dir }),
      cli(["create"], { dir }),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(results[0]!.stderr).toContain("artifacts create markdown [content]");
    expect(results[0]!.stderr.trimEnd().split("\n").at(-1)).toBe(
      "Give the Markdown inline, with --file <path>, or as - to read stdin (exactly one of them)",
    );
    expect(results[2]!.stderr.trimEnd().split("\n").at(-1)).toBe("Give exactly one of --file and --url");
    expect(results[3]!.stderr.trimEnd().split("\n").at(-1)).toBe('Invalid progress "lots": give a number from 0 to 100');
    expect(results[4]!.stderr).toContain("Unknown argument: video");
    expect(results[5]!.stderr).toContain("Give the type of artifact to create");
    expect(await listFiles(dir)).toEqual([]);
  });
});
