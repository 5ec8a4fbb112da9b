// Ids that are not UUIDs are bad usage (exit 2, nothing touched); JSON output cannot steer the terminal.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../helpers/processes.js";
import { listFiles, tmpDir } from "../helpers/tmp-store.js";
import { cli, makeRecord, writeRecord } from "./run-cli.js";

let base: string;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  base = await tmpDir("cli-hostile-");
  dir = path.join(base, "store");
  // C1 CSI, a right-to-left override and an ESC: what a hand-edited record could carry.
  await writeRecord(dir, makeRecord({ n: 1, key: "alpha", type: "markdown", data: "a\u009b31mb\u202ec\u001b[2J", created: "2026-11-26T10:00:00.000Z" }));
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe("hostile input to the CLI", () => {
  it("a path-like id is bad usage for delete --id and update-progress, and changes nothing", async () => {
    const before = await listFiles(dir);
    const [del, upd] = await Promise.all([
      cli(["delete", "--id", "../../x", "--yes"], { dir }),
      cli(["update-progress", "../x", "5"], { dir }),
    ]);
    expect(del.code).toBe(2);
    expect(del.stderr.trimEnd().split("\n").at(-1)).toBe('Invalid --id "../../x": an artifact id is a UUID');
    expect(upd.code).toBe(2);
    expect(upd.stderr).toContain("artifacts update-progress <id> <progress>");
    expect(upd.stderr.trimEnd().split("\n").at(-1)).toBe('Invalid id "../x": an artifact id is a UUID');
    expect(await listFiles(dir)).toEqual(before);
  });

  it("--json escapes C0, C1 and bidi controls, and stays valid JSON with the text intact", async () => {
    for (const args of [["ls", "--json"], ["inspect", "alpha", "--json"]]) {
      const r = await cli(args, { dir });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(r.stdout).toContain("\\u009b31mb\\u202ec\\u001b[2J");
      const parsed = JSON.parse(r.stdout) as { data: string }[];
      expect(parsed[0]!.data).toBe("a\u009b31mb\u202ec\u001b[2J");
    }
  });
});
