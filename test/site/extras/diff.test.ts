import { describe, expect, it } from "vitest";
import { diffTable } from "../../../src/site/extras/diff-table.js";
import { diffVersions, sameJson } from "../../../src/site/extras/diff.js";
import { record, table } from "./records.js";

describe("diffTable", () => {
  it("matches rows by a unique first column with the same name, and lists added, removed and changed cells", () => {
    const before = { columns: ["id", "name", "score"], rows: [["a", "Ann", 1], ["b", "Bob", 2], ["c", "Cy", 3]] };
    const after = { columns: ["id", "name", "score"], rows: [["c", "Cy", 4], ["a", "Ann", 1], ["d", "Di", 5]] };
    const d = diffTable(before, after);
    expect(d.matchedBy).toBe("key");
    expect(d.keyColumn).toBe("id");
    expect(d.counts).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 1 });
    expect(d.changed).toEqual([{ label: "c", changes: [{ column: "score", before: "3", after: "4" }] }]);
    expect(d.added).toEqual([{ label: "d", cells: ["d", "Di", "5"] }]);
    expect(d.removed).toEqual([{ label: "b", cells: ["b", "Bob", "2"] }]);
  });

  it("falls back to position when the first column repeats, is empty, or is renamed", () => {
    const dup = diffTable({ columns: ["id"], rows: [["a"], ["a"]] }, { columns: ["id"], rows: [["a"], ["b"]] });
    expect(dup.matchedBy).toBe("position");
    expect(dup.changed).toEqual([{ label: "row 2", changes: [{ column: "id", before: "a", after: "b" }] }]);
    expect(diffTable({ columns: ["id"], rows: [[null]] }, { columns: ["id"], rows: [[null]] }).matchedBy).toBe("position");
    expect(diffTable({ columns: ["id"], rows: [["a"]] }, { columns: ["key"], rows: [["a"]] }).matchedBy).toBe("position");
    // No key in common: a one-row metrics table whose first cell changed is the same row, changed.
    expect(diffTable({ columns: ["acc", "n"], rows: [[0.8, 1]] }, { columns: ["acc", "n"], rows: [[0.9, 1]] }).counts).toEqual({ added: 0, removed: 0, changed: 1, unchanged: 0 });
  });

  it("matches columns by name (a moved column is not a change) and reports added and removed columns", () => {
    const d = diffTable({ columns: ["x", "y", "gone"], rows: [[1, 2, 3]] }, { columns: ["y", "x", "new"], rows: [[2, 1, 9]] });
    expect(d.counts).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 1 });
    expect(d.columnsAdded).toEqual(["new"]);
    expect(d.columnsRemoved).toEqual(["gone"]);
  });

  it("tables without column names compare by position, named `column N`", () => {
    const d = diffTable({ columns: null, rows: [[1, "a"], [2, "b"]] }, { columns: null, rows: [[1, "A"], [2, "b"], [3, "c", true]] });
    expect(d.matchedBy).toBe("position");
    expect(d.changed).toEqual([{ label: "row 1", changes: [{ column: "column 2", before: "a", after: "A" }] }]);
    expect(d.added).toEqual([{ label: "row 3", cells: ["3", "c", "true"] }]);
    expect(d.columnsAdded).toEqual(["column 3"]);
  });

  it("compares nested values by content and null with a missing cell as equal", () => {
    const d = diffTable({ columns: ["k", "v"], rows: [["a", { x: [1] }], ["b"]] }, { columns: ["k", "v"], rows: [["a", { x: [1] }], ["b", null]] });
    expect(d.counts.unchanged).toBe(2);
  });

  it("lists at most maxListed rows per kind with complete counts, and refuses tables past maxCells", () => {
    const rows = (n: number, tag: string) => Array.from({ length: n }, (_, i) => [i, `${tag}${i}`]);
    const d = diffTable({ columns: ["i", "v"], rows: rows(300, "a") }, { columns: ["i", "v"], rows: rows(300, "b") }, { maxListed: 10 });
    expect(d.counts.changed).toBe(300);
    expect(d.changed).toHaveLength(10);
    expect(d.truncated).toBe(true);
    const big = diffTable({ columns: ["i", "v"], rows: rows(300, "a") }, { columns: ["i", "v"], rows: rows(300, "b") }, { maxCells: 100 });
    expect(big.tooLarge).toBe(true);
    expect(big.changed).toEqual([]);
  });
});

describe("diffTable, mostly rewritten", () => {
  it("keeps the counts and lists nothing past maxChangedShare of changed cells", () => {
    const rows = (tag: string) => Array.from({ length: 20 }, (_, i) => [`${tag}${i}`, `${tag}${i}`]);
    const d = diffTable({ columns: ["a", "b"], rows: rows("x") }, { columns: ["a", "b"], rows: rows("y") }, { maxChangedShare: 0.6 });
    expect(d).toMatchObject({ rewritten: true, changed: [], counts: { changed: 20, unchanged: 0 } });
    const some = diffTable({ columns: ["a", "b"], rows: rows("x") }, { columns: ["a", "b"], rows: rows("x").map((r, i) => (i < 5 ? ["q", "q"] : r)) }, { maxChangedShare: 0.6 });
    expect(some.rewritten).toBe(false);
    expect(some.changed).toHaveLength(5);
  });
});

describe("diffVersions", () => {
  it("markdown: a line diff; unchanged when equal", () => {
    const a = record("markdown", "# T\none\ntwo\n"), b = record("markdown", "# T\none\n2\n");
    const d = diffVersions(a, b);
    expect(d.unchanged).toBe(false);
    expect(d.description).toBeNull();
    expect(d.body).toMatchObject({ kind: "markdown", lines: { added: 1, removed: 1 } });
    expect(diffVersions(a, record("markdown", "# T\none\ntwo\n"))).toMatchObject({ unchanged: true, body: null });
  });

  it("description changes are a line diff of their own", () => {
    const d = diffVersions(record("progress", 5, { description: "old" }), record("progress", 5, { description: "new" }));
    expect(d.body).toBeNull();
    expect(d.description).toMatchObject({ added: 1, removed: 1 });
  });

  it("links before → after, progress as a number change, images and type changes for side by side", () => {
    expect(diffVersions(record("link", { url: "https://a.example/", text: null }), record("link", { url: "https://b.example/", text: "B" })).body)
      .toEqual({ kind: "link", before: { url: "https://a.example/", text: null }, after: { url: "https://b.example/", text: "B" } });
    expect(diffVersions(record("progress", 0.1), record("progress", 0.3)).body).toEqual({ kind: "progress", before: 0.1, after: 0.3, delta: 0.2 });
    expect(diffVersions(record("progress", 80), record("progress", 20)).body).toMatchObject({ delta: -60 });
    expect(diffVersions(record("image", { url: "https://a.example/1.png" }), record("image", { url: "https://a.example/2.png" })).body).toEqual({ kind: "image" });
    expect(diffVersions(record("image", { url: "https://a.example/1.png" }), record("image", { url: "https://a.example/1.png" })).body).toBeNull();
    expect(diffVersions(record("progress", 1), table(null, [[1]])).body).toEqual({ kind: "type", before: "progress", after: "table" });
  });

  it("tables: a table diff, or nothing when equal", () => {
    expect(diffVersions(table(["a"], [[1]]), table(["a"], [[1]])).body).toBeNull();
    expect(diffVersions(table(["a"], [[1]]), table(["a"], [[2]])).body).toMatchObject({ kind: "table", table: { matchedBy: "position", counts: { changed: 1 } } });
  });
});

describe("SiteRenderer.renderDiff", () => {
  it("renders the changes section ahead, as the page would, except a side-by-side diff, which needs the page", async () => {
    const { SiteRenderer } = await import("../../../src/site/render.js");
    const { pageDiff } = await import("../../../src/site/extras/collect.js");
    const renderer = new SiteRenderer();
    // The partial as a page includes it (the renderer's own eta instance, private to it).
    const eta = (renderer as unknown as { eta: { render(name: string, data: object): string } }).eta;
    const inPage = (d: unknown) => eta.render("/partials/extras/diff", { d, prev: null, cur: null, h: null });
    const pairs = [
      [record("markdown", "# A\n\nold <b>line</b>", { key: "k" }), record("markdown", "# A\n\nnew <b>line</b>", { key: "k" })],
      [table(["id", "v"], [["a", 1]], { key: "k" }), table(["id", "v"], [["a", 2]], { key: "k" })],
      [record("progress", 10, { key: "k" }), record("progress", 40, { key: "k" })],
      [record("link", { url: "https://e.com/a", text: "<a>" }, { key: "k" }), record("link", { url: "https://e.com/b", text: null }, { key: "k" })],
      [record("progress", 10, { key: "k", description: "same" }), record("progress", 10, { key: "k", description: "same" })],
    ];
    for (const [prev, cur] of pairs) {
      const d = pageDiff(prev!, cur!);
      const html = renderer.renderDiff(d);
      expect(html).toBe(inPage(d));
      expect(html).not.toContain("<b>");
    }
    // A type change shows both versions side by side: only the page can place their bodies.
    const typeChange = pageDiff(record("progress", 10, { key: "k" }), record("markdown", "# now text", { key: "k" }));
    expect(typeChange.body?.kind).toBe("type");
    expect(renderer.renderDiff(typeChange)).toBeUndefined();
  });
});

describe("sameJson", () => {
  it("answers as comparing the two values' JSON text", () => {
    const values: unknown[] = [
      null, true, false, 0, -0, 1, 1.5, 1e21, "", "a", "1", [], [null], [1, 2], [2, 1], [1, [2, 3]], [1, [2, 4]], {},
      { a: 1 }, { a: 1, b: 2 }, { b: 2, a: 1 }, { a: [1, { c: null }] }, { a: [1, { c: false }] }, { 1: "x", a: "y" },
      { a: "y", 1: "x" }, { columns: ["x", "y"], rows: [[1, "a"], [2, "b"]] }, { columns: ["x", "y"], rows: [[1, "a"], [2, "c"]] },
      { columns: null, rows: [[1, "a"], [2, "b"]] }, { rows: [[1, "a"], [2, "b"]], columns: null }, JSON.parse('{"__proto__": 1}'),
      JSON.parse('{"__proto__": 2}'), { url: "https://example.com/a.png" }, { file: "a.png", mediaType: "image/png" },
    ];
    let equal = 0;
    for (const a of values) {
      for (const b of values) {
        // Compared with a copy too, so equal values are not merely the same object.
        const copy = JSON.parse(JSON.stringify(b)) as unknown;
        const want = JSON.stringify(a) === JSON.stringify(b);
        expect(sameJson(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(want);
        expect(sameJson(a, copy), `${JSON.stringify(a)} vs a copy of ${JSON.stringify(b)}`).toBe(want);
        if (want) equal++;
      }
    }
    // Each value equals itself; so do 0 and -0 (both write "0"), and the two objects with a member "1" (an
    // integer-like name comes first in both, whatever the order it was written in).
    expect(equal).toBe(values.length + 4);
  });

  it("finds a table unchanged only when every cell is", () => {
    const table = { columns: ["a", "b"], rows: Array.from({ length: 50 }, (_, i) => [i, `row ${i}`, { n: i }]) };
    const changed = JSON.parse(JSON.stringify(table)) as typeof table;
    expect(sameJson(table, changed)).toBe(true);
    (changed.rows[49]![2] as { n: number }).n = -1;
    expect(sameJson(table, changed)).toBe(false);
  });
});
