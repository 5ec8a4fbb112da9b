// Every create* function: the record on disk is exactly DESIGN §1's, valid against the published schema.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkStoreFiles } from "../helpers/schema.js";
import { tmpStore, type TmpStore } from "../helpers/tmp-store.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let t: TmpStore;
beforeEach(async () => {
  t = await tmpStore();
});
afterEach(async () => {
  const { problems } = await checkStoreFiles(t.dir);
  expect(problems).toEqual([]);
  await t.cleanup();
});

/** The one version file of a folder, parsed, with its name. */
async function onlyRecord(folder: string): Promise<{ name: string; record: Record<string, unknown> }> {
  const names = (await fs.readdir(path.join(t.dir, folder))).filter((n) => n.endsWith(".json"));
  expect(names).toHaveLength(1);
  const name = names[0]!;
  return { name, record: JSON.parse(await fs.readFile(path.join(t.dir, folder, name), "utf8")) };
}

function expectStamped(name: string, record: Record<string, unknown>): void {
  expect(record.created).toMatch(ISO);
  expect(record.updated).toBe(record.created);
  expect(name).toBe(`${(record.created as string).replace(/:/g, "-")}.json`);
}

describe("create*", () => {
  it("createMarkdownArtifact writes the Markdown verbatim under <key>/<timestamp>.json", async () => {
    const markdown = "# Report\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>kept verbatim</script> ünïcødé ✓\n";
    const id = await t.store.createMarkdownArtifact({ markdown, key: "weekly-report", description: "## Summary" });
    expect(id).toMatch(UUID);
    const { name, record } = await onlyRecord("weekly-report");
    expect(Object.keys(record)).toEqual([
      "formatVersion", "id", "key", "type", "description", "data", "flowRunId", "taskRunId", "created", "updated",
    ]);
    expect(record).toEqual({
      formatVersion: 1, id, key: "weekly-report", type: "markdown", description: "## Summary", data: markdown,
      flowRunId: null, taskRunId: null, created: record.created, updated: record.created,
    });
    expectStamped(name, record);
    const text = await fs.readFile(path.join(t.dir, "weekly-report", name), "utf8");
    expect(text).toBe(`${JSON.stringify(record, null, 2)}\n`);
  });

  it("createLinkArtifact stores url and text (null when no linkText)", async () => {
    const a = await t.store.createLinkArtifact({ link: "https://example.com/data.csv", linkText: "the data", key: "links" });
    const b = await t.store.createLinkArtifact({ link: "mailto:ops@example.com" });
    expect((await t.store.getById(a))).toMatchObject({ type: "link", key: "links", description: null, data: { url: "https://example.com/data.csv", text: "the data" } });
    const { name, record } = await onlyRecord("_unkeyed");
    expect(record).toEqual({
      formatVersion: 1, id: b, key: null, type: "link", description: null,
      data: { url: "mailto:ops@example.com", text: null }, flowRunId: null, taskRunId: null,
      created: record.created, updated: record.created,
    });
    expectStamped(name, record);
  });

  it("createTableArtifact stores { columns, rows }", async () => {
    const id = await t.store.createTableArtifact({ table: [{ a: 1, b: "x" }, { b: "y", c: true }], key: "tbl" });
    const { record } = await onlyRecord("tbl");
    expect(record).toMatchObject({
      id, type: "table", key: "tbl", data: { columns: ["a", "b", "c"], rows: [[1, "x", null], [null, "y", true]] },
    });
  });

  it("createImageArtifact with imageUrl stores { url }", async () => {
    const id = await t.store.createImageArtifact({ imageUrl: "https://example.com/chart.png", key: "chart", description: "Chart" });
    const { record } = await onlyRecord("chart");
    expect(record).toEqual({
      formatVersion: 1, id, key: "chart", type: "image", description: "Chart", data: { url: "https://example.com/chart.png" },
      flowRunId: null, taskRunId: null, created: record.created, updated: record.created,
    });
  });

  it("createProgressArtifact stores a number and updateProgressArtifact rewrites it in place", async () => {
    const id = await t.store.createProgressArtifact({ progress: 12.5, key: "load" });
    const before = await onlyRecord("load");
    expect(before.record).toMatchObject({ id, type: "progress", data: 12.5, description: null });
    await new Promise((r) => setTimeout(r, 5));
    expect(await t.store.updateProgressArtifact({ artifactId: id, progress: 80, description: "almost" })).toBe(id);
    const after = await onlyRecord("load");
    expect(after.name).toBe(before.name);
    expect(after.record).toEqual({ ...before.record, data: 80, description: "almost", updated: after.record.updated });
    expect(Date.parse(after.record.updated as string)).toBeGreaterThan(Date.parse(before.record.created as string));
    // Without a description the old one stays.
    await t.store.updateProgressArtifact({ artifactId: id, progress: 100 });
    expect((await onlyRecord("load")).record).toMatchObject({ data: 100, description: "almost", created: before.record.created });
    expect(await t.files()).toEqual([`load/${before.name}`]);
  });

  it("every version gets a new file, in order, and Artifact.get-style get() returns the last", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await t.store.createMarkdownArtifact({ markdown: `v${i}`, key: "k" }));
    expect(new Set(ids).size).toBe(5);
    const files = await t.files();
    expect(files).toHaveLength(5);
    expect((await t.store.versions("k")).map((r) => r.id)).toEqual([...ids].reverse());
    expect((await t.store.get("k"))?.id).toBe(ids[4]);
  });

  it("leaves no temp file behind", async () => {
    await t.store.createMarkdownArtifact({ markdown: "x", key: "a" });
    await t.store.createProgressArtifact({ progress: 1 });
    expect(await fs.readdir(path.join(t.dir, "_tmp"))).toEqual([]);
  });
});
