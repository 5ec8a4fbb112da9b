/** Page keys of version pages: they follow exactly what the page shows (the build reuses a page whose key it saw). */
import { describe, expect, it } from "vitest";
import { buildModel, type Page } from "../../src/site/model.js";
import { PageKeys } from "../../src/site/page-keys.js";
import type { ArtifactRecord, RunRecord } from "../../src/types.js";

const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
const record = (i: number, key: string | null, run: string | null): ArtifactRecord => ({
  formatVersion: 1, id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, key, type: "progress",
  description: null, data: i, flowRunId: run, taskRunId: null, created: at(i), updated: at(i),
} as ArtifactRecord);
const run = (id: string, name = id): RunRecord => ({
  formatVersion: 1, id, name, kind: "flow", parentRunId: null, state: "completed", error: null, startTime: at(0), endTime: at(1),
});

const records = [record(1, "k", "r1"), record(2, "k", null), record(3, "k", "r2"), record(4, "other", null), record(5, null, "r1")];
const runs = [run("r1"), run("r2")];
const id = (i: number) => records[i - 1]!.id;

function keys(input: { records?: ArtifactRecord[]; runs?: RunRecord[]; hashes?: Map<string, string>; title?: string; salt?: string } = {}) {
  const model = buildModel({ title: input.title ?? "T", records: input.records ?? records, runs: input.runs ?? runs, inputs: false });
  const pageKeys = new PageKeys(model, input.salt ?? "salt", (r) => input.hashes?.get(r.id) ?? `h-${r.id}`);
  return new Map(model.pages.map((p) => [p.path, pageKeys.key(p, new Map())]));
}
const page = (i: number) => `artifacts/${id(i)}.html`;

describe("page keys of version pages", () => {
  it("are made from these fields only: a field added to the page must be added to its key", () => {
    const model = buildModel({ title: "T", records, runs, inputs: false });
    const versions = model.pages.filter((p): p is Extract<Page, { kind: "artifact" }> => p.kind === "artifact");
    expect(versions).toHaveLength(records.length);
    for (const p of versions) {
      expect(Object.keys(p).sort()).toEqual(["inputs", "kind", "path", "record", "version"]);
      if (p.version) expect(Object.keys(p.version).sort()).toEqual(["next", "number", "previous", "record", "total"]);
    }
  });

  it("change with the page's record, its neighbours, its runs, the lineage's length, the title and the salt", () => {
    const before = keys();
    const changed = (what: Parameters<typeof keys>[0]) => {
      const after = keys(what);
      return [...before.keys()].filter((p) => p.startsWith("artifacts/") && after.get(p) !== before.get(p)).sort();
    };
    // v2's content: its own page and both neighbours' (they link it and diff against it).
    expect(changed({ hashes: new Map([[id(2), "new"]]) })).toEqual([page(1), page(2), page(3)].sort());
    // The unkeyed record's content: its page alone.
    expect(changed({ hashes: new Map([[id(5), "new"]]) })).toEqual([page(5)]);
    // Run r2 renamed: the page that links it, and its neighbour's (a record stands with its runs: safe, if more).
    expect(changed({ runs: [run("r1"), run("r2", "nightly")] })).toEqual([page(2), page(3)].sort());
    // A fourth version of k: every version of k ("of 4", and v3 gains a next), nothing else.
    expect(changed({ records: [...records, record(6, "k", null)] })).toEqual([page(1), page(2), page(3)].sort());
    expect(changed({ title: "Other" })).toHaveLength(records.length);
    expect(changed({ salt: "other" })).toHaveLength(records.length);
    expect(keys()).toEqual(before);
  });
});

describe("page keys of the lists of runs", () => {
  it("follow a run's count of artifacts, not which artifacts it has or what they hold", () => {
    const before = keys();
    const lists = (k: Map<string, string>) => [k.get("index.html"), k.get("runs/index.html")];
    expect(lists(before).every((k) => typeof k === "string")).toBe(true);
    // v5 (unkeyed, made in run r1) holds something else: its run's page changes, the lists do not.
    const changed = keys({ hashes: new Map([[id(5), "new"]]) });
    expect(changed.get("runs/r1.html")).not.toBe(before.get("runs/r1.html"));
    expect(lists(changed)).toEqual(lists(before));
    // A record moves from run r2 to r1: both counts change, and so do both lists.
    const moved = keys({ records: records.map((r, i) => (i === 2 ? { ...r, flowRunId: "r1" } : r)) });
    expect(moved.get("runs/index.html")).not.toBe(before.get("runs/index.html"));
    expect(moved.get("index.html")).not.toBe(before.get("index.html"));
  });
});
