import vm from "node:vm";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { CompareBuilder, compareDataFile, versionLines } from "../../../src/site/extras/compare-data.js";
import { DATA_GLOBAL } from "../../../src/site/extras/escape.js";
import { collectExtras } from "../../../src/site/extras/collect.js";
import { LATEST_API, latestApi } from "../../../src/site/extras/latest-api.js";
import { numericColumns, tableDataBlock, tableDataId } from "../../../src/site/extras/table-data.js";
import { record, table } from "./records.js";

/** Runs data scripts the way a browser would and returns what they registered. */
function run(...scripts: string[]): Record<string, unknown> {
  const sandbox: Record<string, unknown> = {};
  sandbox.self = sandbox;
  for (const s of scripts) vm.runInNewContext(s, sandbox);
  return sandbox[DATA_GLOBAL] as Record<string, unknown>;
}

const NASTY = `</script><!--<script>alert(1)</script>\u2028`;

describe("api/latest.json", () => {
  it("lists the latest version of each key in key order, with paths, counts and the record in a fixed field order", () => {
    const records = [
      record("progress", 10, { key: "b", minute: 2 }), record("progress", 20, { key: "b", minute: 3 }),
      record("markdown", NASTY, { key: "a", minute: 1 }), record("progress", 1, { key: null, minute: 4 }),
    ];
    const file = latestApi(records);
    expect(file.path).toBe(LATEST_API);
    const api = JSON.parse(file.data);
    expect(api.formatVersion).toBe(1);
    expect(api.keys.map((k: { key: string; versions: number }) => [k.key, k.versions])).toEqual([["a", 1], ["b", 2]]);
    expect(api.keys[1].latest.id).toBe(records[1]!.id);
    expect(api.keys[1].page).toBe("keys/b/index.html");
    expect(api.keys[1].artifactPage).toBe(`artifacts/${records[1]!.id}.html`);
    expect(Object.keys(api.keys[0].latest)).toEqual(["formatVersion", "id", "key", "type", "description", "data", "flowRunId", "taskRunId", "created", "updated"]);
    expect(api.keys[0].latest.data).toBe(NASTY);
    expect(api.keys[0].url).toBeUndefined();
    expect(latestApi([...records].reverse()).data).toBe(file.data);
  });

  it("adds absolute URLs with a base URL and the site path of local images", () => {
    const img = record("image", { file: "a.png", mediaType: "image/png" }, { key: "pic" });
    const api = JSON.parse(latestApi([img], { baseUrl: "https://e.com/", imagePaths: new Map([[img.id, "assets/img/abc.png"]]) }).data);
    expect(api.keys[0]).toMatchObject({ url: "https://e.com/keys/pic/index.html", image: "assets/img/abc.png", imageUrl: "https://e.com/assets/img/abc.png" });
  });
});

describe("table data blocks", () => {
  it("hold every row, the columns and which columns are numeric, in one JSON data block no cell can end", () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [i, `${NASTY}${i}`, i % 2 ? null : 1.5]);
    rows.push([-1, "</script><script>alert(1)</script>", null], [-2, "<!--<script>", null], [-3, "</SCRIPT >]]>&amp;\u2028\u2029", null]);
    const t = table(["n", "</script>", "x"], rows, { key: "big" }) as Extract<ReturnType<typeof table>, { type: "table" }>;
    const block = tableDataBlock(t);
    const open = `<script type="application/json" id="${tableDataId(t.id)}" class="table-data">`;
    expect(tableDataId(t.id)).toBe(`table-data-${t.id}`);
    expect(block.startsWith(open)).toBe(true);
    expect(block.endsWith("</script>\n")).toBe(true);
    const text = block.slice(open.length, -"</script>\n".length);
    // Nothing in the text the HTML parser reads as markup in a script element, nor a JavaScript line terminator.
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    // Parsed as a browser would: the first end tag closes the element, and the element's text is the JSON.
    const doc = new JSDOM(`<!doctype html><body>${block}<p id="after">after</p>`).window.document;
    const scripts = doc.querySelectorAll("script");
    expect(scripts).toHaveLength(1);
    expect(scripts[0]!.type).toBe("application/json");
    expect(doc.getElementById("after")?.textContent).toBe("after");
    const data = JSON.parse(scripts[0]!.textContent!) as { columns: string[]; rows: unknown[][]; numeric: boolean[]; name: string };
    expect(data.rows).toEqual(rows);
    expect(data.columns).toEqual(["n", "</script>", "x"]);
    expect(data.numeric).toEqual([true, false, true]);
    expect(data.name).toBe("big-2026-11-26T04-00-00-000Z");
  });
  it("keep __proto__ keys of cells as data", () => {
    const cell = JSON.parse('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    const t = table(["c"], [[cell as never]]) as Extract<ReturnType<typeof table>, { type: "table" }>;
    const block = tableDataBlock(t);
    const data = JSON.parse(new JSDOM(block).window.document.querySelector("script")!.textContent!) as { rows: Record<string, unknown>[][] };
    expect(Object.keys(data.rows[0]![0]!)).toEqual(["__proto__"]);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });
  it("numeric columns: numbers only, empty cells ignored, an all-empty column is not numeric", () => {
    expect(numericColumns({ columns: null, rows: [[1, "a", null], [null, 2, null]] })).toEqual([true, false, false]);
  });
});

describe("compare data files", () => {
  it("hold each version as lines, oldest first; past the budget the oldest lose their text first", () => {
    const versions = [
      record("markdown", "a\nb\n", { key: "k", minute: 0, description: "d1" }),
      table(["c"], [[1], [NASTY]], { key: "k", minute: 1 }),
      record("link", { url: "https://e.com/", text: "E" }, { key: "k", minute: 2 }),
    ];
    const data = run(compareDataFile("k", versions).data)["compare/k"] as { versions: { n: number; lines: string[] | null; description: string[] }[] };
    expect(data.versions.map((v) => [v.n, v.lines])).toEqual([[1, ["a", "b"]], [2, ["c", "1", NASTY]], [3, ["E", "https://e.com/"]]]);
    expect(data.versions[0]!.description).toEqual(["d1"]);
    const small = run(compareDataFile("k", versions, { maxTotal: 30 }).data)["compare/k"] as { versions: { lines: string[] | null }[] };
    expect(small.versions.map((v) => v.lines === null)).toEqual([true, true, false]);
  });
  it("carry user text that looks like code or object keys only as values (the data goes as a literal)", () => {
    const sneaky = ['__proto__', '{"__proto__":{"polluted":1}}', '"]};alert(1);//', "\\u2028 \u2028 \u2029 </script>"];
    const versions = [table(["__proto__", "constructor"], [sneaky, [NASTY, "x"]], { key: "k", minute: 0, description: sneaky.join("\n") })];
    const file = compareDataFile("k", [...versions, record("markdown", sneaky.join("\n"), { key: "k", minute: 1 })]);
    expect(file.data).not.toMatch(/<\/script|<!--|[\u2028\u2029]/i);
    const data = run(file.data)["compare/k"] as { key: string; versions: { lines: string[]; description: string[] }[] } & Record<string, unknown>;
    // The script ran in its own realm: its plain objects' prototype is that realm's Object.prototype.
    expect(Object.getPrototypeOf(Object.getPrototypeOf(data))).toBeNull();
    expect(Object.getPrototypeOf(data.versions[0])).toBe(Object.getPrototypeOf(data));
    expect(data.polluted).toBeUndefined();
    expect(data.versions[0]!.lines).toEqual(["__proto__ | constructor", sneaky.join(" | "), `${NASTY} | x`]);
    expect(data.versions[0]!.description).toEqual(sneaky);
    expect(data.versions[1]!.lines).toEqual(sneaky);
    expect(Object.keys(data.versions[0]!)).toEqual(["n", "id", "created", "type", "description", "lines"]);
  });
  it("come out the same when the builder keeps versions until the file is made, within and past its budget", () => {
    const versions = Array.from({ length: 12 }, (_, i) => i % 3 === 0
      ? table(["c", "d"], [[i, `row ${i}`], [NASTY, null]], { key: "k", minute: i, description: `v${i}` })
      : record("markdown", `# v${i}\n${"text ".repeat(i * 3)}\n`, { key: "k", minute: i }));
    for (const maxTotal of [30, 200, 4_000_000]) {
      const eager = new CompareBuilder("k", { maxTotal });
      for (const v of versions) eager.add(v);
      // Sizes that fit the budget at first and then do not (the builder then turns what it kept into lines).
      const held = new CompareBuilder("k", { maxTotal });
      versions.forEach((v, i) => held.add(v, 10 + i));
      expect(held.count).toBe(versions.length);
      expect(held.file()).toEqual(eager.file());
    }
  });
  it("versionLines of progress and images", () => {
    expect(versionLines(record("progress", 33.333))).toEqual(["33.33%"]);
    expect(versionLines(record("image", { file: "x.png", mediaType: "image/png" }))).toEqual(["local image x.png"]);
  });
});

describe("collectExtras", () => {
  it("lists feeds, the API, the search index and compare data for keys with versions, each path once", () => {
    const records = [
      record("progress", 1, { key: "p", minute: 0 }), record("progress", 2, { key: "p", minute: 1 }),
      table(["a"], [[1]], { key: "t", minute: 2 }), table(["a"], [], { key: "empty", minute: 3 }),
    ];
    const paths = collectExtras(records, { siteTitle: "S" }).files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual(expect.arrayContaining(["feed.xml", "keys/p/feed.xml", "keys/t/feed.xml", "api/latest.json", "search/meta.js", "keys/p/versions.js"]));
    expect(paths).not.toContain("keys/t/versions.js");
  });
}
);
