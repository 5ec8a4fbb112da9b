/** Paged lineage pages: where the pages of a key live, which versions each lists, what each reads, and their cache keys. */
import { describe, expect, it } from "vitest";
import { buildModel, type Page } from "../../src/site/model.js";
import { PageKeys } from "../../src/site/page-keys.js";
import { KEY_PAGE_VERSIONS as N, keyPage, keyPageCount, keyPageOf, keyVersionsPage } from "../../src/site/paths.js";
import { pagerNumbers } from "../../src/site/render.js";
import type { ArtifactRecord, RunRecord } from "../../src/types.js";

let n = 0;
/** `count` versions of `key`, oldest first, one second apart; every third in run `flow-<i>`. */
function lineage(key: string, count: number): ArtifactRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const created = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    return {
      formatVersion: 1, id: `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`, key, type: "progress",
      description: null, data: i % 101, flowRunId: i % 3 === 0 ? `flow-${i}` : null, taskRunId: null, created, updated: created,
    } as ArtifactRecord;
  });
}
const runOf = (id: string, name = id): RunRecord => ({
  formatVersion: 1, id, name, kind: "flow", parentRunId: null, state: "completed", error: null,
  startTime: "2026-01-01T00:00:00.000Z", endTime: "2026-01-01T00:00:01.000Z",
});
const runsFor = (records: ArtifactRecord[]) => records.flatMap((r) => (r.flowRunId ? [runOf(r.flowRunId)] : []));
type KeyPage = Extract<Page, { kind: "key" | "key-versions" }>;
const keyPages = (pages: Page[], key: string): KeyPage[] =>
  pages.filter((p): p is KeyPage => (p.kind === "key" || p.kind === "key-versions") && p.key === key);

describe("key page paths", () => {
  it("puts page 1 at the key page and later pages beside it, numbered from the newest", () => {
    expect(keyVersionsPage("report", 1)).toBe(keyPage("report"));
    expect(keyPage("report")).toBe("keys/report/index.html");
    expect(keyVersionsPage("report", 2)).toBe("keys/report/page-2.html");
    expect(keyVersionsPage("a-1", 37)).toBe("keys/a-1/page-37.html");
    // A key named like a page file still has its own folder: no two pages share a path.
    expect(keyVersionsPage("page-2", 2)).toBe("keys/page-2/page-2.html");
    expect(new Set([keyPage("page-2"), keyVersionsPage("page-2", 2), keyVersionsPage("index", 2), keyPage("index")]).size).toBe(4);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses page number %s", (bad) => {
    expect(() => keyVersionsPage("report", bad)).toThrow(RangeError);
  });

  it.each([
    [0, 1], [1, 1], [N - 1, 1], [N, 1], [N + 1, 2], [2 * N, 2], [2 * N + 1, 3], [2 * N + 5, 3],
  ])("counts the pages of %i versions: %i", (total, pages) => {
    expect(keyPageCount(total)).toBe(pages);
  });

  it("finds the page that lists a version (numbers 1-based, oldest first)", () => {
    expect(keyPageOf(1, 1)).toBe(1);
    expect(keyPageOf(N, N)).toBe(1);
    expect(keyPageOf(1, N)).toBe(1);
    expect(keyPageOf(1, N + 1)).toBe(2);
    expect(keyPageOf(2, N + 1)).toBe(1);
    const total = 2 * N + 5;
    expect([total, total - N + 1, total - N, 6, 5, 1].map((v) => keyPageOf(v, total))).toEqual([1, 1, 2, 2, 3, 3]);
  });
});

describe("pager numbers", () => {
  it("shows every page when there are few", () => {
    expect(pagerNumbers(1, 1)).toEqual([1]);
    expect(pagerNumbers(2, 3)).toEqual([1, 2, 3]);
    expect(pagerNumbers(1, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it("shows the first, the last and two either side of the current page, with a mark per gap", () => {
    expect(pagerNumbers(1, 50)).toEqual([1, 2, 3, null, 50]);
    expect(pagerNumbers(25, 50)).toEqual([1, null, 23, 24, 25, 26, 27, null, 50]);
    expect(pagerNumbers(50, 50)).toEqual([1, null, 48, 49, 50]);
    // A gap of one number shows the number itself.
    expect(pagerNumbers(5, 9)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pagerNumbers(5, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, null, 10]);
  });

  it("stays the same size however many pages there are", () => {
    expect(pagerNumbers(5000, 10_000)).toHaveLength(9);
  });
});

describe("the model of a key's pages", () => {
  it("makes no key page for a key without versions", () => {
    const model = buildModel({ title: "T", records: lineage("other", 1), runs: [] });
    expect(keyPages(model.pages, "none")).toEqual([]);
  });

  it.each([1, N])("gives a key of %i versions one page, without paging, listing every version", (count) => {
    const records = lineage("k", count);
    const pages = keyPages(buildModel({ title: "T", records, runs: runsFor(records) }).pages, "k");
    expect(pages.map((p) => p.path)).toEqual(["keys/k/index.html"]);
    const page = pages[0]!;
    expect(page.kind === "key" && page.paging).toBeUndefined();
    expect(page.kind === "key" && "paging" in page).toBe(false);
    expect(page.versions.map((r) => r.id)).toEqual(records.map((r) => r.id).reverse());
    expect(page.inputs.records).toEqual(records.map((r) => r.id).reverse());
    expect(page.inputs.runs).toEqual(runsFor(records).map((r) => r.id).sort());
  });

  it.each<[number, [number, number][]]>([
    [N + 1, [[N + 1, 2], [1, 1]]],
    [2 * N + 1, [[2 * N + 1, N + 2], [N + 1, 2], [1, 1]]],
    [2 * N + 5, [[2 * N + 5, N + 6], [N + 5, 6], [5, 1]]],
  ])("splits a key of %i versions into pages of the newest first: %j", (count, spans) => {
    const records = lineage("k", count);
    const pages = keyPages(buildModel({ title: "T", records, runs: runsFor(records) }).pages, "k");
    expect(pages.map((p) => p.path)).toEqual(spans.map((_, i) => keyVersionsPage("k", i + 1)));
    pages.forEach((page, i) => {
      const [newest, oldest] = spans[i]!;
      expect(page.paging).toEqual({ page: i + 1, pages: spans.length, total: count, newest, oldest });
      // What the page lists (page 1 holds every version for its trends and lists the first N).
      const listed = page.kind === "key" ? page.versions.slice(0, N) : page.versions;
      expect(listed.map((r) => r.id)).toEqual(records.slice(oldest - 1, newest).map((r) => r.id).reverse());
      expect(page.inputs.keys).toEqual(["k"]);
      // Runs: only those of the versions it lists.
      expect(page.inputs.runs).toEqual([...new Set(runsFor(records.slice(oldest - 1, newest)).map((r) => r.id))].sort());
    });
    const first = pages[0]!;
    expect(first.kind).toBe("key");
    expect(first.versions).toHaveLength(count);
    expect(first.inputs.records).toHaveLength(count);
    for (const page of pages.slice(1)) {
      expect(page.kind).toBe("key-versions");
      expect(page.inputs.records).toEqual(page.versions.map((r) => r.id));
    }
    // Every version is listed once, on the page keyPageOf names.
    const seen = new Map<string, number>();
    pages.forEach((page, i) => {
      for (const r of page.kind === "key" ? page.versions.slice(0, N) : page.versions) seen.set(r.id, i + 1);
    });
    expect(seen.size).toBe(count);
    records.forEach((r, i) => expect(seen.get(r.id), `v${i + 1}`).toBe(keyPageOf(i + 1, count)));
  });
});

describe("page keys of a paged key", () => {
  const salt = "salt";
  const hashes = new Map<string, string>();
  const keysOf = (records: ArtifactRecord[], runs: RunRecord[]) => {
    const model = buildModel({ title: "T", records, runs, inputs: false });
    const pageKeys = new PageKeys(model, salt, (r) => hashes.get(r.id) ?? `h-${r.id}`);
    return new Map(model.pages.map((p) => [p.path, pageKeys.key(p, new Map())]));
  };

  it("follow what each page shows: a new version moves every page, a run of an old version only its own page", () => {
    const records = lineage("k", 2 * N + 1);
    const runs = runsFor(records);
    const before = keysOf(records, runs);
    // The oldest version's run renamed: it is listed on page 3 only; page 1 draws it in a trend, without its run.
    const renamed = runs.map((r) => (r.id === records[0]!.flowRunId ? runOf(r.id, "renamed") : r));
    const afterRun = keysOf(records, renamed);
    expect(afterRun.get("keys/k/page-3.html")).not.toBe(before.get("keys/k/page-3.html"));
    expect(afterRun.get("keys/k/page-2.html")).toBe(before.get("keys/k/page-2.html"));
    expect(afterRun.get("keys/k/index.html")).toBe(before.get("keys/k/index.html"));
    // Its content changed: page 1 (trends) and page 3 (its row) change.
    hashes.set(records[0]!.id, "changed");
    const afterContent = keysOf(records, runs);
    hashes.clear();
    expect(afterContent.get("keys/k/index.html")).not.toBe(before.get("keys/k/index.html"));
    expect(afterContent.get("keys/k/page-3.html")).not.toBe(before.get("keys/k/page-3.html"));
    expect(afterContent.get("keys/k/page-2.html")).toBe(before.get("keys/k/page-2.html"));
    // One more version: every page lists other versions now.
    const grown = [...records, ...lineage("k", 1).map((r) => ({ ...r, created: "2027-01-01T00:00:00.000Z", updated: "2027-01-01T00:00:00.000Z" }))];
    const afterAdd = keysOf(grown, runsFor(grown));
    for (const p of ["keys/k/index.html", "keys/k/page-2.html", "keys/k/page-3.html"]) expect(afterAdd.get(p), p).not.toBe(before.get(p));
    // Built twice from the same input: the same keys.
    expect(keysOf(records, runs)).toEqual(before);
  });
});
