/** `--out` handling: what the build refuses to replace, that it replaces a site as a whole, and never writes elsewhere. */
import { createHash } from "node:crypto";
import { spawn, spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BuildError } from "../../src/errors.js";
import { buildSite } from "../../src/site/build.js";
import { MARKER_FILE } from "../../src/site/paths.js";
import { listFiles, tmpDir } from "../helpers/tmp-store.js";
import { FIXTURES } from "./site-helpers.js";

let base: string;
let store: string;
beforeEach(async () => {
  base = await tmpDir("artifact-press-out-");
  store = path.join(base, "store");
  await fs.cp(path.join(FIXTURES, "demo"), store, { recursive: true });
});
afterEach(() => fs.rm(base, { recursive: true, force: true }));

async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await listFiles(root)) out[f] = createHash("sha256").update(await fs.readFile(path.join(root, f))).digest("hex");
  return out;
}

describe("--out", () => {
  it("refuses a non-empty folder that no build made, and leaves it alone", async () => {
    const out = path.join(base, "mine");
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, "thesis.tex"), "precious");
    await expect(buildSite({ dir: store, out })).rejects.toThrow(BuildError);
    await expect(buildSite({ dir: store, out })).rejects.toThrow(/not empty and was not made by a previous build/);
    expect(await listFiles(base).then((f) => f.filter((x) => !x.startsWith("store/")))).toEqual(["mine/thesis.tex"]);
  });

  it.each([
    ["is the store", (s: string) => s],
    ["lies inside the store", (s: string) => path.join(s, "site")],
    ["contains the store", (s: string) => path.dirname(s)],
  ])("refuses an --out that %s", async (_, outOf) => {
    const before = await tree(base);
    await expect(buildSite({ dir: store, out: outOf(store) })).rejects.toThrow(/is, contains or lies inside the store/);
    expect(await tree(base)).toEqual(before);
  });

  it("refuses an --out that reaches the store through a symlink", async () => {
    const link = path.join(base, "link-to-store");
    await fs.symlink(store, link);
    await expect(buildSite({ dir: store, out: path.join(link, "site") })).rejects.toThrow(BuildError);
  });

  it("refuses a file as --out", async () => {
    const out = path.join(base, "file.html");
    await fs.writeFile(out, "x");
    await expect(buildSite({ dir: store, out })).rejects.toThrow(/not a folder/);
  });

  it("replaces a previous build as a whole: no stale file survives, the marker is there", async () => {
    const out = path.join(base, "site");
    await buildSite({ dir: store, out });
    await fs.writeFile(path.join(out, "stale.html"), "old");
    await fs.rm(path.join(store, "gif"), { recursive: true });
    await buildSite({ dir: store, out });
    const files = await listFiles(out);
    expect(files).not.toContain("stale.html");
    expect(files).not.toContain("keys/gif/index.html");
    expect(files).toContain(MARKER_FILE);
    expect(files.some((f) => f.startsWith("assets/img/"))).toBe(false);
  });

  it("builds into an empty folder, and a failed build leaves the previous site intact with no temp folder", async () => {
    const out = path.join(base, "site");
    await fs.mkdir(out);
    await buildSite({ dir: store, out });
    const before = await tree(out);
    await expect(buildSite({ dir: path.join(base, "no-such-store"), out })).rejects.toThrow(/does not exist/);
    expect(await tree(out)).toEqual(before);
    expect((await fs.readdir(base)).sort()).toEqual(["site", "store"]);
  });

  it("sweeps the temp folders of killed builds into the same --out, and only those", async () => {
    const out = path.join(base, "site");
    // A pid that is certainly gone: a child that already exited. A live one: a child still sleeping.
    const dead = spawnSync("true").pid;
    const sleeper = spawn("sleep", ["30"]);
    try {
      const stale = [`.site.building-${dead}-0123456789ab`, `.site.building-${dead}-0123456789ab.old`];
      const kept = [`.site.building-${sleeper.pid}-0123456789ab`, ".site.building-notapid", `.other.building-${dead}-0123456789ab`];
      for (const name of [...stale, ...kept]) {
        await fs.mkdir(path.join(base, name));
        await fs.writeFile(path.join(base, name, "index.html"), "half a site");
      }
      await buildSite({ dir: store, out, cache: false });
      const left = (await fs.readdir(base)).filter((n) => n.startsWith("."));
      expect(left.sort()).toEqual([...kept].sort());
      expect(await fs.readFile(path.join(out, "index.html"), "utf8")).toContain("<html");
    } finally {
      sleeper.kill();
    }
  });

  it("never writes outside --out nor into the store", async () => {
    const out = path.join(base, "deep", "site");
    const storeBefore = await tree(store);
    await buildSite({ dir: store, out });
    expect(await tree(store)).toEqual(storeBefore);
    expect((await fs.readdir(base)).sort()).toEqual(["deep", "store"]);
    expect(await fs.readdir(path.join(base, "deep"))).toEqual(["site"]);
  });
});

describe("symlinks in the store", () => {
  it("are reported and never followed out of the store", async () => {
    const secret = path.join(base, "secret");
    await fs.mkdir(secret);
    await fs.cp(path.join(store, "gtm-report"), path.join(secret, "gtm-report"), { recursive: true });
    await fs.writeFile(path.join(secret, "SECRET.gif"), "GIF89a SECRET");
    // A symlinked key folder, a symlinked version file, a symlinked image.
    await fs.symlink(path.join(secret, "gtm-report"), path.join(store, "linked-key"));
    const [version] = await fs.readdir(path.join(secret, "gtm-report"));
    await fs.mkdir(path.join(store, "other"));
    await fs.symlink(path.join(secret, "gtm-report", version!), path.join(store, "other", version!));
    const gifDir = path.join(store, "gif");
    const image = (await fs.readdir(gifDir)).find((f) => f.endsWith(".gif"))!;
    await fs.rm(path.join(gifDir, image));
    await fs.symlink(path.join(secret, "SECRET.gif"), path.join(gifDir, image));
    const out = path.join(base, "site");
    const result = await buildSite({ dir: store, out });
    const reasons = result.problems.map((p) => `${path.relative(store, p.path)}: ${p.reason}`);
    expect(reasons.some((r) => r.startsWith("linked-key") && /symbolic link/.test(r))).toBe(true);
    expect(reasons.some((r) => r.startsWith(`other/${version}`) && /symbolic link/.test(r))).toBe(true);
    expect(reasons.some((r) => r.includes(image))).toBe(true);
    for (const f of await listFiles(out)) expect(await fs.readFile(path.join(out, f), "utf8"), f).not.toContain("SECRET");
  });
});
