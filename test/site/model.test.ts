/** The site model: pages, their paths and their inputs, independent of the order records arrive in. */
import { describe, expect, it } from "vitest";
import { buildModel, type Page } from "../../src/site/model.js";
import type { ArtifactRecord, RunRecord } from "../../src/types.js";

const run = (id: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  formatVersion: 1, id, name: id, kind: "flow", parentRunId: null, state: "completed", error: null,
  startTime: "2026-01-01T00:00:00.000Z", endTime: "2026-01-01T00:00:01.000Z", ...extra,
});
let n = 0;
const rec = (key: string | null, created: string, extra: Partial<ArtifactRecord> = {}): ArtifactRecord => ({
  formatVersion: 1, id: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`, key, type: "markdown",
  description: null, data: "x", flowRunId: null, taskRunId: null, created, updated: created, ...extra,
} as ArtifactRecord);

const runs = [run("index"), run("flow-b", { startTime: "2026-01-02T00:00:00.000Z" }), run("task-c", { kind: "task", parentRunId: "flow-b" })];
const records = [
  rec("alpha", "2026-01-01T00:00:01.000Z", { flowRunId: "flow-b" }),
  rec("alpha", "2026-01-01T00:00:02.000Z", { flowRunId: "flow-b", taskRunId: "task-c" }),
  rec("beta", "2026-01-01T00:00:03.000Z"),
  rec(null, "2026-01-01T00:00:04.000Z", { flowRunId: "index" }),
  rec(null, "2026-01-01T00:00:05.000Z"),
  rec(null, "2026-01-01T00:00:06.000Z", { flowRunId: "no-record" }),
];
const byPath = (pages: Page[]) => new Map(pages.map((p) => [p.path, p]));

describe("buildModel", () => {
  it("makes every page at a file path, the run named index at runs/_index.html", () => {
    const model = buildModel({ title: "T", records, runs });
    expect(model.pages.map((p) => p.path).sort()).toEqual([
      "404.html", ...records.map((r) => `artifacts/${r.id}.html`), "index.html", "keys/alpha/index.html",
      "keys/beta/index.html", "runs/_index.html", "runs/flow-b.html", "runs/index.html", "runs/task-c.html",
    ].sort());
  });

  it("does not depend on the order records and runs arrive in", () => {
    const a = buildModel({ title: "T", records, runs });
    const b = buildModel({ title: "T", records: [...records].reverse(), runs: [...runs].reverse() });
    expect(JSON.stringify(b.pages)).toBe(JSON.stringify(a.pages));
  });

  it("records what each page reads", () => {
    const pages = byPath(buildModel({ title: "T", records, runs }).pages);
    const [a1, a2, b1, u1, u2, u3] = records.map((r) => r.id);
    expect(pages.get("keys/alpha/index.html")!.inputs).toMatchObject({ records: [a2, a1], keys: ["alpha"], runs: ["flow-b", "task-c"] });
    expect(pages.get(`artifacts/${a1}.html`)!.inputs).toMatchObject({ records: [a1], keys: ["alpha"], runs: ["flow-b"] });
    expect(pages.get("runs/flow-b.html")!.inputs).toMatchObject({ records: [a1, a2], runMembers: ["flow-b"] });
    expect(pages.get("runs/task-c.html")!.inputs.records).toEqual([a2]);
    const index = pages.get("index.html")!;
    expect(index.inputs.lists).toEqual(["keys", "runs", "orphans"]);
    // Unkeyed artifacts without a (recorded) run are the index's orphans, newest first; one with a run is not.
    expect(index.kind === "index" && index.orphans.map((r) => r.id)).toEqual([u3, u2]);
    expect(index.inputs.records).toEqual([a2, b1, u3, u2]);
    expect(index.inputs.records).not.toContain(u1);
  });

  it("links neighbours within a lineage", () => {
    const pages = byPath(buildModel({ title: "T", records, runs }).pages);
    const first = pages.get(`artifacts/${records[0]!.id}.html`)!;
    expect(first.kind === "artifact" && [first.version?.number, first.version?.total, first.version?.previous, first.version?.next?.id])
      .toEqual([1, 2, undefined, records[1]!.id]);
  });
});
