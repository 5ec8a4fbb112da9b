// `build` as a real process: the summary line, problems on stderr as found, --strict, the pty progress bar, refusals.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, repoRoot } from "../helpers/processes.js";
import { tmpDir } from "../helpers/tmp-store.js";
import { cli, cliTty } from "./run-cli.js";

const DEMO = path.join(repoRoot, "fixtures", "demo");
const BROKEN = path.join(repoRoot, "fixtures", "broken");
const SUMMARY = /^Built (\d+) pages into (.+) \((\d+) files? skipped\) in \d+(\.\d)? (ms|s)\. Open (.+)\/index\.html$/;
let base: string;

beforeAll(async () => {
  await ensureBuilt();
  base = await tmpDir("cli-build-");
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe("artifacts build", () => {
  it("off a terminal prints only the summary line on stdout", async () => {
    const out = path.join(base, "demo-site");
    const r = await cli(["build", "--out", out, "--title", "Demo"], { dir: DEMO });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const m = SUMMARY.exec(r.stdout.trimEnd());
    expect(m, r.stdout).not.toBeNull();
    expect(m![2]).toBe(out);
    expect(m![3]).toBe("0");
    expect(m![6]).toBe(out);
    expect(Number(m![1])).toBeGreaterThan(5);
    expect(await fs.readFile(path.join(out, "index.html"), "utf8")).toContain("Demo");
  });

  it("prints each problem as <path>: <reason>; --strict turns them into exit 1", async () => {
    const [lax, strict] = await Promise.all([
      cli(["build", "--out", path.join(base, "broken-lax")], { dir: BROKEN }),
      cli(["build", "--out", path.join(base, "broken-strict"), "--strict"], { dir: BROKEN }),
    ]);
    expect(lax.code).toBe(0);
    const problems = lax.stderr.trimEnd().split("\n");
    expect(problems.length).toBeGreaterThan(3);
    for (const line of problems) expect(line).toMatch(/^.*fixtures\/broken\/\S+: \S/);
    expect(problems).toContain(`${path.join(BROKEN, "Bad_Key")}: folder name breaks the key rule: a key must only contain lowercase letters, digits and dashes, and start and end with a letter or digit`);
    expect(SUMMARY.exec(lax.stdout.trimEnd())![3]).toBe(String(problems.length));
    expect(strict.code).toBe(1);
    expect(strict.stderr.trimEnd().split("\n").at(-1)).toBe(
      `${problems.length} file(s) of the store were skipped; failing because of --strict`,
    );
  });

  it("a rebuild with nothing changed says so, reports the same problems again and keeps --strict", async () => {
    const out = path.join(base, "broken-again");
    const first = await cli(["build", "--out", out], { dir: BROKEN });
    expect(SUMMARY.test(first.stdout.trimEnd()), first.stdout).toBe(true);
    const again = await cli(["build", "--out", out], { dir: BROKEN });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(first.stderr);
    const m = /^Nothing changed since the last build: (.+) is up to date \((\d+) pages, (\d+) files skipped; checked in \d+(\.\d)? (ms|s)\)\. Open (.+)\/index\.html$/.exec(again.stdout.trimEnd());
    expect(m, again.stdout).not.toBeNull();
    expect([m![1], m![2], m![3]]).toEqual([out, SUMMARY.exec(first.stdout.trimEnd())![1], String(first.stderr.trimEnd().split("\n").length)]);
    const strict = await cli(["build", "--out", out, "--strict"], { dir: BROKEN });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^Nothing changed since the last build/);
  });

  it("on a terminal shows a progress bar, then the summary line", async () => {
    const r = await cliTty(["build", "--out", path.join(base, "tty-site")], { dir: DEMO });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/\[#+-*\]\s+\d+% \d+\/\d+ pages/);
    // The bar's line is cleared (ESC [K) and the summary takes its place as the last line.
    const tail = r.output.slice(r.output.lastIndexOf("\u001b[K") + 3);
    expect(SUMMARY.test(tail.trimEnd()), tail).toBe(true);
  });

  it("--max-file-size: a small cap skips files; a bad value is bad usage", async () => {
    const [small, bad] = await Promise.all([
      cli(["build", "--out", path.join(base, "small"), "--max-file-size", "100B"], { dir: DEMO }),
      cli(["build", "--out", path.join(base, "bad"), "--max-file-size", "lots"], { dir: DEMO }),
    ]);
    expect(small.code).toBe(0);
    expect(small.stderr).toMatch(/over the 100-byte limit/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-file-size");
    expect(bad.stderr.trimEnd().split("\n").at(-1)).toMatch(/^Invalid --max-file-size "lots": give a size in bytes/);
  });

  it("--base-url: absolute links in the feeds and api/latest.json, pages but the 404 page unchanged; a bad value is bad usage", async () => {
    const [plain, based, bad] = await Promise.all([
      cli(["build", "--out", path.join(base, "plain"), "--no-cache"], { dir: DEMO }),
      cli(["build", "--out", path.join(base, "based"), "--no-cache", "--base-url", "https://ci.example.com/reports"], { dir: DEMO }),
      cli(["build", "--out", path.join(base, "bad-base"), "--base-url", "javascript:alert(1)"], { dir: DEMO }),
    ]);
    expect([plain.code, based.code]).toEqual([0, 0]);
    const feed = await fs.readFile(path.join(base, "based", "keys", "gtm-report", "feed.xml"), "utf8");
    expect(feed).toContain(`<link rel="self" type="application/atom+xml" href="https://ci.example.com/reports/keys/gtm-report/feed.xml"/>`);
    expect(await fs.readFile(path.join(base, "plain", "keys", "gtm-report", "feed.xml"), "utf8")).toContain(`href="feed.xml"/>`);
    const api = JSON.parse(await fs.readFile(path.join(base, "based", "api", "latest.json"), "utf8"));
    expect(api.keys[0].url).toBe(`https://ci.example.com/reports/${api.keys[0].page}`);
    for (const page of ["index.html", "keys/gtm-report/index.html"]) {
      expect(await fs.readFile(path.join(base, "based", page), "utf8")).toBe(await fs.readFile(path.join(base, "plain", page), "utf8"));
    }
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd().split("\n").at(-1)).toMatch(/^Invalid --base-url "javascript:alert\(1\)": give an absolute http: or https: URL/);
    await expect(fs.stat(path.join(base, "bad-base"))).rejects.toThrow();
  });

  it("refuses an --out it must not replace: the message, exit 1, the folder untouched", async () => {
    const out = path.join(base, "precious");
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, "thesis.txt"), "mine");
    const r = await cli(["build", "--out", out], { dir: DEMO });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/refusing to replace it\.\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await fs.readdir(out)).toEqual(["thesis.txt"]);
  });
});
