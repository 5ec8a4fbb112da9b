// The writer's input rules (DESIGN §2): table shapes, cell values, progress, URLs, images, size caps — and that
// every refusal is a typed error naming field and value with nothing written.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArtifactTooLargeError, InvalidArtifactError } from "../../src/errors.js";
import { AVIF, GIF, HEIC, JPEG, PNG, SVG, TEXT, WEBP } from "../helpers/images.js";
import { expectRefused } from "../helpers/refusal.js";
import { checkStoreFiles } from "../helpers/schema.js";
import { tmpStore, type TmpStore } from "../helpers/tmp-store.js";

let t: TmpStore;
beforeEach(async () => {
  t = await tmpStore();
});
afterEach(async () => {
  const { problems } = await checkStoreFiles(t.dir);
  expect(problems).toEqual([]);
  await t.cleanup();
});

async function tableData(table: unknown, columns?: unknown) {
  const id = await t.store.createTableArtifact({ table, columns, key: "t" } as never);
  const record = await t.store.getById(id);
  if (record?.type !== "table") throw new Error("not a table");
  return record.data;
}

describe("tables", () => {
  it("a list of records: columns are the union of keys in first-seen order, missing cells null", async () => {
    expect(await tableData([{ b: 1, a: 2 }, { c: 3 }, { a: 4, d: 5 }])).toEqual({
      columns: ["b", "a", "c", "d"],
      rows: [[1, 2, null, null], [null, null, 3, null], [null, 4, null, 5]],
    });
  });

  it("a list of lists: no header unless columns are given", async () => {
    expect(await tableData([[1, 2], [3, 4]])).toEqual({ columns: null, rows: [[1, 2], [3, 4]] });
    expect(await tableData([[1, 2], [3]], ["x", "y"])).toEqual({ columns: ["x", "y"], rows: [[1, 2], [3]] });
    expect(await tableData([], ["x"])).toEqual({ columns: ["x"], rows: [] });
  });

  it("a record of lists becomes rows", async () => {
    expect(await tableData({ name: ["a", "b"], n: [1, 2] })).toEqual({ columns: ["name", "n"], rows: [["a", 1], ["b", 2]] });
    expect(await tableData({})).toEqual({ columns: [], rows: [] });
  });

  it("NaN, ±Infinity and undefined become null; Dates become ISO strings", async () => {
    const when = new Date("2026-11-26T04:26:39.123Z");
    expect(await tableData([[NaN, Infinity, -Infinity, undefined, when, null, 0, -0.5, "s", false]])).toEqual({
      columns: null, rows: [[null, null, null, null, "2026-11-26T04:26:39.123Z", null, 0, -0.5, "s", false]],
    });
    expect(await tableData([{ a: NaN, d: when }])).toEqual({ columns: ["a", "d"], rows: [[null, "2026-11-26T04:26:39.123Z"]] });
    expect(await tableData({ a: [Infinity, undefined], d: [when, new Date(NaN)] })).toEqual({
      columns: ["a", "d"], rows: [[null, when.toISOString()], [null, null]],
    });
    // Nested values are cleaned the same way.
    expect(await tableData([[{ x: NaN, y: [undefined, when] }]])).toEqual({ columns: null, rows: [[{ x: null, y: [null, when.toISOString()] }]] });
  });

  it("refuses a record of lists with unequal lengths", async () => {
    const err = await expectRefused(t.base, () => t.store.createTableArtifact({ table: { a: [1, 2, 3], b: [1, 2] }, key: "t" }), {
      type: InvalidArtifactError, field: "table.b", quoted: "2 values",
    });
    expect(err.message).toContain("same length");
  });

  it("refuses shapes that are none of the three, columns with the wrong shape, and values with no JSON form", async () => {
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: "a,b\n1,2" as never }), { type: InvalidArtifactError, field: "table", value: "a,b\n1,2" });
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: [[1], { a: 1 }] as never }), { type: InvalidArtifactError, field: "table[1]", value: { a: 1 } });
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: { a: 5 } as never }), { type: InvalidArtifactError, field: "table.a", value: 5 });
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: [[1, 2]], columns: ["only"] }), { type: InvalidArtifactError, field: "columns", value: ["only"] });
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: [[1]], columns: [1] as never }), { type: InvalidArtifactError, field: "columns", value: [1] });
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: [{ a: 1 }], columns: ["a"] }), { type: InvalidArtifactError, field: "columns", value: ["a"] });
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: [[Symbol("s")]] }), { type: InvalidArtifactError, field: "table[0][0]", value: "Symbol(s)" });
  });

  it("caps tables at 100,000 rows", async () => {
    const rows = Array.from({ length: 100_001 }, (_, i) => [i]);
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: rows, key: "big" }), {
      type: ArtifactTooLargeError, field: "table", quoted: "100001 rows",
    });
    await expectRefused(t.base, () => t.store.createTableArtifact({ table: { a: rows.map((r) => r[0]) }, key: "big" }), {
      type: ArtifactTooLargeError, field: "table", quoted: "100001 rows",
    });
    expect((await tableData(rows.slice(0, 100_000))).rows).toHaveLength(100_000);
  });
});

describe("progress", () => {
  it("clamps values outside 0–100 with a warning", async () => {
    const hi = await t.store.createProgressArtifact({ progress: 150 });
    const lo = await t.store.createProgressArtifact({ progress: -3 });
    expect((await t.store.getById(hi))?.data).toBe(100);
    expect((await t.store.getById(lo))?.data).toBe(0);
    expect(t.warnings).toHaveLength(2);
    expect(t.warnings[0]).toContain("150");
    await t.store.updateProgressArtifact({ artifactId: hi, progress: Infinity });
    expect((await t.store.getById(hi))?.data).toBe(100);
    expect(t.warnings).toHaveLength(3);
  });

  it("refuses NaN and non-numbers, on create and update", async () => {
    await expectRefused(t.base, () => t.store.createProgressArtifact({ progress: NaN, key: "p" }), { type: InvalidArtifactError, field: "progress", quoted: "NaN" });
    await expectRefused(t.base, () => t.store.createProgressArtifact({ progress: "50" as never, key: "p" }), { type: InvalidArtifactError, field: "progress", value: "50" });
    const id = await t.store.createProgressArtifact({ progress: 5, key: "p" });
    await expectRefused(t.base, () => t.store.updateProgressArtifact({ artifactId: id, progress: NaN }), { type: InvalidArtifactError, field: "progress", quoted: "NaN" });
    const md = await t.store.createMarkdownArtifact({ markdown: "x" });
    await expectRefused(t.base, () => t.store.updateProgressArtifact({ artifactId: md, progress: 5 }), { type: InvalidArtifactError, field: "artifactId", value: md });
    await expectRefused(t.base, () => t.store.updateProgressArtifact({ artifactId: "../x", progress: 5 }), { type: InvalidArtifactError, field: "artifactId", value: "../x" });
    expect(t.warnings).toEqual([]);
  });
});

describe("URLs", () => {
  const bad = [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "\u0000javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "vbscript:msgbox(1)", "/relative/path", "relative.html",
    "//example.com/x", "https://example.com/\nx", " https://example.com", "https://example.com ", "ftp://example.com/x",
    "https://", "", "https://exa mple.com",
  ];
  for (const url of bad) {
    it(`refuses link and image URL ${JSON.stringify(url)}`, async () => {
      await expectRefused(t.base, () => t.store.createLinkArtifact({ link: url, key: "l" }), { type: InvalidArtifactError, field: "link", value: url });
      await expectRefused(t.base, () => t.store.createImageArtifact({ imageUrl: url, key: "l" }), { type: InvalidArtifactError, field: "imageUrl", value: url });
    });
  }

  it("allows http/https everywhere and mailto only for links", async () => {
    for (const url of ["http://example.com", "https://example.com/a?b=c#d", "HTTPS://EXAMPLE.COM/x"]) {
      await t.store.createLinkArtifact({ link: url });
      await t.store.createImageArtifact({ imageUrl: url });
    }
    await t.store.createLinkArtifact({ link: "mailto:a@example.com" });
    await expectRefused(t.base, () => t.store.createImageArtifact({ imageUrl: "mailto:a@example.com" }), {
      type: InvalidArtifactError, field: "imageUrl", value: "mailto:a@example.com",
    });
    expect(await t.store.unkeyed()).toHaveLength(7);
  });
});

describe("images from a local file", () => {
  const kinds = [
    ["PNG", PNG, "image/png", ".png"], ["JPEG", JPEG, "image/jpeg", ".jpg"], ["GIF", GIF, "image/gif", ".gif"],
    ["WebP", WEBP, "image/webp", ".webp"], ["AVIF", AVIF, "image/avif", ".avif"],
  ] as const;
  for (const [name, bytes, mediaType, ext] of kinds) {
    it(`recognises ${name} by content and copies it beside the version`, async () => {
      const src = path.join(t.base, "upload.bin"); // the name says nothing: content decides
      await fs.writeFile(src, bytes);
      const id = await t.store.createImageArtifact({ imagePath: src, key: "pics" });
      const record = await t.store.getById(id);
      expect(record?.data).toEqual({ file: `${id}${ext}`, mediaType });
      expect(await fs.readFile(path.join(t.dir, "pics", `${id}${ext}`))).toEqual(bytes);
      expect(await t.store.backend.readAttachment("pics", `${id}${ext}`)).toEqual(bytes);
      const files = await t.files();
      expect(files.filter((f) => f.startsWith("pics/"))).toHaveLength(2);
    });
  }

  it("copies unkeyed images into _unkeyed/", async () => {
    const src = path.join(t.base, "a.png");
    await fs.writeFile(src, PNG);
    const id = await t.store.createImageArtifact({ imagePath: src });
    expect(await t.files()).toContain(`_unkeyed/${id}.png`);
  });

  for (const [name, bytes] of [["SVG", SVG], ["HEIC", HEIC], ["text", TEXT], ["an empty file", Buffer.alloc(0)]] as const) {
    it(`refuses ${name}`, async () => {
      const src = path.join(t.base, "picture.png"); // a lying extension does not help
      await fs.writeFile(src, bytes);
      await expectRefused(t.base, () => t.store.createImageArtifact({ imagePath: src, key: "pics" }), {
        type: InvalidArtifactError, field: "imagePath", value: src,
      });
    });
  }

  it("refuses a missing file, a folder, both or neither of imageUrl/imagePath", async () => {
    const missing = path.join(t.base, "nope.png");
    await expectRefused(t.base, () => t.store.createImageArtifact({ imagePath: missing }), { type: InvalidArtifactError, field: "imagePath", value: missing });
    await expectRefused(t.base, () => t.store.createImageArtifact({ imagePath: t.base }), { type: InvalidArtifactError, field: "imagePath", value: t.base });
    await expectRefused(t.base, () => t.store.createImageArtifact({ imagePath: missing, imageUrl: "https://e.com/x.png" }), { type: InvalidArtifactError, field: "imageUrl" });
    await expectRefused(t.base, () => t.store.createImageArtifact({}), { type: InvalidArtifactError, field: "imageUrl" });
  });

  it("refuses an image over the file-size cap", async () => {
    const small = await tmpStore({ limits: { maxFileSize: 100 } });
    try {
      const src = path.join(small.base, "big.png");
      await fs.writeFile(src, Buffer.concat([PNG, Buffer.alloc(100)]));
      await expectRefused(small.base, () => small.store.createImageArtifact({ imagePath: src }), { type: ArtifactTooLargeError, field: "imagePath", value: src });
    } finally {
      await small.cleanup();
    }
  });
});

describe("size caps and field types", () => {
  const MiB = 1024 * 1024;
  it("Markdown and description: 1 MiB of UTF-8 each", async () => {
    await t.store.createMarkdownArtifact({ markdown: "a".repeat(MiB), description: "d".repeat(MiB), key: "ok" });
    await expectRefused(t.base, () => t.store.createMarkdownArtifact({ markdown: "a".repeat(MiB + 1), key: "big" }), {
      type: ArtifactTooLargeError, field: "markdown", quoted: "aaaa",
    });
    // Bytes, not characters: 2-byte characters reach the cap at half the length.
    await expectRefused(t.base, () => t.store.createMarkdownArtifact({ markdown: "é".repeat(MiB / 2 + 1), key: "big" }), {
      type: ArtifactTooLargeError, field: "markdown", quoted: "éééé",
    });
    await expectRefused(t.base, () => t.store.createLinkArtifact({ link: "https://e.com", description: "d".repeat(MiB + 1), key: "big" }), {
      type: ArtifactTooLargeError, field: "description", quoted: "dddd",
    });
  });

  it("refuses fields of the wrong type and a missing options object", async () => {
    await expectRefused(t.base, () => t.store.createMarkdownArtifact({ markdown: 42 as never }), { type: InvalidArtifactError, field: "markdown", value: 42 });
    await expectRefused(t.base, () => t.store.createMarkdownArtifact({ markdown: "x", description: 7 as never }), { type: InvalidArtifactError, field: "description", value: 7 });
    await expectRefused(t.base, () => t.store.createLinkArtifact({ link: "https://e.com", linkText: 7 as never }), { type: InvalidArtifactError, field: "linkText", value: 7 });
    await expectRefused(t.base, () => t.store.createMarkdownArtifact(undefined as never), { type: InvalidArtifactError, field: "options" });
  });
});
