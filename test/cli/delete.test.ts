// `delete` as real processes: refusals off a terminal, --yes, by id, and the confirmation prompt on a real pty.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureBuilt } from "../helpers/processes.js";
import { listFiles, tmpDir } from "../helpers/tmp-store.js";
import { cli, cliTty, makeRecord, uuid, writeRecord } from "./run-cli.js";

let base: string;
let dir: string;

beforeAll(ensureBuilt);
beforeEach(async () => {
  base = await tmpDir("cli-delete-");
  dir = path.join(base, "store");
  await writeRecord(dir, makeRecord({ n: 1, key: "alpha", type: "markdown", data: "old", created: "2026-11-26T10:00:00.000Z" }));
  await writeRecord(dir, makeRecord({ n: 2, key: "alpha", type: "markdown", data: "new", created: "2026-11-26T11:00:00.000Z" }));
  await writeRecord(dir, makeRecord({ n: 3, key: "beta", type: "progress", data: 5, created: "2026-11-26T11:00:00.000Z" }));
  await writeRecord(dir, makeRecord({ n: 4, type: "progress", data: 7, created: "2026-11-26T11:30:00.000Z" }));
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const ALL = [
  "_unkeyed/2026-11-26T11-30-00.000Z.json",
  "alpha/2026-11-26T10-00-00.000Z.json",
  "alpha/2026-11-26T11-00-00.000Z.json",
  "beta/2026-11-26T11-00-00.000Z.json",
];

describe("artifacts delete, off a terminal", () => {
  it("refuses without --yes (bad usage, exit 2) and deletes nothing", async () => {
    const r = await cli(["delete", "alpha"], { dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("--yes");
    expect(r.stderr.trimEnd().split("\n").at(-1)).toBe(
      "Refusing to delete 2 artifact(s) with key 'alpha' without confirmation: stdin is not a terminal; pass --yes",
    );
    expect(await listFiles(dir)).toEqual(ALL);
  });

  it("--yes deletes every version of the key and its folder", async () => {
    const r = await cli(["delete", "alpha", "--yes"], { dir });
    expect(r).toEqual({ code: 0, stdout: "Deleted 2 artifact(s) with key 'alpha'.\n", stderr: "" });
    expect(await listFiles(dir)).toEqual([ALL[0], ALL[3]]);
    expect(await fs.readdir(dir)).not.toContain("alpha");
  });

  it("--id deletes one artifact; the previous version becomes the latest", async () => {
    const r = await cli(["delete", "--id", uuid(2), "-y"], { dir });
    expect(r).toEqual({ code: 0, stdout: `Deleted artifact ${uuid(2)} (key 'alpha').\n`, stderr: "" });
    const ls = await cli(["ls", "--json"], { dir });
    expect((JSON.parse(ls.stdout) as { id: string }[]).map((x) => x.id)).toEqual([uuid(1), uuid(3)]);
    const unkeyed = await cli(["delete", "--id", uuid(4), "--yes"], { dir });
    expect(unkeyed.stdout).toBe(`Deleted the unkeyed artifact ${uuid(4)}.\n`);
  });

  it("unknown key or id: not found, exit 1; both or neither of key and --id: exit 2 with help", async () => {
    const [key, id, both, neither] = await Promise.all([
      cli(["delete", "nope", "--yes"], { dir }),
      cli(["delete", "--id", uuid(99), "--yes"], { dir }),
      cli(["delete", "alpha", "--id", uuid(1), "--yes"], { dir }),
      cli(["delete", "--yes"], { dir }),
    ]);
    expect(key).toEqual({ code: 1, stdout: "", stderr: "Artifact 'nope' not found.\n" });
    expect(id).toEqual({ code: 1, stdout: "", stderr: `Artifact with id '${uuid(99)}' not found.\n` });
    for (const r of [both, neither]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("artifacts delete [key]");
      expect(r.stderr).toContain("--id");
    }
    expect(both.stderr.trimEnd().split("\n").at(-1)).toBe("Give a key or --id <id>, not both");
    expect(neither.stderr.trimEnd().split("\n").at(-1)).toBe("Give the key to delete, or --id <id>");
    expect(await listFiles(dir)).toEqual(ALL);
  });
});

describe("artifacts delete, on a terminal", () => {
  it("asks; no and an empty answer keep the data, y deletes", async () => {
    const question = "Are you sure you want to delete 2 artifact(s) with key 'alpha'? [y/N]";
    for (const answer of ["n\n", "\n"]) {
      const r = await cliTty(["delete", "alpha"], { dir, input: answer });
      expect(r.code).toBe(1);
      expect(r.output).toContain(question);
      expect(r.output).toContain("Deletion aborted; nothing was deleted.");
      expect(await listFiles(dir)).toEqual(ALL);
    }
    const yes = await cliTty(["delete", "alpha"], { dir, input: "y\n" });
    expect(yes.code).toBe(0);
    expect(yes.output).toContain(question);
    expect(yes.output).toContain("Deleted 2 artifact(s) with key 'alpha'.");
    expect(await listFiles(dir)).toEqual([ALL[0], ALL[3]]);
  });

  it("asks about one artifact by id", async () => {
    const r = await cliTty(["delete", "--id", uuid(3)], { dir, input: "yes\n" });
    expect(r.code).toBe(0);
    expect(r.output).toContain(`Are you sure you want to delete artifact ${uuid(3)} (key 'beta')? [y/N]`);
    expect(await listFiles(dir)).toEqual(ALL.slice(0, 3));
  });
});
