/**
 * The streaming collector against the whole-set functions: fed the same records in store order, it must give the
 * same files byte for byte, while keeping only a key's tail in memory.
 */
import { describe, expect, it } from "vitest";
import { collectExtras, ExtrasCollector, pageDiff } from "../../../src/site/extras/collect.js";
import { compareDataFile } from "../../../src/site/extras/compare-data.js";
import { feedFiles } from "../../../src/site/extras/feed.js";
import type { SiteFile } from "../../../src/site/extras/files.js";
import { latestApi } from "../../../src/site/extras/latest-api.js";
import { searchFiles } from "../../../src/site/extras/search-index.js";
import type { VersionDiff } from "../../../src/site/extras/diff.js";
import type { ArtifactRecord } from "../../../src/types.js";
import { record, table } from "./records.js";

function store(): ArtifactRecord[] {
  const out: ArtifactRecord[] = [];
  let minute = 0;
  for (let i = 0; i < 60; i++) out.push(record("progress", i, { key: "alpha", minute: minute++, description: i % 7 ? null : `step ${i}` }));
  for (let i = 0; i < 3; i++) out.push(table(["id", "score"], [["a", i], ["b", 2 * i]], { key: "beta", minute: minute++ }));
  out.push(record("markdown", "# Solo\nonly one version", { key: "gamma", minute: minute++ }));
  for (let i = 0; i < 3; i++) out.push(record("link", { url: `https://e.com/${i}`, text: null }, { key: null, minute: minute++ }));
  return out;
}

function byPath(files: SiteFile[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.data]));
}

describe("ExtrasCollector", () => {
  it("gives the same feeds, API, search index and compare data as the whole-set functions", () => {
    const records = store();
    const { files } = collectExtras(records, { siteTitle: "S", baseUrl: "https://e.com/site/" });
    const got = byPath(files);
    const want = byPath([
      ...feedFiles(records, { siteTitle: "S", baseUrl: "https://e.com/site/" }),
      latestApi(records, { baseUrl: "https://e.com/site/" }),
      ...searchFiles(records),
      compareDataFile("alpha", records.filter((r) => r.key === "alpha")),
      compareDataFile("beta", records.filter((r) => r.key === "beta")),
    ]);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [path, data] of want) expect(got.get(path), path).toBe(data);
  });

  it("emits a key's files as soon as the next key starts", () => {
    const emitted: string[] = [];
    const collector = new ExtrasCollector({ siteTitle: "S", emit: (f) => emitted.push(f.path) });
    const records = store();
    for (const r of records.filter((r) => r.key === "alpha")) collector.add(r, { descriptionText: "" });
    expect(emitted).toEqual([]);
    collector.add(records.find((r) => r.key === "beta")!, { descriptionText: "" });
    expect(emitted).toEqual(["keys/alpha/feed.xml", "keys/alpha/versions.js"]);
    expect(collector.finish()).toEqual([]);
    const tail = emitted.slice(emitted.indexOf("feed.xml"));
    expect(tail.slice(0, 3)).toEqual(["feed.xml", "api/latest.json", "search/meta.js"]);
  });

  it("keeps a diff of each version against the one before, found only for that pair", () => {
    const records = store();
    const { helpers } = collectExtras(records, { siteTitle: "S" });
    const beta = records.filter((r) => r.key === "beta");
    const d = helpers.diff(beta[0]!, beta[1]!) as VersionDiff;
    expect(d.body).toMatchObject({ kind: "table", table: { matchedBy: "key", counts: { changed: 2 } } });
    expect(helpers.diff(beta[0]!, beta[2]!)).toBeUndefined();
    expect(helpers.diff(records.at(-2)!, records.at(-1)!)).toBeUndefined(); // unkeyed artifacts have no lineage
  });

  it("takes a diff computed elsewhere only when it was computed against the version it saw last", () => {
    for (const diffsOnDisk of [false, true]) {
      const [a, b, c] = store().filter((r) => r.key === "beta");
      const collector = new ExtrasCollector({ siteTitle: "S", diffsOnDisk });
      try {
        collector.add(a!, { descriptionText: "" });
        // Computed against `a`, the version seen last: taken as given (a marker shows it was not recomputed).
        const given = { ...pageDiff(a!, b!), marker: "from the reader thread" };
        collector.add(b!, { descriptionText: "" }, { previousId: a!.id, json: JSON.stringify(given) });
        // Computed against `a` again, but `b` was seen last (as when a version in between failed to render): recomputed.
        collector.add(c!, { descriptionText: "" }, { previousId: a!.id, json: JSON.stringify(pageDiff(a!, c!)) });
        collector.finish();
        const helpers = collector.helpers();
        expect(helpers.diff(a!, b!)).toEqual(given);
        expect(helpers.diff(b!, c!)).toEqual(JSON.parse(JSON.stringify(pageDiff(b!, c!))));
        expect(helpers.diff(b!, c!)!.previousId).toBe(b!.id);
      } finally {
        collector.close();
      }
    }
  });

  it("keeps trend series per key, found from the key page's newest-first versions", () => {
    const records = store();
    const { helpers } = collectExtras(records, { siteTitle: "S" });
    const alpha = records.filter((r) => r.key === "alpha").reverse();
    const [series] = helpers.trends(alpha);
    expect(series!.name).toBe("Progress");
    expect(series!.points.map((p) => p.value)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(helpers.trends(records.filter((r) => r.key === "beta"))).toEqual([]); // two rows: not metrics
  });

  it("uses the rendered description text for summaries and snippets when given", () => {
    const records = [record("progress", 5, { key: "k", description: "**Bold** text" })];
    const { files } = collectExtras(records, { siteTitle: "S" }, () => ({ descriptionText: "Bold text" }));
    const feed = byPath(files).get("keys/k/feed.xml")!;
    expect(feed).toContain(`<summary type="text">Bold text</summary>`);
    expect(byPath(files).get("search/d-0.js")).toContain(String.raw`\"Bold text\"`);
  });
});

describe("late diffs (RecordInfo.lateDiff)", () => {
  it("are made only when a page asks, only for the version that came before, and equal the diff made in add", () => {
    const records = store().filter((r) => r.key === "alpha").slice(0, 6);
    const asked: [string, string][] = [];
    const late = new ExtrasCollector({
      siteTitle: "S",
      lateDiff: (previous, current) => {
        asked.push([previous.id, current.id]);
        return pageDiff(previous, current);
      },
    });
    const eager = new ExtrasCollector({ siteTitle: "S" });
    records.forEach((r, i) => {
      // Every other version leaves its diff for later.
      late.add(r, { descriptionText: "", ...(i % 2 === 1 ? { lateDiff: true } : {}) });
      eager.add(r, { descriptionText: "" });
    });
    late.finish();
    eager.finish();
    expect(asked).toEqual([]);
    const l = late.helpers(), e = eager.helpers();
    for (let i = 1; i < records.length; i++) expect(l.diff(records[i - 1]!, records[i]!)).toEqual(e.diff(records[i - 1]!, records[i]!));
    // Asked only for the versions it left: 1, 3 and 5, each against the one before.
    expect(asked).toEqual([1, 3, 5].map((i) => [records[i - 1]!.id, records[i]!.id]));
    // Not for two versions that did not follow each other.
    expect(l.diff(records[0]!, records[3]!)).toBeUndefined();
    expect(asked).toHaveLength(3);
  });

  it("are made in add when the collector has no lateDiff", () => {
    const records = store().filter((r) => r.key === "alpha").slice(0, 3);
    const c = new ExtrasCollector({ siteTitle: "S" });
    for (const r of records) c.add(r, { descriptionText: "", lateDiff: true });
    expect(c.helpers().diff(records[0]!, records[1]!)).toEqual(pageDiff(records[0]!, records[1]!));
  });
});
