// The package-level functions: they use ARTIFACTS_DIR (or .artifacts) as it is when they are called.
import { afterEach, beforeEach, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { checkStoreFiles } from "../helpers/schema.js";
import { tmpStore, type TmpStore } from "../helpers/tmp-store.js";

let t: TmpStore;
let saved: string | undefined;
beforeEach(async () => {
  t = await tmpStore();
  saved = process.env.ARTIFACTS_DIR;
  process.env.ARTIFACTS_DIR = t.dir;
});
afterEach(async () => {
  if (saved === undefined) delete process.env.ARTIFACTS_DIR;
  else process.env.ARTIFACTS_DIR = saved;
  expect((await checkStoreFiles(t.dir)).problems).toEqual([]);
  await t.cleanup();
});

it("create* and Artifact.get work on the store named by ARTIFACTS_DIR", async () => {
  const a = await api.createMarkdownArtifact({ markdown: "one", key: "k" });
  const b = await api.createLinkArtifact({ link: "https://e.com", key: "k" });
  await api.createTableArtifact({ table: [[1]], key: "t" });
  await api.createImageArtifact({ imageUrl: "https://e.com/x.png", key: "i" });
  const p = await api.createProgressArtifact({ progress: 1, key: "p" });
  expect(await api.updateProgressArtifact({ artifactId: p, progress: 2 })).toBe(p);
  expect((await api.Artifact.get("k"))?.id).toBe(b);
  expect((await t.store.versions("k")).map((r) => r.id)).toEqual([b, a]);
  expect((await t.store.list()).map((s) => s.key)).toEqual(["i", "k", "p", "t"]);
});

it("flow and task record runs in the store named at call time", async () => {
  const other = await tmpStore();
  try {
    const job = api.flow("job", api.task("step", () => api.createMarkdownArtifact({ markdown: "x" })));
    await job();
    process.env.ARTIFACTS_DIR = other.dir;
    await job();
    expect(await t.store.listRuns()).toHaveLength(2);
    expect(await other.store.listRuns()).toHaveLength(2);
    expect((await other.store.unkeyed())[0]?.taskRunId).not.toBeNull();
  } finally {
    await other.cleanup();
  }
});

it("exports every error class and the public names of DESIGN §2", () => {
  for (const name of [
    "createLinkArtifact", "createMarkdownArtifact", "createTableArtifact", "createImageArtifact", "createProgressArtifact",
    "updateProgressArtifact", "Artifact", "openStore", "flow", "task", "ArtifactPressError", "InvalidArtifactError",
    "InvalidKeyError", "ArtifactTooLargeError", "UnsafePathError", "InvalidRecordError", "ArtifactNotFoundError",
  ]) {
    expect(api, name).toHaveProperty(name);
  }
});
