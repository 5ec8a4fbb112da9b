import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { DATA_GLOBAL } from "../../../src/site/extras/escape.js";
import { DOC_SHARD, SEARCH_META, prefixOf, searchFiles, shardOf, terms } from "../../../src/site/extras/search-index.js";
import type { SiteFile } from "../../../src/site/extras/files.js";
import { record, table } from "./records.js";

type Entry = [string, number[]];
interface Meta { docs: number; docShard: number; shards: string[] }

function load(files: SiteFile[]): Record<string, unknown> {
  const sandbox: Record<string, unknown> = {};
  sandbox.self = sandbox;
  for (const f of files) vm.runInNewContext(f.data, sandbox);
  return sandbox[DATA_GLOBAL] as Record<string, unknown>;
}

/** The client's lookup, written independently: documents having a term that starts with `prefix`. */
function lookup(data: Record<string, unknown>, prefix: string): { doc: number; inTitle: boolean }[] {
  const meta = data["search/meta"] as Meta;
  const entries = (data[`search/t-${shardOf(prefix, meta.shards)}`] ?? []) as Entry[];
  const out = new Map<number, boolean>();
  for (const [term, postings] of entries) {
    if (!term.startsWith(prefix)) continue;
    for (const p of postings) out.set(p >> 1, (out.get(p >> 1) ?? false) || (p & 1) === 1);
  }
  return [...out].map(([doc, inTitle]) => ({ doc, inTitle })).sort((a, b) => a.doc - b.doc);
}
function docIndex(data: Record<string, unknown>, title: string): number {
  const meta = data["search/meta"] as Meta;
  for (let d = 0; d < meta.docs; d++) if (docAt(data, d)[0] === title) return d;
  return -1;
}
function docAt(data: Record<string, unknown>, doc: number): [string, string, string, string] {
  return (data[`search/d-${Math.floor(doc / DOC_SHARD)}`] as [string, string, string, string][])[doc % DOC_SHARD]!;
}

describe("terms", () => {
  it("lowercases, drops accents, splits on anything but letters and digits, keeps 2–32 characters", () => {
    expect(terms("Nightly-ETL: Café x ÜBER 2026 " + "a".repeat(33))).toEqual(["nightly", "etl", "cafe", "uber", "2026"]);
    expect(terms("日本語 テキスト")).toEqual(["日本語", "テキスト"]);
  });
  it("finds a term's shard from the first prefix of each shard", () => {
    expect(prefixOf("report")).toBe("re");
    expect(prefixOf("😀x1")).toBe("😀x");
    const firsts = ["00", "ka", "re", "zz"];
    expect(shardOf("apple", firsts)).toBe(0);
    expect(shardOf("kanban", firsts)).toBe(1);
    expect(shardOf("queue", firsts)).toBe(1);
    expect(shardOf("report", firsts)).toBe(2);
    expect(shardOf("zzz", firsts)).toBe(3);
    expect(shardOf("!!", firsts)).toBe(-1);
  });
});

describe("searchFiles", () => {
  const records = [
    record("markdown", "# Quarterly revenue\nGrowth in **Europe**.", { key: "finance-report", minute: 0, description: "Old" }),
    record("markdown", "# Quarterly revenue\nGrowth in **Asia**.", { key: "finance-report", minute: 1, description: "Numbers for the board" }),
    table(["customer_id", "lifetime value"], [["secret-cell-value"]], { key: "customers", minute: 2 }),
    record("link", { url: "https://dashboards.example/x", text: "Ops dashboard" }, { key: "ops", minute: 3 }),
    record("progress", 5, { key: null, minute: 4, description: "Unkeyed </script> progress" }),
  ];
  const files = searchFiles(records);
  const data = load(files);
  const meta = data["search/meta"] as Meta;

  it("indexes the latest version of each key and each unkeyed artifact; results point to their pages", () => {
    expect(files[0]!.path).toBe(SEARCH_META);
    expect(meta.docs).toBe(4);
    expect(docAt(data, 0)).toEqual(["customers", "keys/customers/index.html", "table", "customer_id lifetime value"]);
    expect(docAt(data, 1)).toEqual(["finance-report", "keys/finance-report/index.html", "markdown", "Numbers for the board"]);
    expect(docAt(data, 3)[1]).toBe(`artifacts/${records[4]!.id}.html`);
    expect(lookup(data, "asia")).toEqual([{ doc: 1, inTitle: false }]);
    expect(lookup(data, "europe")).toEqual([]); // only in an older version
  });

  it("finds keys (as title terms), descriptions, Markdown text, column names and link text; not table cells", () => {
    expect(lookup(data, "finance")).toEqual([{ doc: 1, inTitle: true }]);
    expect(lookup(data, "board")).toEqual([{ doc: 1, inTitle: false }]);
    expect(lookup(data, "quarterly")).toEqual([{ doc: 1, inTitle: false }]);
    expect(lookup(data, "lifetime")).toEqual([{ doc: 0, inTitle: false }]);
    expect(lookup(data, "customer")).toEqual([{ doc: 0, inTitle: true }]);
    expect(lookup(data, "dashboard")).toEqual([{ doc: 2, inTitle: false }]);
    expect(lookup(data, "secret")).toEqual([]);
    expect(lookup(data, "unkeyed")).toEqual([{ doc: 3, inTitle: true }]);
  });

  it("prefix search: a small index is one shard of sorted terms", () => {
    expect(lookup(data, "fin").map((r) => r.doc)).toEqual([1]);
    expect(meta.shards).toHaveLength(1);
    const names = (data["search/t-0"] as Entry[]).map(([t]) => t);
    expect(names).toEqual([...names].sort());
    expect(names).toContain("revenue");
  });

  it("a big index is split into shards; all terms of a two-character prefix stay in one shard", () => {
    const words = Array.from({ length: 4000 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${i.toString(36)}`);
    const many = words.map((w, i) => record("markdown", `${w} ${words[(i * 7) % words.length]} common`, { key: `k${i}`, minute: i }));
    const out = searchFiles(many, { shardBytes: 5000 });
    const loaded = load(out);
    const m = loaded["search/meta"] as Meta;
    expect(m.shards.length).toBeGreaterThan(3);
    const where = new Map<string, number>();
    m.shards.forEach((_, n) => {
      const entries = loaded[`search/t-${n}`] as Entry[];
      for (const [t] of entries) {
        const p = prefixOf(t);
        expect(where.get(p) ?? n, p).toBe(n);
        where.set(p, n);
        expect(shardOf(t, m.shards)).toBe(n);
      }
    });
    expect(lookup(loaded, "common")).toHaveLength(4000);
    expect(lookup(loaded, words[123]!).map((r) => r.doc)).toContain(docIndex(loaded, "k123"));
  });

  it("no data file holds raw markup, and the same records give the same files in any order", () => {
    for (const f of files) expect(f.data).not.toMatch(/<\/script|<!--/i);
    expect(searchFiles([...records].reverse())).toEqual(files);
  });

  it("splits documents into shards of DOC_SHARD and no term shard is repeated", () => {
    const many = Array.from({ length: DOC_SHARD * 2 + 1 }, (_, i) => record("progress", 1, { key: `k${i}`, minute: i }));
    const out = searchFiles(many);
    expect(out.filter((f) => f.path.startsWith("search/d-")).map((f) => f.path)).toEqual(["search/d-0.js", "search/d-1.js", "search/d-2.js"]);
    const paths = out.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    const loaded = load(out);
    // Keyed documents come in key order.
    expect(docAt(loaded, DOC_SHARD * 2)[0]).toBe(many.map((r) => r.key!).sort().at(-1));
  });
});
