import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { normalizeBaseUrl, linkTo } from "../../../src/site/extras/base-url.js";
import { dataSummary, feedFiles, keyFeed, nameUuid, siteFeed } from "../../../src/site/extras/feed.js";
import { oneLine } from "../../../src/site/format.js";
import { BuildError } from "../../../src/errors.js";
import { record, table } from "./records.js";

const NASTY = `<script>alert(1)</script> & "q" ]]> \u0001`;

/** Parses Atom as XML: a parse error throws, so every test below also proves the feed is well-formed. */
function parse(xml: string): Document {
  const doc = new JSDOM(xml, { contentType: "application/xml" }).window.document;
  if (doc.getElementsByTagName("parsererror").length) throw new Error(`not well-formed: ${doc.documentElement.textContent}`);
  return doc;
}

describe("normalizeBaseUrl and linkTo", () => {
  it("accepts http(s) URLs and ends the path with /", () => {
    expect(normalizeBaseUrl("https://example.com")).toBe("https://example.com/");
    expect(normalizeBaseUrl("https://example.com/reports")).toBe("https://example.com/reports/");
    expect(normalizeBaseUrl("http://h:8080/a/b/")).toBe("http://h:8080/a/b/");
  });
  it("refuses other URLs with a BuildError that names the option and quotes the value", () => {
    for (const bad of ["reports/", "javascript:alert(1)", "file:///tmp/x", "https://e.com/?q=1", "https://e.com/#x", "https://u:p@e.com/"]) {
      expect(() => normalizeBaseUrl(bad)).toThrow(BuildError);
      expect(() => normalizeBaseUrl(bad)).toThrow(`baseUrl ${JSON.stringify(bad)}`);
    }
  });
  it("links relative to the file, or absolute under the base", () => {
    expect(linkTo("artifacts/x.html", "keys/k/feed.xml", undefined)).toBe("../../artifacts/x.html");
    expect(linkTo("artifacts/x.html", "feed.xml", undefined)).toBe("artifacts/x.html");
    expect(linkTo("artifacts/x.html", "keys/k/feed.xml", "https://e.com/r/")).toBe("https://e.com/r/artifacts/x.html");
    expect(linkTo("keys/k/index.html", "keys/k/feed.xml", undefined)).toBe("index.html");
    expect(linkTo("keys/other/index.html", "keys/k/feed.xml", undefined)).toBe("../other/index.html");
  });
});

describe("Atom feeds", () => {
  const versions = [
    record("markdown", `# Report\n${NASTY}`, { key: "report", minute: 0, description: NASTY }),
    record("progress", 50, { key: "report", minute: 1 }),
    record("progress", 75, { key: "report", minute: 2, updated: "2026-11-26T05:00:00.000Z" }),
  ];

  it("a key feed lists its versions newest first with links relative to the feed, all text escaped", () => {
    const file = keyFeed("report", versions, { siteTitle: `Site ${NASTY}` });
    expect(file.path).toBe("keys/report/feed.xml");
    expect(file.data).not.toContain("<script");
    const doc = parse(file.data);
    const feed = doc.documentElement;
    expect(feed.namespaceURI).toBe("http://www.w3.org/2005/Atom");
    expect(feed.querySelector("feed > title")!.textContent).toBe(`report · Site <script>alert(1)</script> & "q" ]]> `);
    // The feed's `updated` is its newest entry's, never the clock.
    expect(feed.querySelector("feed > updated")!.textContent).toBe("2026-11-26T05:00:00.000Z");
    expect(feed.querySelector("feed > id")!.textContent).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(feed.querySelector('feed > link[rel="self"]')!.getAttribute("href")).toBe("feed.xml");
    expect(feed.querySelector('feed > link[rel="alternate"]')!.getAttribute("href")).toBe("index.html");
    const entries = [...doc.getElementsByTagName("entry")];
    expect(entries.map((e) => e.querySelector("title")!.textContent)).toEqual(["report v3 (progress)", "report v2 (progress)", "report v1 (markdown)"]);
    expect(entries.map((e) => e.querySelector("id")!.textContent)).toEqual(versions.slice().reverse().map((r) => `urn:uuid:${r.id}`));
    expect(entries[0]!.querySelector("link")!.getAttribute("href")).toBe(`../../artifacts/${versions[2]!.id}.html`);
    expect(entries[2]!.querySelector("summary")!.textContent).toBe(`# Report <script>alert(1)</script> & "q" ]]> `);
  });

  it("with a base URL every link is absolute and the feed id is its URL", () => {
    const doc = parse(keyFeed("report", versions, { siteTitle: "S", baseUrl: "https://e.com/r/" }).data);
    expect(doc.querySelector("feed > id")!.textContent).toBe("https://e.com/r/keys/report/feed.xml");
    const hrefs = [...doc.getElementsByTagName("link")].map((l) => l.getAttribute("href"));
    expect(hrefs.every((h) => h!.startsWith("https://e.com/r/"))).toBe(true);
    expect(hrefs).toContain("https://e.com/r/keys/report/index.html");
  });

  it("the site feed takes the newest entries over all keys and unkeyed artifacts, capped", () => {
    const records = [...versions, table(["a"], [[1]], { key: "other", minute: 3 }), record("progress", 1, { key: null, minute: 4 })];
    const doc = parse(siteFeed(records, { siteTitle: "S", maxEntries: 3 }).data);
    const titles = [...doc.getElementsByTagName("entry")].map((e) => e.querySelector("title")!.textContent);
    expect(titles).toEqual([`Unkeyed progress artifact ${records[4]!.id.slice(0, 8)}`, "other v1 (table)", "report v3 (progress)"]);
    expect(doc.getElementsByTagName("entry")[1]!.querySelector("link")!.getAttribute("href")).toBe(`artifacts/${records[3]!.id}.html`);
  });

  it("feedFiles: the site feed then one per key in key order; the same input gives the same bytes", () => {
    const records = [table(["a"], [[1]], { key: "zeta", minute: 0 }), ...versions];
    const files = feedFiles(records, { siteTitle: "S" });
    expect(files.map((f) => f.path)).toEqual(["feed.xml", "keys/report/feed.xml", "keys/zeta/feed.xml"]);
    expect(feedFiles([...records].reverse(), { siteTitle: "S" })).toEqual(files);
  });

  it("an empty site still gives a valid feed", () => {
    const doc = parse(siteFeed([], { siteTitle: "S" }).data);
    expect(doc.querySelector("feed > updated")!.textContent).toBe("1970-01-01T00:00:00.000Z");
  });

  it("summaries and name-based ids", () => {
    expect(dataSummary(table(null, [[1], [2]]))).toBe("Table, 2 rows");
    expect(dataSummary(record("link", { url: "https://e.com/", text: "E" }))).toBe("E (https://e.com/)");
    expect(dataSummary(record("markdown", "x".repeat(300)))).toHaveLength(200);
    expect(nameUuid("a")).toBe(nameUuid("a"));
    expect(nameUuid("a")).not.toBe(nameUuid("b"));
    expect(nameUuid("a")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("oneLine", () => {
  /** The whole text collapsed, as dataSummary did before it looked at a prefix only. */
  const whole = (text: string, max: number) => {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
  };

  it("gives the whole text's answer from its start, whatever white space lies across the cut", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const pieces = ["word", "x", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2028", " \r\n ", "é", "😀", "-"];
    for (let i = 0; i < 3000; i++) {
      const max = [5, 20, 200][i % 3]!;
      const n = rand(max * 6);
      let text = "";
      while (text.length < n) text += pieces[rand(pieces.length)]!;
      // Long runs of white space at and around the cut (4 × max).
      if (i % 4 === 0) text = text.slice(0, 4 * max - rand(10)) + " ".repeat(rand(3 * max)) + text;
      expect(oneLine(text, max), JSON.stringify(text)).toBe(whole(text, max));
    }
  });

  it("cuts a long report at 200 characters", () => {
    const report = `# Title\n\n${"word ".repeat(1000)}`;
    expect(dataSummary(record("markdown", report))).toBe(whole(report, 200));
    expect(dataSummary(record("markdown", report))).toHaveLength(200);
  });
});
