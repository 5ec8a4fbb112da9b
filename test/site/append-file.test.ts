/** AppendFile: runs appended, read back by offset from memory or from the file, the same bytes either way. */
import { closeSync, fstatSync, openSync, readFileSync, statSync, writeFileSync, promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppendFile } from "../../src/site/append-file.js";
import { tmpDir } from "../helpers/tmp-store.js";

let dir: string;
beforeEach(async () => {
  dir = await tmpDir("ap-append-");
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** `n` runs of varied sizes (some over a megabyte, so they span chunks), each filled with its own byte. */
function runs(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => Buffer.alloc(i % 7 === 3 ? 1_300_000 + i : 1 + ((i * 7919) % 40_000), i % 251));
}

describe("AppendFile", () => {
  it.each([0, 4 << 20, 1 << 30])("reads back every run, pending or written, with a memory budget of %d bytes", (budget) => {
    const file = path.join(dir, "f.bin");
    const fd = openSync(file, "w+");
    const f = new AppendFile(fd, 0, budget);
    const all = runs(60);
    const at: number[] = [];
    all.forEach((bytes, i) => {
      at.push(f.append(bytes));
      // Read back as we go (pending runs are written first), then all of them again at the end.
      const j = (i * 31) % (i + 1);
      expect(f.read(at[j]!, all[j]!.length)!.equals(all[j]!)).toBe(true);
    });
    all.forEach((bytes, i) => expect(f.read(at[i]!, bytes.length)!.equals(bytes), `run ${i}`).toBe(true));
    // Past the end: nothing.
    expect(f.read(f.end - 1, 2)).toBeUndefined();
    f.close();
    expect(readFileSync(file).equals(Buffer.concat(all))).toBe(true);
  });

  it.each([0, 1 << 30])("reads any range, across runs and chunks, as the bytes appended (budget %d)", (budget) => {
    const fd = openSync(path.join(dir, "r.bin"), "w+");
    const f = new AppendFile(fd, 0, budget);
    const all = runs(40);
    for (const bytes of all) f.append(bytes);
    const whole = Buffer.concat(all);
    let seed = 3;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 0; i < 300; i++) {
      const offset = rand(whole.length - 1);
      const length = 1 + rand(Math.min(whole.length - offset, i % 3 === 0 ? 3_000_000 : 50_000));
      expect(f.read(offset, length)!.equals(whole.subarray(offset, offset + length)), `${offset}+${length}`).toBe(true);
    }
    f.close();
  });

  it("serves written runs from memory within its budget, from the file past it", () => {
    const file = path.join(dir, "f.bin");
    const read = (budget: number) => {
      const f = new AppendFile(openSync(file, "w+"), 0, budget);
      const offset = f.append(Buffer.from("written"));
      f.flush();
      // Changed behind its back: only a read that goes to the file sees it.
      writeFileSync(file, "WRITTEN");
      const got = f.read(offset, 7)!.toString();
      f.close();
      return got;
    };
    expect(read(1 << 20)).toBe("written");
    expect(read(0)).toBe("WRITTEN");
  });

  it("writes nothing while its runs fit in the budget, until flushed; discarded, it never writes them", () => {
    const file = path.join(dir, "f.bin");
    const held = new AppendFile(openSync(file, "w+"), 0, 8 << 20);
    const all = runs(6);
    for (const bytes of all) held.append(bytes);
    held.read(0, 1);
    expect(statSync(file).size).toBe(0);
    held.flush();
    expect(readFileSync(file).equals(Buffer.concat(all))).toBe(true);
    held.close();

    const scratch = new AppendFile(openSync(file, "w+"), 0, 8 << 20);
    for (const bytes of all) scratch.append(bytes);
    scratch.discard();
    expect(statSync(file).size).toBe(0);
    // Over the budget, everything goes to the file as it comes.
    const big = new AppendFile(openSync(file, "w+"), 0, 1 << 20);
    for (const bytes of all) big.append(bytes);
    expect(statSync(file).size).toBeGreaterThan(1 << 20);
    big.discard();
  });

  it("writes its held runs in the background, serving reads from memory meanwhile; closing waits for it", async () => {
    const file = path.join(dir, "f.bin");
    const all = runs(12);
    const f = new AppendFile(openSync(file, "w+"), 0, 64 << 20);
    const at = all.map((bytes) => f.append(bytes));
    f.writeBehind();
    f.writeBehind(); // a second call while the first runs starts nothing
    all.forEach((bytes, i) => expect(f.read(at[i]!, bytes.length)!.equals(bytes)).toBe(true));
    await f.settle();
    expect(readFileSync(file).equals(Buffer.concat(all))).toBe(true);
    // More appended after the background write: close writes those too.
    const more = runs(3);
    for (const bytes of more) f.append(bytes);
    f.close();
    expect(readFileSync(file).equals(Buffer.concat([...all, ...more]))).toBe(true);

    // Closed (or discarded) while the background write is under way: the file is closed once it ends, complete.
    for (const end of ["close", "discard"] as const) {
      const g = new AppendFile(openSync(file, "w+"), 0, 64 << 20);
      for (const bytes of all) g.append(bytes);
      g.writeBehind();
      g[end]();
      await g.settle();
      expect(readFileSync(file).equals(Buffer.concat(all)), end).toBe(true);
    }
  });

  it("closes its file once however often it is closed or discarded, also during a background write", async () => {
    const file = path.join(dir, "f.bin");
    const all = runs(12);
    const f = new AppendFile(openSync(file, "w+"), 0, 64 << 20);
    for (const bytes of all) f.append(bytes);
    // A build that fails while its pack is written behind closes it in its wipe and again in its `finally`.
    f.writeBehind();
    f.close();
    f.close();
    f.discard();
    await f.settle();
    // The deferred closes have run; a second one would have failed (EBADF, unhandled) or closed this new file's number.
    await new Promise((resolve) => setImmediate(resolve));
    const other = openSync(path.join(dir, "other.bin"), "w");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(() => fstatSync(other)).not.toThrow();
    closeSync(other);
    expect(readFileSync(file).equals(Buffer.concat(all))).toBe(true);

    const g = new AppendFile(openSync(file, "w+"), 0, 64 << 20);
    g.append(all[0]!);
    g.close();
    expect(() => g.close()).not.toThrow();
  });

  it("throws a failed background write from settle", async () => {
    const file = path.join(dir, "f.bin");
    writeFileSync(file, "");
    const f = new AppendFile(openSync(file, "r"), 0, 64 << 20);
    f.append(Buffer.from("x".repeat(2 << 20)));
    f.writeBehind();
    await expect(f.settle()).rejects.toMatchObject({ code: "EBADF" });
    f.discard();
  });

  it("reads ahead from the file for reads in append order, and gives the same bytes in any order", () => {
    const file = path.join(dir, "f.bin");
    const f = new AppendFile(openSync(file, "w+"), 0, 0);
    const all = runs(80);
    const at = all.map((bytes) => f.append(bytes));
    f.flush();
    const check = (i: number) => expect(f.read(at[i]!, all[i]!.length)!.equals(all[i]!), `run ${i}`).toBe(true);
    const next = ((seed) => () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % all.length)(3);
    // In order (read ahead, runs spanning a block's end included), backwards, at random, and in order again.
    for (let i = 0; i < all.length; i++) check(i);
    for (let i = all.length - 1; i >= 0; i--) check(i);
    for (let n = 0; n < 200; n++) check(next());
    for (let i = 0; i < all.length; i++) check(i);
    // A read past the end still finds nothing.
    expect(f.read(f.end - 1, 2)).toBeUndefined();
    f.close();
  });

  it("appends after the bytes it keeps, reading those from the file", () => {
    const file = path.join(dir, "f.bin");
    let fd = openSync(file, "w+");
    let f = new AppendFile(fd, 0, 1 << 30);
    const old = Buffer.from("previous build");
    f.append(old);
    f.close();
    fd = openSync(file, "r+");
    f = new AppendFile(fd, old.length, 1 << 30);
    const fresh = Buffer.from("this build");
    const offset = f.append(fresh);
    expect(offset).toBe(old.length);
    expect(f.read(0, old.length)!.toString()).toBe("previous build");
    expect(f.read(offset, fresh.length)!.toString()).toBe("this build");
    f.close();
    expect(() => closeSync(fd)).toThrow();
  });
});
