// Flow and task runs (DESIGN §3): ids carried by AsyncLocalStorage, run records, failures, ARTIFACTS_RUN_ID.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidArtifactError } from "../../src/errors.js";
import { expectRefused } from "../helpers/refusal.js";
import { checkStoreFiles } from "../helpers/schema.js";
import { tmpStore, type TmpStore } from "../helpers/tmp-store.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tick = () => new Promise((r) => setTimeout(r, 1));

let t: TmpStore;
beforeEach(async () => {
  t = await tmpStore();
  delete process.env.ARTIFACTS_RUN_ID;
  delete process.env.ARTIFACTS_RUN_NAME;
});
afterEach(async () => {
  delete process.env.ARTIFACTS_RUN_ID;
  delete process.env.ARTIFACTS_RUN_NAME;
  expect((await checkStoreFiles(t.dir)).problems).toEqual([]);
  await t.cleanup();
});

const runIds = async (id: string) => {
  const r = await t.store.getById(id);
  return { flowRunId: r?.flowRunId, taskRunId: r?.taskRunId };
};

describe("flow and task", () => {
  it("an artifact in a task has both ids, in a flow only the flow's; run records are complete", async () => {
    const seen: Record<string, string> = {};
    const fetch = t.store.task("fetch-batch", async (n: number) => {
      seen.inTask = await t.store.createMarkdownArtifact({ markdown: `batch ${n}`, key: "batch" });
      return n * 2;
    });
    const etl = t.store.flow("nightly-etl", async () => {
      seen.inFlow = await t.store.createMarkdownArtifact({ markdown: "start" });
      return (await fetch(21)) + 0;
    });
    expect(await etl()).toBe(42);
    const runs = await t.store.listRuns();
    expect(runs).toHaveLength(2);
    const flowRun = runs.find((r) => r.kind === "flow")!;
    const taskRun = runs.find((r) => r.kind === "task")!;
    expect(flowRun).toEqual({
      formatVersion: 1, id: expect.stringMatching(UUID), name: "nightly-etl", kind: "flow", parentRunId: null,
      state: "completed", error: null, startTime: expect.any(String), endTime: expect.any(String),
    });
    expect(taskRun).toMatchObject({ name: "fetch-batch", kind: "task", parentRunId: flowRun.id, state: "completed", error: null });
    expect(Date.parse(flowRun.endTime!)).toBeGreaterThanOrEqual(Date.parse(flowRun.startTime));
    expect(await runIds(seen.inFlow!)).toEqual({ flowRunId: flowRun.id, taskRunId: null });
    expect(await runIds(seen.inTask!)).toEqual({ flowRunId: flowRun.id, taskRunId: taskRun.id });
    // Outside any run: neither.
    const outside = await t.store.createMarkdownArtifact({ markdown: "x" });
    expect(await runIds(outside)).toEqual({ flowRunId: null, taskRunId: null });
  });

  it("a run is recorded as running while it runs", async () => {
    let during: unknown;
    await t.store.flow("f", async () => {
      during = await t.store.listRuns();
    })();
    expect(during).toEqual([expect.objectContaining({ state: "running", endTime: null, error: null })]);
  });

  it("a nested flow's artifacts carry the inner flow; its parent is the outer one", async () => {
    let inner = "", after = "";
    const child = t.store.flow("child", async () => {
      inner = await t.store.createMarkdownArtifact({ markdown: "inner" });
    });
    await t.store.flow("parent", async () => {
      await child();
      after = await t.store.createMarkdownArtifact({ markdown: "after" });
    })();
    const runs = await t.store.listRuns();
    const parent = runs.find((r) => r.name === "parent")!;
    const childRun = runs.find((r) => r.name === "child")!;
    expect(childRun.parentRunId).toBe(parent.id);
    expect(await runIds(inner)).toEqual({ flowRunId: childRun.id, taskRunId: null });
    expect(await runIds(after)).toEqual({ flowRunId: parent.id, taskRunId: null });
  });

  it("each call is a run of its own, and concurrent calls under Promise.all keep their own runs", async () => {
    const step = t.store.task("step", async (i: number) => {
      await tick();
      const id = await t.store.createMarkdownArtifact({ markdown: `step ${i}`, key: `step-${i}` });
      await tick();
      return id;
    });
    const job = t.store.flow("job", async (i: number) => {
      await tick();
      const a = await t.store.createMarkdownArtifact({ markdown: `job ${i}`, key: `job-${i}` });
      const [b, c] = await Promise.all([step(i * 10), step(i * 10 + 1)]);
      return [a, b!, c!];
    });
    const results = await Promise.all([0, 1, 2, 3].map((i) => job(i)));
    const runs = await t.store.listRuns();
    expect(runs).toHaveLength(4 + 8);
    for (const [a, b, c] of results) {
      const ra = await runIds(a!), rb = await runIds(b!), rc = await runIds(c!);
      expect(ra.taskRunId).toBeNull();
      expect(rb.flowRunId).toBe(ra.flowRunId);
      expect(rc.flowRunId).toBe(ra.flowRunId);
      expect(rb.taskRunId).not.toBe(rc.taskRunId);
      for (const tr of [rb.taskRunId, rc.taskRunId]) {
        expect(runs.find((r) => r.id === tr)).toMatchObject({ kind: "task", parentRunId: ra.flowRunId });
      }
    }
    const flowIds = await Promise.all(results.map(async ([a]) => (await runIds(a!)).flowRunId));
    expect(new Set(flowIds).size).toBe(4);
  });

  it("a throwing run is recorded failed with its message and the same error object is rethrown", async () => {
    const boom = new TypeError("disk full");
    const failing = t.store.flow("failing", async () => {
      await t.store.createMarkdownArtifact({ markdown: "before the failure", key: "partial" });
      throw boom;
    });
    let caught: unknown;
    await failing().catch((err) => (caught = err));
    expect(caught).toBe(boom);
    const [run] = await t.store.listRuns();
    expect(run).toMatchObject({ name: "failing", state: "failed", error: "disk full", endTime: expect.any(String) });
    expect((await t.store.get("partial"))?.flowRunId).toBe(run!.id);
    // A synchronous throw and a non-Error value behave the same.
    const weird = { code: 7 };
    await expect(t.store.task("sync", () => { throw weird; })()).rejects.toBe(weird);
    expect((await t.store.listRuns()).find((r) => r.name === "sync")).toMatchObject({ state: "failed", error: "[object Object]" });
  });

  it("refuses a bad name or function when wrapping", () => {
    expect(() => t.store.flow("", () => 1)).toThrow(InvalidArtifactError);
    expect(() => t.store.task("x".repeat(1025), () => 1)).toThrow(InvalidArtifactError);
    expect(() => t.store.flow("f", "nope" as never)).toThrow(InvalidArtifactError);
  });
});

describe("ARTIFACTS_RUN_ID outside any run", () => {
  it("attaches artifacts to the outside run, read when the artifact is created, and makes its record once", async () => {
    const before = await t.store.createMarkdownArtifact({ markdown: "before" });
    process.env.ARTIFACTS_RUN_ID = "ci-4711";
    process.env.ARTIFACTS_RUN_NAME = "CI build #4711";
    const a = await t.store.createMarkdownArtifact({ markdown: "a", key: "k" });
    const b = await t.store.createLinkArtifact({ link: "https://e.com" });
    expect(await runIds(before)).toEqual({ flowRunId: null, taskRunId: null });
    expect(await runIds(a)).toEqual({ flowRunId: "ci-4711", taskRunId: null });
    expect(await runIds(b)).toEqual({ flowRunId: "ci-4711", taskRunId: null });
    const runs = await t.store.listRuns();
    expect(runs).toEqual([{
      formatVersion: 1, id: "ci-4711", name: "CI build #4711", kind: "flow", parentRunId: null,
      state: "unknown", error: null, startTime: expect.any(String), endTime: null,
    }]);
    // Later writers (another store object, as another process would be) leave the record alone.
    process.env.ARTIFACTS_RUN_NAME = "renamed";
    const other = (await import("../../src/artifacts/client.js")).openStore(t.dir);
    await other.createMarkdownArtifact({ markdown: "c" });
    expect(await t.store.listRuns()).toEqual(runs);
    // Changed between calls: the next artifact follows.
    process.env.ARTIFACTS_RUN_ID = "ci-4712";
    expect((await runIds(await t.store.createMarkdownArtifact({ markdown: "d" }))).flowRunId).toBe("ci-4712");
  });

  it("a flow inside an outside run has it as parent; the flow's artifacts carry the flow", async () => {
    process.env.ARTIFACTS_RUN_ID = "ci-1";
    let id = "";
    await t.store.flow("inner", async () => {
      id = await t.store.createMarkdownArtifact({ markdown: "x" });
    })();
    const runs = await t.store.listRuns();
    const inner = runs.find((r) => r.name === "inner")!;
    expect(inner.parentRunId).toBe("ci-1");
    expect(runs.find((r) => r.id === "ci-1")).toMatchObject({ state: "unknown" });
    expect(await runIds(id)).toEqual({ flowRunId: inner.id, taskRunId: null });
  });

  it("refuses a bad ARTIFACTS_RUN_ID and writes nothing", async () => {
    process.env.ARTIFACTS_RUN_ID = "../../etc";
    await expectRefused(t.base, () => t.store.createMarkdownArtifact({ markdown: "x", key: "k" }), {
      type: InvalidArtifactError, field: "ARTIFACTS_RUN_ID", value: "../../etc",
    });
  });
});
