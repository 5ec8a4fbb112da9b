// The reader trusts nothing in the store: hand-edited records that break a rule are reported and skipped, and
// the published schema refuses the same records (except what only a reader can see: folder and file name).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkArtifactRecord, checkRunRecord } from "../../src/store/validate.js";
import { artifactSchemaErrors, runSchemaErrors } from "../helpers/schema.js";
import { tmpStore, writeRaw, type TmpStore } from "../helpers/tmp-store.js";

const CREATED = "2026-11-26T04:26:39.123Z";
const FILE = "2026-11-26T04-26-39.123Z.json";
const ID = "5f0c4b0e-8e0a-4a6e-9d3c-2a1f5b7c9d10";

function good(): Record<string, unknown> {
  return {
    formatVersion: 1, id: ID, key: "irregular-data", type: "link", description: "## Highly variable data",
    data: { url: "https://example.com/highly_variable_data.csv", text: null },
    flowRunId: "ci-123", taskRunId: null, created: CREATED, updated: CREATED,
  };
}
function goodRun(): Record<string, unknown> {
  return {
    formatVersion: 1, id: "ci-123", name: "nightly-etl", kind: "flow", parentRunId: null, state: "completed",
    error: null, startTime: CREATED, endTime: "2026-11-26T04:27:02.456Z",
  };
}

// Each edit breaks one rule of DESIGN §1; the reader and the schema must both refuse it.
const BAD_EDITS: [string, (r: Record<string, unknown>) => void][] = [
  ["formatVersion 2", (r) => (r.formatVersion = 2)],
  ["no formatVersion", (r) => delete r.formatVersion],
  ["an unknown field", (r) => (r.extra = 1)],
  ["a missing field", (r) => delete r.taskRunId],
  ["an id that is no UUID", (r) => (r.id = "../../x")],
  ["a bad key inside the file", (r) => (r.key = "../x")],
  ["an uppercase key", (r) => (r.key = "Irregular-Data")],
  ["a device-name key", (r) => (r.key = "con")],
  ["an unknown type", (r) => (r.type = "html")],
  ["a javascript: URL", (r) => (r.data = { url: "javascript:alert(1)", text: null })],
  ["a data: URL", (r) => (r.data = { url: "data:text/html,x", text: null })],
  ["a relative URL", (r) => (r.data = { url: "/x", text: null })],
  ["a URL with a leading space", (r) => (r.data = { url: " https://e.com", text: null })],
  ["an extra field in data", (r) => (r.data = { url: "https://e.com", text: null, onclick: "x" })],
  ["a bad flow run id", (r) => (r.flowRunId = "../../_runs/x")],
  ["a bad task run id", (r) => (r.taskRunId = "")],
  ["a non-ISO created", (r) => (r.created = "yesterday")],
  ["a date that does not exist", (r) => (r.updated = "2026-02-30T00:00:00.000Z")],
  ["a non-string description", (r) => (r.description = 5)],
  ["an image file that escapes", (r) => { r.type = "image"; r.data = { file: "../../etc/passwd", mediaType: "image/png" }; }],
  ["an image file that names a version", (r) => { r.type = "image"; r.data = { file: FILE, mediaType: "image/png" }; }],
  ["an SVG image", (r) => { r.type = "image"; r.data = { file: "x.svg", mediaType: "image/svg+xml" }; }],
  ["an image with url and file", (r) => { r.type = "image"; r.data = { url: "https://e.com/x.png", file: "x.png" }; }],
  ["a mailto: image", (r) => { r.type = "image"; r.data = { url: "mailto:a@e.com" }; }],
  ["progress over 100", (r) => { r.type = "progress"; r.data = 101; }],
  ["progress as a string", (r) => { r.type = "progress"; r.data = "50"; }],
  ["markdown that is no string", (r) => { r.type = "markdown"; r.data = ["x"]; }],
  ["table rows that are no lists", (r) => { r.type = "table"; r.data = { columns: null, rows: [1] }; }],
  ["table columns that are no strings", (r) => { r.type = "table"; r.data = { columns: [1], rows: [] }; }],
  ["a table without columns", (r) => { r.type = "table"; r.data = { rows: [] }; }],
  ["not an object", (r) => { for (const k of Object.keys(r)) delete r[k]; }],
];

// A regular expression cannot know that February has no 30th; only the reader's round trip does.
const SCHEMA_CANNOT = new Set(["a date that does not exist"]);

let t: TmpStore;
beforeEach(async () => {
  t = await tmpStore();
});
afterEach(async () => {
  await t.cleanup();
});

describe("hand-edited records", () => {
  it("a good hand-written record is read as is and matches the schema", async () => {
    await writeRaw(t.dir, `irregular-data/${FILE}`, good());
    expect(artifactSchemaErrors(good())).toBeNull();
    expect(await t.store.get("irregular-data")).toEqual(good());
  });

  for (const [what, edit] of BAD_EDITS) {
    it(`refuses ${what}: reported with its path, skipped, and refused by the schema`, async () => {
      const record = good();
      edit(record);
      expect(checkArtifactRecord(record).ok).toBe(false);
      if (!SCHEMA_CANNOT.has(what)) expect(artifactSchemaErrors(record)).not.toBeNull();
      await writeRaw(t.dir, `irregular-data/${FILE}`, record);
      await writeRaw(t.dir, "irregular-data/2026-11-26T04-26-40.000Z.json", { ...good(), id: "5f0c4b0e-8e0a-4a6e-9d3c-2a1f5b7c9d11", created: "2026-11-26T04:26:40.000Z", updated: "2026-11-26T04:26:40.000Z" });
      const problems: { path: string; reason: string }[] = [];
      const versions = await t.store.versions("irregular-data", (p) => problems.push(p));
      expect(versions.map((v) => v.id)).toEqual(["5f0c4b0e-8e0a-4a6e-9d3c-2a1f5b7c9d11"]);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.path).toMatch(new RegExp(`irregular-data.${FILE.replace(/\./g, "\\.")}$`));
    });
  }

  it("refuses a key that does not match its folder and a created that does not match the file name", async () => {
    await writeRaw(t.dir, `other/${FILE}`, good());
    await writeRaw(t.dir, "irregular-data/2026-11-26T04-26-40.000Z.json", good());
    await writeRaw(t.dir, `_unkeyed/${FILE}`, good());
    const reasons: string[] = [];
    expect(await t.store.all((p) => reasons.push(p.reason))).toEqual([]);
    expect(reasons.sort()).toEqual([
      expect.stringContaining("created"), expect.stringContaining("key"), expect.stringContaining("key"),
    ]);
  });

  it("reports broken JSON, bad file names, bad folder names and files over the size cap", async () => {
    await writeRaw(t.dir, `k/${FILE}`, "{ \"formatVersion\": 1, ");
    await writeRaw(t.dir, "k/latest.json", good());
    await writeRaw(t.dir, "k/2026-13-01T00-00-00.000Z.json", good());
    await writeRaw(t.dir, `Bad-Key/${FILE}`, good());
    await writeRaw(t.dir, `irregular-data/${FILE}`, { ...good(), description: "x".repeat(2000) });
    const small = await tmpStore({ limits: { maxFileSize: 1000 } });
    const reasons: string[] = [];
    try {
      const reader = (await import("../../src/artifacts/client.js")).openStore(t.dir, { limits: { maxFileSize: 1000 } });
      expect(await reader.all((p) => reasons.push(`${p.path.slice(t.dir.length + 1)}: ${p.reason}`))).toEqual([]);
    } finally {
      await small.cleanup();
    }
    expect(reasons.sort()).toEqual([
      expect.stringMatching(/^Bad-Key: .*key rule/),
      expect.stringMatching(/^irregular-data.*over the 1000-byte limit/),
      expect.stringMatching(/^k.2026-11-26.*broken JSON/),
      expect.stringMatching(/^k.2026-13-01.*not a version timestamp/),
      expect.stringMatching(/^k.latest\.json: .*not a version timestamp/),
    ]);
  });

  it("refuses a version file that is a symlink", async () => {
    const target = await writeRaw(t.base, "elsewhere.json", good());
    await writeRaw(t.dir, "irregular-data/keep.txt", "");
    const { symlink } = await import("node:fs/promises");
    await symlink(target, `${t.dir}/irregular-data/${FILE}`);
    const reasons: string[] = [];
    expect(await t.store.versions("irregular-data", (p) => reasons.push(p.reason))).toEqual([]);
    expect(reasons).toEqual([expect.stringContaining("symbolic link")]);
  });
});

describe("run records", () => {
  it("a good run record is read; bad ones are reported and skipped; the schema agrees", async () => {
    expect(runSchemaErrors(goodRun())).toBeNull();
    await writeRaw(t.dir, "_runs/ci-123.json", goodRun());
    const bad: [string, Record<string, unknown>][] = [
      ["bad-id", { ...goodRun(), id: "bad-id/../x" }],
      ["mismatch", { ...goodRun(), id: "other" }],
      ["kind", { ...goodRun(), id: "kind", kind: "job" }],
      ["state", { ...goodRun(), id: "state", state: "done" }],
      ["parent", { ...goodRun(), id: "parent", parentRunId: "../x" }],
      ["time", { ...goodRun(), id: "time", endTime: "soon" }],
      ["extra", { ...goodRun(), id: "extra", extra: true }],
      ["version", { ...goodRun(), id: "version", formatVersion: 0 }],
    ];
    for (const [name, run] of bad) {
      if (name !== "mismatch") {
        expect(checkRunRecord(run).ok, name).toBe(false);
        expect(runSchemaErrors(run), name).not.toBeNull();
      }
      await writeRaw(t.dir, `_runs/${name}.json`, run);
    }
    await writeRaw(t.dir, "_runs/_bad-name.json", goodRun());
    const reasons: string[] = [];
    expect((await t.store.listRuns((p) => reasons.push(p.reason))).map((r) => r.id)).toEqual(["ci-123"]);
    expect(reasons).toHaveLength(bad.length + 1);
    expect(await t.store.getRun("ci-123")).toEqual(goodRun());
    expect(await t.store.getRun("nope")).toBeUndefined();
    await expect(t.store.getRun("../x")).rejects.toThrow(/run id/);
  });
});
