/** FragmentPack: fragments packed and read back as they were rendered; damaged bytes are a CorruptCacheError. */
import { closeSync, openSync, writeSync, promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CorruptCacheError, FragmentPack, packArtifact } from "../../src/site/fragments.js";
import type { RenderedArtifact } from "../../src/site/render.js";
import { tmpDir } from "../helpers/tmp-store.js";

let dir: string;
beforeEach(async () => {
  dir = await tmpDir("ap-fragments-");
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const ODD = `"quoted" \\ back\nslash \u0000 NUL, é, 中文, 🙂, \u2028, a lone \ud800 surrogate, [1,2]\n`;

const artifacts: RenderedArtifact[] = [
  { bodyParts: ["<p>plain</p>"], description: "", descriptionText: "", files: [], data: "" },
  {
    bodyParts: [`<a href="`, `keys/x.html">${ODD}</a>`, ""], description: `<p>${ODD}</p>`, descriptionText: ODD,
    files: [{ path: "artifacts/t.csv", data: `a,b\n"${ODD}",2\n` }, { path: "artifacts/t.json", data: "[]" }],
    data: `<script type="application/json">{"rows":[]}</script>`,
  },
  { bodyParts: [], description: "d", descriptionText: "", files: [{ path: "", data: "" }], data: "x".repeat(300_000) },
];

/** What the pack gives back: a lone surrogate cannot survive UTF-8 (it reads back as U+FFFD), as in any page. */
const asWritten = (a: RenderedArtifact): RenderedArtifact => JSON.parse(JSON.stringify(a).replaceAll("\\ud800", "\ufffd"));

describe("FragmentPack", () => {
  it("reads back every fragment as rendered, packed here or by the reader thread, across a reopen", () => {
    const file = path.join(dir, "pack");
    const pack = new FragmentPack(file, 0);
    const entries = artifacts.map((a, i) => pack.append(i % 2 ? packArtifact(a) : a));
    expect(entries.map((e) => e.files)).toEqual(artifacts.map((a) => a.files.map((f) => f.path)));
    expect(entries.map((e) => e.text)).toEqual(artifacts.map((a) => a.descriptionText));
    for (const [i, e] of [...entries.entries()].reverse()) expect(pack.read(e)).toEqual(asWritten(artifacts[i]!));
    const size = pack.size;
    pack.close();
    const again = new FragmentPack(file, size);
    for (const [i, e] of entries.entries()) expect(again.read(e)).toEqual(asWritten(artifacts[i]!));
    again.close();
  });

  it("starts a pack as a new file, never an old one truncated in place; reopened, it keeps what it is told to", async () => {
    // ext4 writes back a file truncated to nothing when it is closed, which cost a cold build ~18 ms at its end.
    const file = path.join(dir, "pack");
    await fs.writeFile(file, "a crashed build's bytes");
    const old = await fs.stat(file);
    const keep = await fs.open(file); // holds the old inode, so the new file cannot reuse its number
    const pack = new FragmentPack(file, 0);
    const entry = pack.append(artifacts[0]!);
    const size = pack.size;
    pack.close();
    const fresh = await fs.stat(file);
    await keep.close();
    expect(fresh.ino).not.toBe(old.ino);
    expect(fresh.size).toBe(size);
    await fs.appendFile(file, "a crashed build's tail");
    const reopened = new FragmentPack(file, size);
    expect(reopened.read(entry)).toEqual(asWritten(artifacts[0]!));
    expect(reopened.size).toBe(size);
    reopened.close();
    expect((await fs.stat(file)).ino).toBe(fresh.ino);
  });

  it("gives a page the body and table data as the very bytes of their UTF-8, and the description as text", () => {
    const pack = new FragmentPack(path.join(dir, "pack"), 0);
    const entries = artifacts.map((a) => pack.append(a));
    for (const [i, e] of entries.entries()) {
      const a = asWritten(artifacts[i]!);
      const spliced = pack.readSpliced(e);
      expect(spliced.bodyBytes.map((b) => Buffer.from(b).toString("utf8"))).toEqual(a.bodyParts);
      expect(Buffer.from(spliced.dataBytes).toString("utf8")).toBe(a.data);
      expect([spliced.description, spliced.descriptionText]).toEqual([a.description, a.descriptionText]);
    }
    pack.close();
  });

  it("calls damaged bytes a corrupt cache, whatever the damage", () => {
    const file = path.join(dir, "pack");
    const pack = new FragmentPack(file, 0);
    const entry = pack.append(artifacts[1]!);
    const size = pack.size;
    pack.close();
    const good = packArtifact(artifacts[1]!).bytes;
    const nl = good.indexOf(10);
    const damages: Array<[string, (b: Buffer) => void]> = [
      ["all braces", (b) => b.fill(0x7b)],
      ["no header line", (b) => b.fill(0x20, 0, nl + 1)],
      ["a length one too long", (b) => b.set(Buffer.from(`[${"9".repeat(nl - 2)}]`), 0)],
      ["a length changed", (b) => { b[nl - 2] = b[nl - 2] === 0x31 ? 0x32 : 0x31; }],
      ["a header that is not lengths", (b) => b.set(Buffer.from(`{"a":1}`.padEnd(nl, " ")), 0)],
    ];
    for (const [name, damage] of damages) {
      const bytes = Buffer.from(good);
      damage(bytes);
      const fd = openSync(file, "r+");
      writeSync(fd, bytes, 0, bytes.length, entry.offset);
      closeSync(fd);
      const reopened = new FragmentPack(file, size);
      expect(() => reopened.read(entry), name).toThrow(CorruptCacheError);
      expect(() => reopened.readSpliced(entry), name).toThrow(CorruptCacheError);
      reopened.close();
    }
    // Past the end of the pack.
    const short = new FragmentPack(file, size - 1);
    expect(() => short.read(entry)).toThrow(CorruptCacheError);
    short.close();
  });
});
